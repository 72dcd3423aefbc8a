"""A solução de cada exercício passa em todos os testes com fork, spawn e forkserver."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apoio import METODOS, RAIZ, ambiente_kernel, executar_notebook
from nbgrader_apoio import assignments


@pytest.mark.lento
@pytest.mark.parametrize("metodo", METODOS)
@pytest.mark.parametrize("nome", assignments())
def test_solucao_passa_com_cada_metodo(nome: str, metodo: str, tmp_path: Path):
    pasta = tmp_path / nome
    shutil.copytree(RAIZ / "source" / nome, pasta, ignore=shutil.ignore_patterns("solucao_*.py", "__pycache__"))
    nb = executar_notebook(pasta / f"{nome}.ipynb", metodo, env=ambiente_kernel(metodo))
    erros = [s for c in nb.cells for s in c.get("outputs", []) if s.get("output_type") == "error"]
    assert not erros
    assert (pasta / f"solucao_{nome[2:4]}.py").exists() or list(pasta.glob("solucao_*.py"))
