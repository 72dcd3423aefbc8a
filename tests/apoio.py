"""Apoio aos testes: executar notebooks com prazo e método de início forçado, sem deixar processos vivos."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from traitlets.config import Config

RAIZ = Path(__file__).resolve().parents[1]
NOTEBOOKS = RAIZ / "notebooks"
METODOS = ("fork", "spawn", "forkserver")

# Variável documentada no README: multiplica o tamanho de toda carga de trabalho das aulas.
VARIAVEL_ESCALA = "PROCESSOS_ESCALA"
ESCALA_TESTES = "0.002"
# Marca herdada por todo processo que um teste cria, para achá-lo mesmo se ficar órfão.
VARIAVEL_MARCA = "PROCESSOS_MARCA_TESTE"
# Marca da sessão do pytest (uma por processo do xdist), posta por ``marcar_sessao`` antes de o
# conftest subir o servidor do forkserver: os filhos dele a herdam, mesmo órfãos.
VARIAVEL_MARCA_SESSAO = "PROCESSOS_MARCA_SESSAO"


def celula_metodo(metodo: str) -> nbformat.NotebookNode:
    """Primeira célula injetada: força o método de início para o notebook inteiro."""
    return nbformat.v4.new_code_cell(
        "import multiprocessing\n"
        f"multiprocessing.set_start_method({metodo!r}, force=True)\n"
    )


def ambiente_kernel(metodo: str | None = None, **extra: str) -> dict[str, str]:
    """Ambiente do kernel: o do teste, com a escala reduzida e o método escolhido (gráficos inline)."""
    env = dict(os.environ)
    env.setdefault(VARIAVEL_ESCALA, ESCALA_TESTES)
    env.pop("MPLBACKEND", None)  # o kernel usa o backend inline: os gráficos viram saídas PNG
    if metodo:
        env["PROCESSOS_METODO"] = metodo
    env.update(extra)
    return env


@contextlib.contextmanager
def soquetes_de_kernel() -> Iterator[str]:
    """O prefixo dos soquetes de um kernel por arquivo (transporte ``ipc``), numa pasta própria e curta
    (soquetes Unix aceitam ~100 bytes), apagada no fim.

    Kernels por TCP numa suíte paralela morrem às vezes antes de responder ("Kernel died before
    replying to kernel_info"): o jupyter_client escolhe portas livres, fecha-as e só então o kernel as
    ocupa; nesse meio tempo outro processo da máquina (outro kernel, a conexão de um Manager) pode
    pegar a mesma porta. Por arquivo, não há porta a disputar — é o que o corretor já faz."""
    pasta = tempfile.mkdtemp(prefix="k")
    try:
        yield os.path.join(pasta, "k")
    finally:
        shutil.rmtree(pasta, ignore_errors=True)


def config_ipc(prefixo: str) -> Config:
    """A configuração do jupyter_client para um kernel por arquivo com os soquetes em ``prefixo``."""
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = prefixo
    return config


def opcoes_ipc(prefixo: str) -> list[str]:
    """O mesmo que :func:`config_ipc`, como opções de linha de comando (``nbgrader autograde``...)."""
    return ["--KernelManager.transport=ipc", f"--KernelManager.ip={prefixo}"]


def executar_notebook(
    caminho: Path | str,
    metodo: str | None = None,
    *,
    prazo_celula: int = 120,
    pasta: Path | str | None = None,
    env: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """Executa o notebook com nbclient e devolve-o com as saídas.

    Levanta ``CellExecutionError`` na primeira célula que falhar e ``CellTimeoutError`` quando uma
    célula passa de ``prazo_celula`` segundos. ``metodo`` força o método de início
    (``fork``, ``spawn`` ou ``forkserver``) numa célula injetada antes de todas as outras.
    """
    caminho = Path(caminho)
    nb = nbformat.read(caminho, as_version=4)
    if metodo:
        nb.cells.insert(0, celula_metodo(metodo))
    with soquetes_de_kernel() as prefixo:
        cliente = NotebookClient(
            nb,
            timeout=prazo_celula,
            kernel_name="python3",
            resources={"metadata": {"path": str(pasta or caminho.parent)}},
            shutdown_kernel="immediate",
            config=config_ipc(prefixo),
        )
        cliente.execute(env=env if env is not None else ambiente_kernel(metodo))
    return nb


def sem_ansi(texto: str) -> str:
    """Tira as cores ANSI (os rastros do IPython vêm coloridos)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", texto)


def textos_de_saida(nb: nbformat.NotebookNode) -> str:
    """Junta todo texto que as células mostraram (stdout, stderr e resultados em texto)."""
    partes: list[str] = []
    for celula in nb.cells:
        for saida in celula.get("outputs", []):
            if saida.get("output_type") == "stream":
                partes.append(saida.get("text", ""))
            elif "data" in saida and "text/plain" in saida["data"]:
                partes.append(saida["data"]["text/plain"])
    return "".join(partes)


class _Sessao:
    """Como reconhecer, entre os processos novos da máquina, os que vieram desta sessão do pytest."""

    marca: str | None = None
    descritor: int | None = None  # um pipe aberto só por este processo (e pelo que ele criar com fork)
    alvo: str | None = None  # o que /proc/PID/fd/<descritor> mostra: "pipe:[inode]"


def marcar_sessao() -> None:
    """Prepara a vigilância de órfãos desta sessão do pytest; o conftest chama antes de subir o
    servidor do forkserver e o rastreador de recursos.

    Um processo que fica órfão sai da árvore do pytest: o pai passa a ser o init (ou um subreaper).
    Dois sinais o trazem de volta, porque ``/proc/PID/environ`` é o ambiente do último exec:

    - quem passou por um exec depois deste ponto (``subprocess``, spawn, o servidor do forkserver e
      tudo o que ele cria com fork, mesmo em outra sessão) tem ``VARIAVEL_MARCA_SESSAO`` no ambiente;
    - quem o pytest criou com fork sem exec (``os.fork``, o método fork, um neto por fork duplo) não
      mostra ambiente novo, mas herda os descritores abertos: o pipe guardado aqui, no mesmo número.
    """
    _Sessao.marca = uuid.uuid4().hex
    os.environ[VARIAVEL_MARCA_SESSAO] = _Sessao.marca
    if _Sessao.descritor is None:
        leitura, escrita = os.pipe()  # não herdáveis num exec: quem faz exec leva a marca no ambiente
        os.close(escrita)
        _Sessao.descritor = leitura
        _Sessao.alvo = os.readlink(f"/proc/self/fd/{leitura}")


def _tiques_desde_o_boot() -> int:
    """O instante atual na unidade do campo ``starttime`` de ``/proc/PID/stat``."""
    return int(time.clock_gettime(time.CLOCK_BOOTTIME) * os.sysconf("SC_CLK_TCK"))


def _criados_depois(antes: set[int], tiques: int) -> list[int]:
    """Os pids da máquina que nasceram depois do instante ``tiques`` (ou que não existiam no
    retrato ``antes``, tirado no mesmo instante: o relógio do ``/proc`` tem resolução de 10 ms)."""
    novos = []
    for nome in os.listdir("/proc"):
        if not nome.isdigit():
            continue
        pid = int(nome)
        if pid not in antes:
            novos.append(pid)
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as arquivo:
                campos = arquivo.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(campos[19]) > tiques:  # starttime, o 22º campo; o pid foi reusado durante o teste
            novos.append(pid)
    return novos


def _desta_sessao(pid: int, marca: str) -> bool:
    """O processo tem a marca do teste ou a da sessão no ambiente, ou o pipe da sessão aberto."""
    try:
        ambiente = psutil.Process(pid).environ()
    except (psutil.Error, OSError):
        ambiente = {}
    if ambiente.get(VARIAVEL_MARCA) == marca:
        return True
    if _Sessao.marca and ambiente.get(VARIAVEL_MARCA_SESSAO) == _Sessao.marca:
        return True
    if _Sessao.descritor is None:
        return False
    try:
        return os.readlink(f"/proc/{pid}/fd/{_Sessao.descritor}") == _Sessao.alvo
    except OSError:
        return False


def encerrar(processos: list[psutil.Process]) -> None:
    """Mata os processos (e seus filhos) e espera que sumam."""
    todos = set(processos)
    for proc in processos:
        with contextlib.suppress(psutil.Error):
            todos.update(proc.children(recursive=True))
    for proc in todos:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(list(todos), timeout=5)


def vivos(processos: list[psutil.Process]) -> list[psutil.Process]:
    restantes = []
    for proc in processos:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                restantes.append(proc)
        except psutil.Error:
            continue
    return restantes


def ajudantes_do_multiprocessing() -> set[int]:
    """Os pids do servidor do forkserver e do rastreador de recursos DESTE processo (o conftest os
    cria antes de todo teste, e eles vivem até o fim). Os de qualquer outro processo não contam."""
    import multiprocessing.forkserver
    import multiprocessing.resource_tracker

    pids = {
        getattr(multiprocessing.forkserver._forkserver, "_forkserver_pid", None),
        getattr(multiprocessing.resource_tracker._resource_tracker, "_pid", None),
    }
    return {pid for pid in pids if pid}


def descendentes_restantes() -> list[psutil.Process]:
    """Os descendentes vivos deste processo, menos os dois ajudantes do multiprocessing dele (os
    netos criados pelo forkserver, por exemplo, contam)."""
    ajudantes = ajudantes_do_multiprocessing()
    return vivos([p for p in psutil.Process().children(recursive=True) if p.pid not in ajudantes])


def descrever(processos: list[psutil.Process]) -> str:
    linhas = []
    for proc in processos:
        try:
            linhas.append(f"pid {proc.pid}: {' '.join(proc.cmdline())[:200]}")
        except psutil.Error:
            linhas.append(f"pid {proc.pid}")
    return "\n".join(linhas)


@contextlib.contextmanager
def vigiar_processos(tolerancia: float = 10.0) -> Iterator[str]:
    """Garante que nenhum processo criado dentro do bloco sobreviva a ele.

    Contam os descendentes novos deste processo e, entre os processos que nasceram no bloco, os que
    têm a marca do bloco no ambiente (quem passou por um exec no bloco a herda, também os órfãos e
    os que chamam ``setsid``) ou os sinais da sessão de ``marcar_sessao`` (os órfãos criados pelo
    servidor do forkserver ou por fork sem exec). O servidor do forkserver e o rastreador de
    recursos deste processo não contam. Ao sair, espera até ``tolerancia`` segundos que terminem
    sozinhos; os que restarem são mortos e o bloco falha com ``AssertionError`` dizendo quais eram.
    """
    marca = uuid.uuid4().hex
    ja_existiam = {p.pid for p in psutil.Process().children(recursive=True)}
    inicio = (set(psutil.pids()), _tiques_desde_o_boot())
    anterior = os.environ.get(VARIAVEL_MARCA)
    os.environ[VARIAVEL_MARCA] = marca
    falhou = True
    try:
        yield marca
        falhou = False
    finally:
        if anterior is None:
            os.environ.pop(VARIAVEL_MARCA, None)
        else:
            os.environ[VARIAVEL_MARCA] = anterior
        restantes = _esperar_restantes(marca, ja_existiam, inicio, 1.0 if falhou else tolerancia)
        if restantes:
            descricao = descrever(restantes)
            encerrar(restantes)
            if not falhou:
                raise AssertionError(f"processos deixados vivos:\n{descricao}")


def _esperar_restantes(
    marca: str, ja_existiam: set[int], inicio: tuple[set[int], int], tolerancia: float
) -> list[psutil.Process]:
    """Os descendentes novos deste processo e os processos novos desta sessão (veja
    ``_desta_sessao``) que continuam vivos depois da tolerância."""
    fim = time.monotonic() + tolerancia
    fora = {os.getpid(), *ajudantes_do_multiprocessing()}
    por_pid = {p.pid: p for p in psutil.Process().children(recursive=True) if p.pid not in ja_existiam}
    for pid in _criados_depois(*inicio):
        if pid not in por_pid and pid not in fora and _desta_sessao(pid, marca):
            with contextlib.suppress(psutil.Error):
                por_pid[pid] = psutil.Process(pid)
    por_pid = {pid: p for pid, p in por_pid.items() if pid not in fora}
    restantes = vivos(list(por_pid.values()))
    while restantes and time.monotonic() < fim:
        time.sleep(0.2)
        restantes = vivos(restantes)
    return restantes


def pasta_da_execucao(tmp_path_factory) -> Path:
    """A pasta desta execução comum a todos os processos do xdist (pytest-N/)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def travar_arquivo(arquivo, fim: float, mensagem: str) -> None:
    """Trava exclusiva (flock) em ``arquivo``, esperando outro processo do xdist até o instante ``fim``
    (monotonic); depois dele, TimeoutError com ``mensagem``."""
    import fcntl

    while True:
        try:
            fcntl.flock(arquivo, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > fim:
                raise TimeoutError(mensagem) from None
            time.sleep(0.5)

