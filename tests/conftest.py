"""Configuração comum dos testes: nenhum teste pode deixar um processo vivo."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "livro"))  # gerar_toc
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "livro" / "_ext"))  # ajustes_livro

import multiprocessing  # noqa: E402
import multiprocessing.forkserver  # noqa: E402
import multiprocessing.resource_tracker  # noqa: E402

from apoio import RAIZ, marcar_sessao, pasta_da_execucao, travar_arquivo, vigiar_processos  # noqa: E402
from livro_apoio import construir_livro  # noqa: E402

# O servidor do forkserver e o rastreador de recursos são ajudantes do próprio pytest, criados uma
# vez e vivos até o fim: sobem antes de qualquer teste para não serem tomados por vazamentos, e
# depois da marca da sessão, para que o que o forkserver criar (mesmo órfão) seja reconhecido.
marcar_sessao()
multiprocessing.resource_tracker.ensure_running()
if "forkserver" in multiprocessing.get_all_start_methods():
    multiprocessing.forkserver.ensure_running()


@pytest.fixture(autouse=True)
def _sem_processos_restantes():
    """Todo teste roda vigiado: o que ele criou e deixou vivo é morto e o teste falha."""
    with vigiar_processos():
        yield


@pytest.fixture(params=("fork", "spawn", "forkserver"))
def metodo(request):
    """Torna o método de início o padrão global durante o teste, e restaura o anterior no fim."""
    anterior = multiprocessing.get_start_method()
    multiprocessing.set_start_method(request.param, force=True)
    yield request.param
    multiprocessing.set_start_method(anterior, force=True)


#: Prazo próprio do livro: esperar a trava (outro processo do xdist construindo) e construir, somados.
PRAZO_LIVRO = 1500


@pytest.fixture(scope="session")
def livro(tmp_path_factory) -> Path:
    """O livro construído uma vez por execução da suíte, mesmo com vários processos do xdist: o
    primeiro que chega constrói numa pasta comum, sob uma trava de arquivo; os outros esperam e
    reusam. Esperar e construir cabem juntos em ``PRAZO_LIVRO`` segundos; o teste que pede o livro
    ganha esse tempo a mais no seu limite (veja ``pytest_collection_modifyitems``)."""
    pronto = os.environ.get("PROCESSOS_LIVRO_PRONTO")  # um livro já construído (ex.: livro/_build/html)
    if pronto:
        return Path(pronto)
    fim = time.monotonic() + PRAZO_LIVRO
    comum = pasta_da_execucao(tmp_path_factory)
    saida = comum / "livro-comum"
    feito, falhou = saida / "construido", saida / "falhou"
    with open(comum / "livro.trava", "w") as trava:
        travar_arquivo(trava, fim, f"a trava do livro não foi liberada em {PRAZO_LIVRO} s")
        try:
            if falhou.exists():  # outro processo já tentou e falhou: não tenta de novo
                pytest.fail(falhou.read_text(encoding="utf-8"), pytrace=False)
            if not feito.exists():
                shutil.rmtree(saida, ignore_errors=True)
                saida.mkdir()
                try:
                    proc = construir_livro(
                        RAIZ, RAIZ / "livro" / "_config.yml", RAIZ / "livro" / "_toc.yml", saida,
                        prazo=max(1.0, fim - time.monotonic()),
                    )
                    problema = None if proc.returncode == 0 else proc.stdout[-3000:] + proc.stderr[-3000:]
                except subprocess.TimeoutExpired as erro:
                    problema = f"a construção do livro passou de {erro.timeout:.0f} s e foi encerrada"
                if problema:
                    falhou.write_text(problema, encoding="utf-8")
                    pytest.fail(problema, pytrace=False)
                feito.write_text("ok")
        finally:
            fcntl.flock(trava, fcntl.LOCK_UN)
    return saida / "_build" / "html"


#: Prazo próprio da turma corrigida em segundo plano (tests/turma_apoio.py): esperar por ela.
PRAZO_TURMA = 2400


def _pasta_da_turma(tmp_path_factory) -> Path:
    pronta = os.environ.get("PROCESSOS_TURMA_PRONTA")  # uma turma já corrigida (para depurar os testes)
    return Path(pronta) if pronta else pasta_da_execucao(tmp_path_factory) / "turma-comum"


def _pytest_principal() -> int:
    """O pid do pytest que coordena a execução (o controlador do xdist, ou este processo)."""
    return os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid()


@pytest.fixture(scope="session")
def turma(tmp_path_factory) -> dict:
    """A turma de todos os exercícios corrigida UMA vez por execução pelo corretor completo (veja
    tests/turma_apoio.py): iniciada em segundo plano na coleta, esperada aqui."""
    import turma_apoio

    pasta = _pasta_da_turma(tmp_path_factory)
    if not os.environ.get("PROCESSOS_TURMA_PRONTA"):
        turma_apoio.iniciar(pasta, _pytest_principal())
    try:
        return turma_apoio.esperar(pasta, PRAZO_TURMA)
    except AssertionError as erro:
        pytest.fail(str(erro), pytrace=False)


#: Os testes de mais relógio na suíte (medidos com TESTES_CPU e ferramentas/cpu_da_suite.py), do mais
#: longo para o menos: vão para o começo da fila. Um trecho do nodeid basta.
DEMORADOS = (
    "test_corpus_repeticao.py",
    "test_ambiente.py::test_venv_pela_metade_ou_quebrado_e_refeito",
    "test_isolamento.py::test_bench_mede_com_e_sem_sandbox",
    # Só um dos testes do fixture dos cursos no começo: os outros esperariam por ele, parados, cada um
    # num processo do xdist (em ci15, três processos esperaram 6 min).
    "test_cursos.py::test_notas_por_celula_e_saidas_iguais_as_do_nbgrader_puro[ps1",
    # O corpus de trapaças é corrigido uma vez por execução (uma trava de arquivo): só um dos testes que
    # o pedem no começo; os outros, no meio da fila, o encontram pronto.
    "test_trapacas.py::test_a_solucao_correta_no_sandbox",
    "test_navegador.py::test_livro_cada_pagina_carrega",
    "test_corrigir.py::test_retomar_depois_de_matar_no_meio",
    "test_ambiente.py::test_venv_de_outro_python_e_refeito",
    "test_corrigir.py::test_entradas_ruins_tem_status_proprio",
    "test_ex06_terminal.py",
    "test_corrigir.py",
    "test_lms_corrigir.py",
    "test_edicao_aluno.py",
)
#: Testes que passam a maior parte do tempo esperando (prazos, impasses cortados em segundos): na fila,
#: vão intercalados com os outros, para a espera de uns correr junto com o CPU dos outros.
ESPERAM = ("test_corpus.py::test_nota_exata_por_celula",)


def _ordem_na_fila(item) -> tuple[int, int]:
    """A chave de ordenação estável da fila: demorados primeiro, na ordem de ``DEMORADOS``; depois o
    resto, na ordem da coleta; os que pedem a turma por último."""
    if "turma" in item.fixturenames:
        return (2, 0)
    for posicao, trecho in enumerate(DEMORADOS):
        if trecho in item.nodeid:
            return (0, posicao)
    return (1, 0)


def _intercalar(a: list, b: list) -> list:
    """Os itens de ``a`` e ``b`` misturados na proporção dos tamanhos, cada lista na sua ordem."""
    if not a or not b:
        return a + b
    return [item for _, item in sorted([((k + 0.5) / len(a), x) for k, x in enumerate(a)] +
                                       [((k + 0.5) / len(b), x) for k, x in enumerate(b)], key=lambda par: par[0])]


def pytest_collection_modifyitems(config, items):
    """O limite do pytest-timeout conta também a preparação dos fixtures: o teste que pede o livro
    ou a turma (direto ou por outro fixture) ganha ``PRAZO_LIVRO``/``PRAZO_TURMA`` a mais, e só ele.
    A construção em si é limitada pelo prazo próprio do fixture. A turma começa a ser corrigida já
    aqui, em segundo plano, quando algum teste coletado a pede, e os testes que a pedem vão para o
    fim da fila."""
    padrao = float(config.getini("timeout") or 0)
    pede_turma = False
    for item in items:
        extra = PRAZO_LIVRO if "livro" in item.fixturenames else 0
        if "turma" in item.fixturenames:
            extra, pede_turma = extra + PRAZO_TURMA, True
        if not extra:
            continue
        marca = item.get_closest_marker("timeout")
        atual = float(marca.kwargs.get("timeout", marca.args[0] if marca.args else padrao)) if marca else padrao
        if atual > 0:
            item.add_marker(pytest.mark.timeout(atual + extra), append=False)
    # Os mais demorados primeiro (o xdist distribui na ordem da fila: um teste longo que sai no fim
    # deixaria os outros processos parados esperando por ele) e os testes da turma por último: até lá
    # ela foi corrigida em segundo plano, enquanto os outros rodavam.
    items[:] = sorted(items, key=_ordem_na_fila)
    meio = [i for i in items if _ordem_na_fila(i)[0] == 1]
    if meio:
        esperam = [i for i in meio if any(t in i.nodeid for t in ESPERAM)]
        outros = [i for i in meio if not any(t in i.nodeid for t in ESPERAM)]
        comeco = items.index(meio[0])
        items[comeco: comeco + len(meio)] = _intercalar(esperam, outros)
    # O xdist (--maxschedchunk 1, no Makefile) começa dando 2 testes seguidos da fila a cada processo:
    # os 2n primeiros vão intercalados (o 1º com o (n+1)-ésimo...), para nenhum processo pegar os dois
    # mais longos.
    n = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0)
    if n > 1 and len(items) >= 2 * n:
        primeiros = items[: 2 * n]
        items[: 2 * n] = [item for par in zip(primeiros[:n], primeiros[n:]) for item in par]
    if pede_turma and not config.option.collectonly and not os.environ.get("PROCESSOS_TURMA_PRONTA"):
        import turma_apoio

        turma_apoio.iniciar(_pasta_da_turma(config._tmp_path_factory), _pytest_principal())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Guarda o resultado de cada fase no item (os fixtures de navegador tiram foto quando falha)."""
    resultado = yield
    relatorio = resultado.get_result()
    setattr(item, f"relatorio_{relatorio.when}", relatorio)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Com ``TESTES_CPU=arquivo``, anota por teste (preparação, chamada e limpeza juntas) o tempo de
    relógio e o de CPU do processo do pytest e dos filhos que ele esperou (``os.times``): é assim
    que se acha o que pesa na suíte numa máquina de 2 núcleos (ferramentas/cpu_da_suite.py resume)."""
    destino = os.environ.get("TESTES_CPU")
    if not destino:
        yield
        return
    antes, relogio = os.times(), time.monotonic()
    yield
    depois = os.times()
    cpu = sum(depois[i] - antes[i] for i in range(4))
    import json

    fases = [getattr(item, f"relatorio_{fase}", None) for fase in ("setup", "call", "teardown")]
    resultado = next((f"{r.when}: {r.outcome}" for r in fases if r is not None and r.outcome != "passed"), "passed")
    with open(destino, "a", encoding="utf-8") as arquivo:
        arquivo.write(json.dumps({"teste": item.nodeid, "cpu": round(cpu, 2), "resultado": resultado,
                                  "relogio": round(time.monotonic() - relogio, 2)}) + "\n")
