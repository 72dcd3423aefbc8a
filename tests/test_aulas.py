"""Toda aula roda do começo ao fim, sem erro, com cada método de início, e não deixa processos."""

from __future__ import annotations

from pathlib import Path

import pytest
from apoio import METODOS, NOTEBOOKS, executar_notebook

AULAS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.lento
@pytest.mark.parametrize("metodo", METODOS)
@pytest.mark.parametrize("aula", AULAS, ids=lambda p: p.stem)
def test_aula_executa_sem_erros(aula: Path, metodo: str):
    nb = executar_notebook(aula, metodo, prazo_celula=180)
    erros = [
        saida
        for celula in nb.cells
        for saida in celula.get("outputs", [])
        if saida.get("output_type") == "error"
    ]
    assert not erros
