"""Apoio aos testes de navegador: o Chromium do Debian guiado pelo Playwright, o livro servido em
127.0.0.1 e o JupyterLab aberto pelo comando do README (``make curso``) numa cópia do curso."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
from apoio import RAIZ, encerrar, travar_arquivo, vivos

ARTEFATOS = RAIZ / "artefatos" / "navegador"

# As opções com que o Chromium roda sem tela, como root e sem rede além de 127.0.0.1: sem elas ele
# tenta falar com os servidores do Google a cada partida (e a rede fechada recusa).
OPCOES_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def executavel_chromium() -> str | None:
    """O Chromium do sistema: ``$CHROMIUM``, ``/usr/bin/chromium`` ou o que estiver no PATH."""
    candidatos = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidato in candidatos:
        if candidato and os.access(candidato, os.X_OK):
            return candidato
    return None


def exigir_chromium() -> str:
    """O caminho do Chromium; sem ele o teste é pulado com a instrução de como instalar.

    ``make teste`` instala o pacote ``chromium`` do Debian quando pode (root ou sudo sem senha) e
    para com erro se a instalação falhar; o pulo só acontece onde não havia como instalar."""
    exe = executavel_chromium()
    if exe is None:
        pytest.skip("Chromium não encontrado: rode 'make navegador' como root (apt-get install chromium) ou defina CHROMIUM")
    return exe


def salvar_tela(pagina, nome: str, pagina_inteira: bool = False) -> Path:
    """Guarda a captura de tela do teste em artefatos/navegador/<nome>.png."""
    destino = ARTEFATOS / f"{nome}.png"
    destino.parent.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(destino), full_page=pagina_inteira)
    assert destino.stat().st_size > 1000, f"captura vazia: {destino}"
    return destino


@dataclass
class Registro:
    """O que a página reclamou: erros do console, exceções de JavaScript e pedidos que falharam.

    Pedidos a outros endereços vão para ``externos``, não para ``erros`` (a rede dos testes é
    fechada, e ``barrar_externos`` os barra antes de saírem): quem testa decide o que é permitido.

    Com ``refazer_cancelados``, um pedido ao servidor que o próprio Chromium cancelou
    (``net::ERR_ABORTED``: a página mudou antes de ele terminar — o favicon, que o Chromium pede
    por último, é o caso comum) não é erro por si: ``esvaziar`` pede o mesmo endereço de novo, fora
    do navegador, e só o que não vier com 200 vira erro. Um arquivo que falta continua apontado;
    a pressa do teste em mudar de página, numa máquina carregada, não. Só para servidores sem
    autenticação (o do livro): no Jupyter, o pedido refeito sem o token daria 403."""

    origem: str
    refazer_cancelados: bool = False
    erros: list[str] = field(default_factory=list)
    externos: set[str] = field(default_factory=set)
    cancelados: set[str] = field(default_factory=set)

    def observar(self, pagina) -> None:
        origem = self.origem
        pagina.on("console", self._console)
        pagina.on("pageerror", lambda e: self.erros.append(f"javascript: {e}"))
        pagina.on("requestfailed", self._falhou)
        pagina.on("response", lambda r: self.erros.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 and r.url.startswith(origem) else None)

    def _console(self, mensagem) -> None:
        if mensagem.type != "error":
            return
        url = (mensagem.location or {}).get("url", "")
        if mensagem.text.startswith("Failed to load resource") and url and not url.startswith(self.origem):
            self.externos.add(urllib.parse.urlsplit(url).netloc)
            return
        self.erros.append(f"console: {mensagem.text} ({url})")

    def _falhou(self, pedido) -> None:
        if not pedido.url.startswith(self.origem):
            self.externos.add(urllib.parse.urlsplit(pedido.url).netloc)
        elif self.refazer_cancelados and "ERR_ABORTED" in (pedido.failure or ""):
            self.cancelados.add(pedido.url)
        else:
            self.erros.append(f"falhou: {pedido.url} ({pedido.failure})")

    def esvaziar(self) -> list[str]:
        erros, self.erros = self.erros, []
        cancelados, self.cancelados = sorted(self.cancelados), set()
        for url in cancelados:
            try:
                with urllib.request.urlopen(url, timeout=30) as resposta:
                    codigo = resposta.status
            except urllib.error.HTTPError as erro:
                codigo = erro.code
            except OSError as erro:
                codigo = f"sem resposta ({erro})"
            if codigo != 200:
                erros.append(f"falhou: {url} (cancelado pelo navegador; pedido de novo: {codigo})")
        return erros


def barrar_externos(contexto, origem: str) -> list[str]:
    """Intercepta todo pedido das páginas de ``contexto``: os do servidor ``origem`` seguem, os de
    qualquer outro endereço são barrados (como numa máquina sem internet) e anotados, com a URL
    inteira, na lista devolvida. Com a interceptação o Chromium não usa o cache HTTP: cada página
    pede tudo de novo, e cada pedido passa por aqui."""
    servidor = urllib.parse.urlsplit(origem)[:2]  # (esquema, máquina:porta)
    externos: list[str] = []

    def _rota(rota) -> None:
        url = rota.request.url
        if urllib.parse.urlsplit(url)[:2] == servidor:
            rota.continue_()
        else:
            externos.append(url)
            rota.abort("blockedbyclient")

    contexto.route("**/*", _rota)
    return externos


@contextlib.contextmanager
def navegador() -> Iterator:
    """Um Chromium sem tela, aberto e fechado dentro do teste (o vigia de processos confere)."""
    from playwright.sync_api import sync_playwright

    exe = exigir_chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=exe, headless=True, args=OPCOES_CHROMIUM, timeout=60_000)
        try:
            contexto = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="pt-BR")
            contexto.set_default_timeout(60_000)
            yield contexto
            contexto.close()
        finally:
            chromium.close()


class _Silencioso(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def servir_pasta(pasta: Path) -> Iterator[str]:
    """Serve ``pasta`` em http://127.0.0.1:<porta livre>/ numa thread (nenhum processo a mais)."""
    manipulador = functools.partial(_Silencioso, directory=str(pasta))
    servidor = http.server.ThreadingHTTPServer(("127.0.0.1", 0), manipulador)
    thread = threading.Thread(target=servidor.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{servidor.server_address[1]}"
    finally:
        servidor.shutdown()
        servidor.server_close()
        thread.join(timeout=10)


def porta_livre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------------
# JupyterLab
# --------------------------------------------------------------------------------------------------

# O que a cópia do curso leva (o venv não: ela usa o do repositório, como o aluno).
PARTES_DO_CURSO = ("Makefile", "pyproject.toml", "nbgrader_config.py", "ferramentas", "notebooks", "release", "source")
IGNORAR = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "solucao_*.py", "gradebook.db")


