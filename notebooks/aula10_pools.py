"""Aula 10: pools a fundo — ``multiprocessing.Pool`` e ``concurrent.futures.ProcessPoolExecutor``.

Tudo o que roda nos trabalhadores (as tarefas, o inicializador) está aqui, num módulo importável:
com ``spawn``/``forkserver`` o trabalhador importa as funções pelo nome, e um pool serializa cada
tarefa com qualquer método de início (aula 01).
"""

from __future__ import annotations

import inspect
import itertools
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from curso_comum import aquecer

#: Prazo (segundos) de toda espera desta aula.
PRAZO = 60.0


# ---------------------------------------------------------------------------------------------
# Tarefas
# ---------------------------------------------------------------------------------------------


def quadrado(x: int) -> int:
    """Uma tarefa minúscula: o custo de mandá-la e trazê-la de volta é maior que o da conta."""
    return x * x


def dormir_e_devolver(x: int, segundos: float) -> tuple[int, int, float]:
    """Espera ``segundos`` e devolve ``(x, pid, instante em que terminou)``."""
    time.sleep(segundos)
    return x, os.getpid(), time.time()


def falhar_no_tres(x: int) -> int:
    """Levanta ``ValueError`` quando ``x == 3``; senão devolve ``x``."""
    if x == 3:
        raise ValueError(f"não sei tratar o {x}")
    return x


def morrer(codigo: int = 1) -> None:
    """O trabalhador morre de repente (como num erro do C, ou morto pelo sistema por falta de memória)."""
    os._exit(codigo)


#: Preenchido pelo inicializador, uma vez em cada trabalhador.
_CONFIG: dict[str, object] = {}


def inicializar(prefixo: str) -> None:
    """Roda uma vez em cada trabalhador, quando ele nasce (``initializer``/``initargs``)."""
    _CONFIG["prefixo"] = prefixo
    _CONFIG["pid"] = os.getpid()
    _CONFIG["iniciado_em"] = time.time()


def usar_config(x: int) -> tuple[str, int]:
    """Usa o que o inicializador preparou (uma conexão, um modelo carregado, uma tabela...)."""
    time.sleep(0.05)  # um pouco de trabalho, para que os dois trabalhadores participem
    return f"{_CONFIG.get('prefixo', '<sem inicializador>')}{x}", os.getpid()


def pid_da_tarefa(_: object = None) -> int:
    """Devolve o pid de quem executou a tarefa."""
    return os.getpid()


# ---------------------------------------------------------------------------------------------
# map, imap e imap_unordered: ordem e momento de chegada
# ---------------------------------------------------------------------------------------------


def _dormir_inverso(args: tuple[int, float]) -> tuple[int, int, float]:
    x, segundos = args
    return dormir_e_devolver(x, segundos)


def chegadas(forma: str, n: int = 4, passo: float = 0.1, processos: int = 2) -> list[tuple[int, float]]:
    """Manda ``n`` tarefas (a primeira é a mais demorada) e anota quando cada resultado CHEGA ao pai.

    ``forma``: ``"map"``, ``"imap"`` ou ``"imap_unordered"``. Devolve ``(x, segundos desde o início)``
    na ordem em que o pai recebeu.
    """
    tarefas = [(x, (n - x) * passo) for x in range(n)]
    with multiprocessing.Pool(processos) as pool:
        list(pool.map(pid_da_tarefa, range(processos)))  # aquece
        inicio = time.time()
        if forma == "map":
            recebidos = [(x, time.time() - inicio) for x, _, _ in pool.map(_dormir_inverso, tarefas, chunksize=1)]
        else:
            iterador = getattr(pool, forma)(_dormir_inverso, tarefas, chunksize=1)
            recebidos = [(x, time.time() - inicio) for x, _, _ in iterador]
    return recebidos


# ---------------------------------------------------------------------------------------------
# chunksize
# ---------------------------------------------------------------------------------------------


def medir_chunksize(n: int, chunksizes: list[int], processos: int = 2) -> dict[int, float]:
    """Segundos para ``ProcessPoolExecutor.map(quadrado, range(n), chunksize=c)`` com cada ``c``."""
    tempos = {}
    with ProcessPoolExecutor(processos) as ex:
        aquecer(ex, processos)
        for c in chunksizes:
            inicio = time.perf_counter()
            total = sum(ex.map(quadrado, range(n), chunksize=c))
            tempos[c] = time.perf_counter() - inicio
            assert total == sum(x * x for x in range(n))
    return tempos


