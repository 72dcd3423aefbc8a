"""O ambiente dos comandos do nbgrader que o corretor chama (o bin deste Python no PATH)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def ambiente(**extra: str) -> dict[str, str]:
    """O ambiente deste processo com o bin do Python atual no PATH (o nbgrader chama o ``alembic``)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def nbgrader(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """Roda ``nbgrader args...`` na pasta ``cwd`` e devolve o processo concluído (sem levantar)."""
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=ambiente()
    )
