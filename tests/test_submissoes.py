"""Submissões de mentira de cada exercício, corrigidas de verdade (nbgrader com a nota de registro, pelo
corretor completo, na turma compartilhada da suíte: tests/turma_apoio.py), com notas exatas."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from nbgrader_apoio import montar_submissao
from submissoes import OBRIGATORIAS
from turma_apoio import aluno_da_variante, variantes

from autograder.instrutor.registro import MOTIVO_NOTEBOOK_A_MAIS

ARQUIVOS = sorted((Path(__file__).parent / "submissoes").glob("ex*.py"))


@pytest.mark.lento
@pytest.mark.parametrize("arquivo", ARQUIVOS, ids=lambda p: p.stem)
def test_notas_exatas_de_cada_variante(arquivo: Path, turma):
    nome = arquivo.stem
    vs = variantes(nome)
    assert set(OBRIGATORIAS) <= set(vs), f"faltam variantes: {set(OBRIGATORIAS) - set(vs)}"
    corrigido = turma["exercicios"][nome]
    obtidas = {rotulo: corrigido["linhas"][aluno_da_variante(rotulo)]["nota"] for rotulo in vs}
    esperadas = {rotulo: v.nota for rotulo, v in vs.items()}
    assert obtidas == esperadas, f"obtidas={obtidas}\nesperadas={esperadas}\n{corrigido['saida'][-3000:]}"
    # A nota é o menor entre o notebook (nbgrader) e o registro (o módulo), célula a célula: sem o
    # aviso de "notebook a mais", o nbgrader deu exatamente estas notas em cada célula.
    for rotulo in vs:
        avisos = corrigido["linhas"][aluno_da_variante(rotulo)]["avisos"]
        assert not any(MOTIVO_NOTEBOOK_A_MAIS in aviso for aviso in avisos), f"{rotulo}: {avisos}"
    # Nada do que a correção rodou ficou vivo: o processo da turma confere os próprios descendentes
    # antes de escrever o resultado (e falha se sobrar algum); o sandbox confere os dele.
    for rotulo in vs:
        avisos = corrigido["linhas"][aluno_da_variante(rotulo)]["avisos"]
        assert not any("sobreviveram" in aviso for aviso in avisos), f"{rotulo}: {avisos}"


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