def chunksize_do_pool(n: int, processos: int) -> int:
    """O ``chunksize`` que ``Pool.map`` escolhe quando ninguém diz: cerca de 4 pedaços por processo."""
    pedaco, resto = divmod(n, processos * 4)
    return pedaco + 1 if resto else max(pedaco, 1)


# ---------------------------------------------------------------------------------------------
# as_completed e cancelamento
# ---------------------------------------------------------------------------------------------


def em_ordem_de_conclusao(segundos: list[float], processos: int = 2) -> list[tuple[int, float]]:
    """``submit`` de cada tarefa e ``as_completed``: devolve (índice, segundos) na ordem em que acabaram."""
    with ProcessPoolExecutor(processos) as ex:
        aquecer(ex, processos)
        inicio = time.time()
        futuros = {ex.submit(dormir_e_devolver, i, s): i for i, s in enumerate(segundos)}
        return [(futuros[f], time.time() - inicio) for f in as_completed(futuros, timeout=PRAZO)]


def cancelar(n: int = 6, segundos: float = 0.3) -> list[dict[str, object]]:
    """Um trabalhador só, ``n`` tarefas demoradas; tenta cancelar todas logo depois de mandar.

    Só dá para cancelar o que ainda não começou: a que está rodando (e as que já foram entregues à
    fila do trabalhador) seguem até o fim.
    """
    with ProcessPoolExecutor(1) as ex:
        aquecer(ex, 1)
        futuros = [ex.submit(dormir_e_devolver, i, segundos) for i in range(n)]
        # Espera a primeira ser entregue ao trabalhador (running() passa a True nesse momento): um
        # instante fixo no relógio não garante isso numa máquina ocupada.
        fim = time.monotonic() + PRAZO
        while not futuros[0].running() and not futuros[0].done() and time.monotonic() < fim:
            time.sleep(0.01)
        tentativas = [f.cancel() for f in futuros]
        estados = []
        for i, (f, pediu) in enumerate(zip(futuros, tentativas, strict=True)):
            if not f.cancelled():
                f.result(timeout=PRAZO)
            estados.append({"tarefa": i, "cancel() devolveu": pediu, "cancelada": f.cancelled()})
    return estados


# ---------------------------------------------------------------------------------------------
# Exceções, trabalhador morto e BrokenProcessPool
# ---------------------------------------------------------------------------------------------


def excecoes_no_executor(valores: list[int]) -> list[str]:
    """``submit`` de cada valor; para cada futuro, o resultado ou a exceção (com o rastro remoto)."""
    linhas = []
    with ProcessPoolExecutor(2) as ex:
        for v, f in [(v, ex.submit(falhar_no_tres, v)) for v in valores]:
            erro = f.exception(timeout=PRAZO)
            if erro is None:
                linhas.append(f"{v}: resultado {f.result()}")
            else:
                causa = erro.__cause__  # o rastro do trabalhador vem como causa
                linhas.append(f"{v}: {type(erro).__name__}: {erro} (causa: {type(causa).__name__})")
    return linhas


def excecao_no_pool_map(valores: list[int]) -> str:
    """``Pool.map`` levanta a primeira exceção e descarta os outros resultados."""
    with multiprocessing.Pool(2) as pool:
        try:
            return f"resultado: {pool.map(falhar_no_tres, valores)}"
        except ValueError as erro:
            return f"Pool.map levantou ValueError: {erro}"


def trabalhador_morto_no_executor() -> list[str]:
    """Um trabalhador morre: o executor inteiro quebra (``BrokenProcessPool``) e avisa todo futuro."""
    linhas = []
    with ProcessPoolExecutor(2) as ex:
        aquecer(ex, 2)
        fatal = ex.submit(morrer)
        pendentes = [ex.submit(dormir_e_devolver, i, 2.0) for i in range(2)]
        for nome, f in [("morrer()", fatal)] + [(f"dormir {i}", p) for i, p in enumerate(pendentes)]:
            try:
                f.result(timeout=PRAZO)
                linhas.append(f"{nome}: terminou")
            except BrokenProcessPool as erro:
                linhas.append(f"{nome}: BrokenProcessPool — {erro}")
        try:
            ex.submit(quadrado, 2)
        except BrokenProcessPool as erro:
            linhas.append(f"submit depois disso: BrokenProcessPool — {erro}")
    return linhas


