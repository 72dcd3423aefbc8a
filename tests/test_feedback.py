"""O feedback do aluno ensina sem entregar os testes ocultos; a visão do instrutor guarda tudo.

Usa a turma da suíte (tests/turma_apoio.py), corrigida uma vez por execução pelo corretor completo,
que gera o feedback (``nbgrader generate_feedback``) de todos os exercícios. Em cada exercício, uma
submissão correta e uma com falhas que ainda tenta vazar os testes: imprime o histórico de entradas do
IPython (``_ih``, que tem o código das células de teste já rodadas) e uma saída enorme.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from apoio import RAIZ
from nbgrader_apoio import assignments
from turma_apoio import FEEDBACK as ALUNOS

from autograder.instrutor import feedback as fb

EXERCICIOS = assignments()
PELO_CORRIGIR = "ex01_processos"  # o exercício em que o feedback do corretor é comparado ao do formgrader
MARCADOR = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")


# ---------------------------------------------------------------------------------------------
# O que o teste sabe por conta própria, lendo o source/ (sem usar o módulo testado)


def _celulas_de_teste(nome: str) -> list[dict]:
    nb = json.loads((RAIZ / "source" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    return [
        c for c in nb["cells"]
        if c["cell_type"] == "code" and c["metadata"].get("nbgrader", {}).get("grade")
        and not c["metadata"]["nbgrader"].get("solution")
    ]


def _linhas_ocultas(nome: str) -> list[str]:
    """Toda linha não trivial (com letra ou número, sem os marcadores) das regiões ocultas do source."""
    linhas = []
    for celula in _celulas_de_teste(nome):
        dentro = False
        for linha in "".join(celula["source"]).splitlines():
            if MARCADOR.match(linha):
                dentro = "BEGIN" in linha
            elif dentro and re.search(r"\w", linha):
                linhas.append(linha.strip())
    return linhas


def _docstring(celula: dict) -> str:
    primeira = "".join(celula["source"]).splitlines()[0]
    return primeira.strip().strip('"').strip()


def _texto_visivel(pagina: str) -> str:
    """O texto que o navegador mostra: sem as tags e com as entidades de volta."""
    return html.unescape(re.sub(r"<[^>]+>", "", pagina))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.estilos: list[str] = []
        self._no_estilo = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._no_estilo = tag == "style"

    def handle_endtag(self, tag):
        self._no_estilo = False

    def handle_data(self, data):
        if self._no_estilo:
            self.estilos.append(data)


def _sem_nada_de_fora(pagina: str) -> None:
    """Nenhuma tag que carregue ou rode algo, nenhum src que não seja data: e CSS sem endereços."""
    leitor = _Tags()
    leitor.feed(pagina)
    for tag, atributos in leitor.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "base", "frame", "svg"), f"a página tem <{tag}>"
        for nome in ("src", "srcset", "poster", "data", "background"):
            assert atributos.get(nome, "data:").startswith("data:"), f"<{tag} {nome}={atributos[nome]!r}>"
        assert not re.search(r"url\(|@import", atributos.get("style", ""), re.I)
    assert leitor.estilos and not re.search(r"url\(|@import", "".join(leitor.estilos), re.I)


def _pontos(obtidos: float, possiveis: float) -> str:
    return f"{obtidos:g} de {possiveis:g} {'ponto' if possiveis == 1 else 'pontos'}"


def _pagina(turma: dict, aluno: str, nome: str, pasta: str = "feedback") -> str:
    return (turma["cursos"][nome] / pasta / aluno / nome / f"{nome}.html").read_text(encoding="utf-8")


def _corrigido(turma: dict, aluno: str, nome: str):
    return nbformat.read(turma["cursos"][nome] / "autograded" / aluno / nome / f"{nome}.ipynb", as_version=4)


def _nota(turma: dict, nome: str, aluno: str) -> float:
    return turma["exercicios"][nome]["linhas"][aluno]["nota"]


# ---------------------------------------------------------------------------------------------
# Os testes com a turma corrigida de verdade


@pytest.mark.lento
def test_nenhuma_linha_de_teste_oculto_em_nenhum_arquivo_de_feedback(turma):
    ocultas = {nome: _linhas_ocultas(nome) for nome in EXERCICIOS}
    assert all(ocultas.values()), "todo exercício tem testes ocultos"
    todas = [linha for linhas in ocultas.values() for linha in linhas]
    for nome in EXERCICIOS:  # cada aluno da turma (variantes e corpus também) recebeu feedback
        feedback = turma["cursos"][nome] / "feedback"
        arquivos = [p for p in feedback.rglob("*") if p.is_file()]
        paginas = sorted(p.relative_to(feedback).as_posix() for p in arquivos if p.suffix == ".html")
        assert paginas == sorted(f"{aluno}/{nome}/{nome}.html" for aluno in turma["exercicios"][nome]["linhas"]), paginas
        assert set(ALUNOS) <= set(turma["exercicios"][nome]["linhas"])
        for arquivo in arquivos:
            bruto = arquivo.read_text(encoding="utf-8")
            visivel = _texto_visivel(bruto)
            for linha in todas:
                assert linha not in bruto and linha not in visivel, f"{arquivo.relative_to(feedback)} mostra um teste oculto: {linha}"
    # A submissão curiosa imprimiu o _ih (com os testes ocultos): as linhas foram trocadas por um aviso.
    for nome in EXERCICIOS:
        impresso = "".join(
            saida.get("text", "") for c in _corrigido(turma, "com_falhas", nome).cells if c.get("id") == "curiosa"
            for saida in c.outputs if saida.output_type == "stream"
        )
        assert any(linha in impresso for linha in ocultas[nome]), "o _ih impresso tinha os testes ocultos"
        assert fb.OMITIDA in _pagina(turma, "com_falhas", nome)
        # A visão do instrutor guarda tudo (e prova que este teste acharia as linhas se vazassem).
        instrutor = _texto_visivel(_pagina(turma, "com_falhas", nome, fb.PASTA_INSTRUTOR))
        assert all(linha in instrutor for linha in ocultas[nome])


@pytest.mark.lento
def test_o_aluno_ve_o_que_falhou_e_por_que(turma):
    for nome in EXERCICIOS:
        for aluno in ALUNOS:
            visivel = _texto_visivel(_pagina(turma, aluno, nome))
            falhas = 0
            for celula in _corrigido(turma, aluno, nome).cells:
                if not fb.eh_teste(celula):
                    continue
                erros = [s for s in celula.outputs if s.output_type == "error"]
                stderr = "".join(s.text for s in celula.outputs if s.output_type == "stream" and s.name == "stderr")
                falhas += bool(erros or stderr)
                for saida in erros:
                    assert saida.ename in visivel
                    for linha in saida.evalue.splitlines():
                        assert linha.strip() in visivel, f"{aluno}/{nome}: a mensagem de falha sumiu: {linha}"
                if stderr and not erros:
                    # O nbgrader conta stderr como falha: o aluno vê o porquê e o que foi escrito.
                    assert "saída de erros (stderr)" in visivel
                    assert stderr.strip().splitlines()[-1] in visivel
            if aluno == "correta":
                assert falhas == 0 and "falhou ✘" not in visivel
            else:
                assert falhas >= 1, f"a submissão com falhas de {nome} não falhou em nada"
                # Na tabela do topo e no teste: duas vezes por falha.
                assert visivel.count("falhou ✘") == 2 * falhas


@pytest.mark.lento
def test_docstring_pontos_e_total_de_cada_teste(turma):
    from nbgrader.api import Gradebook

    for nome in EXERCICIOS:
        with Gradebook(f"sqlite:///{turma['cursos'][nome] / 'gradebook.db'}") as gb:
            for aluno in ALUNOS:
                visivel = _texto_visivel(_pagina(turma, aluno, nome))
                sub = gb.find_submission(nome, aluno)
                assert f"Total: {_pontos(sub.score, sub.max_score)}" in visivel
                assert sub.score == _nota(turma, nome, aluno)
                notas = {g.name: g for nb in sub.notebooks for g in nb.grades}
                for celula in _celulas_de_teste(nome):
                    grade = notas[celula["metadata"]["nbgrader"]["grade_id"]]
                    doc = _docstring(celula)
                    assert doc and doc in visivel
                    # A docstring, depois o placar do próprio teste.
                    placar = re.escape(doc) + r"\s*(passou ✔|falhou ✘)\s*" + re.escape(_pontos(grade.score, grade.max_score))
                    assert re.search(placar, visivel), f"{aluno}/{nome}: sem o placar de {doc}"
            assert _nota(turma, nome, "correta") > _nota(turma, nome, "com_falhas")


@pytest.mark.lento
def test_pagina_legivel_offline_sem_nada_de_fora(turma):
    for pasta in ("feedback", fb.PASTA_INSTRUTOR):
        for nome in EXERCICIOS:
            for aluno in ALUNOS:
                pagina = _pagina(turma, aluno, nome, pasta)
                assert pagina.startswith("<!DOCTYPE html>") and '<html lang="pt-BR">' in pagina and '<meta charset="utf-8">' in pagina
                _sem_nada_de_fora(pagina)


@pytest.mark.lento
def test_saidas_enormes_cortadas_com_aviso_e_inteiras_para_o_instrutor(turma):
    for nome in EXERCICIOS:
        aluno = _pagina(turma, "com_falhas", nome)
        assert "saída cortada no feedback" in aluno and "x" * 30000 not in aluno
        assert len(aluno.encode()) < 200_000
        assert "x" * 30000 in _pagina(turma, "com_falhas", nome, fb.PASTA_INSTRUTOR)


@pytest.mark.lento
def test_visao_do_instrutor_fica_fora_do_que_e_liberado_e_so_para_o_instrutor(turma):
    for nome in EXERCICIOS:
        curso = turma["cursos"][nome]
        for aluno in ALUNOS:
            caminho = curso / fb.PASTA_INSTRUTOR / aluno / nome / f"{nome}.html"
            assert stat.S_IMODE(caminho.stat().st_mode) == 0o600
            assert "Visão do instrutor" in caminho.read_text(encoding="utf-8")
            assert "Visão do instrutor" not in _pagina(turma, aluno, nome)
        assert not list((curso / "feedback").rglob(f"*{fb.PASTA_INSTRUTOR}*"))


@pytest.mark.lento
def test_formgrader_linha_de_comando_e_corrigir_geram_o_mesmo_arquivo(turma, tmp_path: Path):
    """O corrigir (que chama nbgrader generate_feedback), o botão do formgrader (a NbGraderAPI com a
    configuração do curso) e python -m autograder.instrutor.feedback: os mesmos bytes."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    # Uma cópia do curso: os outros testes (talvez noutro processo do xdist) leem o original.
    curso = tmp_path / "curso"
    shutil.copytree(turma["cursos"][PELO_CORRIGIR], curso, ignore=shutil.ignore_patterns("feedback", fb.PASTA_INSTRUTOR))
    copias = turma["copias"][PELO_CORRIGIR]
    do_corrigir = {p.relative_to(copias): p.read_bytes() for p in copias.rglob("*.html") if p.parts[-3] in ALUNOS}
    assert len(do_corrigir) == 2 * len(ALUNOS)

    def gerados() -> dict[Path, bytes]:
        return {
            p.relative_to(curso): p.read_bytes()
            for pasta in ("feedback", fb.PASTA_INSTRUTOR) for p in (curso / pasta).rglob(f"*/{PELO_CORRIGIR}/*.html")
            if p.parts[-3] in ALUNOS
        }

    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(curso)).load_config())
    config.CourseDirectory.root = str(curso)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    for aluno in ALUNOS:
        resultado = api.generate_feedback(PELO_CORRIGIR, aluno, force=True)
        assert resultado["success"], resultado.get("error")
    assert gerados() == do_corrigir
    shutil.rmtree(curso / "feedback")
    shutil.rmtree(curso / fb.PASTA_INSTRUTOR)
    assert fb.main([PELO_CORRIGIR, "--curso", str(curso)]) == 0
    assert gerados() == do_corrigir


