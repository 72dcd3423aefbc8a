"""Funções da aula 01 que rodam em processos filhos: identidade, memória copiada e carga de CPU."""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
import warnings

import psutil
from curso_comum import aquecer, descrever_interpretador

#: Um valor global do módulo: o pai muda, e cada método de início decide se o filho vê a mudança.
VALOR = "original (definido no módulo)"


def trabalho_cpu(n: int) -> float:
    """Carga puramente de CPU: soma n raízes quadradas (nada de espera por disco ou rede)."""
    total = 0.0
    for i in range(n):
        total += math.sqrt(i)
    return total


def identidade(_: object = None) -> dict:
    """Quem sou eu? pid, pid do pai, nome do processo e método de início em uso."""
    return {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "nome": multiprocessing.current_process().name,
        "metodo": multiprocessing.get_start_method(allow_none=True) or "-",
    }


def ler_valor(fila) -> None:
    """Manda pela fila o VALOR global que este processo enxerga."""
    fila.put((multiprocessing.current_process().name, VALOR))


def dormir(segundos: float) -> None:
    """Um filho que só espera: bom para ver no ps/pstree e para ser encerrado com kill."""
    time.sleep(segundos)


def arvore(pid: int | None = None, nivel: int = 0) -> str:
    """Uma árvore de processos como a do ``pstree``, a partir de ``pid`` (padrão: este processo)."""
    raiz = psutil.Process(pid or os.getpid())
    try:
        nome = raiz.name()
    except psutil.Error:
        nome = "?"
    linhas = [f"{'    ' * nivel}{'└── ' if nivel else ''}{nome} (pid {raiz.pid})"]
    for filho in raiz.children():
        try:
            linhas.append(arvore(filho.pid, nivel + 1))
        except psutil.NoSuchProcess:
            continue
    return "\n".join(linhas)


def filtrar_por_nome(parte: str) -> list[tuple[int, str]]:
    """Como ``ps -C nome``: (pid, nome) dos processos cujo nome contém ``parte``."""
    achados = []
    for proc in psutil.process_iter(["pid", "name"]):
        nome = proc.info["name"] or ""
        if parte.lower() in nome.lower():
            achados.append((proc.info["pid"], nome))
    return sorted(achados)


def cronometrar(funcao, *args) -> float:
    """Segundos que ``funcao(*args)`` levou."""
    inicio = time.perf_counter()
    funcao(*args)
    return time.perf_counter() - inicio


def comparar_threads_e_processos(n: int, trabalhadores: int = 2) -> dict[str, float]:
    """Tempo de ``trabalhadores`` cargas de tamanho n: em sequência, em threads e em processos."""
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    tempos = {"sequencial": cronometrar(lambda: [trabalho_cpu(n) for _ in range(trabalhadores)])}
    with ThreadPoolExecutor(trabalhadores) as ex:
        tempos["threads"] = cronometrar(lambda: list(ex.map(trabalho_cpu, [n] * trabalhadores)))
    with ProcessPoolExecutor(trabalhadores) as ex:
        # Aquece o pool (não medimos o custo de criar os processos). Um só submit(...).result() não
        # bastaria: com spawn/forkserver o pool cria os trabalhadores sob demanda, e aqueceria um só.
        aquecer(ex, trabalhadores)
        tempos["processos"] = cronometrar(lambda: list(ex.map(trabalho_cpu, [n] * trabalhadores)))
    return tempos


def interpretador() -> str:
    """Qual Python está rodando, e se tem GIL (veja ``curso_comum.descrever_interpretador``)."""
    return descrever_interpretador()


# ---------------------------------------------------------------------------------------------
# fork não copia as threads
# ---------------------------------------------------------------------------------------------


def tentar_trava_herdada(trava, fila, prazo: float) -> None:
    """Roda no filho criado por fork: quantas threads existem aqui, e a trava herdada vem?"""
    fila.put(
        {
            "threads_no_filho": threading.active_count(),
            "trava_ocupada_no_filho": trava.locked(),
            "conseguiu": trava.acquire(timeout=prazo),
        }
    )


