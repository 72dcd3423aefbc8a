"""Aula 09: Python free-threaded (sem GIL) e subinterpretadores, medidos no interpretador que houver.

Este módulo não depende de nada fora da biblioteca padrão (nem de ``psutil``): assim a mesma medida
roda também em outros interpretadores da máquina (um ``python3.14t``, por exemplo), chamados por
``subprocess`` com ``python -c``.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from curso_comum import aquecer, build_sem_gil, descrever_interpretador, gil_ativo, nucleos

#: Onde procurar outros interpretadores: os builds free-threaded têm um "t" no fim do nome.
CANDIDATOS = ("python3.13t", "python3.14t", "python3.15t")
#: Um interpretador a mais para comparar, escolhido por quem roda a aula (caminho do executável).
VARIAVEL_OUTRO_PYTHON = "PROCESSOS_OUTRO_PYTHON"


def trabalho_cpu(n: int) -> float:
    """Carga CPU-bound: soma n raízes quadradas (a mesma da aula 01)."""
    total = 0.0
    for i in range(n):
        total += math.sqrt(i)
    return total


def tem_interpreter_pool() -> bool:
    """``concurrent.futures.InterpreterPoolExecutor`` existe neste Python? (3.14+, PEP 734)"""
    import concurrent.futures

    return hasattr(concurrent.futures, "InterpreterPoolExecutor")


def _cronometrar(funcao) -> float:
    inicio = time.perf_counter()
    funcao()
    return time.perf_counter() - inicio


def medir(n: int, trabalhadores: int = 2, subinterpretadores: bool = True) -> dict:
    """Tempo de ``trabalhadores`` cargas de tamanho ``n``: em sequência, em threads, em processos e,
    no 3.14+, em subinterpretadores. Devolve também qual interpretador mediu e se o GIL estava ligado.
    """
    cargas = [n] * trabalhadores
    tempos = {"sequencial": _cronometrar(lambda: [trabalho_cpu(x) for x in cargas])}
    with ThreadPoolExecutor(trabalhadores) as ex:
        list(ex.map(trabalho_cpu, [1] * trabalhadores))  # aquece (cria as threads)
        tempos["threads"] = _cronometrar(lambda: list(ex.map(trabalho_cpu, cargas)))
    with ProcessPoolExecutor(trabalhadores) as ex:
        aquecer(ex, trabalhadores)
        tempos["processos"] = _cronometrar(lambda: list(ex.map(trabalho_cpu, cargas)))
    if subinterpretadores and tem_interpreter_pool():
        from concurrent.futures import InterpreterPoolExecutor

        with InterpreterPoolExecutor(trabalhadores) as ex:
            list(ex.map(trabalho_cpu, [1] * trabalhadores))
            tempos["subinterpretadores"] = _cronometrar(lambda: list(ex.map(trabalho_cpu, cargas)))
    return {
        "interpretador": descrever_interpretador(),
        "executavel": sys.executable,
        "gil_ativo": gil_ativo(),
        "build_sem_gil": build_sem_gil(),
        "nucleos": nucleos(),
        "tempos": tempos,
    }


def razoes(medida: dict) -> dict[str, float]:
    """Cada forma dividida pela sequencial (1 = nenhum ganho; 0,5 = metade do tempo)."""
    base = medida["tempos"]["sequencial"]
    return {forma: t / base for forma, t in medida["tempos"].items() if forma != "sequencial"}


def conclusao(medida: dict) -> str:
    """Uma frase sobre as threads, tirada dos números (e não suposta)."""
    r = razoes(medida)["threads"]
    inicio = f"as threads levaram {r:.2f} × o tempo sequencial"
    if medida["gil_ativo"]:
        if r > 0.8:
            return f"com o GIL ligado, {inicio}: não calcularam em paralelo (o GIL as revezou)"
        return f"com o GIL ligado, {inicio}; com GIL isso só pode ser ruído de medida (carga pequena demais)"
    if r <= 0.8:
        return f"sem GIL, {inicio}: calcularam em paralelo"
    return f"sem GIL, {inicio}: não ganharam (carga pequena demais ou núcleos ocupados)"


# ---------------------------------------------------------------------------------------------
# Outros interpretadores da máquina
# ---------------------------------------------------------------------------------------------


def outros_interpretadores() -> list[str]:
    """Executáveis de builds free-threaded no PATH, mais o de ``PROCESSOS_OUTRO_PYTHON``, se houver."""
    achados = [shutil.which(nome) for nome in CANDIDATOS]
    extra = os.environ.get(VARIAVEL_OUTRO_PYTHON)
    if extra:
        achados.append(shutil.which(extra) or extra)
    vistos, lista = set(), []
    for exe in achados:
        if exe and Path(exe).exists() and os.path.realpath(exe) not in vistos:
            vistos.add(os.path.realpath(exe))
            lista.append(exe)
    return lista


def medir_em(executavel: str, n: int, trabalhadores: int = 2, prazo: float = 300) -> dict:
    """Roda ``medir`` noutro interpretador (um processo novo, com ``python -c``) e traz o resultado."""
    pasta = str(Path(__file__).resolve().parent)
    codigo = (
        f"import json, sys; sys.path.insert(0, {pasta!r}); import aula09_sem_gil as a; "
        f"print(json.dumps(a.medir({n}, {trabalhadores})))"
    )
    proc = subprocess.run([executavel, "-c", codigo], capture_output=True, text=True, timeout=prazo)
    if proc.returncode != 0:
        return {"executavel": executavel, "erro": proc.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Quantos núcleos: os.cpu_count() × os.process_cpu_count()
# ---------------------------------------------------------------------------------------------


def _contar_com_afinidade(cpus: set[int], fila) -> None:
    """Roda num filho: restringe este processo a ``cpus`` e conta os núcleos de dois jeitos."""
    os.sched_setaffinity(0, cpus)
    fila.put({"os.cpu_count()": os.cpu_count(), "núcleos usáveis": nucleos()})


def nucleos_com_afinidade(cpus: set[int] | None = None, prazo: float = 60) -> dict | None:
    """Num filho preso a um só núcleo (como ``taskset -c 0``), o que cada função responde.

    ``None`` onde o sistema não deixa escolher a afinidade (macOS, Windows).
    """
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = cpus or {min(os.sched_getaffinity(0))}
    fila = multiprocessing.Queue()
    p = multiprocessing.Process(target=_contar_com_afinidade, args=(cpus, fila))
    p.start()
    resposta = fila.get(timeout=prazo)
    p.join(timeout=prazo)
    return resposta