# ---------------------------------------------------------------------------------------------
# A página a partir de um notebook feito à mão (rápido, sem o nbgrader)


def _nb_de_mao() -> nbformat.NotebookNode:
    oculta = 'verificar_igual(rodar_no_filho(sol.f, 42, prazo=5), 1764, "o caso secreto")'
    teste = nbformat.v4.new_code_cell(
        '"""Parte A: f eleva ao quadrado."""\nsol = carregar("solucao_x")\nverificar_igual(sol.f(2), 4)\n'
        f"### BEGIN HIDDEN TESTS\n{oculta}\n### END HIDDEN TESTS\n"
    )
    teste.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "x-a", "points": 2, "score": 0.0, "locked": True}
    teste.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=f"<ipython-input>:5: UserWarning: cuidado\n  {oculta}\n"),
        nbformat.v4.new_output(
            "error", ename="FalhaNoFilho", evalue="esperava 1764, recebi 1763: o caso secreto\n    solucao_x.py, linha 3, em f: return x * x - 1",
            traceback=["\x1b[31m---\x1b[39m", f"Cell In[2], line 5\n----> 5 {oculta}", "FalhaNoFilho: esperava 1764"],
        ),
    ]
    aluno = nbformat.v4.new_code_cell("%%writefile solucao_x.py\ndef f(x):\n    return x * x - 1\n")
    aluno.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "x-modulo", "locked": False}
    aluno.outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * 9000)]
    markdown = nbformat.v4.new_markdown_cell(
        '# Enunciado\n\n<script src="https://cdn.example.com/x.js"></script>\n<img src="https://example.com/a.png">'
        '\n<link rel="stylesheet" href="https://cdn.example.com/a.css">\n<p style="background: url(https://e.com/b.png)">oi</p>'
    )
    return nbformat.v4.new_notebook(cells=[markdown, aluno, teste])