def trabalhador_morto_no_pool(prazo: float = 2.0) -> str:
    """No ``multiprocessing.Pool``, a tarefa cujo trabalhador morreu nunca termina: só um prazo salva.

    O pool repõe o trabalhador, mas o resultado daquela tarefa não chega nunca. ``get(timeout=)``
    transforma a espera eterna em ``multiprocessing.TimeoutError``; ``terminate()`` (na saída do
    ``with``) encerra o pool.
    """
    with multiprocessing.Pool(1) as pool:
        resultado = pool.apply_async(morrer)
        try:
            resultado.get(timeout=prazo)
            return "terminou (inesperado)"
        except multiprocessing.TimeoutError:
            depois = pool.apply_async(quadrado, (7,)).get(timeout=PRAZO)
            return (f"get(timeout={prazo}) → TimeoutError: a tarefa nunca terminou; "
                    f"o pool repôs o trabalhador e a tarefa seguinte deu {depois}")


# ---------------------------------------------------------------------------------------------
# initializer, maxtasksperchild / max_tasks_per_child
# ---------------------------------------------------------------------------------------------


def com_inicializador(n: int = 6, processos: int = 2) -> list[tuple[str, int]]:
    """``Pool`` com ``initializer=inicializar, initargs=("item-",)``: cada trabalhador prepara uma vez."""
    with multiprocessing.Pool(processos, initializer=inicializar, initargs=("item-",)) as pool:
        return pool.map(usar_config, range(n), chunksize=1)


def pids_com_limite(n: int = 6, limite: int = 2) -> dict[str, list[int]]:
    """Um trabalhador só, ``n`` tarefas; com limite de tarefas por trabalhador ele é trocado.

    ``Pool(maxtasksperchild=...)`` e ``ProcessPoolExecutor(max_tasks_per_child=...)`` (3.11+; não
    combina com ``fork``, por isso o executor usa ``spawn`` quando o método em uso é ``fork``).
    """
    resultado: dict[str, list[int]] = {}
    with multiprocessing.Pool(1, maxtasksperchild=limite) as pool:
        resultado["Pool(maxtasksperchild)"] = [pool.apply_async(pid_da_tarefa).get(timeout=PRAZO) for _ in range(n)]
    if "max_tasks_per_child" in inspect.signature(ProcessPoolExecutor).parameters:
        metodo = multiprocessing.get_start_method()
        ctx = multiprocessing.get_context("spawn" if metodo == "fork" else metodo)
        with ProcessPoolExecutor(1, mp_context=ctx, max_tasks_per_child=limite) as ex:
            resultado["ProcessPoolExecutor(max_tasks_per_child)"] = [
                ex.submit(pid_da_tarefa).result(timeout=PRAZO) for _ in range(n)
            ]
    return resultado


# ---------------------------------------------------------------------------------------------
# Novidades do 3.14: terminate_workers()/kill_workers() e map(buffersize=)
# ---------------------------------------------------------------------------------------------


def tem_terminate_workers() -> bool:
    return hasattr(ProcessPoolExecutor, "terminate_workers")


def tem_buffersize() -> bool:
    return "buffersize" in inspect.signature(ProcessPoolExecutor.map).parameters


def encerrar_a_forca(metodo_de_parar: str = "terminate_workers") -> list[str]:
    """3.14+: tarefas longas em andamento, e o pool encerrado à força (SIGTERM ou SIGKILL)."""
    if not tem_terminate_workers():
        return ["ProcessPoolExecutor.terminate_workers/kill_workers não existem neste Python (3.14+)"]
    linhas = []
    ex = ProcessPoolExecutor(2)
    aquecer(ex, 2)
    futuros = [ex.submit(dormir_e_devolver, i, 30) for i in range(2)]
    time.sleep(0.3)
    inicio = time.monotonic()
    getattr(ex, metodo_de_parar)()
    for i, f in enumerate(futuros):
        try:
            f.result(timeout=PRAZO)
            linhas.append(f"tarefa {i}: terminou")
        except BrokenProcessPool:
            linhas.append(f"tarefa {i}: BrokenProcessPool")
    ex.shutdown(wait=True)
    linhas.append(f"{metodo_de_parar}() encerrou tudo em {time.monotonic() - inicio:.2f} s (as tarefas levariam 30 s)")
    return linhas


def primeiros_de_um_iterador_infinito(quantos: int = 5, buffersize: int = 4) -> list[int] | None:
    """3.14+: ``map`` sobre ``itertools.count()`` (infinito) com ``buffersize``; ``None`` antes do 3.14.

    Sem ``buffersize``, ``Executor.map`` consome o iterável inteiro antes de devolver o primeiro
    resultado — com um iterável infinito, não termina nunca.
    """
    if not tem_buffersize():
        return None
    with ProcessPoolExecutor(2) as ex:
        resultados = ex.map(quadrado, itertools.count(), buffersize=buffersize)
        return [next(resultados) for _ in range(quantos)]
