"""Utilidades comuns a todas as aulas: o tamanho das cargas de trabalho e o método de início em uso."""

from __future__ import annotations

import multiprocessing
import os
import platform
import sys
import sysconfig
import time

#: Variável de ambiente que multiplica toda carga de trabalho das aulas (documentada no README).
VARIAVEL_ESCALA = "PROCESSOS_ESCALA"


def escala() -> float:
    """Fator de escala das cargas de trabalho: 1 na aula de verdade, bem menor nos testes."""
    bruto = os.environ.get(VARIAVEL_ESCALA, "1")
    try:
        valor = float(bruto)
    except ValueError as erro:
        raise ValueError(f"{VARIAVEL_ESCALA}={bruto!r} não é um número (use, por exemplo, 0.01)") from erro
    if valor <= 0:
        raise ValueError(f"{VARIAVEL_ESCALA} precisa ser maior que zero (recebi {valor})")
    return valor


def tamanho(n: int, minimo: int = 1) -> int:
    """``n`` multiplicado pela escala, nunca menor que ``minimo``."""
    return max(minimo, int(n * escala()))


def metodo_de_inicio() -> str:
    """Nome do método de início em uso (``fork``, ``spawn`` ou ``forkserver``)."""
    return multiprocessing.get_start_method()


def nucleos() -> int:
    """Núcleos que este processo pode usar.

    ``os.process_cpu_count()`` (Python 3.13+) respeita a afinidade do processo (``taskset``, limites
    de contêiner); antes do 3.13, ``os.sched_getaffinity`` faz o mesmo onde existe (Linux), e
    ``os.cpu_count()`` (os núcleos da máquina inteira) é o último recurso.
    """
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def pid_depois_de(segundos: float) -> int:
    """Roda num trabalhador de um pool: espera ``segundos`` e devolve o próprio pid."""
    time.sleep(segundos)
    return os.getpid()


def aquecer(executor, trabalhadores: int, tentativas: int = 5) -> set[int]:
    """Garante que o pool já tenha ``trabalhadores`` processos vivos antes de medirmos algo.

    Um só ``submit(...).result()`` não basta: com ``spawn`` e ``forkserver`` o
    ``ProcessPoolExecutor`` cria os trabalhadores **sob demanda**, um por tarefa que encontra todos
    ocupados; uma tarefa só aquece um trabalhador. Mandamos ``trabalhadores`` tarefas que demoram um
    pouco (para que nenhum trabalhador pegue duas) e conferimos pelos pids que todos responderam.
    Devolve os pids dos trabalhadores.
    """
    pids: set[int] = set()
    for tentativa in range(tentativas):
        pids |= set(executor.map(pid_depois_de, [0.05 * (tentativa + 1)] * trabalhadores))
        if len(pids) >= trabalhadores:
            break
    return pids


def gil_ativo() -> bool:
    """O GIL está ligado neste processo? (``sys._is_gil_enabled()`` existe a partir do 3.13.)"""
    verificar = getattr(sys, "_is_gil_enabled", None)
    return True if verificar is None else bool(verificar())


def build_sem_gil() -> bool:
    """Este interpretador foi compilado *free-threaded* (PEP 703: ``python3.13t``, ``python3.14t``)?"""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def descrever_interpretador() -> str:
    """Uma linha dizendo qual Python roda aqui e se as threads dele disputam um GIL."""
    versao = f"{platform.python_implementation()} {platform.python_version()}"
    if build_sem_gil():
        estado = "build free-threaded, GIL " + ("LIGADO (reativado)" if gil_ativo() else "desligado")
    else:
        estado = "build padrão, com GIL"
    return f"{versao} ({estado})"
