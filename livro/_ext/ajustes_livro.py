"""Ajustes do livro que o Jupyter Book 1.x não expõe na configuração.

O Jupyter Book registra os scripts do sphinx-thebe e do sphinx-togglebutton duas vezes, e cada
página sai com duas cópias idênticas de ``<script>const THEBE_JS_URL = ...</script>``: o navegador
acusa ``SyntaxError: Identifier 'THEBE_JS_URL' has already been declared`` em toda página. No fim
da construção, este módulo tira, do ``<head>`` de cada página, as linhas ``<script>`` repetidas
(a primeira fica, a ordem não muda).
"""

from __future__ import annotations

import re
from pathlib import Path

_SCRIPT = re.compile(r"^\s*<script\b.*</script>\s*$")


def sem_scripts_repetidos(html: str) -> str:
    cabeca, separador, corpo = html.partition("</head>")
    if not separador:
        return html
    vistos: set[str] = set()
    linhas = []
    for linha in cabeca.splitlines(keepends=True):
        if _SCRIPT.match(linha):
            if linha.strip() in vistos:
                continue
            vistos.add(linha.strip())
        linhas.append(linha)
    return "".join(linhas) + separador + corpo


def _ao_terminar(app, excecao) -> None:
    if excecao is not None or app.builder.format != "html":
        return
    for pagina in Path(app.outdir).rglob("*.html"):
        texto = pagina.read_text(encoding="utf-8")
        novo = sem_scripts_repetidos(texto)
        if novo != texto:
            pagina.write_text(novo, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _ao_terminar)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
