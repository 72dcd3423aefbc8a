"""O que as pessoas veem, num Chromium de verdade: o livro, o JupyterLab do aluno e as páginas do
nbgrader do instrutor. Cada teste guarda uma captura de tela em artefatos/navegador/."""

from __future__ import annotations

import contextlib
import re
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import gerar_toc  # em livro/, posto no sys.path pelo conftest
import pytest
from apoio import pasta_da_execucao, sem_ansi
from navegador_apoio import (
    Jupyter,
    Registro,
    barrar_externos,
    configuracoes_do_usuario,
    copiar_curso,
    exigir_chromium,
    jupyterlab_pelo_make,
    navegador,
    salvar_tela,
    servir_pasta,
)
from nbgrader_apoio import assignments, nbgrader

pytestmark = [pytest.mark.navegador, pytest.mark.lento]

#: O notebook da aba em primeiro plano (as outras abas ficam no DOM, escondidas).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


def _pagina_vigiada(contexto, origem: str, refazer_cancelados: bool = False):
    """Uma aba nova e o registro do que ela reclamar (console, JavaScript, pedidos a ``origem``)."""
    pagina = contexto.new_page()
    registro = Registro(origem, refazer_cancelados=refazer_cancelados)
    registro.observar(pagina)
    return pagina, registro


def _paginas_do_livro() -> list[str]:
    """As páginas na ordem do sumário: a introdução e depois cada arquivo do _toc.yml."""
    toc = gerar_toc.toc()
    raiz = re.search(r"^root: (\S+)", toc, re.M).group(1)
    return [raiz, *re.findall(r"- file: (\S+)", toc)]


# --------------------------------------------------------------------------------------------------
# O livro
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(livro: Path):
    exigir_chromium()
    with servir_pasta(livro) as url:
        yield url


def test_registro_refaz_o_pedido_que_o_navegador_cancelou_e_so_aponta_o_que_falta(tmp_path: Path):
    """Um pedido local cancelado pelo Chromium (ERR_ABORTED, a página mudou antes) é pedido de novo
    fora do navegador: o arquivo que existe não é erro, o que falta é; outra falha é sempre erro."""
    (tmp_path / "favicon.png").write_bytes(b"png")

    class Pedido:
        def __init__(self, url: str, failure: str):
            self.url, self.failure = url, failure

    with servir_pasta(tmp_path) as url:
        registro = Registro(url, refazer_cancelados=True)
        registro._falhou(Pedido(f"{url}/favicon.png", "net::ERR_ABORTED"))
        registro._falhou(Pedido(f"{url}/falta.png", "net::ERR_ABORTED"))
        registro._falhou(Pedido(f"{url}/outro.css", "net::ERR_CONNECTION_RESET"))
        registro._falhou(Pedido("http://cdn.example/x.js", "net::ERR_ABORTED"))
        erros = registro.esvaziar()
        assert erros == [f"falhou: {url}/outro.css (net::ERR_CONNECTION_RESET)",
                         f"falhou: {url}/falta.png (cancelado pelo navegador; pedido de novo: 404)"], erros
        assert registro.externos == {"cdn.example"} and registro.esvaziar() == []
        # Sem a opção (o Jupyter, que pede token), o cancelamento continua erro, como antes.
        estrito = Registro(url)
        estrito._falhou(Pedido(f"{url}/favicon.png", "net::ERR_ABORTED"))
        assert estrito.esvaziar() == [f"falhou: {url}/favicon.png (net::ERR_ABORTED)"]


#: O que a página de uma aula com fórmulas tem de mostrar depois que o MathJax termina: cada fórmula
#: (``span.math``/``div.math``, com o TeX entre ``\(...\)`` ou ``\[...\]``) virou um ``mjx-container``.
FORMULAS = """() => {
    const formulas = [...document.querySelectorAll('article .math')];
    return {total: formulas.length,
            renderizadas: formulas.filter(e => e.querySelector('mjx-container')).length,
            cruas: formulas.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60))};
}"""


