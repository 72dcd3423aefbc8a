"""O release/ é exatamente o que o nbgrader gera do source/, e não contém solução nem teste oculto."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from apoio import RAIZ
from nbgrader_apoio import assignments, celulas_por_id

ASSIGNMENTS = assignments()



def test_todo_exercicio_tem_release():
    assert ASSIGNMENTS, "nenhum exercício em source/"
    assert sorted(p.name for p in (RAIZ / "release").iterdir() if p.is_dir()) == ASSIGNMENTS


@pytest.mark.lento
def test_regenerar_o_release_da_exatamente_o_versionado(turma):
    # O curso-base da turma da suíte: todos os exercícios gerados do source/ pelo nbgrader.
    curso = turma["base"]
    for nome in ASSIGNMENTS:
        gerados = sorted(p.relative_to(curso / "release") for p in (curso / "release" / nome).rglob("*") if p.is_file())
        versionados = sorted(p.relative_to(RAIZ / "release") for p in (RAIZ / "release" / nome).rglob("*") if p.is_file() and "solucao_" not in p.name)
        assert gerados == versionados
        for rel in gerados:
            novo = (curso / "release" / rel).read_bytes()
            assert novo == (RAIZ / "release" / rel).read_bytes(), f"release/{rel} está desatualizado: rode make release"


def _arquivos_do_release() -> list[Path]:
    return [p for p in (RAIZ / "release").rglob("*") if p.is_file()]


@pytest.mark.parametrize("arquivo", _arquivos_do_release(), ids=lambda p: str(p.relative_to(RAIZ)))
def test_release_nao_tem_marcadores_nem_modulo_de_solucao(arquivo: Path):
    assert not arquivo.name.startswith("solucao_"), "um módulo escrito ao rodar o notebook foi parar no release"
    texto = arquivo.read_text(encoding="utf-8")
    for marcador in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marcador not in texto


@pytest.mark.parametrize("nome", ASSIGNMENTS)
def test_release_nao_contem_linhas_da_solucao_nem_dos_testes_ocultos(nome: str):
    source = json.loads((RAIZ / "source" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    release = json.loads((RAIZ / "release" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    codigo_release = {linha.strip() for c in release["cells"] for linha in "".join(c["source"]).splitlines()}
    regiao = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)(.*?)### END \1", flags=re.S)
    secretas, dadas = set(), set()
    for celula in source["cells"]:
        texto = "".join(celula["source"])
        secretas |= {linha.strip() for _, trecho in regiao.findall(texto) for linha in trecho.splitlines()}
        dadas |= {linha.strip() for linha in regiao.sub("", texto).splitlines()}
    # Linhas que o enunciado também dá fora das regiões (imports, docstrings) não são vazamento.
    vazadas = {linha for linha in secretas - dadas if linha} & codigo_release
    assert not vazadas, f"linhas da solução ou de testes ocultos no release: {sorted(vazadas)}"


@pytest.mark.lento
@pytest.mark.parametrize("nome", ASSIGNMENTS)
def test_solucao_do_source_passa_e_release_falha_em_cada_celula_de_teste(nome: str, turma):
    """O que ``nbgrader validate`` (source) e ``nbgrader validate --invert`` (release) provariam, visto
    na turma da suíte: o release com as soluções do source ganha os pontos de TODA célula de teste
    (com os testes ocultos), e o release como veio não ganha ponto em NENHUMA. A nota de cada célula
    é o menor entre o notebook (nbgrader) e o registro; sem o aviso de "notebook a mais", o notebook
    deu exatamente essas notas."""
    from autograder.instrutor.registro import MOTIVO_NOTEBOOK_A_MAIS
    from autograder.instrutor.status import OK

    source = json.loads((RAIZ / "source" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    pontos = {g: c["metadata"]["nbgrader"]["points"] for g, c in celulas_por_id(source).items() if c["metadata"]["nbgrader"].get("grade")}
    corrigido = turma["exercicios"][nome]
    assert corrigido["celulas"]["correta"] == pontos, corrigido["linhas"]["correta"]
    assert corrigido["celulas"]["release"] == dict.fromkeys(pontos, 0), corrigido["linhas"]["release"]
    for aluno in ("correta", "release"):
        linha = corrigido["linhas"][aluno]
        assert linha["status"] == OK, linha
        assert not any(MOTIVO_NOTEBOOK_A_MAIS in aviso for aviso in linha["avisos"]), linha


@pytest.mark.parametrize("nome", ASSIGNMENTS)
def test_cada_celula_de_teste_tem_docstring_pontos_e_grade_id(nome: str):
    nb = json.loads((RAIZ / "source" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"] if "nbgrader" in c["metadata"]]
    assert len(ids) == len(set(ids)), "grade_id repetido"
    testes = [c for c in celulas_por_id(nb).values() if c["metadata"]["nbgrader"].get("grade")]
    assert len(testes) >= 2, "cada exercício tem mais de uma parte corrigida"
    for celula in testes:
        texto = "".join(celula["source"])
        assert texto.startswith('"""') and texto.split("\n", 1)[0].endswith('"""'), "o teste começa com uma docstring de uma linha"
        assert celula["metadata"]["nbgrader"]["points"] > 0
    assert any("### BEGIN HIDDEN TESTS" in "".join(c["source"]) for c in testes), "há testes ocultos"
    for celula in testes:  # e cada região de testes ocultos confere alguma coisa
        for oculto in re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", "".join(celula["source"]), flags=re.S):
            assert re.search(r"\b(verificar\w*|conferir\w*|assert)\b", oculto), celula["metadata"]["nbgrader"]["grade_id"]
    # o que o aluno vê de cada teste (o release, sem os ocultos) confere alguma coisa, além da docstring
    release = json.loads((RAIZ / "release" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    for grade_id, celula in celulas_por_id(release).items():
        if celula["metadata"]["nbgrader"].get("grade"):
            corpo = "".join(celula["source"]).split("\n", 1)[-1]
            assert re.search(r"\b(verificar\w*|conferir\w*|assert)\b", corpo), f"{grade_id}: o teste visível não confere nada"