@dataclass
class Jupyter:
    url: str
    token: str
    pasta: Path
    log: Path

    def endereco(self, caminho: str) -> str:
        separador = "&" if "?" in caminho else "?"
        return f"{self.url}{caminho}{separador}token={self.token}"

    def api(self, metodo: str, caminho: str, corpo: dict | None = None) -> object:
        dados = json.dumps(corpo).encode() if corpo is not None else None
        pedido = urllib.request.Request(f"{self.url}{caminho}", data=dados, method=metodo)
        pedido.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(pedido, timeout=30) as resposta:
            texto = resposta.read().decode()
        return json.loads(texto) if texto else None

    def desligar_kernels(self, prazo: float = 30) -> None:
        """Fecha todas as sessões e kernels pela API e espera os processos dos kernels sumirem."""
        kernels = self.api("GET", "/api/kernels")
        pids = self._pids_dos_kernels()
        for sessao in self.api("GET", "/api/sessions"):
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/sessions/{sessao['id']}")
        for kernel in kernels:
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
        restantes = vivos(pids)
        fim = time.monotonic() + prazo
        while restantes and time.monotonic() < fim:
            time.sleep(0.2)
            restantes = vivos(restantes)
        assert not restantes, f"kernels que não terminaram: {[p.pid for p in restantes]}"

    def _pids_dos_kernels(self) -> list[psutil.Process]:
        """Os kernels e os filhos deles (os processos que as aulas criam)."""
        procs = []
        for proc in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "ipykernel_launcher" in " ".join(proc.cmdline()):
                    procs.append(proc)
                    procs += proc.children(recursive=True)
        return procs


def copiar_curso(destino: Path) -> Path:
    """Uma cópia do curso para o JupyterLab dos testes: o que os notebooks gravam (módulos
    ``solucao_*.py``, o gradebook do formgrader, a troca do nbgrader) fica fora do repositório."""
    destino.mkdir(parents=True, exist_ok=True)
    for nome in PARTES_DO_CURSO:
        origem = RAIZ / nome
        if origem.is_dir():
            shutil.copytree(origem, destino / nome, ignore=IGNORAR)
        else:
            shutil.copy2(origem, destino / nome)  # copy2 mantém a data: o make não reinstala nada
    return destino


