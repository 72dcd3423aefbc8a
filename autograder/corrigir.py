"""Corrige um exercício da turma inteira (casca fina: o corretor está em :mod:`autograder.instrutor`).

    python -m autograder.corrigir ex06_chat --zip turma.zip
"""

import sys

from autograder.instrutor.cli import main
from autograder.instrutor.coleta import PADROES, Coleta, coletar_zip
from autograder.instrutor.lote import corrigir
from autograder.instrutor.relatorio import Linha, Turma, relatorio
from autograder.instrutor.sandbox import Limites, SemIsolamento
from autograder.instrutor.status import (
    AUSENTE,
    ERRO,
    INVALIDO,
    ISOLADO,
    KERNEL,
    OK,
    SEM_ISOLAMENTO,
    SUSPEITA,
    TEMPO,
)

__all__ = [
    "AUSENTE", "ERRO", "INVALIDO", "ISOLADO", "KERNEL", "OK", "PADROES", "SEM_ISOLAMENTO", "SUSPEITA", "TEMPO",
    "Coleta", "Limites", "Linha", "SemIsolamento", "Turma", "coletar_zip", "corrigir", "main", "relatorio",
]

if __name__ == "__main__":
    sys.exit(main())
