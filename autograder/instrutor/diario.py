"""O diário da correção (``relatorios/<exercicio>/diario.jsonl``): uma linha por submissão concluída,
escrita só depois de a nota estar no gradebook. Rodar de novo corrige só o que falta ou mudou."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path


def caminho(curso: Path, exercicio: str) -> Path:
    pasta = curso / "relatorios" / exercicio
    pasta.mkdir(parents=True, exist_ok=True)
    return pasta / "diario.jsonl"


def ler(arquivo: Path) -> dict[str, dict]:
    """As submissões já corrigidas, por aluno (vale a última linha de cada um; linhas cortadas são ignoradas)."""
    feitos = {}
    if arquivo.exists():
        for linha in arquivo.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(json.JSONDecodeError, KeyError, TypeError):  # uma linha cortada por um kill no meio
                registro = json.loads(linha)
                feitos[registro["aluno"]] = registro
    return feitos


def acrescentar(arquivo: Path, registro: dict) -> None:
    """Acrescenta uma linha e a leva ao disco. Se a última linha foi cortada (um kill no meio da
    escrita), a nova começa numa linha própria, e não colada à cortada."""
    with arquivo.open("a+b") as f:
        if f.tell() > 0:
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":
                f.write(b"\n")
        f.write((json.dumps(registro, ensure_ascii=False) + "\n").encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())


def impressao_digital(pasta: Path) -> str:
    """O hash de todos os arquivos da entrega (nomes e conteúdos): mudou, corrige de novo."""
    h = hashlib.sha256()
    for arq in sorted(p for p in pasta.rglob("*") if p.is_file()):
        h.update(arq.relative_to(pasta).as_posix().encode())
        h.update(arq.read_bytes())
    return h.hexdigest()