def test_pagina_feita_a_mao_esconde_o_teste_e_mostra_a_falha():
    nb = _nb_de_mao()
    info = {"student": "ana", "assignment": "exx", "notebook": "exx", "score": 0.0, "max_score": 2.0, "late_penalty": 0}
    pagina = fb.pagina(nb, info)
    visivel = _texto_visivel(pagina)
    assert "1764, \"o caso secreto\")" not in visivel and "rodar_no_filho(sol.f, 42" not in visivel
    assert "verificar_igual(sol.f(2), 4)" not in visivel, "nem o código dos testes visíveis aparece"
    assert "Cell In[2]" not in visivel
    assert "FalhaNoFilho: esperava 1764, recebi 1763: o caso secreto" in visivel
    assert "solucao_x.py, linha 3, em f: return x * x - 1" in visivel
    assert "Parte A: f eleva ao quadrado." in visivel and "0 de 2 pontos" in visivel and "Total: 0 de 2 pontos" in visivel
    assert fb.OMITIDA in visivel, "a linha oculta citada no aviso do stderr foi trocada"
    assert "saída cortada no feedback" in visivel and "y" * 9000 not in visivel
    _sem_nada_de_fora(pagina)
    instrutor = _texto_visivel(fb.pagina(nb, info, instrutor=True))
    assert "rodar_no_filho(sol.f, 42, prazo=5), 1764" in instrutor and "Cell In[2]" in instrutor and "y" * 9000 in instrutor


def test_docstring_e_segredos():
    assert fb.docstring('"""Parte B: confere algo.\n\nMais texto."""\nx = 1') == "Parte B: confere algo."
    assert fb.docstring('"""Sem fechar\nx = (') == "Sem fechar"
    assert fb.docstring("x = 1") == ""
    nb = _nb_de_mao()
    assert fb.segredos(nb) == {'verificar_igual(rodar_no_filho(sol.f, 42, prazo=5), 1764, "o caso secreto")'}
    # Sem os marcadores, todas as linhas do teste (menos a docstring) são segredo.
    nb.cells[2].source = '"""Parte A: f."""\nverificar(sol.f(3) == 9, "três")\n'
    assert fb.segredos(nb) == {'verificar(sol.f(3) == 9, "três")'}


def test_nbgrader_config_registra_o_exportador_sem_importar_a_ferramenta_do_instrutor():
    texto = (RAIZ / "nbgrader_config.py").read_text(encoding="utf-8")
    assert 'c.GenerateFeedback.exporter_class = "autograder.instrutor.feedback.ExportadorFeedback"' in texto
    assert "import autograder" not in texto, "a edição do aluno não tem autograder.instrutor"
