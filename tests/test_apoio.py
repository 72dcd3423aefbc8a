"""Testes do próprio apoio: a vigilância de processos pega quem fica para trás."""

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from xml.etree import ElementTree

import orfaos_apoio
import psutil
import pytest
from apoio import (
    VARIAVEL_MARCA,
    VARIAVEL_MARCA_SESSAO,
    ajudantes_do_multiprocessing,
    encerrar,
    vigiar_processos,
    vivos,
)


def test_vigilancia_mata_e_acusa_processo_deixado_vivo():
    with pytest.raises(AssertionError, match="processos deixados vivos"):
        with vigiar_processos(tolerancia=0.5):
            proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert not psutil.pid_exists(proc.pid) or psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE
    proc.wait(timeout=5)


def test_vigilancia_acha_orfao_que_mudou_de_sessao():
    codigo = (
        "import os, subprocess, sys;"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], start_new_session=True);"
        "os._exit(0)"
    )
    with pytest.raises(AssertionError, match="processos deixados vivos"):
        with vigiar_processos(tolerancia=0.5):
            subprocess.run([sys.executable, "-c", codigo], check=True, timeout=30)


def test_vigilancia_aceita_processo_que_terminou():
    with vigiar_processos(tolerancia=0.5):
        subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=30)


def _pid_gravado(arquivo) -> int:
    return int(arquivo.read_text(encoding="utf-8"))


def _morto(pid: int) -> bool:
    return vivos([psutil.Process(pid)]) == [] if psutil.pid_exists(pid) else True


def test_vigilancia_acha_neto_orfao_de_fork_duplo_sem_exec(tmp_path):
    """O neto não passou por exec (não mostra a marca no ambiente) e não é mais descendente do
    pytest: é reconhecido pelo pipe da sessão, herdado no fork."""
    arquivo = tmp_path / "neto"
    with pytest.raises(AssertionError, match="processos deixados vivos"):
        with vigiar_processos(tolerancia=0.5):
            orfaos_apoio.neto_por_fork_duplo(str(arquivo))
            assert psutil.Process(_pid_gravado(arquivo)).ppid() != os.getpid()
    assert _morto(_pid_gravado(arquivo))


@pytest.mark.parametrize("funcao", ["neto_por_fork_duplo", "orfao_com_exec"])
def test_vigilancia_acha_orfao_de_filho_do_forkserver(tmp_path, funcao):
    """O filho do forkserver é filho do servidor (criado antes do teste, sem a marca do teste); o
    neto que ele deixa fica órfão. Sem exec ou com exec, o neto tem a marca da sessão."""
    arquivo = tmp_path / "neto"
    contexto = multiprocessing.get_context("forkserver")
    with pytest.raises(AssertionError, match="processos deixados vivos"):
        with vigiar_processos(tolerancia=0.5):
            filho = contexto.Process(target=getattr(orfaos_apoio, funcao), args=(str(arquivo),))
            filho.start()
            filho.join(timeout=60)
            assert filho.exitcode == 0
            assert psutil.Process(_pid_gravado(arquivo)).ppid() not in (os.getpid(), *ajudantes_do_multiprocessing())
    assert _morto(_pid_gravado(arquivo))


def test_vigilancia_acha_filho_do_forkserver_deixado_vivo():
    contexto = multiprocessing.get_context("forkserver")
    with pytest.raises(AssertionError, match="processos deixados vivos"):
        with vigiar_processos(tolerancia=0.5):
            filho = contexto.Process(target=orfaos_apoio.dorme, args=(60,))
            filho.start()
    filho.join(timeout=10)
    assert filho.exitcode is not None


def test_vigilancia_aceita_forkserver_que_limpou_e_servidor_reiniciado(tmp_path):
    """Um neto órfão que termina sozinho não é vazamento; o servidor do forkserver subido de novo
    dentro do bloco é o ajudante do pytest, vivo até o fim, e também não é."""
    contexto = multiprocessing.get_context("forkserver")
    with vigiar_processos(tolerancia=5):
        multiprocessing.forkserver._forkserver._stop()
        filho = contexto.Process(target=orfaos_apoio.neto_por_fork_duplo, args=(str(tmp_path / "neto"), 0))
        filho.start()
        filho.join(timeout=60)
        assert filho.exitcode == 0
    assert multiprocessing.forkserver._forkserver._forkserver_pid in ajudantes_do_multiprocessing()


