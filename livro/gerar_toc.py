"""Gera livro/_toc.yml a partir das aulas (notebooks/) e dos enunciados (release/) presentes."""

from __future__ import annotations

import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]


def toc() -> str:
    aulas = sorted((RAIZ / "notebooks").glob("[0-9][0-9]-*.ipynb"))  # 00-Indice primeiro: as aulas apontam para ele
    exercicios = [p for p in sorted((RAIZ / "release").glob("ex*/ex*.ipynb")) if p.stem == p.parent.name]
    linhas = ["# Gerado por livro/gerar_toc.py: não edite à mão.", "format: jb-book", "root: livro/intro", "parts:",
              "  - caption: Aulas", "    chapters:"]
    linhas += [f"      - file: {p.relative_to(RAIZ).with_suffix('').as_posix()}" for p in aulas]
    linhas += ["  - caption: Exercícios (enunciados)", "    chapters:"]
    linhas += [f"      - file: {p.relative_to(RAIZ).with_suffix('').as_posix()}" for p in exercicios]
    return "\n".join(linhas) + "\n"


if __name__ == "__main__":
    destino = RAIZ / "livro" / "_toc.yml"
    destino.write_text(toc(), encoding="utf-8")
    print(f"{destino} com {toc().count('- file:')} páginas", file=sys.stderr)
