"""Construção do livro (Jupyter Book) para os testes, sem rede e numa escala pequena."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from nbgrader_apoio import ambiente

JB = Path(sys.executable).parent / "jupyter-book"


def construir_livro(raiz: Path, config: Path, toc: Path, saida: Path, prazo: float = 1200) -> subprocess.CompletedProcess:
    """Roda o ``jupyter-book build``; passado o ``prazo``, encerra o grupo inteiro (o construtor e os
    kernels que ele abriu) e levanta ``subprocess.TimeoutExpired``."""
    comando = [str(JB), "build", str(raiz), "--config", str(config), "--toc", str(toc), "--path-output", str(saida), "-W", "-n", "--keep-going"]
    with subprocess.Popen(
        comando, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=ambiente(PROCESSOS_ESCALA="0.002"), start_new_session=True,
    ) as proc:
        try:
            saida_padrao, saida_erro = proc.communicate(timeout=prazo)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
            raise
    return subprocess.CompletedProcess(comando, proc.returncode, saida_padrao, saida_erro)
