"""Submissões sintéticas de um exercício: o release com as células de solução preenchidas.

Servem aos testes (uma variante por tipo de erro, com nota exata) e ao benchmark do instrutor.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

MARCADORES = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")


def sem_marcadores(texto: str) -> str:
    """A solução do source como um aluno a escreveria: sem as linhas de marcador do nbgrader."""
    return "\n".join(linha for linha in texto.splitlines() if not MARCADORES.match(linha))


def texto(celula: dict) -> str:
    return "".join(celula["source"]) if isinstance(celula["source"], list) else celula["source"]


def celulas_por_id(nb: dict) -> dict[str, dict]:
    """As células com metadados do nbgrader, pelo grade_id."""
    return {c["metadata"]["nbgrader"].get("grade_id"): c for c in nb["cells"] if "nbgrader" in c["metadata"]}


def montar_submissao(
    curso: Path,
    nome: str,
    trocas: dict[str, list[tuple[str, str]]] | None = None,
    novas_celulas: list[tuple[str, str]] | None = None,
) -> dict:
    """Um notebook de aluno: o ``release`` com cada célula de solução preenchida pela do ``source``.

    ``trocas[grade_id]`` é uma lista de (trecho, substituto) aplicados à solução daquela célula — cada
    trecho precisa existir. ``novas_celulas`` é uma lista de (grade_id depois do qual inserir, código)
    com células que o "aluno" acrescentou.
    """
    release = json.loads((curso / "release" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    source = celulas_por_id(json.loads((curso / "source" / nome / f"{nome}.ipynb").read_text(encoding="utf-8")))
    for celula in release["cells"]:
        meta = celula["metadata"].get("nbgrader", {})
        if not meta.get("solution"):
            continue
        solucao = sem_marcadores(texto(source[meta["grade_id"]]))
        for trecho, novo in (trocas or {}).get(meta["grade_id"], []):
            if trecho not in solucao:
                raise ValueError(f"trecho não encontrado em {meta['grade_id']}: {trecho!r}")
            solucao = solucao.replace(trecho, novo)
        celula["source"] = solucao
    for depois, codigo in novas_celulas or []:
        indice = next(
            i for i, c in enumerate(release["cells"]) if c["metadata"].get("nbgrader", {}).get("grade_id") == depois
        )
        release["cells"].insert(
            indice + 1,
            {"cell_type": "code", "execution_count": None, "id": f"aluno-{indice}", "metadata": {}, "outputs": [], "source": codigo},
        )
    return release
