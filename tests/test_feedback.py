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
        # A célula curiosa roda depois dos testes ocultos: a saída dela fica fora do feedback do aluno.
        assert fb.SAIDA_DEPOIS_DO_OCULTO in _texto_visivel(_pagina(turma, "com_falhas", nome))
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
                registro = fb.mensagem_do_registro(celula)
                if erros and registro is not None and not registro["ok"]:
                    # A mensagem é a da nota de registro (processo limpo), não a que o notebook escreveu.
                    for linha in registro["mensagem"].splitlines():
                        assert linha.strip() in visivel, f"{aluno}/{nome}: a mensagem de falha sumiu: {linha}"
                if stderr and not erros:
                    # O nbgrader conta stderr como falha: o aluno vê o porquê (o que foi escrito, não).
                    assert "saída de erros (stderr)" in visivel
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
        # A célula enorme roda depois dos testes ocultos: a saída não vai ao feedback do aluno (o corte
        # das saídas de antes é conferido com o notebook feito à mão, abaixo).
        assert "x" * 5000 not in aluno and fb.SAIDA_DEPOIS_DO_OCULTO in _texto_visivel(aluno)
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


INFO = {"student": "ana", "assignment": "exx", "notebook": "exx", "score": 0.0, "max_score": 2.0, "late_penalty": 0}
#: A mensagem da nota de registro (o processo limpo) para a célula de teste do notebook feito à mão.
DO_REGISTRO = "FalhaNoFilho: esperava 1764, recebi 1763: o caso secreto\n    solucao_x.py, linha 3, em f: return x * x - 1"


def test_pagina_feita_a_mao_esconde_o_teste_e_mostra_a_falha():
    nb = _nb_de_mao()
    fb.anotar_registro(nb, {"x-a": {"ok": False, "mensagem": DO_REGISTRO}})
    pagina = fb.pagina(nb, INFO)
    visivel = _texto_visivel(pagina)
    assert "1764, \"o caso secreto\")" not in visivel and "rodar_no_filho(sol.f, 42" not in visivel
    assert "verificar_igual(sol.f(2), 4)" not in visivel, "nem o código dos testes visíveis aparece"
    assert "Cell In[2]" not in visivel
    assert "FalhaNoFilho: esperava 1764, recebi 1763: o caso secreto" in visivel
    assert "solucao_x.py, linha 3, em f: return x * x - 1" in visivel
    assert "Parte A: f eleva ao quadrado." in visivel and "0 de 2 pontos" in visivel and "Total: 0 de 2 pontos" in visivel
    assert "UserWarning: cuidado" not in visivel, "o que o notebook escreveu durante o teste não aparece"
    assert "saída cortada no feedback" in visivel and "y" * 9000 not in visivel
    _sem_nada_de_fora(pagina)
    instrutor = _texto_visivel(fb.pagina(nb, INFO, instrutor=True))
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


# ---------------------------------------------------------------------------------------------
# Sem a nota de registro, nada que o notebook escreveu; um notebook que codifica os testes ocultos


def test_sem_a_nota_de_registro_a_falha_nao_mostra_o_que_o_notebook_escreveu():
    nb = _nb_de_mao()
    nb.cells[2].metadata[fb.METADADOS] = {"registro": "forjado"}  # não é o formato: ignorado
    visivel = _texto_visivel(fb.pagina(nb, INFO))
    assert "falhou ✘" in visivel and fb.SEM_MENSAGEM in " ".join(visivel.split())
    assert "esperava 1764" not in visivel and "UserWarning" not in visivel
    # anotar_registro apaga a chave de todas as células antes de escrever (a submissão pode trazê-la).
    nb.cells[1].metadata[fb.METADADOS] = {"registro": {"ok": False, "mensagem": "forjada"}}
    fb.anotar_registro(nb, {"x-a": {"ok": True, "mensagem": None}})
    assert fb.METADADOS not in nb.cells[1].metadata
    assert fb.mensagem_do_registro(nb.cells[2]) == {"ok": True, "mensagem": None}
    visivel = _texto_visivel(fb.pagina(nb, INFO))
    assert "num processo novo, este teste passou; no notebook ele falhou" in " ".join(visivel.split())