def configuracoes_do_usuario(destino: Path) -> Path:
    """As configurações de usuário do JupyterLab do ambiente do curso, copiadas para o teste, mais
    ``windowingMode: none`` (o notebook desenha todas as células, e o teste as lê)."""
    origem = Path(sys.prefix) / "share" / "jupyter" / "lab" / "user-settings"
    assert origem.is_dir(), f"{origem} não existe: rode 'make instalar' (ferramentas/configurar_jupyterlab.py)"
    shutil.copytree(origem, destino)
    rastreador = destino / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    rastreador.parent.mkdir(parents=True, exist_ok=True)
    rastreador.write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")
    return destino


@contextlib.contextmanager
def jupyterlab_pelo_make(pasta: Path, configuracoes: Path, trava: Path | None = None, **env_extra: str) -> Iterator[Jupyter]:
    """Abre o JupyterLab com ``make curso`` (o comando do README) em ``pasta``, em 127.0.0.1 com
    um token aleatório, e no fim desliga o servidor e tudo o que ele criou.

    ``trava``: um arquivo comum aos processos do xdist, travado até o servidor responder. Todos abrem
    o ``make curso`` com o MESMO venv, e o ``ambiente.sh`` recusa, de propósito, um segundo ``make``
    no mesmo ambiente ao mesmo tempo (visto em ci23: dois processos do xdist com o fixture do módulo)."""
    venv = Path(sys.prefix)
    instalado = venv / "bin" / ".instalado"
    assert instalado.exists(), "o ambiente não foi criado por 'make instalar'"
    token = secrets.token_hex(16)
    porta = porta_livre()
    env = dict(os.environ)
    env.update(
        JUPYTER_TOKEN=token,
        JUPYTERLAB_WORKSPACES_DIR=str(configuracoes.parent / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(configuracoes.parent / "runtime"),
        PYTHONDONTWRITEBYTECODE="1",
        **env_extra,
    )
    opcoes = f"--no-browser --LabApp.user_settings_dir={configuracoes}"
    log = configuracoes.parent / "jupyterlab.log"
    comando = ["make", "--no-print-directory", "curso", f"VENV={venv}", f"PORTA={porta}", f"JUPYTER_OPCOES={opcoes}",
               # -o: o venv já está pronto; o make não pode reinstalá-lo a partir da cópia.
               "-o", str(instalado)]
    with contextlib.ExitStack() as partida:
        if trava is not None:
            arquivo = partida.enter_context(open(trava, "w"))
            travar_arquivo(arquivo, time.monotonic() + 600, "outro JupyterLab dos testes não abriu em 600 s")
        with open(log, "wb") as saida:
            servidor = subprocess.Popen(comando, cwd=pasta, env=env, stdout=saida, stderr=subprocess.STDOUT, start_new_session=True)
        jupyter = Jupyter(f"http://127.0.0.1:{porta}", token, pasta, log)
        try:
            _esperar_pronto(jupyter, servidor, prazo=120)
        except BaseException:
            _desligar(jupyter, servidor)
            raise
    try:  # a trava já saiu: o servidor responde, o make já não mexe no ambiente
        yield jupyter
    finally:
        _desligar(jupyter, servidor)


def _esperar_pronto(jupyter: Jupyter, servidor: subprocess.Popen, prazo: float) -> None:
    fim = time.monotonic() + prazo
    while time.monotonic() < fim:
        if servidor.poll() is not None:
            raise AssertionError(f"o JupyterLab saiu com código {servidor.returncode}:\n{jupyter.log.read_text()[-3000:]}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            jupyter.api("GET", "/api/status")
            return
        time.sleep(0.3)
    raise AssertionError(f"o JupyterLab não respondeu em {prazo} s:\n{jupyter.log.read_text()[-3000:]}")


def _desligar(jupyter: Jupyter, servidor: subprocess.Popen) -> None:
    try:
        arvore = [psutil.Process(servidor.pid), *psutil.Process(servidor.pid).children(recursive=True)]
    except psutil.Error:
        arvore = []
    with contextlib.suppress(Exception):
        jupyter.desligar_kernels(prazo=15)
    with contextlib.suppress(Exception):
        jupyter.api("POST", "/api/shutdown")
    try:
        servidor.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(servidor.pid, signal.SIGKILL)
        servidor.wait(timeout=10)
    restantes = vivos(arvore)
    if restantes:
        encerrar(restantes)
