"""Corrige um exercício da turma inteira (casca fina: o corretor está em :mod:`autograder.instrutor`).

    python -m autograder.corrigir ex06_chat --zip turma.zip
"""

import sys

from autograder.instrutor import *  # noqa: F403 - o nome antigo continua servindo
from autograder.instrutor.cli import main

if __name__ == "__main__":
    sys.exit(main())
