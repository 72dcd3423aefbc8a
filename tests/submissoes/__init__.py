"""Variantes de submissões por exercício (veja README.md nesta pasta)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Variante:
    """Uma submissão: trocas nas células de solução, células novas e a nota exata esperada."""

    nota: float
    trocas: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    novas_celulas: list[tuple[str, str]] = field(default_factory=list)


OBRIGATORIAS = (
    "correta", "parcial", "laco_infinito", "impasse", "excecao", "kernel_morre", "funcao_na_celula", "deixa_filhos",
)
