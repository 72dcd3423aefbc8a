"""O feedback HTML do aluno, sem o código dos testes, e a visão completa do instrutor.

Um só lugar produz o feedback: o exportador :class:`ExportadorFeedback`, registrado no
``nbgrader_config.py`` do curso::

    c.GenerateFeedback.exporter_class = "autograder.instrutor.feedback.ExportadorFeedback"

Assim ``nbgrader generate_feedback`` — e também o botão do formgrader e ``python -m autograder.corrigir``,
que chamam esse comando — escreve, para cada notebook corrigido:

- ``feedback/<aluno>/<exercicio>/<notebook>.html``: o que o aluno recebe (``nbgrader release_feedback``).
  O total de pontos no topo; para cada célula de teste, a docstring de uma linha (o que o teste
  confere), os pontos obtidos de possíveis, passou ou falhou e, na falha, a mensagem da verificação
  (com as linhas do código do aluno que ela cita). Nunca o código de uma célula de teste — nem dos
  testes visíveis, nem dos ocultos. As células do aluno e suas saídas continuam, com saídas enormes
  cortadas com aviso, e toda linha de um teste que apareça numa saída (``print(_ih)``, um aviso do
  Python que cita a linha) é trocada por um aviso. Página em português, sem nada carregado de fora.
- ``feedback_instrutor/<aluno>/<exercicio>/<notebook>.html``: a visão do instrutor, com tudo —
  o código completo dos testes (ocultos inclusive), os rastros completos e as saídas sem corte.
  Fica fora de ``feedback/``, que é a pasta que o nbgrader libera aos alunos.

Para gerar à mão (o mesmo comando do formgrader)::

    python -m autograder.instrutor.feedback ex06_chat [--aluno ana] [--curso .]
"""

from __future__ import annotations

import argparse
import ast
import html
import os
import re
import subprocess
import sys
from pathlib import Path

from nbconvert.exporters import Exporter
from traitlets import Bool, Integer, Unicode, default

#: Pasta (na raiz do curso) da visão do instrutor; nunca dentro de ``feedback/``.
PASTA_INSTRUTOR = "feedback_instrutor"
#: Caracteres de cada saída de texto no feedback do aluno (o resto é cortado, com aviso).
LIMITE_TEXTO = 5000
#: As mensagens de falha têm um limite maior: são o que o aluno precisa ler.
LIMITE_MENSAGEM = 20000
#: Tamanho máximo (em caracteres base64) de uma imagem no feedback do aluno.
LIMITE_IMAGEM = 750_000
#: O que aparece no lugar de uma linha de teste encontrada numa saída.
OMITIDA = "[linha de um teste omitida do feedback]"

