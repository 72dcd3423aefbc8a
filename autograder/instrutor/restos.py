"""Os restos de uma correção interrompida: as pastas temporárias que ela deixou em ``/tmp``.

Cada correção trabalha em pastas temporárias próprias — ``corrigir-<pid>-<aluno>-*`` (a entrega do aluno,
o curso montado, os notebooks corrigidos) e ``registro-<pid>-*`` (o pedido da nota de registro, com os
testes ocultos) —, apagadas no fim. Se o corretor morre no meio (``kill -9``, a máquina desligada), elas
ficam. O ``<pid>`` no nome é o do processo que criou a pasta: a correção seguinte apaga as pastas cujo
processo já não existe (ou é outro, com o mesmo número, iniciado depois da pasta).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

#: Os prefixos das pastas temporárias de uma correção (seguidos de ``<pid>-``).
PREFIXOS = ("corrigir", "registro")
_NOME = re.compile(rf"^(?:{'|'.join(PREFIXOS)})-(?P<pid>\d+)-")


def prefixo(tipo: str) -> str:
    """O prefixo da pasta temporária de ``tipo`` (um de :data:`PREFIXOS`) criada por este processo."""
    return f"{tipo}-{os.getpid()}-"


def _viva(pid: int, criada: float) -> bool:
    import psutil

    try:
        return psutil.Process(pid).create_time() <= criada + 1
    except psutil.Error:
        return False


def limpar(pasta: str | os.PathLike | None = None) -> list[Path]:
    """Apaga, em ``pasta`` (a temporária do sistema, por padrão), as pastas de correções cujo processo
    morreu; devolve as que apagou. Só do usuário atual; nunca levanta."""
    apagadas = []
    base = Path(pasta or tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for caminho in base.iterdir():
            casamento = _NOME.match(caminho.name)
            if not casamento:
                continue
            try:
                info = caminho.lstat()
                if not caminho.is_dir() or caminho.is_symlink() or info.st_uid != os.getuid():
                    continue
                if _viva(int(casamento["pid"]), info.st_mtime):
                    continue
            except OSError:
                continue
            # O nbgrader deixa o notebook corrigido só leitura.
            for arq in caminho.rglob("*"):
                with contextlib.suppress(OSError):
                    arq.chmod(0o755 if arq.is_dir() else 0o644)
            shutil.rmtree(caminho, ignore_errors=True)
            if not caminho.exists():
                apagadas.append(caminho)
    return apagadas
