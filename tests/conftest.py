"""Configuração comum dos testes: nenhum teste pode deixar um processo vivo."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "livro"))  # gerar_toc
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "livro" / "_ext"))  # ajustes_livro

import multiprocessing  # noqa: E402
import multiprocessing.forkserver  # noqa: E402
import multiprocessing.resource_tracker  # noqa: E402

from apoio import RAIZ, marcar_sessao, vigiar_processos  # noqa: E402
from livro_apoio import construir_livro  # noqa: E402

# O servidor do forkserver e o rastreador de recursos são ajudantes do próprio pytest, criados uma
# vez e vivos até o fim: sobem antes de qualquer teste para não serem tomados por vazamentos, e
# depois da marca da sessão, para que o que o forkserver criar (mesmo órfão) seja reconhecido.
marcar_sessao()
multiprocessing.resource_tracker.ensure_running()
if "forkserver" in multiprocessing.get_all_start_methods():
    multiprocessing.forkserver.ensure_running()


@pytest.fixture(autouse=True)
def _sem_processos_restantes():
    """Todo teste roda vigiado: o que ele criou e deixou vivo é morto e o teste falha."""
    with vigiar_processos():
        yield


@pytest.fixture(params=("fork", "spawn", "forkserver"))
def metodo(request):
    """Torna o método de início o padrão global durante o teste, e restaura o anterior no fim."""
    anterior = multiprocessing.get_start_method()
    multiprocessing.set_start_method(request.param, force=True)
    yield request.param
    multiprocessing.set_start_method(anterior, force=True)


#: Prazo próprio do livro: esperar a trava (outro processo do xdist construindo) e construir, somados.
PRAZO_LIVRO = 1500


@pytest.fixture(scope="session")
def livro(tmp_path_factory) -> Path:
    """O livro construído uma vez por execução da suíte, mesmo com vários processos do xdist: o
    primeiro que chega constrói numa pasta comum, sob uma trava de arquivo; os outros esperam e
    reusam. Esperar e construir cabem juntos em ``PRAZO_LIVRO`` segundos; o teste que pede o livro
    ganha esse tempo a mais no seu limite (veja ``pytest_collection_modifyitems``)."""
    pronto = os.environ.get("PROCESSOS_LIVRO_PRONTO")  # um livro já construído (ex.: livro/_build/html)
    if pronto:
        return Path(pronto)
    fim = time.monotonic() + PRAZO_LIVRO
    base = tmp_path_factory.getbasetemp()
    comum = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # pytest-N/ é desta execução
    saida = comum / "livro-comum"
    feito, falhou = saida / "construido", saida / "falhou"
    with open(comum / "livro.trava", "w") as trava:
        _travar(trava, fim)
        try:
            if falhou.exists():  # outro processo já tentou e falhou: não tenta de novo
                pytest.fail(falhou.read_text(encoding="utf-8"), pytrace=False)
            if not feito.exists():
                shutil.rmtree(saida, ignore_errors=True)
                saida.mkdir()
                try:
                    proc = construir_livro(
                        RAIZ, RAIZ / "livro" / "_config.yml", RAIZ / "livro" / "_toc.yml", saida,
                        prazo=max(1.0, fim - time.monotonic()),
                    )
                    problema = None if proc.returncode == 0 else proc.stdout[-3000:] + proc.stderr[-3000:]
                except subprocess.TimeoutExpired as erro:
                    problema = f"a construção do livro passou de {erro.timeout:.0f} s e foi encerrada"
                if problema:
                    falhou.write_text(problema, encoding="utf-8")
                    pytest.fail(problema, pytrace=False)
                feito.write_text("ok")
        finally:
            fcntl.flock(trava, fcntl.LOCK_UN)
    return saida / "_build" / "html"


def _travar(arquivo, fim: float) -> None:
    while True:
        try:
            fcntl.flock(arquivo, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > fim:
                raise TimeoutError(f"a trava do livro não foi liberada em {PRAZO_LIVRO} s") from None
            time.sleep(0.5)


def pytest_collection_modifyitems(config, items):
    """O limite do pytest-timeout conta também a preparação dos fixtures: o teste que pede o livro
    (direto ou por outro fixture) ganha ``PRAZO_LIVRO`` a mais, e só ele. A construção em si é
    limitada pelo prazo próprio do fixture."""
    padrao = float(config.getini("timeout") or 0)
    for item in items:
        if "livro" not in item.fixturenames:
            continue
        marca = item.get_closest_marker("timeout")
        atual = float(marca.kwargs.get("timeout", marca.args[0] if marca.args else padrao)) if marca else padrao
        if atual > 0:
            item.add_marker(pytest.mark.timeout(atual + PRAZO_LIVRO), append=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Guarda o resultado de cada fase no item (os fixtures de navegador tiram foto quando falha)."""
    resultado = yield
    relatorio = resultado.get_result()
    setattr(item, f"relatorio_{relatorio.when}", relatorio)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Com ``TESTES_CPU=arquivo``, anota por teste (preparação, chamada e limpeza juntas) o tempo de
    relógio e o de CPU do processo do pytest e dos filhos que ele esperou (``os.times``): é assim
    que se acha o que pesa na suíte numa máquina de 2 núcleos (ferramentas/cpu_da_suite.py resume)."""
    destino = os.environ.get("TESTES_CPU")
    if not destino:
        yield
        return
    antes, relogio = os.times(), time.monotonic()
    yield
    depois = os.times()
    cpu = sum(depois[i] - antes[i] for i in range(4))
    import json

    with open(destino, "a", encoding="utf-8") as arquivo:
        arquivo.write(json.dumps({"teste": item.nodeid, "cpu": round(cpu, 2),
                                  "relogio": round(time.monotonic() - relogio, 2)}) + "\n")
