"""Funções da aula 01 que rodam em processos filhos: identidade, memória copiada e carga de CPU."""

from __future__ import annotations

import math
import multiprocessing
import os
import time

import psutil

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
        ex.submit(identidade).result()  # aquece o pool: não medimos o custo de criar os processos
        tempos["processos"] = cronometrar(lambda: list(ex.map(trabalho_cpu, [n] * trabalhadores)))
    return tempos
