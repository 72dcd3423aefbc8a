"""Utilidades comuns a todas as aulas: o tamanho das cargas de trabalho e o método de início em uso."""

from __future__ import annotations

import multiprocessing
import os

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