def _notebook_que_vaza():
    """Como o ex04_vaza_ocultos da equipe de segurança (sessão 7): um hook ``pre_run_cell`` escreve o
    código de cada célula codificado na saída do teste (stdout, stderr, a mensagem do erro, uma
    imagem e um display de antes trocado por ``update_display``), e uma célula no fim imprime ``_ih``."""
    import base64
    import codecs

    nb = _nb_de_mao()
    teste = nb.cells[2]
    fonte = teste.source
    b64 = base64.b64encode(fonte.encode()).decode()
    # Um display de uma célula do aluno ANTES dos testes, trocado depois pelo hook (nbclient atualiza
    # no lugar a saída de outra célula com o mesmo display_id).
    espia = nbformat.v4.new_code_cell("h = display('placar', display_id=True)")
    espia.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "ROT:" + codecs.encode(fonte, "rot13")}),
                     nbformat.v4.new_output("stream", name="stdout", text="hook registrado\n")]
    teste.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"DIAG64: {b64}\nINV: {fonte[::-1]}\n"),
        nbformat.v4.new_output("stream", name="stderr", text=f"HEX: {fonte.encode().hex()}\n"),
        nbformat.v4.new_output("display_data", data={"image/png": b64, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("error", ename="FalhaNoFilho", evalue=f"esperava 1764 DIAG64: {b64}", traceback=[]),
    ]
    depois = nbformat.v4.new_code_cell('import codecs\nprint(codecs.encode("\\n".join(_ih), "rot13"))')
    depois.outputs = [nbformat.v4.new_output("stream", name="stdout", text=codecs.encode(fonte, "rot13") + "\n" + fonte.encode().hex())]
    depois_rico = nbformat.v4.new_code_cell("In")
    depois_rico.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": repr([fonte[::-1]])}, execution_count=5)]
    nb.cells = [nb.cells[0], nb.cells[1], espia, teste, depois, depois_rico]
    return nb


def test_um_notebook_que_codifica_os_testes_ocultos_nao_os_leva_ao_feedback_do_aluno():
    from vazamento_apoio import achadas

    nb = _notebook_que_vaza()
    fb.anotar_registro(nb, {"x-a": {"ok": False, "mensagem": DO_REGISTRO}})
    ocultas = sorted(fb.segredos(nb))
    assert ocultas
    # A prova de que o teste acharia: a visão do instrutor (completa) tem as linhas em cada codificação.
    instrutor = fb.pagina(nb, INFO, instrutor=True)
    assert set(achadas(_texto_visivel(instrutor), ocultas)) >= {"texto puro", "base64", "rot13", "hex", "invertido"}
    aluno = fb.pagina(nb, INFO)
    assert achadas(aluno, ocultas) == {} and achadas(_texto_visivel(aluno), ocultas) == {}
    visivel = " ".join(_texto_visivel(aluno).split())
    # O aluno honesto continua vendo a falha (a mensagem da biblioteca, pela nota de registro), o que
    # a célula do módulo escreveu e o texto impresso antes dos testes.
    assert "FalhaNoFilho: esperava 1764, recebi 1763: o caso secreto" in visivel and "falhou ✘" in visivel
    assert "hook registrado" in visivel and "saída cortada no feedback" in visivel
    assert fb.SAIDA_RICA_OMITIDA in visivel and visivel.count(fb.SAIDA_DEPOIS_DO_OCULTO) == 2
    assert "DIAG64" not in visivel and "HEX:" not in visivel and "ROT:" not in visivel


# ---------------------------------------------------------------------------------------------
# A limpeza do HTML: nada de script na página do aluno nem na do instrutor


VETORES = {
    "onerror": '<img src="x" onerror="document.title=\'XSS\'">',
    "onload em svg": '<svg onload="document.title=\'XSS\'"><script>document.title="XSS"</script></svg>',
    "javascript: em href": '<a href="javascript:document.title=\'XSS\'">clique</a>',
    "javascript: com tab e entidade": '<a href="jav&#x09;ascript&colon;alert(1)">x</a><a href=" JaVaScRiPt:alert(1)">y</a>',
    "vbscript:": '<a href="vbscript:msgbox(1)">v</a>',
    "data: de html": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a><img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "iframe srcdoc": '<iframe srcdoc="<script>parent.document.title=\'XSS\'</script>"></iframe>',
    "script": "<script>document.title='XSS'</script>",
    "object e embed": '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    "form": '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>',
    "meta refresh e base": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><base href="javascript:alert(1)//">',
    "estilo com expression e url": '<p style="width: expression(alert(1)); background: url(javascript:alert(1))">p</p><style>@import "javascript:alert(1)";</style>',
    "details ontoggle": '<details open ontoggle="alert(1)"><summary>s</summary></details>',
    "math com style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "comentário e tag quebrada": "<!--><img src=x onerror=alert(1)>--><img src=x onerror=alert(1)//",
}
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
NORMAL = (
    "## Minha resposta\n\nUma fórmula: $x^2 + \\frac{a}{b}$ e **negrito**, `código` e [um link](https://docs.python.org/3/) "
    "e [o teste](#x-a).\n\n| n | tempo |\n|:--|--:|\n| 1 | 2,5 s |\n\n```python\nprint('oi')\n```\n\n"
    f'<img src="data:image/png;base64,{PNG}" alt="gráfico">\n'
)


def _tem_script(pagina: str) -> list[str]:
    leitor = _Tags()
    leitor.feed(pagina)
    problemas = []
    for tag, atributos in leitor.tags:
        if tag in ("script", "iframe", "object", "embed", "form", "base", "svg", "math", "frame", "button"):
            problemas.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in atributos and atributos["http-equiv"].lower() != "content-security-policy":
            problemas.append(f"<meta http-equiv={atributos['http-equiv']}>")
        for nome, valor in atributos.items():
            compacto = re.sub(r"[\s\x00-\x1f]+", "", valor).lower()
            if nome.startswith("on"):
                problemas.append(f"<{tag} {nome}>")
            if nome in ("href", "src", "action", "formaction", "data", "srcdoc") and (
                compacto.startswith(("javascript:", "vbscript:")) or (compacto.startswith("data:") and not compacto.startswith("data:image/png;base64,"))
                or nome == "srcdoc"
            ):
                problemas.append(f"<{tag} {nome}={valor[:40]!r}>")
            if nome == "style" and re.search(r"expression|url\(|javascript", compacto):
                problemas.append(f"<{tag} style={valor!r}>")
    return problemas


def _com_markdown(texto: str):
    nb = _nb_de_mao()
    nb.cells.append(nbformat.v4.new_markdown_cell(texto))
    grafico = nbformat.v4.new_code_cell("plt.plot([1, 2])")
    grafico.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    nb.cells.insert(2, grafico)
    return nb


@pytest.mark.parametrize("vetor", list(VETORES))
def test_nenhum_vetor_de_script_sobrevive_no_feedback(vetor):
    nb = _com_markdown(f"Minha resposta.\n\n{VETORES[vetor]}\n\ndepois do vetor")
    for instrutor in (False, True):
        pagina = fb.pagina(nb, INFO, instrutor=instrutor)
        assert _tem_script(pagina) == [], (vetor, instrutor)
        assert "depois do vetor" in pagina, "a limpeza tira o vetor, não o resto do markdown"


def test_o_conteudo_normal_continua_e_a_politica_proibe_scripts():
    nb = _com_markdown(NORMAL)
    for instrutor in (False, True):
        pagina = fb.pagina(nb, INFO, instrutor=instrutor)
        assert f'<meta http-equiv="Content-Security-Policy" content="{fb.POLITICA}">' in pagina
        assert "script-src 'none'" in fb.POLITICA and "default-src 'none'" in fb.POLITICA
        visivel = _texto_visivel(pagina)
        assert "$x^2 + \\frac{a}{b}$" in visivel and "2,5 s" in visivel and "print('oi')" in visivel
        assert "<table>" in pagina and '<td style="text-align:right">2,5 s</td>' in pagina and "<strong>negrito</strong>" in pagina
        assert '<a href="https://docs.python.org/3/"' in pagina and '<a href="#x-a"' in pagina
        assert f'<img src="data:image/png;base64,{PNG}" alt="gráfico">' in pagina
        _sem_nada_de_fora(pagina)
    # O gráfico da saída de uma célula: inteiro na visão do instrutor.
    instrutor = fb.pagina(nb, INFO, instrutor=True)
    assert f'<img class="figura" alt="figura da saída" src="data:image/png;base64,{PNG}">' in instrutor


def _chromium(pagina: str, pasta: Path) -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("sem Chromium nesta máquina")
    from navegador_apoio import OPCOES_CHROMIUM

    pasta.mkdir(parents=True, exist_ok=True)
    arquivo = pasta / "pagina.html"
    arquivo.write_text(pagina, encoding="utf-8")
    import subprocess

    proc = subprocess.run(
        [chromium, "--headless", *OPCOES_CHROMIUM, f"--user-data-dir={pasta / 'perfil'}", "--virtual-time-budget=3000",
         "--dump-dom", arquivo.as_uri()],
        capture_output=True, text=True, timeout=120, start_new_session=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_no_chromium_nenhum_script_roda_nem_o_que_escapasse_da_limpeza(tmp_path):
    marca = "document.documentElement.setAttribute('data-xss', document.body.innerText.length)"
    vetores = (f'<img src="x" onerror="{marca}"><a href="javascript:{marca}">c</a>'
               f'<svg><animate onbegin="{marca}" attributeName="x" dur="1s"/></svg>'
               f'<details open ontoggle="{marca}"><summary>s</summary></details>')
    nb = _com_markdown(f"Minha resposta.\n\n{vetores}")
    # Sem a limpeza e sem a política, o Chromium roda o vetor (prova de que o teste enxerga o script).
    cru = fb.pagina(nb, INFO, instrutor=True).replace(f'<meta http-equiv="Content-Security-Policy" content="{fb.POLITICA}">', "")
    cru = cru.replace("</main>", f"{vetores}</main>")
    assert "data-xss" in _chromium(cru, tmp_path / "cru").split("<head", 1)[0]
    for instrutor in (False, True):
        pagina = fb.pagina(nb, INFO, instrutor=instrutor)
        dom = _chromium(pagina, tmp_path / f"limpa-{instrutor}")
        assert "data-xss" not in dom.split("<head", 1)[0] and "Feedback" in dom
        # A política sozinha: o mesmo vetor injetado depois da limpeza não roda.
        dom = _chromium(pagina.replace("</main>", f"{vetores}</main>"), tmp_path / f"politica-{instrutor}")
        assert "data-xss" not in dom.split("<head", 1)[0] and "onerror" in dom
