"""Construção do livro (Jupyter Book) para os testes, sem rede e numa escala pequena."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from nbgrader_apoio import ambiente

JB = Path(sys.executable).parent / "jupyter-book"


@functools.cache
def rede_propria() -> list[str]:
    """O prefixo que roda um comando numa rede própria (um namespace de rede do Linux, só com o
    loopback), ou ``[]`` onde o bubblewrap não a cria.

    O livro executa cada aula num kernel por TCP, e o jupyter-book não deixa trocar o transporte; numa
    suíte paralela, a porta "livre" que o jupyter_client escolhe pode ser pega por outro processo antes
    de o kernel ocupá-la, e o kernel morre ("Kernel died before replying to kernel_info": aconteceu no
    CI). Numa rede própria, só os kernels do livro disputam as portas, um de cada vez."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return []
    prefixo = [bwrap, "--unshare-net", "--dev-bind", "/", "/", "--die-with-parent", "--"]
    try:
        ok = subprocess.run([*prefixo, "true"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return prefixo if ok else []


def construir_livro(raiz: Path, config: Path, toc: Path, saida: Path, prazo: float = 1200) -> subprocess.CompletedProcess:
    """Roda o ``jupyter-book build``; passado o ``prazo``, encerra o grupo inteiro (o construtor e os
    kernels que ele abriu) e levanta ``subprocess.TimeoutExpired``. Roda numa rede própria quando dá
    (veja :func:`rede_propria`)."""
    comando = [*rede_propria(), str(JB), "build", str(raiz), "--config", str(config), "--toc", str(toc), "--path-output", str(saida), "-W", "-n", "--keep-going"]
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
