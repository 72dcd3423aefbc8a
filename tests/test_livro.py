"""O livro (Jupyter Book) é construído sem rede, com cada aula executada, e falha se uma célula falhar."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import gerar_toc  # em livro/, posto no sys.path pelo conftest
import pytest
from apoio import RAIZ
from livro_apoio import construir_livro as _construir


def test_toc_versionado_em_dia():
    assert (RAIZ / "livro" / "_toc.yml").read_text(encoding="utf-8") == gerar_toc.toc(), "rode: python livro/gerar_toc.py"


def _texto(html: str) -> str:
    """O texto da página, sem as marcas do HTML (o código vem colorido, um pedaço por etiqueta)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def _paginas() -> list[str]:
    return re.findall(r"- file: (\S+)", gerar_toc.toc())


@pytest.mark.lento
def test_toda_aula_e_todo_enunciado_viram_pagina_em_portugues(livro: Path):
    paginas = _paginas()
    assert any(p.startswith("notebooks/08-") for p in paginas) and any(p.startswith("release/ex06") for p in paginas)
    for pagina in paginas:
        html = (livro / f"{pagina}.html").read_text(encoding="utf-8")
        assert 'lang="pt-BR"' in html
        if pagina.startswith("notebooks/0") and not pagina.startswith("notebooks/00-"):
            assert "mybinder.org/v2/gh/" in html, f"{pagina} sem botão do Binder"
    assert (livro / "search.html").exists() and (livro / "searchindex.js").exists()


@pytest.mark.lento
def test_aulas_foram_executadas_e_graficos_existem(livro: Path):
    html = (livro / "notebooks" / "02-Trabalho-CPU-bound-com-Processos.html").read_text(encoding="utf-8")
    # A linha que a célula de escalabilidade imprime, com números medidos (o texto e o código da aula
    # falam de speedup, mas só a saída de uma execução tem "1 processo(s): 0.069 s  speedup 1.00").
    medidas = re.findall(r"(\d+) processo\(s\): \d+\.\d{3} s +speedup (\d+\.\d{2}) +eficiência \d+%", _texto(html))
    assert ("1", "1.00") in medidas and any(n == "2" for n, _ in medidas), medidas
    imagens = re.findall(r'<img[^>]+src="([^"]+\.png)"', html)
    assert len(imagens) >= 2, "a aula 02 tem os gráficos de escalabilidade e de linha do tempo"
    todas = []
    for pagina in _paginas():
        texto = (livro / f"{pagina}.html").read_text(encoding="utf-8")
        todas += [(livro / pagina).parent / src for src in re.findall(r'<img[^>]+src="([^"]+\.png)"', texto)]
    assert todas and all(p.resolve().stat().st_size > 1000 for p in todas)


#: O que uma página carrega sozinha ao abrir: ``src`` de script, imagem, quadro, mídia e ``href`` de
#: ``<link>`` (folhas de estilo, fontes, ícones). Os ``<a href>`` não: são links que a pessoa clica.
_CARREGA = re.compile(r'<(?:script|img|iframe|source|audio|video|embed)\b[^>]*?\bsrc="([^"]*)"|<link\b[^>]*?\bhref="([^"]*)"', re.I)


@pytest.mark.lento
def test_nenhuma_pagina_carrega_nada_de_fora_e_o_mathjax_vem_no_livro(livro: Path):
    """O HTML de cada página só aponta para arquivos do próprio livro, e as páginas com fórmulas
    carregam o MathJax de ``_static/mathjax`` (do pacote sphinx-mathjax-offline), com as fontes.
    O teste de navegador confere o mesmo no Chromium, pedido a pedido (tests/test_navegador.py)."""
    paginas = sorted(livro.rglob("*.html"))
    assert len(paginas) >= len(_paginas()) + 1
    externos: dict[str, list[str]] = {}
    com_formulas = {}
    for pagina in paginas:
        html = pagina.read_text(encoding="utf-8")
        enderecos = [a or b for a, b in _CARREGA.findall(html)]
        fora = [e for e in enderecos if e.startswith("//") or re.match(r"[a-z][a-z0-9+.-]*:", e, re.I) and not e.startswith("data:")]
        if fora:
            externos[pagina.relative_to(livro).as_posix()] = fora
        if 'class="math' in html:
            com_formulas[pagina.relative_to(livro).as_posix()] = [e for e in enderecos if "mathjax" in e.lower()]
    assert not externos, f"páginas que carregam algo de fora do livro: {externos}"
    # Há fórmulas no livro (a lei de Amdahl, na aula 02), e cada página que as tem carrega o MathJax local.
    assert any(p.startswith("notebooks/02-") for p in com_formulas), sorted(com_formulas)
    for nome, scripts in com_formulas.items():
        assert scripts, f"{nome} tem fórmulas e não carrega o MathJax"
        for src in scripts:
            assert ((livro / nome).parent / src.split("?")[0]).resolve().is_file(), f"{nome}: {src} não está no livro"
    fontes = list((livro / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fontes) >= 10, "as fontes do MathJax não foram copiadas para o livro"


@pytest.mark.lento
def test_enunciados_no_livro_nao_tem_solucao(livro: Path):
    for pagina in (p for p in _paginas() if p.startswith("release/")):
        html = (livro / f"{pagina}.html").read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in html and "HIDDEN TESTS" not in html
        assert "NotImplementedError" in html


@pytest.mark.lento
def test_celula_com_erro_derruba_a_construcao(tmp_path: Path):
    raiz = tmp_path / "mini"
    (raiz / "livro").mkdir(parents=True)
    shutil.copy(RAIZ / "livro" / "_config.yml", raiz / "livro" / "_config.yml")
    shutil.copy(RAIZ / "livro" / "favicon.png", raiz / "livro" / "favicon.png")
    shutil.copytree(RAIZ / "livro" / "_ext", raiz / "livro" / "_ext")
    (raiz / "livro" / "intro.md").write_text("# Mini\n")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [], "source": "1 / 0"}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (raiz / "quebrado.ipynb").write_text(json.dumps(nb))
    (raiz / "livro" / "_toc.yml").write_text("format: jb-book\nroot: livro/intro\nchapters:\n  - file: quebrado\n")
    proc = _construir(raiz, raiz / "livro" / "_config.yml", raiz / "livro" / "_toc.yml", tmp_path / "saida", prazo=400)
    assert proc.returncode != 0
    assert "ZeroDivisionError" in proc.stdout + proc.stderr


def test_ajuste_tira_so_os_scripts_repetidos_do_cabecalho():
    import ajustes_livro

    html = (
        "<html><head>\n<script>const A = 1;</script>\n<script src='x.js'></script>\n"
        "<script>const A = 1;</script>\n<script src='x.js'></script>\n</head>\n"
        "<body>\n<script>const A = 1;</script>\n</body></html>"
    )
    saida = ajustes_livro.sem_scripts_repetidos(html)
    cabeca, corpo = saida.split("</head>")
    assert cabeca.count("const A = 1;") == 1 and cabeca.count("x.js") == 1
    assert "const A = 1;" in corpo  # o corpo não é mexido
    assert ajustes_livro.sem_scripts_repetidos("sem cabeçalho") == "sem cabeçalho"
