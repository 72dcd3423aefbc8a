"""A biblioteca que as células de teste dos exercícios importam (as ferramentas do instrutor ficam
em :mod:`autograder.instrutor`).

Os nomes abaixo são carregados na primeira vez que alguém os pede (PEP 562): um processo filho que só
desempacota uma sonda (``autograder.sondas``) ou roda o código do aluno (``autograder._executor``) não
paga a importação de :mod:`autograder.execucao` e do psutil — com ``spawn`` e ``forkserver``, cada
filho novo importaria tudo de novo."""

from __future__ import annotations

import importlib

_DE_EXECUCAO = (
    "Execucao", "FalhaNoFilho", "Referencia", "carregar", "executar", "interpretar", "rodar_no_filho",
    "verificar", "verificar_igual",
)

__all__ = [*_DE_EXECUCAO, "sondas"]


def __getattr__(nome: str):
    if nome in _DE_EXECUCAO:
        valor = getattr(importlib.import_module("autograder.execucao"), nome)
    elif nome == "sondas":
        valor = importlib.import_module("autograder.sondas")
    else:
        raise AttributeError(f"module 'autograder' has no attribute {nome!r}")
    globals()[nome] = valor
    return valor


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
