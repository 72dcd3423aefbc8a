"""O feedback HTML do aluno, sem o código dos testes, e a visão completa do instrutor.

Um só lugar produz o feedback: o exportador :class:`ExportadorFeedback`, registrado no
``nbgrader_config.py`` do curso::

    c.GenerateFeedback.exporter_class = "autograder.instrutor.feedback.ExportadorFeedback"

Assim ``nbgrader generate_feedback`` — e também o botão do formgrader e ``python -m autograder.corrigir``,
que chamam esse comando — escreve, para cada notebook corrigido:

- ``feedback/<aluno>/<exercicio>/<notebook>.html``: o que o aluno recebe (``nbgrader release_feedback``).
  O total de pontos no topo; para cada célula de teste, a docstring de uma linha (o que o teste
  confere), os pontos obtidos de possíveis, passou ou falhou e, na falha, a mensagem da verificação
  (com as linhas do código do aluno que ela cita), tirada da nota de registro — o teste rodado de novo
  num processo limpo —, e não do que o notebook escreveu. Nunca o código de uma célula de teste — nem
  dos testes visíveis, nem dos ocultos —, nada do que o notebook escreveu durante um teste, nenhuma
  saída de uma célula que rodou depois da primeira célula com testes ocultos (o kernel guarda o código
  deles e pode escrevê-lo codificado) e nenhum resultado exibido (``update_display`` troca um de
  antes). Das células do aluno antes dos testes ocultos ficam o texto impresso e os erros, com saídas
  enormes cortadas com aviso, e toda linha de um teste que apareça ali é trocada por um aviso. Página
  em português, sem nada carregado de fora e sem script (limpeza por lista do que é permitido e uma
  Content-Security-Policy).
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
from html.parser import HTMLParser
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
#: A chave, nos metadados das células de teste do notebook corrigido, do resultado da nota de registro.
METADADOS = "autograder"
#: No lugar das saídas de uma célula que rodou depois de um teste oculto (feedback do aluno).
SAIDA_DEPOIS_DO_OCULTO = (
    "[As saídas desta célula não aparecem no feedback: ela rodou depois de uma célula com testes ocultos, "
    "e o que roda depois deles pode carregar o código desses testes. Rode a célula no seu notebook para "
    "ver o que ela mostra.]"
)
#: No lugar de uma saída rica (resultado, imagem) no feedback do aluno.
SAIDA_RICA_OMITIDA = (
    "[Resultado exibido omitido do feedback: uma célula que roda depois pode trocar o que já foi exibido "
    "(update_display), inclusive depois dos testes ocultos. O texto impresso (print) continua aqui.]"
)
#: Sem a nota de registro, a falha de um teste não tem uma mensagem que se possa mostrar.
SEM_MENSAGEM = (
    "A mensagem desta falha não aparece no feedback: ela foi produzida dentro do seu notebook, que roda "
    "junto com os testes ocultos, e poderia carregar o código deles. Rode as células de teste no seu "
    "notebook para ler a mensagem."
)

MARCADOR_OCULTO = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: A segunda camada, caso algo passe pela limpeza: a página não roda nenhum script (ela não usa
#: nenhum: sem MathJax, as fórmulas ficam como o texto do markdown), não carrega nada de fora (só
#: imagens data: e o estilo da própria página), não envia formulários e não muda a base dos endereços.
POLITICA = ("default-src 'none'; script-src 'none'; object-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")


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


def segredos_da_celula(celula) -> set[str]:
    """As linhas de uma célula que o aluno não pode ver: as das regiões ocultas de uma célula de teste
    (ou, se ela não tem os marcadores, todas as suas linhas menos a docstring)."""
    if not eh_teste(celula):
        return set()
    fonte = _texto(celula.get("source"))
    if any(MARCADOR_OCULTO.match(linha) for linha in fonte.splitlines()):
        return set(linhas_ocultas(fonte))
    doc = docstring(fonte)
    return {x.strip() for x in fonte.splitlines() if _relevante(x) and (not doc or doc not in x)}


def segredos(nb) -> set[str]:
    """As linhas de teste que o aluno não pode ver, em todas as células de teste."""
    achados: set[str] = set()
    for celula in nb.get("cells", []):
        achados.update(segredos_da_celula(celula))
    return achados


def primeira_com_segredo(nb) -> int:
    """O índice da primeira célula de teste com linhas secretas (ou o número de células, se não há).

    O nbgrader roda as células na ordem do notebook: tudo o que o kernel fez a partir dela pode ter
    lido o código dos testes ocultos (o hook ``pre_run_cell`` recebe o texto da célula, e ``_ih``,
    ``In``, ``_i``, o ``history_manager`` guardam o de todas as células já rodadas)."""
    celulas = nb.get("cells", [])
    return next((i for i, c in enumerate(celulas) if segredos_da_celula(c)), len(celulas))


def mensagem_do_registro(celula) -> dict | None:
    """O resultado da nota de registro para esta célula de teste, se o corretor o anotou nos
    metadados do notebook corrigido: ``{"ok": bool, "mensagem": texto ou None}``.

    A nota de registro roda o código da célula num processo novo, que não roda nada do notebook; o
    código do aluno só roda nos executores, no sandbox, e nunca vê o código dos testes. A mensagem é
    a da biblioteca de testes (ou a exceção do módulo do aluno), e não o que o notebook escreveu. Os
    metadados de uma submissão são texto que o aluno escreveu antes de qualquer teste rodar: nem
    forjados eles trazem um teste oculto (e o corretor os apaga e escreve de novo)."""
    dados = ((celula.get("metadata") or {}).get(METADADOS) or {}).get("registro")
    if not isinstance(dados, dict) or not isinstance(dados.get("ok"), bool):
        return None
    mensagem = dados.get("mensagem")
    return {"ok": dados["ok"], "mensagem": mensagem if isinstance(mensagem, str) else None}


def anotar_registro(nb: dict, mensagens: dict[str, dict] | None) -> None:
    """Escreve nos metadados das células de teste do notebook corrigido o resultado da nota de
    registro (``mensagens``: ``{grade_id: {"ok": ..., "mensagem": ...}}``), que o feedback do aluno
    mostra no lugar do que o notebook escreveu. Antes, apaga a chave de todas as células (o aluno
    pode tê-la posto na submissão)."""
    for celula in nb.get("cells", []):
        meta = celula.get("metadata")
        if isinstance(meta, dict):
            meta.pop(METADADOS, None)
        if not mensagens or not eh_teste(celula):
            continue
        dados = mensagens.get(_meta(celula).get("grade_id"))
        if isinstance(dados, dict):
            celula.setdefault("metadata", {})[METADADOS] = {"registro": {
                "ok": bool(dados.get("ok")), "mensagem": dados.get("mensagem") if not dados.get("ok") else None,
            }}


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
            if not _BASE64.fullmatch(dados):
                partes.append(_pre("[imagem inválida omitida do feedback]", "aviso"))
            elif not instrutor and len(dados) > LIMITE_IMAGEM:
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
# A limpeza do HTML do markdown (do aluno e do enunciado): uma lista do que é permitido
#
# O HTML do markdown é lido pelo ``html.parser`` da biblioteca padrão e escrito de novo, do zero: só
# as tags de ``TAGS_PERMITIDAS``, só os atributos de ``ATRIBUTOS_PERMITIDOS`` (nenhum ``on*``, nenhum
# ``style`` além de alinhamento de texto), com os valores escapados e entre aspas; todo texto é
# escapado; comentários, declarações e instruções de processamento somem. ``script``, ``style``,
# ``iframe``, ``template``... somem com o que têm dentro; ``svg``, ``math``, ``object``, ``form``... somem. Um endereço só fica num link
# (http, https, mailto, âncora ou relativo) e, numa imagem, só como ``data:image/png|jpeg|gif|webp``
# em base64 (o que o nbgrader e o Jupyter geram): nada de javascript:, vbscript:, data: de outro tipo,
# nem nada carregado de fora. Como a saída é escrita pelo próprio saneador, o que o navegador lê dela
# é o que o saneador escreveu — uma leitura diferente do HTML de entrada só muda o texto que sobra.

TAGS_PERMITIDAS = frozenset(
    "a abbr b blockquote br caption cite code col colgroup dd del details div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup "
    "table tbody td tfoot th thead tr u ul var".split()
)
#: Elementos sem fechamento.
_VAZIAS = frozenset({"br", "col", "hr", "img"})
#: Tags que somem com todo o conteúdo: o que o navegador lê como código, estilo ou texto cru. As outras
#: fora da lista (``svg``, ``math``, ``object``, ``embed``, ``form``...) somem sozinhas, e o que está
#: dentro delas passa pela mesma lista (a página nunca abre um ``svg``: o conteúdo é HTML comum).
TAGS_DESCARTADAS = frozenset(
    "script style iframe noscript noembed noframes template textarea title xmp plaintext".split()
)
ATRIBUTOS_PERMITIDOS = {
    "*": frozenset({"title"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "th": frozenset({"colspan", "rowspan", "align", "style"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start"}),
}
_ESQUEMA = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_ESQUEMAS_DE_LINK = frozenset({"http", "https", "mailto"})
_IMAGEM_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[a-z0-9+/=]+$")
_ALINHAMENTO = re.compile(r"^\s*text-align\s*:\s*(left|right|center|justify)\s*;?\s*$", re.IGNORECASE)
_NUMERO = re.compile(r"^\s*\d{1,4}\s*$")
# O navegador ignora espaços, tabs, quebras e caracteres de controle dentro de um endereço
# ("java\tscript:" é javascript:): o esquema é lido sem eles.
_INVISIVEIS = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\ufeff]+")


def _endereco_permitido(tag: str, valor: str) -> bool:
    compacto = _INVISIVEIS.sub("", valor).lower()
    if tag == "img":
        return bool(_IMAGEM_DATA.match(compacto))
    esquema = _ESQUEMA.match(compacto)
    if esquema:
        return esquema.group(1) in _ESQUEMAS_DE_LINK
    # Sem esquema: âncora ou endereço relativo. Um ":" antes da primeira "/" seria lido como esquema
    # por algum navegador (com entidades ou caracteres estranhos no meio): fora.
    return ":" not in compacto.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]


def _atributo_permitido(tag: str, nome: str, valor: str) -> bool:
    if nome not in ATRIBUTOS_PERMITIDOS["*"] and nome not in ATRIBUTOS_PERMITIDOS.get(tag, ()):
        return False
    if nome in ("href", "src"):
        return _endereco_permitido(tag, valor)
    if nome == "style":
        return bool(_ALINHAMENTO.match(valor))
    if nome in ("colspan", "rowspan", "span", "start", "width", "height"):
        return bool(_NUMERO.match(valor))
    if nome == "align":
        return valor.strip().lower() in ("left", "right", "center", "justify")
    return True


class _Saneador(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.partes: list[str] = []
        self.abertas: list[str] = []
        self.descartando: list[str] = []

    def _abrir(self, tag: str, atributos, fechada: bool) -> None:
        tag = tag.lower()
        if self.descartando:
            if tag in TAGS_DESCARTADAS and not fechada and tag not in _VAZIAS:
                self.descartando.append(tag)
            return
        if tag in TAGS_DESCARTADAS:
            if not fechada:
                self.descartando.append(tag)
            return
        if tag not in TAGS_PERMITIDAS:
            return  # a tag some, o texto dentro dela fica (escapado)
        texto = [tag]
        vistos = set()
        for nome, valor in atributos:
            nome = nome.lower()
            valor = valor or ""
            if nome in vistos or not _atributo_permitido(tag, nome, valor):
                continue
            vistos.add(nome)
            texto.append(f'{nome}="{html.escape(valor.strip() if nome in ("href", "src") else valor, quote=True)}"')
        if tag == "a" and "href" in vistos:
            texto.append('rel="noopener noreferrer nofollow"')
        self.partes.append(f"<{' '.join(texto)}>")
        if tag not in _VAZIAS and not fechada:
            self.abertas.append(tag)
        elif tag not in _VAZIAS:
            self.partes.append(f"</{tag}>")

    def handle_starttag(self, tag, attrs):
        self._abrir(tag, attrs, fechada=False)

    def handle_startendtag(self, tag, attrs):
        self._abrir(tag, attrs, fechada=True)

    def handle_endtag(self, tag):
        tag = tag.lower()
        if self.descartando:
            if tag == self.descartando[-1]:
                self.descartando.pop()
            return
        if tag in self.abertas:
            while self.abertas:
                aberta = self.abertas.pop()
                self.partes.append(f"</{aberta}>")
                if aberta == tag:
                    break

    def handle_data(self, data):
        if not self.descartando:
            self.partes.append(html.escape(data, quote=False))

    def resultado(self) -> str:
        self.close()
        return "".join(self.partes) + "".join(f"</{tag}>" for tag in reversed(self.abertas))


def sanear_html(trecho: str) -> str:
    """HTML de markdown só com as tags e os atributos permitidos: nada que rode código na página
    (``<script>``, atributos ``on*``, ``javascript:``, ``<svg>``, ``<iframe srcdoc>``...) nem que
    carregue algo de fora."""
    saneador = _Saneador()
    saneador.feed(trecho)
    return saneador.resultado()


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
    elif status != "passou":
        # Nada do que o notebook escreveu durante o teste: a partir da primeira célula com testes
        # ocultos, o kernel pode carregar o código deles em qualquer codificação. A mensagem é a da
        # nota de registro (um processo limpo, que não roda o notebook).
        registro = mensagem_do_registro(celula)
        erro_no_notebook = any(t == "erro" for t, _ in itens)
        if registro is not None and not registro["ok"]:
            mensagem = registro["mensagem"] or "o teste falhou sem mensagem"
            mensagem = redigir(_limitar(ANSI.sub("", mensagem), LIMITE_MENSAGEM), segredos_)
            partes.append('<p class="rotulo">O que deu errado:</p>' + _pre(mensagem, "saida falha"))
        elif registro is not None and status == "falhou":
            partes.append(
                '<p class="rotulo">Com o seu módulo sozinho, num processo novo, este teste passou; no notebook '
                "ele falhou. Veja o que mais o notebook faz antes deste teste (células a mais, variáveis "
                "trocadas) e rode as células de novo, em ordem, num kernel reiniciado.</p>"
            )
        elif erro_no_notebook:
            partes.append(f'<p class="rotulo">{html.escape(SEM_MENSAGEM)}</p>')
        if not erro_no_notebook and any(t == "fluxo:stderr" for t, _ in itens):
            partes.append(
                '<p class="rotulo">O teste não levantou erro no notebook, mas algo foi escrito na saída de erros '
                "(stderr), e o nbgrader conta isso como falha. O que foi escrito não aparece no feedback: "
                "rode o teste no seu notebook para ver.</p>"
            )
    partes.append("</section>")
    return "".join(partes)


def _saidas_do_aluno(itens, *, depois_do_oculto: bool) -> list:
    """As saídas de uma célula comum que o aluno vê no feedback: nada depois de um teste oculto, e
    antes dele só o texto impresso e os erros (uma saída rica pode ser trocada depois)."""
    if not itens:
        return []
    if depois_do_oculto:
        return [("aviso", SAIDA_DEPOIS_DO_OCULTO)]
    ficam = [(t, c) for t, c in itens if t.startswith("fluxo:") or t == "erro"]
    if len(ficam) < len(itens):
        ficam.append(("aviso", SAIDA_RICA_OMITIDA))
    return ficam


def _celula_comum(celula, *, segredos_: set[str], instrutor: bool, limite: int | None, depois_do_oculto: bool = True) -> str:
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
        itens = _itens(celula.get("outputs"))
        if not instrutor:
            itens = _saidas_do_aluno(itens, depois_do_oculto=depois_do_oculto)
        corpo = _codigo(fonte) + _saidas_html(itens, segredos_=segredos_, instrutor=instrutor, limite=limite)
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
    primeira = primeira_com_segredo(nb)
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
            "verificação, obtida rodando o teste de novo com o seu módulo num processo separado. O código dos "
            "testes não aparece aqui, nem o que o notebook imprimiu durante os testes ou depois do primeiro "
            "teste com partes ocultas: leia a mensagem, corrija o seu módulo, rode de novo a célula "
            "<code>%%writefile</code> e as células de teste no seu notebook.</p>"
        )
    corpo = []
    for i, celula in enumerate(celulas):
        if eh_teste(celula):
            corpo.append(_celula_teste(celula, i, segredos_=segredos_, instrutor=instrutor, limite=limite))
        else:
            meta = _meta(celula)
            ancora = f' id="{html.escape(meta["grade_id"])}"' if meta.get("grade") and meta.get("grade_id") else ""
            comum = _celula_comum(celula, segredos_=segredos_, instrutor=instrutor, limite=limite, depois_do_oculto=i > primeira)
            corpo.append(f"<div{ancora}>{comum}</div>")
    return (
        '<!DOCTYPE html>\n<html lang="pt-BR">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLITICA}">\n'
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
