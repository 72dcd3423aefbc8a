"""Funções da aula 02: a carga CPU-bound do notebook original, a divisão do intervalo e as medições."""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

from curso_comum import aquecer


def computer(start: int, end: int) -> dict:
    """O cálculo do notebook original: raízes de start até end; devolve quem rodou e quando.

    Os instantes vêm de ``time.time()`` (relógio de parede, o mesmo para todos os processos da
    máquina); ``perf_counter`` não serve para comparar processos diferentes.
    """
    inicio = time.time()
    i = start
    factor = 1000 * 1000
    while i < end:
        i += 1
        math.sqrt((i - factor) * (i - factor))
    return {
        "nome": multiprocessing.current_process().name,
        "pid": os.getpid(),
        "start": start,
        "end": end,
        "inicio": inicio,
        "fim": time.time(),
    }


def dividir_intervalo(inicio: int, fim: int, partes: int) -> list[tuple[int, int]]:
    """Divide [inicio, fim) em ``partes`` pedaços inteiros, contíguos, que cobrem tudo.

    O original fazia ``50_000_000 * (n - 1) / qtd_cores``: a divisão ``/`` gera floats, e com
    números grandes um float pode perder unidades. Aqui só há inteiros, e o último pedaço termina
    exatamente em ``fim``.
    """
    if partes < 1:
        raise ValueError("partes precisa ser pelo menos 1")
    total = fim - inicio
    return [(inicio + total * k // partes, inicio + total * (k + 1) // partes) for k in range(partes)]


def executar(inicio: int, fim: int, processos: int) -> tuple[float, list[dict]]:
    """Roda ``computer`` sobre [inicio, fim) dividido entre ``processos``; devolve (segundos, registros).

    ``result()`` em cada Future é o que traz de volta o valor e também as exceções do filho; sem
    ele (como no original) um erro no filho passaria em silêncio.
    """
    pedacos = dividir_intervalo(inicio, fim, processos)
    with ProcessPoolExecutor(max_workers=processos) as executor:
        # Aquece o pool: criar os processos não faz parte do cálculo que queremos medir. Com
        # spawn/forkserver o pool cria trabalhadores sob demanda; aquecer() confere que vieram todos.
        aquecer(executor, processos)
        t0 = time.time()
        futuros = [executor.submit(computer, a, b) for a, b in pedacos]
        registros = [f.result() for f in futuros]
        total = time.time() - t0
    for r in registros:
        r["inicio"] -= t0
        r["fim"] -= t0
    return total, registros


def medir_escalabilidade(n: int, max_processos: int) -> list[dict]:
    """Mede o mesmo trabalho com 1, 2, ..., max_processos processos."""
    medidas = []
    for p in range(1, max_processos + 1):
        tempo, registros = executar(0, n, p)
        medidas.append({"processos": p, "tempo": tempo, "registros": registros})
    base = medidas[0]["tempo"]
    for m in medidas:
        m["speedup"] = base / m["tempo"]
        m["eficiencia"] = m["speedup"] / m["processos"]
    return medidas


def amdahl(fracao_serial: float, processos: int) -> float:
    """Speedup máximo pela lei de Amdahl quando ``fracao_serial`` do trabalho não paraleliza."""
    return 1.0 / (fracao_serial + (1.0 - fracao_serial) / processos)


def fracao_serial_estimada(speedup: float, processos: int) -> float:
    """Métrica de Karp–Flatt: a fração serial que explicaria o speedup medido com ``processos``."""
    if processos < 2:
        raise ValueError("é preciso medir com pelo menos 2 processos")
    return (1.0 / speedup - 1.0 / processos) / (1.0 - 1.0 / processos)


def grafico_escalabilidade(medidas: list[dict], nucleos: int | None = None):
    """Tempo, speedup e eficiência medidos, contra o ideal e a lei de Amdahl.

    Com ``nucleos``, a fração serial de Amdahl é estimada na medida com esse número de processos
    (com mais processos que núcleos o speedup para de crescer por falta de núcleo, não por trabalho
    serial) e uma linha vertical marca onde acabam os núcleos.
    """
    import matplotlib.pyplot as plt

    ps = [m["processos"] for m in medidas]
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(13, 3.8))
    ax1.plot(ps, [m["tempo"] for m in medidas], "o-", label="medido")
    ax1.plot(ps, [medidas[0]["tempo"] / p for p in ps], "--", label="ideal (T₁/p)")
    ax1.set(title="Tempo", xlabel="processos", ylabel="segundos")
    ax2.plot(ps, [m["speedup"] for m in medidas], "o-", label="medido")
    ax2.plot(ps, ps, "--", label="ideal")
    base = next((m for m in medidas if m["processos"] == nucleos), medidas[-1])
    if base["processos"] > 1:
        s = min(max(fracao_serial_estimada(base["speedup"], base["processos"]), 0.0), 1.0)
        mais = list(range(1, max(ps) + 1))
        ax2.plot(mais, [amdahl(s, p) for p in mais], ":", label=f"Amdahl (serial = {s:.0%})")
    ax2.set(title="Speedup", xlabel="processos", ylabel="T₁ / Tₚ")
    ax3.plot(ps, [m["eficiencia"] for m in medidas], "o-", label="medida")
    ax3.axhline(1.0, linestyle="--", color="gray", label="ideal")
    ax3.set(title="Eficiência", xlabel="processos", ylabel="speedup / p", ylim=(0, 1.2))
    for ax in (ax1, ax2, ax3):
        if nucleos and nucleos < max(ps):
            ax.axvline(nucleos, color="gray", linestyle=":", linewidth=1, label=f"núcleos ({nucleos})")
        ax.legend(fontsize="small")
        ax.set_xticks(ps)
    fig.tight_layout()
    return fig


def _milhar(n: int) -> str:
    """12345678 -> '12.345.678' (separador de milhar brasileiro)."""
    return f"{n:,}".replace(",", ".")


def grafico_linha_do_tempo(registros: list[dict], titulo: str = "Quando cada processo trabalhou"):
    """Gráfico de Gantt: uma barra por tarefa, do instante em que começou ao que terminou."""
    import matplotlib.pyplot as plt

    nomes = sorted({r["nome"] for r in registros})
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(nomes) + 1.5))
    for r in registros:
        y = nomes.index(r["nome"])
        ax.barh(y, r["fim"] - r["inicio"], left=r["inicio"], height=0.5)
        ax.text(r["inicio"], y + 0.32, f"[{_milhar(r['start'])}, {_milhar(r['end'])})", fontsize=8)
    ax.set_yticks(range(len(nomes)), [f"{n}" for n in nomes])
    ax.set(xlabel="segundos desde o início", title=titulo)
    ax.set_xlim(left=0)
    fig.tight_layout()
    return fig
