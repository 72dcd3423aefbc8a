"""Aula 11: ``multiprocessing.shared_memory`` — blocos de memória com nome, vistos como arrays numpy.

As funções que rodam nos filhos estão aqui (importáveis com ``spawn``/``forkserver``). Os filhos
recebem só o **nome** do bloco e se anexam a ele; quem criou o bloco é quem o destrói (``unlink``).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import time
from multiprocessing import Array, Manager, Process, resource_tracker
from multiprocessing.shared_memory import ShareableList, SharedMemory

import numpy as np

#: Prazo (segundos) de toda espera desta aula.
PRAZO = 60.0


def tem_track() -> bool:
    """``SharedMemory(..., track=False)`` existe neste Python? (3.13+)"""
    return "track" in inspect.signature(SharedMemory).parameters


def _anexar(nome: str) -> SharedMemory:
    """Anexa a um bloco existente. No 3.13+, sem registrá-lo no rastreador de recursos deste processo:
    quem cuida do ciclo de vida do bloco é quem o criou."""
    return SharedMemory(name=nome, track=False) if tem_track() else SharedMemory(name=nome)


def view_depois_do_close(prazo: float = PRAZO) -> int:
    """Um programa à parte cria um bloco, faz uma view numpy, fecha o bloco e lê pela view.

    O ``close()`` não reclama da view viva, mas a memória deixa de existir para este processo: a
    leitura derruba o programa (no Linux e no macOS, com o sinal SIGSEGV). Devolve o código de saída
    (negativo = morto por sinal). Roda num programa à parte para não derrubar quem chama.
    """
    codigo = (
        "import numpy as np\n"
        "from multiprocessing.shared_memory import SharedMemory\n"
        "shm = SharedMemory(create=True, size=32)\n"
        "vetor = np.ndarray((4,), dtype=np.float64, buffer=shm.buf)\n"
        "shm.close()\n"
        "shm.unlink()\n"
        "print(vetor[0])\n"
    )
    return subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, timeout=prazo).returncode


# ---------------------------------------------------------------------------------------------
# SharedMemory + numpy: cada filho preenche a sua fatia
# ---------------------------------------------------------------------------------------------


def preencher_fatia(nome: str, n: int, inicio: int, fim: int) -> None:
    """Roda num filho: anexa ao bloco pelo nome, vê-o como array numpy e escreve ``i * i`` na fatia."""
    shm = _anexar(nome)
    try:
        vetor = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        vetor[inicio:fim] = np.arange(inicio, fim, dtype=np.float64) ** 2
        del vetor  # a view precisa sumir antes do close(): ela aponta para a memória do bloco
    finally:
        shm.close()


def quadrados_em_paralelo(n: int, processos: int = 2) -> tuple[str, float, list[float]]:
    """Cria um bloco de ``n`` floats, divide entre ``processos`` filhos e lê o resultado no pai.

    Devolve (nome do bloco, soma, primeiros valores). O pai cria, espera os filhos, lê, fecha
    (``close``) e destrói (``unlink``) — nessa ordem, e o ``unlink`` uma vez só.
    """
    shm = SharedMemory(create=True, size=n * 8)
    try:
        vetor = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        vetor[:] = 0.0
        limites = [n * k // processos for k in range(processos + 1)]
        filhos = [Process(target=preencher_fatia, args=(shm.name, n, a, b)) for a, b in zip(limites, limites[1:], strict=False)]
        for p in filhos:
            p.start()
        for p in filhos:
            p.join(timeout=PRAZO)
            if p.exitcode != 0:
                raise RuntimeError(f"um filho terminou com código {p.exitcode}")
        soma, primeiros = float(vetor.sum()), vetor[:5].tolist()
        del vetor
        return shm.name, soma, primeiros
    finally:
        shm.close()
        shm.unlink()


# ---------------------------------------------------------------------------------------------
# ShareableList
# ---------------------------------------------------------------------------------------------


def mexer_na_lista(nome: str) -> None:
    """Roda num filho: anexa à ShareableList pelo nome e muda dois itens (mesmo tipo ou que caibam)."""
    lista = ShareableList(name=nome)
    try:
        lista[0] = lista[0] * 10
        lista[2] = "mudei"  # cabe no espaço do texto original ("texto")
    finally:
        lista.shm.close()


def usar_shareable_list() -> list:
    """Cria uma ShareableList, deixa um filho mudá-la e devolve o conteúdo visto pelo pai."""
    lista = ShareableList([7, 2.5, "texto", True, None])
    try:
        p = Process(target=mexer_na_lista, args=(lista.shm.name,))
        p.start()
        p.join(timeout=PRAZO)
        return list(lista)
    finally:
        lista.shm.close()
        lista.shm.unlink()


def texto_maior_nao_cabe() -> str:
    """Uma ShareableList tem tamanho fixo por item: um texto maior que o original não cabe."""
    lista = ShareableList(["abc"])
    try:
        lista[0] = "um texto bem mais comprido que o original"
        return "coube (inesperado)"
    except ValueError as erro:
        return f"ValueError: {erro}"
    finally:
        lista.shm.close()
        lista.shm.unlink()


# ---------------------------------------------------------------------------------------------
# Quem faz unlink: o rastreador de recursos e o track= do 3.13
# ---------------------------------------------------------------------------------------------


def outro_programa_anexa(nome: str, track: bool | None = None, prazo: float = PRAZO) -> str:
    """Um programa Python independente (não um filho do multiprocessing) anexa ao bloco e sai.

    Até o 3.12, anexar registra o bloco no rastreador de recursos **daquele** programa; quando ele
    termina, o rastreador acha que o bloco vazou e o destrói — mesmo que o criador ainda o use.
    No 3.13+, ``track=False`` evita isso. Devolve o que o programa escreveu no stderr.
    """
    argumento = "" if track is None else f", track={track}"
    codigo = (
        "from multiprocessing.shared_memory import SharedMemory\n"
        f"shm = SharedMemory(name={nome!r}{argumento})\n"
        "print(bytes(shm.buf[:5]))\n"
        "shm.close()\n"
    )
    proc = subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, timeout=prazo)
    return (proc.stdout + proc.stderr).strip()


def ainda_existe(nome: str) -> bool:
    """O bloco ``nome`` ainda existe? (tenta anexar e solta em seguida)"""
    try:
        shm = _anexar(nome)
    except FileNotFoundError:
        return False
    shm.close()
    return True


def destruir(shm: SharedMemory) -> str:
    """``unlink`` tolerante: se outro processo já destruiu o bloco, avisa e tira o registro daqui."""
    shm.close()
    try:
        shm.unlink()
        return "unlink feito pelo criador"
    except FileNotFoundError:
        resource_tracker.unregister(shm._name, "shared_memory")  # noqa: SLF001 - o nome com a barra
        return "o bloco já tinha sido destruído por outro programa"


def experimento_rastreador(track: bool | None = None) -> dict[str, object]:
    """Cria um bloco, deixa outro programa anexar e sair, e confere se o bloco sobreviveu."""
    shm = SharedMemory(create=True, size=16)
    shm.buf[:5] = b"hello"
    saida = outro_programa_anexa(shm.name, track=track)
    existe = ainda_existe(shm.name)
    return {"track": track, "saída do outro programa": saida, "bloco ainda existe": existe, "fim": destruir(shm)}


# ---------------------------------------------------------------------------------------------
# Custo: SharedMemory × Array × Manager
# ---------------------------------------------------------------------------------------------


def escrever_shm_laco(nome: str, n: int, resposta) -> None:
    shm = _anexar(nome)
    try:
        vetor = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        inicio = time.perf_counter()
        for i in range(n):
            vetor[i] = i
        resposta.put(time.perf_counter() - inicio)
        del vetor
    finally:
        shm.close()


def escrever_shm_numpy(nome: str, n: int, resposta) -> None:
    shm = _anexar(nome)
    try:
        vetor = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        inicio = time.perf_counter()
        vetor[:] = np.arange(n, dtype=np.float64)
        resposta.put(time.perf_counter() - inicio)
        del vetor
    finally:
        shm.close()


def escrever_array(vetor, n: int, resposta) -> None:
    inicio = time.perf_counter()
    for i in range(n):
        vetor[i] = i
    resposta.put(time.perf_counter() - inicio)


def escrever_manager(lista, n: int, resposta) -> None:
    inicio = time.perf_counter()
    for i in range(n):
        lista[i] = i
    resposta.put(time.perf_counter() - inicio)


def _medir_no_filho(alvo, args: tuple, resposta) -> float:
    p = Process(target=alvo, args=(*args, resposta))
    p.start()
    segundos = resposta.get(timeout=PRAZO)
    p.join(timeout=PRAZO)
    return segundos


def comparar_custos(n: int, n_manager: int) -> dict[str, float]:
    """Microssegundos por elemento escrito por um filho, em cada forma de compartilhar.

    ``Array('d', n, lock=False)`` e o ``SharedMemory`` são ambos memória compartilhada de verdade; o
    ``Manager`` manda uma mensagem ao servidor a cada escrita (por isso usa ``n_manager``, menor).
    """
    from multiprocessing import Queue

    resposta = Queue()
    custos: dict[str, float] = {}
    shm = SharedMemory(create=True, size=n * 8)
    try:
        custos["SharedMemory + numpy, um elemento por vez"] = _medir_no_filho(escrever_shm_laco, (shm.name, n), resposta) / n
        custos["SharedMemory + numpy, vetorizado"] = _medir_no_filho(escrever_shm_numpy, (shm.name, n), resposta) / n
    finally:
        shm.close()
        shm.unlink()
    vetor = Array("d", n, lock=False)
    custos["Array('d', lock=False), um elemento por vez"] = _medir_no_filho(escrever_array, (vetor, n), resposta) / n
    with Manager() as m:
        lista = m.list([0.0] * n_manager)
        custos["Manager().list(), um elemento por vez"] = _medir_no_filho(escrever_manager, (lista, n_manager), resposta) / n_manager
    return {forma: segundos * 1e6 for forma, segundos in custos.items()}
