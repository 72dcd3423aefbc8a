"""As correções da issue 13 nas aulas 01–08, conferidas pelo comportamento (e pelo texto, onde é texto)."""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import shutil
import subprocess
import sys
import time

import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula01_processos as aula01  # noqa: E402
import aula02_cpu as aula02  # noqa: E402
import aula03_comunicacao as aula03  # noqa: E402
import aula04_pingpong as aula04  # noqa: E402
import curso_comum  # noqa: E402

FORK = "fork" in multiprocessing.get_all_start_methods()


def _texto(nome: str) -> str:
    nb = json.loads((NOTEBOOKS / nome).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"])


def _aulas() -> dict[str, str]:
    return {p.name: _texto(p.name) for p in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))}


# ---- aula 01: fork, pickle, custo, aquecimento -------------------------------------------------


@pytest.mark.skipif(not FORK, reason="fork só existe no Unix")
def test_fork_nao_copia_as_threads_e_a_trava_fica_ocupada_no_filho():
    r = aula01.fork_com_thread_segurando_trava(prazo=0.5)
    assert r["threads_no_pai"] >= 2
    assert r["threads_no_filho"] == 1
    assert r["trava_ocupada_no_filho"] is True
    assert r["conseguiu"] is False
    assert r["pai_readquire"] is True
    if sys.version_info >= (3, 12):
        assert any("multi-threaded" in a for a in r["avisos"]), r["avisos"]
    else:
        assert r["avisos"] == []


@pytest.mark.parametrize("metodo", METODOS)
def test_pools_serializam_a_tarefa_com_qualquer_metodo(metodo):
    r = aula01.quem_serializa(metodo)
    assert r["Pool"].startswith("TypeError") and "pickle" in r["Pool"]
    assert r["ProcessPoolExecutor"].startswith("TypeError") and "pickle" in r["ProcessPoolExecutor"]
    if metodo == "fork":
        assert r["Process"] == "funcionou, soma = 6"
    else:
        assert r["Process"].startswith("TypeError")


@pytest.mark.parametrize("metodo", METODOS)
def test_um_submit_aquece_um_trabalhador_so_sob_demanda_e_aquecer_aquece_todos(metodo):
    r = aula01.trabalhadores_criados(metodo, trabalhadores=2)
    assert r["depois de aquecer"] == 2
    assert r["depois de um submit"] == (2 if metodo == "fork" else 1)


def test_custo_de_criar_mede_thread_e_cada_metodo():
    custos = aula01.custo_de_criar(vezes=2)
    assert set(custos) == {"thread", *multiprocessing.get_all_start_methods()}
    assert all(c > 0 for c in custos.values())
    if "spawn" in custos:
        assert custos["thread"] < custos["spawn"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a afirmação é sobre o Linux")
def test_metodo_padrao_no_linux_e_fork_ate_o_313_e_forkserver_no_314():
    esperado = "forkserver" if sys.version_info >= (3, 14) else "fork"
    assert aula01.metodo_padrao_deste_python() == esperado


def test_interpretador_diz_se_tem_gil():
    texto = aula01.interpretador()
    assert sys.version.split()[0] in texto
    assert ("com GIL" in texto) == (not curso_comum.build_sem_gil())


def test_nucleos_respeita_a_afinidade():
    n = curso_comum.nucleos()
    assert 1 <= n <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):
        assert n == len(os.sched_getaffinity(0))


@pytest.mark.skipif(shutil.which("ps") is None, reason="sem ps")
def test_ps_com_opcoes_posix_mostra_o_processo():
    saida = subprocess.run(["ps", "-o", "pid,ppid,stat,args", "-p", str(os.getpid())],
                           capture_output=True, text=True, timeout=30)
    assert saida.returncode == 0
    assert str(os.getpid()) in saida.stdout


# ---- aula 02 -----------------------------------------------------------------------------------


def test_escalabilidade_ate_o_dobro_dos_nucleos_com_a_linha_dos_nucleos():
    import matplotlib

    matplotlib.use("Agg")
    medidas = aula02.medir_escalabilidade(20_000, 4)
    assert [m["processos"] for m in medidas] == [1, 2, 3, 4]
    fig = aula02.grafico_escalabilidade(medidas, nucleos=2)
    legendas = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "núcleos (2)" in legendas


def test_aquecer_cria_todos_os_trabalhadores_antes_da_medida(metodo):
    # Com spawn/forkserver o pool cria trabalhadores sob demanda: depois de aquecer(), os dois já têm
    # de existir (quem executa cada tarefa depois é escolha do pool, e não é o que se confere aqui).
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(metodo)) as executor:
        assert executor._processes is None or len(executor._processes) == 0
        pids = curso_comum.aquecer(executor, 2)
        assert len(executor._processes) == 2
        assert pids <= set(executor._processes) and os.getpid() not in pids
    _, registros = aula02.executar(0, 40_000, 2)
    assert {r["pid"] for r in registros}.isdisjoint({os.getpid()})


