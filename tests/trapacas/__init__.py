"""Corpus de trapaças: submissões que tentam ganhar pontos sem resolver o exercício (veja ex01_processos.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Trapaca:
    """Uma submissão que trapaceia, a nota exata esperada por célula e o que o relatório deve dizer.

    ``trocas`` e ``novas_celulas`` como em :func:`autograder.instrutor.sinteticas.montar_submissao`;
    ``solucao`` substitui a célula de solução inteira. ``avisos``: trechos que o relatório deve ter.
    """

    celulas: dict[str, float]
    status: str
    avisos: list[str] = field(default_factory=list)
    trocas: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    novas_celulas: list[tuple[str, str]] = field(default_factory=list)
    solucao: str | None = None
    precisa_da_biblioteca_nova: bool = False