def test_vigilancia_ignora_processos_novos_de_outras_sessoes(tmp_path):
    """Um órfão novo com as marcas de outro processo do pytest (o do xdist ao lado) não é deste."""
    arquivo = tmp_path / "alheio"
    env = dict(os.environ, **{VARIAVEL_MARCA: "outro-teste", VARIAVEL_MARCA_SESSAO: "outra-sessao"})
    codigo = (
        "import subprocess, sys;"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], start_new_session=True);"
        f"open({str(arquivo)!r}, 'w').write(str(p.pid))"
    )
    try:
        with vigiar_processos(tolerancia=0.5):
            subprocess.run([sys.executable, "-c", codigo], check=True, timeout=30, env=env)
        assert not _morto(_pid_gravado(arquivo))
    finally:
        encerrar([psutil.Process(_pid_gravado(arquivo))])


def test_pid_reusado_durante_o_bloco_conta_como_novo():
    """O retrato de pids do início não basta (pid_max pode ser 32768): um pid que já existia no
    retrato mas nasceu depois do início é de um processo novo."""
    from apoio import _criados_depois, _tiques_desde_o_boot

    tiques = _tiques_desde_o_boot()
    time.sleep(0.05)  # o relógio do /proc conta em tiques de 10 ms
    with subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE) as proc:
        try:
            assert proc.pid in _criados_depois({proc.pid, os.getpid()}, tiques)
            assert os.getpid() not in _criados_depois({proc.pid, os.getpid()}, tiques)
        finally:
            proc.stdin.close()


VITIMAS = """
import multiprocessing
import os

import orfaos_apoio
import pytest


@pytest.fixture(scope="module", autouse=True)
def _recolher_filhos_mortos_por_fora():
    # A vigilância mata por fora do multiprocessing o filho que o 1º teste deixa vivo; ele continua na
    # lista de filhos, e na saída do interpretador o multiprocessing espera por ele (join sem prazo).
    # Aqui ele é esperado com prazo e, se o estado dele não chegar, anotado e tirado da lista.
    yield
    for filho in multiprocessing.active_children():
        filho.join(timeout=30)
        if filho.exitcode is None:
            with open(os.environ["VITIMAS_NOTAS"], "a", encoding="utf-8") as notas:
                notas.write(f"o estado do filho {filho.pid} não chegou em 30 s\\n")
            multiprocessing.process._children.discard(filho)


def test_deixa_filho_do_forkserver_vivo():
    filho = multiprocessing.get_context("forkserver").Process(target=orfaos_apoio.dorme, args=(60,))
    filho.start()


def test_deixa_neto_orfao_por_fork_duplo(tmp_path):
    orfaos_apoio.neto_por_fork_duplo(str(tmp_path / "neto"))


def test_limpa_tudo(tmp_path):
    filho = multiprocessing.get_context("forkserver").Process(
        target=orfaos_apoio.neto_por_fork_duplo, args=(str(tmp_path / "neto"), 0))
    filho.start()
    filho.join(timeout=60)
    assert filho.exitcode == 0
"""

#: Prazo do pytest das vítimas (sozinho leva ~25 s; dentro da suíte, até ~35 s).
PRAZO_VITIMAS = 240


def _rastros_do_grupo(lider: int, saida: Path) -> str:
    """O que cada processo do grupo de ``lider`` estava fazendo: estado e espera no kernel (``ps``) e
    a pilha de Python de cada um (SIGABRT com o faulthandler ligado escreve a pilha em ``saida``)."""
    ps = subprocess.run(["ps", "-o", "pid,ppid,stat,wchan:32,etime,args", "-g", str(lider)],
                        capture_output=True, text=True, timeout=30).stdout
    with contextlib.suppress(ProcessLookupError):
        os.killpg(lider, signal.SIGABRT)
    time.sleep(3)
    return ps + "\n" + saida.read_text(encoding="utf-8", errors="replace")[-12000:]


def _casos_do_relatorio(relatorio: Path) -> dict[str, list[str]]:
    """Do JUnit XML do pytest: para cada teste, as mensagens de erro/falha (vazio = passou)."""
    casos = {}
    for caso in ElementTree.parse(relatorio).getroot().iter("testcase"):
        casos[caso.get("name")] = [f"{filho.tag}: {filho.get('message', '')}" for filho in caso
                                   if filho.tag in ("error", "failure", "skipped")]
    return casos