def fork_com_thread_segurando_trava(prazo: float = 1.0) -> dict:
    """Uma thread do pai segura um ``threading.Lock`` enquanto o pai faz ``fork``.

    O filho nasce só com a thread que chamou ``fork``: a que segurava a trava não existe lá, e
    ninguém nunca vai soltá-la. O filho tenta adquiri-la com prazo (sem prazo, ficaria bloqueado
    para sempre). No Python 3.12 ou mais novo, o ``fork`` de um processo com várias threads também
    emite um ``DeprecationWarning``, que registramos aqui.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return {"disponivel": False}
    ctx = multiprocessing.get_context("fork")
    trava, pode_soltar = threading.Lock(), threading.Event()

    def segurar() -> None:  # roda numa thread do PAI, não num processo filho
        with trava:
            pode_soltar.wait(prazo + 30)

    dona = threading.Thread(target=segurar, name="dona-da-trava", daemon=True)
    dona.start()
    while not trava.locked():
        time.sleep(0.001)
    threads_no_pai = threading.active_count()
    fila = ctx.Queue()
    try:
        with warnings.catch_warnings(record=True) as avisos:
            warnings.simplefilter("always")
            filho = ctx.Process(target=tentar_trava_herdada, args=(trava, fila, prazo))
            filho.start()
        resposta = fila.get(timeout=prazo + 30)
        filho.join(timeout=30)
    finally:
        pode_soltar.set()
        dona.join(timeout=30)
    return {
        "disponivel": True,
        "threads_no_pai": threads_no_pai,
        **resposta,
        "avisos": [f"{a.category.__name__}: {a.message}" for a in avisos if issubclass(a.category, DeprecationWarning)],
        "pai_readquire": _readquirir(trava),
    }


def _readquirir(trava) -> bool:
    """No pai, a dona soltou a trava: ela volta a funcionar normalmente."""
    ok = trava.acquire(timeout=5)
    if ok:
        trava.release()
    return ok


# ---------------------------------------------------------------------------------------------
# Quanto custa criar: uma thread e um processo com cada método de início
# ---------------------------------------------------------------------------------------------


def nada() -> None:
    """Alvo vazio: medimos só o custo de criar, iniciar e esperar."""


def custo_de_criar(vezes: int = 5) -> dict[str, float]:
    """Segundos, em média, para criar, iniciar e esperar (``join``) uma thread e um processo.

    Para os processos, um número por método de início disponível; a primeira criação com
    ``forkserver`` (que sobe o servidor) fica de fora da média.
    """
    custos: dict[str, float] = {}
    inicio = time.perf_counter()
    for _ in range(vezes):
        t = threading.Thread(target=nada)
        t.start()
        t.join()
    custos["thread"] = (time.perf_counter() - inicio) / vezes
    for metodo in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context(metodo)
        aquecimento = ctx.Process(target=nada)
        aquecimento.start()
        aquecimento.join(timeout=60)
        inicio = time.perf_counter()
        for _ in range(vezes):
            p = ctx.Process(target=nada)
            p.start()
            p.join(timeout=60)
        custos[metodo] = (time.perf_counter() - inicio) / vezes
    return custos


# ---------------------------------------------------------------------------------------------
# O que passa por pickle: Process com fork não serializa nada; pools serializam sempre
# ---------------------------------------------------------------------------------------------


def somar(iteravel, fila) -> None:
    """Soma o que recebeu e manda o total pela fila."""
    fila.put(sum(iteravel))


def gerador_nao_serializavel(n: int = 4):
    """Um gerador: objeto comum do Python que o pickle não sabe serializar."""
    return (i for i in range(n))


def quem_serializa(metodo: str, prazo: float = 60) -> dict[str, str]:
    """Manda um gerador (que o pickle recusa) como argumento, por três caminhos, com ``metodo``.

    ``Process`` com ``fork`` não serializa o alvo nem os argumentos: o filho é uma cópia do pai e já
    os tem. Com ``spawn``/``forkserver``, serializa. Já ``Pool`` e ``ProcessPoolExecutor``
    mandam cada tarefa por uma fila — com **qualquer** método, fork incluído: a tarefa sempre passa
    por pickle.
    """
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context(metodo)
    resultado: dict[str, str] = {}

    fila = ctx.Queue()
    p = ctx.Process(target=somar, args=(gerador_nao_serializavel(), fila))
    try:
        p.start()
        resultado["Process"] = f"funcionou, soma = {fila.get(timeout=prazo)}"
        p.join(timeout=prazo)
    except Exception as erro:  # noqa: BLE001 - mostramos qualquer erro ao aluno
        resultado["Process"] = f"{type(erro).__name__}: {erro}"

    with ctx.Pool(1) as pool:
        try:
            resultado["Pool"] = f"funcionou, soma = {pool.apply_async(sum, (gerador_nao_serializavel(),)).get(timeout=prazo)}"
        except Exception as erro:  # noqa: BLE001
            resultado["Pool"] = f"{type(erro).__name__}: {erro}"

    with ProcessPoolExecutor(1, mp_context=ctx) as ex:
        try:
            resultado["ProcessPoolExecutor"] = f"funcionou, soma = {ex.submit(sum, gerador_nao_serializavel()).result(timeout=prazo)}"
        except Exception as erro:  # noqa: BLE001
            resultado["ProcessPoolExecutor"] = f"{type(erro).__name__}: {erro}"
    return resultado


def trabalhadores_criados(metodo: str, trabalhadores: int = 2) -> dict[str, int]:
    """Quantos processos o ``ProcessPoolExecutor`` tem depois de uma tarefa, e depois de ``aquecer``.

    Com ``fork`` o pool cria todos os trabalhadores de uma vez; com ``spawn`` e ``forkserver``, um
    por tarefa que encontra todos ocupados (sob demanda). ``_processes`` é um atributo interno do
    pool, usado aqui só para contar.
    """
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(trabalhadores, mp_context=multiprocessing.get_context(metodo)) as ex:
        ex.submit(identidade).result(timeout=60)
        depois_de_um = len(ex._processes)
        aquecer(ex, trabalhadores)
        return {"depois de um submit": depois_de_um, "depois de aquecer": len(ex._processes)}


def metodo_padrao_deste_python() -> str:
    """O método de início que este interpretador usa quando ninguém escolhe nenhum.

    Perguntamos a um Python novo (``sys.executable``), porque neste kernel o método pode ter sido
    escolhido com ``set_start_method``.
    """
    import subprocess
    import sys

    codigo = "import multiprocessing; print(multiprocessing.get_start_method())"
    return subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, timeout=60, check=True).stdout.strip()