MARCADOR_OCULTO = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Na página nada é carregado de fora: tags que carregam ou executam algo viram texto, e atributos
# que buscariam um endereço externo são desligados (vale para o markdown do aluno e do enunciado).
_TAGS_PERIGOSAS = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|link|style|base|meta|form|frame|frameset|applet|svg|math|video|audio|source)\b[^>]*>",
    re.IGNORECASE,
)
_ATRIBUTOS_EXTERNOS = re.compile(
    r"""\s(src|srcset|poster|background|data|action|formaction|xlink:href)\s*=\s*(["']?)\s*(?=https?:|//|ftp:)""",
    re.IGNORECASE,
)
_CSS_EXTERNO = re.compile(r"url\s*\(|@import", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# O que é teste, o que é segredo


def _texto(valor) -> str:
    return "".join(valor) if isinstance(valor, list) else (valor or "")


def _meta(celula) -> dict:
    return (celula.get("metadata") or {}).get("nbgrader") or {}


def eh_teste(celula) -> bool:
    """Uma célula de teste do nbgrader (corrigida automaticamente; o aluno não a escreve)."""
    meta = _meta(celula)
    return celula.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _relevante(linha: str) -> bool:
    """Uma linha que diz algo (não vazia, com letra ou número, e não um marcador do nbgrader)."""
    return bool(re.search(r"\w", linha)) and not MARCADOR_OCULTO.match(linha)


def linhas_ocultas(fonte: str) -> list[str]:
    """As linhas (sem espaços nas pontas) das regiões ``### BEGIN HIDDEN TESTS`` de uma célula."""
    linhas, dentro = [], False
    for linha in fonte.splitlines():
        if MARCADOR_OCULTO.match(linha):
            dentro = "BEGIN" in linha
        elif dentro and _relevante(linha):
            linhas.append(linha.strip())
    return linhas


def docstring(fonte: str) -> str:
    """A primeira linha da docstring de uma célula de teste: o que o teste confere."""
    try:
        doc = ast.get_docstring(ast.parse(fonte))
    except SyntaxError:
        achado = re.match(r'\s*[rRuU]?("""|\'\'\'|"|\')\s*(.*?)\s*(?:\1|$)', fonte, re.MULTILINE)
        doc = achado.group(2) if achado else None
    for linha in (doc or "").splitlines():
        if linha.strip():
            return linha.strip()
    return ""


def segredos(nb) -> set[str]:
    """As linhas de teste que o aluno não pode ver: as das regiões ocultas (ou, se o notebook não
    tem os marcadores, todas as linhas das células de teste menos a docstring)."""
    achados: set[str] = set()
    for celula in nb.get("cells", []):
        if not eh_teste(celula):
            continue
        fonte = _texto(celula.get("source"))
        if any(MARCADOR_OCULTO.match(linha) for linha in fonte.splitlines()):
            achados.update(linhas_ocultas(fonte))
        else:
            doc = docstring(fonte)
            achados.update(x.strip() for x in fonte.splitlines() if _relevante(x) and (not doc or doc not in x))
    return achados


def redigir(texto: str, segredos_: set[str]) -> str:
    """Troca por um aviso toda linha de ``texto`` que contém uma linha de teste secreta."""
    if not segredos_ or not texto:
        return texto
    longos = [s for s in segredos_ if len(s) >= 12]
    saida = []
    for linha in texto.split("\n"):
        limpa = linha.strip()
        if limpa in segredos_ or any(s in linha for s in longos):
            saida.append(OMITIDA)
        else:
            saida.append(linha)
    return "\n".join(saida)


# ---------------------------------------------------------------------------------------------
# Pedaços da página


def _num(valor) -> str:
    if valor is None:
        return "?"
    return f"{float(valor):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _pontos(obtidos, possiveis) -> str:
    singular = possiveis is not None and float(possiveis) == 1
    return f"{_num(obtidos)} de {_num(possiveis)} {'ponto' if singular else 'pontos'}"


def _limitar(texto: str, limite: int | None) -> str:
    if limite is None or len(texto) <= limite:
        return texto
    cabeca, cauda = texto[: limite * 4 // 5], texto[len(texto) - limite // 5 :]
    omitidos = len(texto) - len(cabeca) - len(cauda)
    return f"{cabeca}\n[… saída cortada no feedback: {omitidos} de {len(texto)} caracteres omitidos …]\n{cauda}"


def _pre(texto: str, classe: str = "saida") -> str:
    return f'<pre class="{classe}">{html.escape(texto)}</pre>'


def _codigo(fonte: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    try:
        from IPython.lib.lexers import IPython3Lexer as Lexer
    except ImportError:  # pragma: no cover - o IPython vem com o nbgrader
        from pygments.lexers import PythonLexer as Lexer
    return highlight(fonte, Lexer(), HtmlFormatter(cssclass="codigo"))


def _estilo_codigo() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(cssclass="codigo").get_style_defs(".codigo")


def sanear_html(trecho: str) -> str:
    """HTML de markdown sem nada que carregue algo de fora ou rode código na página."""
    trecho = _TAGS_PERIGOSAS.sub(lambda m: html.escape(m.group(0)), trecho)
    trecho = _ATRIBUTOS_EXTERNOS.sub(lambda m: f" data-bloqueado-{m.group(1).lower().replace(':', '-')}={m.group(2)}", trecho)
    return _CSS_EXTERNO.sub(lambda m: html.escape(m.group(0).replace("(", "-bloqueado(")), trecho)


def _markdown(fonte: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    try:
        return sanear_html(markdown2html_mistune(fonte))
    except Exception:  # noqa: BLE001 - um markdown estranho do aluno não derruba o feedback
        return _pre(fonte, "markdown-cru")


def _itens(saidas: list) -> list[tuple[str, object]]:
    """As saídas de uma célula como (tipo, conteúdo), com os fluxos seguidos do mesmo nome juntados."""
    itens: list[tuple[str, object]] = []
    for saida in saidas or []:
        tipo = saida.get("output_type")
        if tipo == "stream":
            nome = saida.get("name", "stdout")
            texto = ANSI.sub("", _texto(saida.get("text")))
            if itens and itens[-1][0] == f"fluxo:{nome}":
                itens[-1] = (f"fluxo:{nome}", itens[-1][1] + texto)
            else:
                itens.append((f"fluxo:{nome}", texto))
        elif tipo == "error":
            itens.append(("erro", saida))
        elif tipo in ("execute_result", "display_data"):
            dados = saida.get("data") or {}
            for mime in ("image/png", "image/jpeg", "image/gif"):
                if mime in dados:
                    itens.append(("imagem", (mime, _texto(dados[mime]).replace("\n", ""))))
                    break
            else:
                if "text/plain" in dados:
                    itens.append(("texto", ANSI.sub("", _texto(dados["text/plain"]))))
                elif dados:
                    tipos = ", ".join(sorted(dados))
                    itens.append(("aviso", f"[saída do tipo {tipos} omitida do feedback]"))
    return itens


def _mensagem_de_erro(saida) -> str:
    return f"{saida.get('ename', 'Erro')}: {ANSI.sub('', _texto(saida.get('evalue')))}".rstrip()


def _rastro(saida) -> str:
    return ANSI.sub("", "\n".join(_texto(x) for x in saida.get("traceback") or []))


def _saidas_html(itens, *, segredos_: set[str], instrutor: bool, limite: int | None, rotulo_fluxo: str = "") -> str:
    partes = []
    for tipo, conteudo in itens:
        if tipo.startswith("fluxo:"):
            texto = conteudo if instrutor else redigir(_limitar(conteudo, limite), segredos_)
            classe = "saida erro-fluxo" if tipo == "fluxo:stderr" else "saida"
            titulo = f'<p class="rotulo">{html.escape(rotulo_fluxo)}</p>' if rotulo_fluxo else ""
            partes.append(titulo + _pre(texto, classe))
        elif tipo == "texto":
            partes.append(_pre(conteudo if instrutor else redigir(_limitar(conteudo, limite), segredos_)))
        elif tipo == "imagem":
            mime, dados = conteudo
            if not instrutor and len(dados) > LIMITE_IMAGEM:
                partes.append(_pre(f"[imagem de {len(dados) * 3 // 4 // 1024} kB omitida do feedback]", "aviso"))
            else:
                partes.append(f'<img class="figura" alt="figura da saída" src="data:{mime};base64,{html.escape(dados)}">')
        elif tipo == "aviso":
            partes.append(_pre(conteudo, "aviso"))
        elif tipo == "erro":
            if instrutor:
                partes.append(_pre(_rastro(conteudo) or _mensagem_de_erro(conteudo), "saida erro"))
            else:
                texto = _mensagem_de_erro(conteudo) + "\n" + _rastro(conteudo)
                partes.append(_pre(redigir(_limitar(texto, limite), segredos_), "saida erro"))
    return "".join(partes)


# ---------------------------------------------------------------------------------------------
# A página


ESTILO = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; color: #1d1d1f; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.identificacao { color: #555; margin-top: 0; }
.total { font-size: 1.3rem; font-weight: 600; padding: .6rem .9rem; background: #eef3fb; border-radius: 6px; }
.aviso-instrutor { background: #fff3cd; border: 2px solid #e0a800; padding: .7rem 1rem; border-radius: 6px; }
.explicacao { color: #444; }
table.resumo { border-collapse: collapse; width: 100%; margin: .8rem 0 1.5rem; }
table.resumo th, table.resumo td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
table.resumo td.pontos { white-space: nowrap; }
.selo { display: inline-block; padding: 0 .5rem; border-radius: 4px; font-weight: 600; white-space: nowrap; }
.passou .selo, .selo.passou { background: #d7f5dd; color: #11602a; }
.falhou .selo, .selo.falhou { background: #fde2e1; color: #9b1c1c; }
.ajustada .selo, .selo.ajustada { background: #e9e4fb; color: #4b2a9b; }
.celula { margin: 1rem 0; }
.teste { border: 1px solid #ccc; border-left: 6px solid #999; border-radius: 6px; padding: .5rem .9rem; margin: 1.2rem 0; }
.teste.passou { border-left-color: #2e9d4d; }
.teste.falhou { border-left-color: #d23c3c; }
.teste h3 { font-size: 1.05rem; margin: .3rem 0; }
.placar { margin: .2rem 0 .5rem; }
.rotulo { font-size: .9rem; color: #555; margin: .5rem 0 .1rem; }
pre { white-space: pre-wrap; word-wrap: break-word; margin: .3rem 0; }
pre.saida, pre.aviso, pre.markdown-cru { background: #f6f6f6; padding: .5rem .7rem; border-radius: 4px; font-size: .88rem; }
pre.erro, pre.falha { background: #fff0f0; border: 1px solid #f3c4c4; }
pre.erro-fluxo { background: #fff8e6; }
pre.aviso { color: #6b5400; background: #fffbe6; }
.codigo { background: #f8f8fb; border: 1px solid #e3e3ea; border-radius: 4px; padding: .1rem .7rem; font-size: .88rem; overflow-x: auto; }
.codigo pre { margin: .4rem 0; }
.rotulo-celula { font-size: .8rem; color: #777; margin-bottom: .1rem; }
.comentario { background: #eef7ff; border-left: 4px solid #3b82c4; padding: .4rem .8rem; }
img.figura { max-width: 100%; }
.texto-enunciado { border-top: 1px solid #eee; }
@media print { .teste { page-break-inside: avoid; } }
"""


def _falhou_no_nbgrader(celula) -> bool:
    """O critério do nbgrader para uma célula de teste: um erro, ou qualquer coisa escrita em stderr."""
    return any(
        s.get("output_type") == "error" or (s.get("output_type") == "stream" and s.get("name") == "stderr")
        for s in celula.get("outputs") or []
    )


def _status(celula) -> str:
    meta = _meta(celula)
    pontos, nota = meta.get("points"), meta.get("score")
    cheia = nota is None or pontos is None or float(nota) >= float(pontos)
    if _falhou_no_nbgrader(celula):
        return "ajustada" if nota is not None and cheia else "falhou"
    return "passou" if cheia else "ajustada"


ROTULO_STATUS = {"passou": "passou ✔", "falhou": "falhou ✘", "ajustada": "nota ajustada pelo professor"}


def _celula_teste(celula, indice: int, *, segredos_: set[str], instrutor: bool, limite: int | None) -> str:
    meta = _meta(celula)
    fonte = _texto(celula.get("source"))
    doc = docstring(fonte) or f"teste {meta.get('grade_id', indice)}"
    status = _status(celula)
    ancora = html.escape(meta.get("grade_id") or f"teste-{indice}")
    partes = [
        f'<section class="teste {status}" id="{ancora}">',
        f"<h3>{html.escape(doc)}</h3>",
        f'<p class="placar"><span class="selo">{ROTULO_STATUS[status]}</span> '
        f"{_pontos(meta.get('score'), meta.get('points'))}"
        f' <span class="rotulo">(teste <code>{ancora}</code>)</span></p>',
    ]
    itens = _itens(celula.get("outputs"))
    if instrutor:
        partes.append('<p class="rotulo">Código do teste (com os testes ocultos):</p>' + _codigo(fonte))
        partes.append(_saidas_html(itens, segredos_=segredos_, instrutor=True, limite=None))
    else:
        erros = [c for t, c in itens if t == "erro"]
        for erro in erros:
            mensagem = redigir(_limitar(_mensagem_de_erro(erro), LIMITE_MENSAGEM), segredos_)
            partes.append('<p class="rotulo">O que deu errado:</p>' + _pre(mensagem, "saida falha"))
        if not erros and any(t == "fluxo:stderr" for t, _ in itens):
            partes.append(
                '<p class="rotulo">O teste não levantou erro, mas algo foi escrito na saída de erros (stderr), '
                "e o nbgrader conta isso como falha. Veja abaixo o que foi escrito.</p>"
            )
        for tipo, conteudo in itens:
            if tipo == "erro":
                continue
            rotulo = {"fluxo:stdout": "Saída durante o teste:", "fluxo:stderr": "Saída de erros (stderr) durante o teste:"}
            partes.append(_saidas_html([(tipo, conteudo)], segredos_=segredos_, instrutor=False, limite=limite,
                                       rotulo_fluxo=rotulo.get(tipo, "")))
    partes.append("</section>")
    return "".join(partes)


def _celula_comum(celula, *, segredos_: set[str], instrutor: bool, limite: int | None) -> str:
    meta = _meta(celula)
    tipo = celula.get("cell_type")
    fonte = _texto(celula.get("source"))
    cabeca = ""
    if meta.get("grade") or meta.get("task"):
        cabeca = (f'<p class="placar"><span class="rotulo-celula">Resposta corrigida pelo professor</span> '
                  f"{_pontos(meta.get('score'), meta.get('points'))}</p>")
    elif meta.get("solution"):
        cabeca = '<p class="rotulo-celula">Sua resposta</p>'
    if tipo == "markdown":
        corpo = f'<div class="texto-enunciado">{_markdown(fonte)}</div>'
    elif tipo == "code":
        corpo = _codigo(fonte) + _saidas_html(_itens(celula.get("outputs")), segredos_=segredos_, instrutor=instrutor, limite=limite)
    else:
        corpo = _pre(fonte, "markdown-cru")
    comentario = ""
    if meta.get("comment"):
        comentario = f'<div class="comentario"><p class="rotulo">Comentário do professor:</p>{_pre(_texto(meta["comment"]))}</div>'
    return f'<div class="celula {html.escape(tipo or "")}">{cabeca}{corpo}{comentario}</div>'


def pagina(nb, info: dict | None = None, *, instrutor: bool = False, limite: int | None = LIMITE_TEXTO) -> str:
    """A página de feedback de um notebook corrigido (com as notas do nbgrader nos metadados).

    ``info`` é ``resources["nbgrader"]`` do nbgrader (aluno, exercício, notebook, total e multa por
    atraso). Com ``instrutor=True``, a página traz tudo: o código dos testes (ocultos inclusive), os
    rastros completos e as saídas sem corte.
    """
    info = info or {}
    celulas = nb.get("cells", [])
    segredos_ = segredos(nb)
    limite = None if instrutor else limite
    notebook = info.get("notebook") or "notebook"
    graduadas = [c for c in celulas if _meta(c).get("grade") or _meta(c).get("task")]
    total = info.get("score")
    maximo = info.get("max_score")
    if total is None:
        total = sum(float(_meta(c).get("score") or 0) for c in graduadas)
    if maximo is None:
        maximo = sum(float(_meta(c).get("points") or 0) for c in graduadas)
    titulo = f"Feedback — {notebook}" + (" (visão do instrutor)" if instrutor else "")
    cabeca = [f"<h1>{html.escape(titulo)}</h1>"]
    quem = [f"Aluno: <strong>{html.escape(str(info['student']))}</strong>"] if info.get("student") else []
    if info.get("assignment"):
        quem.append(f"Exercício: <strong>{html.escape(str(info['assignment']))}</strong>")
    if quem:
        cabeca.append(f'<p class="identificacao">{" · ".join(quem)}</p>')
    if instrutor:
        cabeca.append(
            '<p class="aviso-instrutor"><strong>Visão do instrutor.</strong> Esta página contém o código '
            "completo dos testes, inclusive os ocultos, e as saídas sem corte. Não a distribua aos alunos: "
            "o feedback deles é o da pasta <code>feedback/</code>.</p>"
        )
    cabeca.append(f'<p class="total">Total: {_pontos(total, maximo)}</p>')
    multa = info.get("late_penalty") or 0
    if multa:
        cabeca.append(f'<p class="selo falhou">Entrega atrasada: −{_num(multa)} pontos já descontados do total.</p>')
    linhas = []
    for i, celula in enumerate(celulas):
        meta = _meta(celula)
        if not (meta.get("grade") or meta.get("task")):
            continue
        ancora = html.escape(meta.get("grade_id") or f"teste-{i}")
        if eh_teste(celula):
            descricao = docstring(_texto(celula.get("source"))) or meta.get("grade_id", "")
            status = _status(celula)
        else:
            descricao, status = "Resposta corrigida pelo professor", "ajustada"
        linhas.append(
            f'<tr><td><a href="#{ancora}">{html.escape(descricao)}</a></td>'
            f'<td class="pontos">{_pontos(meta.get("score"), meta.get("points"))}</td>'
            f'<td><span class="selo {status}">{ROTULO_STATUS[status] if eh_teste(celula) else "corrigida"}</span></td></tr>'
        )
    if linhas:
        cabeca.append(
            '<table class="resumo"><thead><tr><th>O que foi conferido</th><th>Pontos</th><th>Resultado</th></tr></thead>'
            f"<tbody>{''.join(linhas)}</tbody></table>"
        )
    if not instrutor:
        cabeca.append(
            '<p class="explicacao">Cada teste mostra o que ele confere, os pontos e, quando falha, a mensagem da '
            "verificação. O código dos testes não aparece aqui: leia a mensagem, corrija o seu módulo, rode de "
            "novo a célula <code>%%writefile</code> e as células de teste no seu notebook.</p>"
        )
    corpo = []
    for i, celula in enumerate(celulas):
        if eh_teste(celula):
            corpo.append(_celula_teste(celula, i, segredos_=segredos_, instrutor=instrutor, limite=limite))
        else:
            meta = _meta(celula)
            ancora = f' id="{html.escape(meta["grade_id"])}"' if meta.get("grade") and meta.get("grade_id") else ""
            corpo.append(f"<div{ancora}>{_celula_comum(celula, segredos_=segredos_, instrutor=instrutor, limite=limite)}</div>")
    return (
        '<!DOCTYPE html>\n<html lang="pt-BR">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(titulo)}</title>\n<style>{ESTILO}\n{_estilo_codigo()}</style>\n</head>\n<body>\n"
        f"<header>{''.join(cabeca)}</header>\n<main>\n" + "\n".join(corpo) + "\n</main>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------------------------
# O exportador que o nbgrader usa


class ExportadorFeedback(Exporter):
    """Exportador do ``nbgrader generate_feedback``: o feedback do aluno e, ao lado, a visão do instrutor.

    Recebe o notebook depois do ``GetGrades`` do nbgrader (as notas de cada célula nos metadados e
    o total em ``resources["nbgrader"]``) e devolve a página do aluno, que o nbgrader grava em
    ``feedback/``. A visão do instrutor é gravada em ``feedback_instrutor/`` na raiz do curso.
    """

    output_mimetype = "text/html"
    export_from_notebook = None  # não aparece no menu "Baixar como" do Jupyter

    visao_instrutor = Bool(True, help="Gravar também a visão do instrutor (com os testes ocultos).").tag(config=True)
    pasta_instrutor = Unicode(PASTA_INSTRUTOR, help="Pasta da visão do instrutor, relativa à raiz do curso.").tag(config=True)
    limite_texto = Integer(LIMITE_TEXTO, help="Caracteres de cada saída de texto no feedback do aluno.").tag(config=True)

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        info = dict(resources.get("nbgrader") or {})
        if self.visao_instrutor and info.get("student") and info.get("assignment"):
            self._gravar_visao_instrutor(nb_copy, info)
        return pagina(nb_copy, info, instrutor=False, limite=self.limite_texto), resources

    def _gravar_visao_instrutor(self, nb, info: dict) -> Path:
        coursedir = getattr(self.parent, "coursedir", None)
        raiz = Path(coursedir.root) if coursedir is not None else Path.cwd()
        compartilhado = bool(getattr(coursedir, "groupshared", False))
        pasta = raiz / self.pasta_instrutor / str(info["student"]) / str(info["assignment"])
        pasta.mkdir(parents=True, exist_ok=True)
        for nivel in (raiz / self.pasta_instrutor, pasta.parent, pasta):
            os.chmod(nivel, 0o2770 if compartilhado else 0o700)
        destino = pasta / f"{info.get('notebook') or 'notebook'}.html"
        destino.write_text(pagina(nb, info, instrutor=True), encoding="utf-8")
        os.chmod(destino, 0o660 if compartilhado else 0o600)
        return destino


# ---------------------------------------------------------------------------------------------
# Ponto de integração e linha de comando


def gerar_feedback(curso: Path | str, exercicio: str, aluno: str | None = None, *, prazo: float = 1800) -> list[Path]:
    """Roda ``nbgrader generate_feedback`` na pasta do curso (o mesmo que o formgrader e o corrigir
    fazem) e devolve os arquivos de feedback do aluno gerados. A configuração do curso escolhe o
    :class:`ExportadorFeedback`; a visão do instrutor vai para ``feedback_instrutor/``."""
    curso = Path(curso).resolve()
    comando = [sys.executable, "-m", "nbgrader", "generate_feedback", exercicio, "--force"]
    if aluno:
        comando += ["--student", aluno]
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(comando, cwd=curso, capture_output=True, text=True, timeout=prazo, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_feedback falhou ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return sorted((curso / "feedback").glob(f"{aluno or '*'}/{exercicio}/*.html"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Gera o feedback dos alunos (feedback/) e a visão do instrutor (feedback_instrutor/) "
        "de um exercício já corrigido, pelo nbgrader generate_feedback com a configuração do curso."
    )
    parser.add_argument("exercicio", help="o nome do exercício, como em source/ (ex.: ex06_chat)")
    parser.add_argument("--aluno", help="só este aluno (padrão: todos os corrigidos)")
    parser.add_argument("--curso", type=Path, default=Path.cwd(), help="pasta do curso (padrão: a atual)")
    args = parser.parse_args(argv)
    try:
        arquivos = gerar_feedback(args.curso, args.exercicio, args.aluno)
    except RuntimeError as erro:
        print(erro, file=sys.stderr)
        return 1
    print(f"{len(arquivos)} arquivo(s) de feedback em {args.curso.resolve() / 'feedback'}")
    print(f"Visão do instrutor (com os testes ocultos; não distribua): {args.curso.resolve() / PASTA_INSTRUTOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