# ---- aula 03: empty() ---------------------------------------------------------------------------


@pytest.mark.parametrize("metodo", METODOS)
def test_laco_do_slide_com_empty_perde_itens_de_filhos_lentos(metodo):
    ctx = multiprocessing.get_context(metodo)
    q = ctx.Queue()
    # os filhos dormem 2 s antes do put: o laço só leria os quatro se o pai parasse mais que isso
    processos = [ctx.Process(target=aula03.funcao_demorada, args=(q, 2.0)) for _ in range(4)]
    for p in processos:
        p.start()
    lidos = []
    while not q.empty():
        lidos.append(q.get(timeout=10))
    resto = [q.get(timeout=30) for _ in range(4 - len(lidos))]
    for p in processos:
        p.join(timeout=30)
    assert len(lidos) < 4
    assert len(lidos) + len(resto) == 4


# ---- aula 04: Event × recv() --------------------------------------------------------------------


def test_event_nao_acorda_recv_bloqueado_mas_poll_sim(metodo):
    r = aula04.event_acorda_recv(prazo=2.0)  # o do poll(0.1) sai em ~0,1 s; 2 s de folga para a carga
    assert r["recv() sem prazo"]["vivo_depois_do_prazo"] is True
    assert r["poll(0.1) + evento"]["vivo_depois_do_prazo"] is False


# ---- aula 08: Server.create segura um mutex ----------------------------------------------------


def test_duas_primeiras_chamadas_simultaneas_recebem_o_mesmo_objeto(metodo):
    from apoio_correcoes import Preguicoso, pedir_em_paralelo

    chave = secrets.token_bytes(32)
    servidor = Preguicoso(address=("127.0.0.1", 0), authkey=chave)
    servidor.start()
    try:
        inicio = time.monotonic()
        ids = pedir_em_paralelo(servidor.address, chave, "ana")
        duracao = time.monotonic() - inicio
    finally:
        servidor.shutdown()
    assert len(ids) == 2
    assert ids[0] == ids[1]          # uma fila só: a segunda chamada esperou a primeira
    assert duracao >= 0.3


# ---- o texto das aulas ---------------------------------------------------------------------------


def test_forkserver_nao_e_descrito_como_interpretador_novo():
    for nome, texto in _aulas().items():
        for paragrafo in texto.split("\n\n"):
            if "forkserver" in paragrafo and "interpretador novo" in paragrafo:
                assert "servidor" in paragrafo and "cópia" in paragrafo, (nome, paragrafo)


def test_linguagem_das_aulas():
    textos = _aulas()
    tudo = "\n".join(textos.values())
    for proibido in ("Requisição executada", "(revisto)", "Mostrar, não afirmar", "cada uma \"seção crítica\"",
                     "Ola pong", "Ola ping", "travar", "travou", "que então trava", "nunca trava"):
        assert proibido not in tudo, proibido
    assert "Ola " not in " ".join(m for _, m in aula04.ROTEIRO_PADRAO)
    primeira = textos["01-Processos-Threads-e-o-GIL.ipynb"].split("\n\n")[1]
    assert primeira.count("(00-Indice.ipynb)") == 1, primeira
    assert "**CPU-bound**, isto é" in textos["01-Processos-Threads-e-o-GIL.ipynb"]
    assert "**prazo** (tempo limite)" in textos["01-Processos-Threads-e-o-GIL.ipynb"]


def test_aula01_corrige_fork_gil_e_portabilidade():
    t = _texto("01-Processos-Threads-e-o-GIL.ipynb")
    assert "--ppid" in t and "GNU" in t          # a ressalva, não o uso
    assert '"--ppid"' not in t
    assert "kill()` é o mesmo que `terminate()`" in t
    assert "free-threaded" in t and "PEP 703" in t and "PEP 779" in t
    assert "até o Python 3.13" in t
    assert "DeprecationWarning" in t


def test_aula07_fala_da_chave_e_do_soquete_local():
    t = _texto("07-Managers.ipynb")
    assert "authkey" in t and "soquete local" in t
    assert "qualquer processo que saiba o endereço (até pela rede)" not in t


def test_comentario_do_basemanager_nao_diz_mais_que_criariam_duas_filas():
    fonte = (NOTEBOOKS / "aula08_basemanager.py").read_text(encoding="utf-8")
    assert "criariam duas filas" not in fonte
    assert "Server.create" in fonte and "mutex" in fonte
