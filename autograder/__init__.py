"""A biblioteca que as células de teste dos exercícios importam (as ferramentas do instrutor ficam
em :mod:`autograder.instrutor`)."""

from autograder import sondas
from autograder.execucao import (
    Execucao,
    FalhaNoFilho,
    Referencia,
    carregar,
    executar,
    interpretar,
    rodar_no_filho,
    verificar,
    verificar_igual,
)

__all__ = [
    "Execucao", "FalhaNoFilho", "Referencia", "carregar", "executar", "interpretar", "rodar_no_filho",
    "sondas", "verificar", "verificar_igual",
]