def _esperar_formulas(pagina, prazo_ms: int = 30_000) -> dict:
    """Espera o MathJax renderizar as fórmulas da página (se houver); devolve a contagem final."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        pagina.wait_for_function(f"() => {{ const f = ({FORMULAS})(); return f.renderizadas === f.total; }}", timeout=prazo_ms)
    return pagina.evaluate(FORMULAS)


def test_livro_cada_pagina_carrega_sem_erros_com_os_graficos_e_as_formulas_sem_nada_de_fora(site: str):
    paginas = _paginas_do_livro()
    problemas: dict[str, list[str]] = {}
    links: dict[str, str] = {}  # link interno do texto -> página onde apareceu
    graficos = 0
    formulas: dict[str, int] = {}  # página -> fórmulas renderizadas pelo MathJax
    with navegador() as contexto:
        # Todo pedido passa pelo teste: o que não for do servidor local é barrado e anotado.
        externos = barrar_externos(contexto, site)
        pagina, registro = _pagina_vigiada(contexto, site, refazer_cancelados=True)
        for nome in paginas:
            resposta = pagina.goto(f"{site}/{nome}.html", wait_until="load")
            assert resposta is not None and resposta.status == 200, f"{nome}: HTTP {resposta and resposta.status}"
            imagens = pagina.eval_on_selector_all(
                "article img",
                "els => els.map(e => ({src: e.getAttribute('src'), ok: e.complete && e.naturalWidth > 0 && e.naturalHeight > 0,"
                " w: e.getBoundingClientRect().width}))",
            )
            quebradas = [i["src"] for i in imagens if not i["ok"]]
            graficos += sum(1 for i in imagens if i["ok"] and i["w"] > 100)
            contagem = _esperar_formulas(pagina)
            if contagem["total"]:
                formulas[nome] = contagem["renderizadas"]
            erros = registro.esvaziar() + [f"imagem quebrada: {src}" for src in quebradas]
            erros += [f"fórmula que o MathJax não renderizou: {crua!r}" for crua in contagem["cruas"]]
            if erros:
                problemas[nome] = erros
            assert pagina.locator("article h1").count() >= 1, f"{nome}: página sem título"
            for href in pagina.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)"):
                if href.startswith(site):
                    links.setdefault(href.split("#")[0], nome)
            salvar_tela(pagina, f"livro/{nome.replace('/', '__')}")
        # As páginas fora do sumário: a raiz (que redireciona para a introdução) e a busca.
        pagina.goto(f"{site}/index.html", wait_until="load")
        pagina.wait_for_url(f"{site}/{paginas[0]}.html")
        pagina.wait_for_load_state("networkidle")  # o favicon também (sair antes o interromperia)
        pagina.goto(f"{site}/search.html?q=Amdahl", wait_until="load")
        pagina.locator("#search-results ul.search li").first.wait_for()
        if erros := registro.esvaziar():
            problemas["index.html e search.html"] = erros
    # Nenhuma página pediu nada a outro endereço (CDN, fontes, análise de acesso...): o livro funciona
    # sem internet.
    assert not externos, "pedidos para fora do servidor local:\n" + "\n".join(sorted(set(externos)))
    assert not problemas, f"páginas com erros: {problemas}"
    # O livro tem fórmulas (a lei de Amdahl e o speedup na aula 02), e o MathJax local as renderizou.
    amdahl = next(p for p in paginas if p.startswith("notebooks/02-"))
    assert formulas.get(amdahl, 0) >= 2, f"esperava as fórmulas da aula 02 renderizadas; vi {formulas}"
    # Os links do texto (anterior/próxima, o sumário, os enunciados) levam a páginas que existem.
    quebrados = {}
    for url, nome in links.items():
        try:
            with urllib.request.urlopen(url, timeout=10) as resposta:
                codigo = resposta.status
        except urllib.error.HTTPError as erro:
            codigo = erro.code
        if codigo != 200:
            quebrados[url] = f"{codigo} (em {nome})"
    assert len(links) >= len(paginas) - 1 and not quebrados, quebrados
    assert graficos >= 5, f"esperava os gráficos das aulas (escalabilidade, linha do tempo, corridas); vi {graficos}"


def test_livro_navegacao_alcanca_todas_as_paginas_em_ordem(site: str):
    paginas = _paginas_do_livro()
    with navegador() as contexto:
        pagina = contexto.new_page()
        # A raiz do site redireciona para a introdução.
        pagina.goto(f"{site}/index.html")
        pagina.wait_for_url(f"{site}/{paginas[0]}.html")
        pagina.locator("a.right-next").first.wait_for()
        visitadas = [_nome_da_pagina(pagina.url, site)]
        # "Próximo" no pé de cada página leva à seguinte, até a última.
        for _ in range(len(paginas) + 2):
            proxima = pagina.locator("a.right-next")
            if proxima.count() == 0:
                break
            proxima.first.click()
            pagina.wait_for_load_state("load")
            visitadas.append(_nome_da_pagina(pagina.url, site))
        assert visitadas == paginas
        # E a barra lateral tem um link para cada página (a introdução é o logotipo/título).
        ligados = pagina.eval_on_selector_all("nav.bd-docs-nav a.reference.internal", "els => els.map(e => e.href)")
        alcancadas = {_nome_da_pagina(href, site) for href in ligados}
        assert set(paginas[1:]) <= alcancadas, set(paginas[1:]) - alcancadas
        # A interface do tema está em português.
        assert "Anterior" in pagina.locator("a.left-prev").inner_text()
        salvar_tela(pagina, "livro-navegacao")


def test_livro_busca_acha_as_aulas(site: str):
    with navegador() as contexto:
        pagina, registro = _pagina_vigiada(contexto, site, refazer_cancelados=True)
        pagina.goto(f"{site}/search.html?q=Barrier")
        resultados = pagina.locator("#search-results ul.search li")
        resultados.first.wait_for()
        links = [_nome_da_pagina(h, site) for h in resultados.locator("a").evaluate_all("els => els.map(e => e.href)")]
        assert any(link.startswith("notebooks/05-") for link in links), links
        assert not registro.esvaziar()
        salvar_tela(pagina, "livro-busca")


def _nome_da_pagina(url: str, site: str) -> str:
    return url.split("#")[0].split("?")[0].removeprefix(site + "/").removesuffix(".html")


# --------------------------------------------------------------------------------------------------
# O JupyterLab, aberto por `make curso` numa cópia do curso
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory) -> Jupyter:
    exigir_chromium()
    base = tmp_path_factory.mktemp("jupyterlab")
    pasta = copiar_curso(base / "curso")
    configuracoes = configuracoes_do_usuario(base / "user-settings")
    # O instrutor publica o ex01 na troca do curso (.exchange/): o aluno o verá na Assignment List.
    nbgrader("release_assignment", "ex01_processos", cwd=pasta, timeout=300)
    trava = pasta_da_execucao(tmp_path_factory) / "make-curso.trava"
    with jupyterlab_pelo_make(pasta, configuracoes, trava=trava, PROCESSOS_ESCALA="0.01") as servidor:
        yield servidor


@pytest.fixture
def lab(jupyter: Jupyter, request):
    """Um navegador aberto no JupyterLab; no fim, os kernels que o teste abriu são desligados.
    Se o teste falhou, cada aba vira uma captura ``falha-...`` e o fim do log do servidor é mostrado."""
    with navegador() as contexto:
        yield contexto
        relatorio = getattr(request.node, "relatorio_call", None)
        if relatorio is not None and relatorio.failed:
            for i, pagina in enumerate(contexto.pages):
                salvar_tela(pagina, f"falha-{request.node.name}-{i}", pagina_inteira=True)
            print(jupyter.log.read_text(errors="replace")[-4000:])
    jupyter.desligar_kernels()


def _area_de_trabalho(caminho: str = "") -> str:
    """Um endereço do JupyterLab numa área de trabalho nova: nenhuma aba de outro teste é restaurada."""
    return f"/lab/workspaces/t{uuid.uuid4().hex[:12]}" + (f"/tree/{caminho}" if caminho else "")


def _abrir_notebook(contexto, jupyter: Jupyter, caminho: str):
    pagina = contexto.new_page()
    pagina.goto(jupyter.endereco(_area_de_trabalho(caminho)))
    pagina.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for()
    pagina.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').first.wait_for(timeout=120_000)
    _esperar_kernel_conectado(jupyter, prazo=120)
    return pagina


def _esperar_kernel_conectado(jupyter: Jupyter, prazo: float) -> None:
    """O kernel do notebook está ocioso e com o websocket do navegador ligado (com a máquina
    carregada, o JupyterLab pode mostrar o kernel antes de a conexão estar pronta)."""
    fim = time.monotonic() + prazo
    while time.monotonic() < fim:
        try:
            kernels = jupyter.api("GET", "/api/kernels")
        except urllib.error.HTTPError as erro:
            # Um kernel ainda iniciando pode não ter "last_activity" e a lista responde 500
            # (KeyError no Jupyter Server, visto sob carga): ainda não está pronto; o prazo vale igual.
            if erro.code != 500:
                raise
            kernels = None
        if kernels and all(k["execution_state"] == "idle" and k.get("connections", 0) >= 1 for k in kernels):
            return
        time.sleep(0.3)
    raise AssertionError(f"o kernel não ficou pronto em {prazo} s: {jupyter.api('GET', '/api/kernels')}")


def _menu(pagina, *nomes: str):
    """Abre um menu da barra principal pelo nome (em português ou em inglês, conforme o pacote)."""
    barra = pagina.locator("#jp-MainMenu .lm-MenuBar-item")
    barra.filter(has_text=re.compile(r"^(" + "|".join(map(re.escape, nomes)) + r")$")).first.click()
    return pagina.locator(".lm-Menu").last


def _executar_tudo(pagina) -> None:
    """Menu Executar → Executar todas as células; confere que a execução começou (uma vez, com a
    máquina carregada, o pedido se perdeu entre o navegador e o kernel: aí o clique é repetido)."""
    for tentativa in range(2):
        _menu(pagina, "Executar", "Run").get_by_text("Executar todas as células", exact=True).click()
        try:
            pagina.wait_for_function(
                f"() => [...document.querySelectorAll('{NOTEBOOK} .jp-InputPrompt')].some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))",
                timeout=60_000,
            )
            return
        except Exception:
            if tentativa == 1:
                raise


def _prompts(pagina) -> list[str]:
    return pagina.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt").all_inner_texts()


def test_jupyterlab_do_curso_abre_em_portugues(jupyter: Jupyter, lab):
    pagina, registro = _pagina_vigiada(lab, jupyter.url)
    # O endereço que o make curso abre: o sumário do curso.
    pagina.goto(jupyter.endereco(_area_de_trabalho("notebooks/00-Indice.ipynb")))
    pagina.locator("#jp-MainMenu").wait_for()
    pagina.locator(f"{NOTEBOOK} h1", has_text="Sumário").first.wait_for()
    menu = _menu(pagina, "Executar", "Run")
    itens = menu.inner_text()
    assert "Executar todas as células" in itens, itens
    pagina.keyboard.press("Escape")
    assert pagina.locator(".jp-FileBrowser").get_by_text("Nome", exact=True).count() >= 1
    # As telas de configuração vêm traduzidas do servidor (só com o idioma escolhido no ambiente).
    titulo = jupyter.api("GET", "/lab/api/settings/@jupyterlab/mainmenu-extension:plugin")["schema"]["title"]
    assert titulo == "Menu Principal", titulo
    # Sem a pergunta das notícias do Jupyter (desligada em overrides.json).
    assert pagina.get_by_text("official Jupyter news").count() == 0
    salvar_tela(pagina, "jupyterlab-em-portugues")
    assert not [e for e in registro.esvaziar() if "HTTP 404" not in e], "erros no console do JupyterLab"


def test_aula_roda_no_navegador_criando_processos_pelo_modulo(jupyter: Jupyter, lab):
    pagina = _abrir_notebook(lab, jupyter, "notebooks/01-Processos-Threads-e-o-GIL.ipynb")
    _executar_tudo(pagina)
    pagina.wait_for_function(
        f"""() => {{ const p = [...document.querySelectorAll('{NOTEBOOK} .jp-CodeCell .jp-InputPrompt')].map(e => e.textContent);
                   return p.length > 0 && p.every(t => /\\[\\d+\\]/.test(t)); }}""",
        timeout=240_000,
    )
    saidas = sem_ansi("\n".join(pagina.locator(f"{NOTEBOOK} .jp-OutputArea-output").all_inner_texts()))
    for metodo in ("fork", "spawn", "forkserver"):
        assert re.search(rf"{metodo}: filho-{metodo} viu VALOR", saidas), f"o filho criado com {metodo} não respondeu:\n{saidas[:3000]}"
    assert "dorminhoco-0" in saidas
    assert "Traceback" not in saidas, saidas[:5000]
    salvar_tela(pagina, "jupyterlab-aula-01", pagina_inteira=True)


def test_exercicio_liberado_falha_com_mensagem_em_portugues(jupyter: Jupyter, lab):
    pagina = _abrir_notebook(lab, jupyter, "release/ex01_processos/ex01_processos.ipynb")
    _executar_tudo(pagina)
    erro = pagina.locator(f"{NOTEBOOK} .jp-OutputArea-output", has_text="Exercício ainda não resolvido").first
    erro.wait_for(timeout=120_000)
    pagina.wait_for_function(
        f"() => ![...document.querySelectorAll('{NOTEBOOK} .jp-InputPrompt')].some(e => e.textContent.includes('*'))",
        timeout=60_000,
    )
    erro.scroll_into_view_if_needed()
    texto = sem_ansi(erro.inner_text())
    assert "NotImplementedError" in texto, texto
    # O rastro mostra a célula do aluno, não o interior da biblioteca de correção.
    assert "execucao.py" not in texto, texto
    # A célula %%writefile gravou o módulo do aluno na pasta do exercício (na cópia, não no repositório).
    assert (jupyter.pasta / "release" / "ex01_processos" / "solucao_ex01.py").exists()
    # O Executar tudo parou no primeiro teste que falhou: as partes seguintes nem rodaram.
    assert any(re.fullmatch(r"\[ \]:", p.strip()) for p in _prompts(pagina)), _prompts(pagina)
    salvar_tela(pagina, "jupyterlab-exercicio-01")


def test_formgrader_do_instrutor_lista_as_tarefas(jupyter: Jupyter, lab):
    pagina, registro = _pagina_vigiada(lab, jupyter.url)
    pagina.goto(jupyter.endereco("/formgrader"))
    linhas = pagina.locator("table tbody tr")
    pagina.get_by_text("ex06_chat", exact=True).wait_for()
    nomes = [t.split("\t")[0].strip() for t in linhas.all_inner_texts()]
    assert set(assignments()) <= set(nomes), nomes
    liberada = linhas.filter(has_text="ex01_processos").inner_text()
    assert "released" in liberada, liberada
    assert not registro.esvaziar()
    salvar_tela(pagina, "formgrader")


def test_lista_de_tarefas_do_aluno_mostra_a_tarefa_publicada(jupyter: Jupyter, lab):
    pagina, registro = _pagina_vigiada(lab, jupyter.url)
    pagina.goto(jupyter.endereco(_area_de_trabalho()))
    pagina.locator("#jp-MainMenu").wait_for()
    _menu(pagina, "Nbgrader").get_by_text("Assignment List", exact=True).click()
    publicadas = pagina.locator("#released_assignments_list")
    publicadas.get_by_text("ex01_processos").wait_for()
    assert "processos-em-python" in publicadas.inner_text()
    salvar_tela(pagina, "lista-de-tarefas")
    assert not registro.esvaziar()
