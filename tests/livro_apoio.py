"""Construção do livro (Jupyter Book) para os testes, sem rede e numa escala pequena."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nbgrader_apoio import ambiente

JB = Path(sys.executable).parent / "jupyter-book"


def construir_livro(raiz: Path, config: Path, toc: Path, saida: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(JB), "build", str(raiz), "--config", str(config), "--toc", str(toc), "--path-output", str(saida), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=1200, env=ambiente(PROCESSOS_ESCALA="0.002"),
    )
