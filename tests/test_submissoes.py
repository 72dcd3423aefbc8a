"""Submissões de mentira de cada exercício, corrigidas pelo `nbgrader autograde` de verdade, com notas exatas."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from apoio import descendentes_restantes, descrever
from nbgrader_apoio import autograde, curso_temporario, montar_submissao
from submissoes import OBRIGATORIAS

ARQUIVOS = sorted((Path(__file__).parent / "submissoes").glob("ex*.py"))


@pytest.mark.lento
@pytest.mark.parametrize("arquivo", ARQUIVOS, ids=lambda p: p.stem)
def test_notas_exatas_de_cada_variante(arquivo: Path, tmp_path: Path):
    nome = arquivo.stem
    variantes = importlib.import_module(f"submissoes.{nome}").VARIANTES
    assert set(OBRIGATORIAS) <= set(variantes), f"faltam variantes: {set(OBRIGATORIAS) - set(variantes)}"
    curso = curso_temporario(tmp_path / "curso", nome)
    submissoes = {
        f"aluno_{rotulo}": montar_submissao(nome, v.trocas, v.novas_celulas) for rotulo, v in variantes.items()
    }
    notas = autograde(curso, nome, submissoes)
    saida = notas.pop("_saida")
    obtidas = {aluno.removeprefix("aluno_"): nota for aluno, nota in notas.items()}
    esperadas = {rotulo: v.nota for rotulo, v in variantes.items()}
    assert obtidas == esperadas, f"obtidas={obtidas}\nesperadas={esperadas}\n{saida[-3000:]}"
    # O autograde terminou e nada do que ele rodou ficou vivo (o fixture automático confere de novo).
    restantes = descendentes_restantes()
    assert restantes == [], descrever(restantes)


def test_montar_submissao_recusa_troca_que_nao_existe():
    nome = ARQUIVOS[0].stem
    with pytest.raises(ValueError, match="trecho não encontrado"):
        montar_submissao(nome, {_primeira_solucao(nome): [("trecho que não existe", "")]})


def _primeira_solucao(nome: str) -> str:
    import json

    from apoio import RAIZ

    nb = json.loads((RAIZ / "source" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    return next(c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))


sys.path.insert(0, str(Path(__file__).parent))
