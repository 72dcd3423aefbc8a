"""Configuração comum dos testes: nenhum teste pode deixar um processo vivo."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from apoio import vigiar_processos  # noqa: E402


@pytest.fixture(autouse=True)
def _sem_processos_restantes():
    """Todo teste roda vigiado: o que ele criou e deixou vivo é morto e o teste falha."""
    with vigiar_processos():
        yield