def test_fixture_automatico_falha_vitimas_que_deixam_orfaos(tmp_path):
    """O conftest de verdade (carregado como plugin num pytest à parte) falha o teste que deixa vivo
    um filho do forkserver ou um neto órfão por fork duplo, e passa o que limpa tudo.

    O resultado vem do relatório JUnit XML, escrito quando os testes terminam; o pytest das vítimas
    roda numa sessão própria, com a saída num arquivo (um processo que sobre não prende um pipe), e
    é morto inteiro no fim. Se ele não sair no prazo, o teste mostra onde cada processo estava."""
    (tmp_path / "test_vitimas.py").write_text(VITIMAS, encoding="utf-8")
    relatorio, saida, notas = tmp_path / "relatorio.xml", tmp_path / "saida.txt", tmp_path / "notas.txt"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent), COLUMNS="400", PYTHONFAULTHANDLER="1",
               VITIMAS_NOTAS=str(notas))
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("TESTES_CPU", None)
    with open(saida, "wb") as arquivo:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:randomly", "-p", "no:cacheprovider",
             "-p", "no:xdist", "-q", "--tb=short", "--junitxml", str(relatorio), "--rootdir", str(tmp_path),
             str(tmp_path / "test_vitimas.py")],
            cwd=tmp_path, env=env, stdout=arquivo, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        proc.wait(timeout=PRAZO_VITIMAS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"o pytest das vítimas não terminou em {PRAZO_VITIMAS} s; relatório escrito: "
                    f"{relatorio.exists()}; onde cada processo estava:\n{_rastros_do_grupo(proc.pid, saida)}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    texto = saida.read_text(encoding="utf-8", errors="replace")
    assert relatorio.exists(), texto
    casos = _casos_do_relatorio(relatorio)
    assert set(casos) == {"test_deixa_filho_do_forkserver_vivo", "test_deixa_neto_orfao_por_fork_duplo",
                          "test_limpa_tudo"}, texto
    for nome in ("test_deixa_filho_do_forkserver_vivo", "test_deixa_neto_orfao_por_fork_duplo"):
        assert len(casos[nome]) == 1 and casos[nome][0].startswith("error: failed on teardown"), (nome, casos, texto)
        assert "AssertionError: processos deixados vivos" in casos[nome][0], (nome, casos, texto)
    assert casos["test_limpa_tudo"] == [], (casos, texto)
    assert "3 passed, 2 errors" in texto, texto
    if notas.exists():  # do multiprocessing, não da vigilância: não reprova, mas fica no relatório
        warnings.warn(f"vítimas: {notas.read_text(encoding='utf-8')}", stacklevel=1)


def test_notebooks_dos_testes_rodam_com_kernel_por_arquivo(tmp_path):
    """Os kernels que a suíte inicia falam por soquetes de arquivo, sem porta TCP a disputar: com TCP,
    um kernel morria às vezes antes de responder (a porta escolhida era pega por outro processo)."""
    import nbformat
    from apoio import executar_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json\nfrom ipykernel import get_connection_info\n"
        "info = get_connection_info(unpack=True)\nprint(info['transport'], info['ip'])"))
    caminho = tmp_path / "kernel.ipynb"
    nbformat.write(nb, caminho)
    saida = executar_notebook(caminho).cells[0].outputs[0]["text"].split()
    assert saida[0] == "ipc", f"o kernel usou {saida[0]}"
    assert os.path.isabs(saida[1]) and not os.path.exists(os.path.dirname(saida[1])), "a pasta dos soquetes ficou"


def test_livro_e_construido_numa_rede_propria():
    """O jupyter-book não deixa trocar o transporte dos kernels; ele roda num namespace de rede só dele."""
    from livro_apoio import rede_propria

    prefixo = rede_propria()
    assert prefixo, "o bubblewrap deveria criar a rede própria do livro nesta máquina"
    de_dentro = subprocess.run([*prefixo, "readlink", "/proc/self/ns/net"], capture_output=True, text=True, timeout=60)
    assert de_dentro.returncode == 0, de_dentro.stderr
    assert de_dentro.stdout.strip() != os.readlink("/proc/self/ns/net")
    # o loopback funciona lá dentro (as aulas usam Managers em 127.0.0.1)
    eco = subprocess.run(
        [*prefixo, sys.executable, "-c",
         "import socket; s = socket.create_server(('127.0.0.1', 0)); c = socket.create_connection(s.getsockname()); "
         "a, _ = s.accept(); c.sendall(b'ok'); print(a.recv(2).decode())"],
        capture_output=True, text=True, timeout=60)
    assert eco.stdout.strip() == "ok", eco.stderr
