"""A edição do aluno (make edicao-aluno): nenhuma solução nem teste oculto, o make curso dela
instala e abre o curso, e os testes visíveis de um exercício rodam lá."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from apoio import RAIZ, vivos

sys.path.insert(0, str(RAIZ / "ferramentas"))
import edicao_aluno  # noqa: E402

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

MARCADORES = (("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
# Linhas curtas demais ou genéricas demais para denunciar uma solução (aparecem em qualquer código).
TRIVIAIS = {"else:", "try:", "finally:", "return", "pass", "break", "continue", "return None", '"""'}
MEGA = 1024 * 1024
# O Python com que o teste roda o make curso da edição (ex.: PROCESSOS_PYTHON_EDICAO=python3.13).
PYTHON_DA_EDICAO = os.environ.get("PROCESSOS_PYTHON_EDICAO", "python3")
LIMITE_DO_AMBIENTE = 400 * MEGA


def _fontes(celula: dict) -> str:
    return "".join(celula["source"]) if isinstance(celula["source"], list) else celula["source"]


def linhas_secretas() -> dict[str, str]:
    """As linhas (sem espaços nas pontas) das regiões de solução e de teste oculto de source/,
    cada uma com o exercício de onde veio. Uma célula de solução sem marcadores é toda solução."""
    secretas = {}
    for caminho in sorted((RAIZ / "source").glob("*/*.ipynb")):
        for celula in json.loads(caminho.read_text(encoding="utf-8"))["cells"]:
            texto = _fontes(celula)
            meta = celula.get("metadata", {}).get("nbgrader", {})
            regioes = []
            for inicio, fim in MARCADORES:
                regioes += re.findall(re.escape(inicio) + r"\n(.*?)" + re.escape(fim), texto, flags=re.S)
            if meta.get("solution") and "### BEGIN SOLUTION" not in texto:
                regioes.append(texto)
            for regiao in regioes:
                for linha in regiao.splitlines():
                    linha = linha.strip()
                    if len(linha) >= 12 and linha not in TRIVIAIS:
                        secretas[linha] = caminho.parent.name
    return secretas


def linhas_de(pasta: Path) -> dict[str, set[str]]:
    """Cada linha (sem espaços nas pontas) de cada arquivo de texto da pasta; nos notebooks, as
    linhas das células e das saídas já decodificadas do JSON (aspas e barras como no código)."""
    achadas: dict[str, set[str]] = {}
    for arquivo in sorted(p for p in pasta.rglob("*") if p.is_file() and ".venv" not in p.parts):
        try:
            texto = arquivo.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            texto = arquivo.read_bytes().decode("utf-8", errors="replace")
        if arquivo.suffix == ".ipynb":
            nb = json.loads(texto)
            partes = [_fontes(c) for c in nb["cells"]]
            for c in nb["cells"]:
                for saida in c.get("outputs", []):
                    partes.append(json.dumps(saida, ensure_ascii=False))
            texto = "\n".join(partes)
        for linha in texto.splitlines():
            achadas.setdefault(linha.strip(), set()).add(str(arquivo.relative_to(pasta)))
    return achadas


def linhas_publicas() -> set[str]:
    """As linhas do material público por natureza, como está neste repositório: as aulas, os
    enunciados (release/) e a parte da biblioteca que vai para o aluno. Uma linha de solução que
    também aparece ali (um idioma como ``p.join(timeout=10)``, ensinado numa aula) não denuncia nada."""
    publicas = set(linhas_de(RAIZ / "notebooks")) | set(linhas_de(RAIZ / "release"))
    for nome in edicao_aluno.AUTOGRADER_DO_ALUNO:
        if (RAIZ / "autograder" / nome).is_file():
            publicas |= {linha.strip() for linha in (RAIZ / "autograder" / nome).read_text(encoding="utf-8").splitlines()}
    return publicas


def linhas_distintivas() -> dict[str, str]:
    """As linhas de solução e de teste oculto que só existem no source/: achar uma delas é vazamento."""
    publicas = linhas_publicas()
    return {linha: ex for linha, ex in linhas_secretas().items() if linha not in publicas}


def vazamentos(pasta: Path) -> list[str]:
    distintivas = linhas_distintivas()
    achadas = linhas_de(pasta)
    return sorted(f"{distintivas[linha]}: {linha!r} em {sorted(achadas[linha])}" for linha in distintivas.keys() & achadas.keys())


@pytest.fixture(scope="module")
def edicao(tmp_path_factory) -> Path:
    return edicao_aluno.montar(tmp_path_factory.mktemp("edicao") / "processos-em-python-aluno")


def test_a_deteccao_de_vazamento_funciona(tmp_path: Path):
    """Controle: a busca tem o que procurar em cada exercício (se uma aula ou um enunciado contiver
    uma solução, as linhas dela viram "públicas" e a proporção cai), acha as soluções e os testes
    ocultos no próprio source/, e acha o módulo solucao_*.py que um source/ executado grava."""
    secretas, distintivas = Counter(linhas_secretas().values()), Counter(linhas_distintivas().values())
    assert set(secretas) == {p.name for p in (RAIZ / "source").iterdir() if p.is_dir()}
    for exercicio, total in secretas.items():
        assert distintivas[exercicio] >= 0.5 * total, f"{exercicio}: só {distintivas[exercicio]} de {total} linhas secretas são só do source/"
    assert len(vazamentos(RAIZ / "source")) == sum(distintivas.values())
    fonte = json.loads((RAIZ / "source" / "ex04_memoria" / "ex04_memoria.ipynb").read_text(encoding="utf-8"))
    modulo = next(_fontes(c) for c in fonte["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    (tmp_path / "solucao_ex04.py").write_text(modulo.split("\n", 1)[1], encoding="utf-8")
    assert vazamentos(tmp_path), "o módulo de solução gravado pelo source/ deveria ser achado"


def test_edicao_nao_tem_solucao_nem_teste_oculto(edicao: Path):
    assert vazamentos(edicao) == []
    for arquivo in edicao.rglob("*"):
        if arquivo.is_file():
            texto = arquivo.read_bytes().decode("utf-8", errors="replace")
            for inicio, fim in MARCADORES:
                assert inicio not in texto and fim not in texto, f"{arquivo}: {inicio}"


def test_edicao_leva_so_o_que_o_aluno_usa(edicao: Path):
    arquivos = {p.relative_to(edicao).as_posix() for p in edicao.rglob("*") if p.is_file()}
    proibidos = [a for a in arquivos if re.match(r"(source|tests|autograder/instrutor|livro|\.ci)/", a)
                 or Path(a).name in ("corrigir.py", "bench.py", "sinteticas.py", "nbgrader_config.py", "sumario.py", "edicao_aluno.py")
                 or Path(a).name.startswith("solucao_")]
    assert proibidos == []
    assert {p.name for p in (edicao / "autograder").iterdir()} <= set(edicao_aluno.AUTOGRADER_DO_ALUNO)
    exercicios = sorted(p.relative_to(RAIZ).as_posix() for p in (RAIZ / "release").glob("*/*.ipynb"))
    assert exercicios and all(a in arquivos for a in exercicios)
    aulas = sorted(p.relative_to(RAIZ).as_posix() for p in (RAIZ / "notebooks").glob("*.ipynb"))
    assert all(a in arquivos for a in aulas)
    for nome in ("Makefile", "README.md", "pyproject.toml", "environment.yml", "binder/environment.yml", "binder/postBuild",
                 "ferramentas/ambiente.sh", "ferramentas/curso.mk", "ferramentas/configurar_jupyterlab.py", ".gitignore"):
        assert nome in arquivos, nome


def test_todo_arquivo_de_autograder_esta_numa_das_listas():
    """Um arquivo novo em autograder/ não entra nem fica de fora da edição por descuido: alguém tem
    de pô-lo na lista do aluno ou na do instrutor (ferramentas/edicao_aluno.py)."""
    listados = set(edicao_aluno.AUTOGRADER_DO_ALUNO) | set(edicao_aluno.AUTOGRADER_DO_INSTRUTOR)
    sem_lista = [p.name for p in (RAIZ / "autograder").iterdir() if p.name not in listados and p.name != "__pycache__"]
    assert sem_lista == [], f"classifique em ferramentas/edicao_aluno.py: {sem_lista}"
    assert not set(edicao_aluno.AUTOGRADER_DO_ALUNO) & set(edicao_aluno.AUTOGRADER_DO_INSTRUTOR)


def test_pyproject_e_environment_da_edicao_so_tem_o_do_aluno(edicao: Path):
    principal = tomllib.loads((RAIZ / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dela = tomllib.loads((edicao / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert dela["dependencies"] == principal["dependencies"]
    assert set(dela["optional-dependencies"]) == {"nbgrader"}
    todas = " ".join(dela["dependencies"] + dela["optional-dependencies"]["nbgrader"])
    for pesado in ("pytest", "playwright", "dask", "jupyter-book", "ruff"):
        assert pesado not in todas
    conda = (edicao / "environment.yml").read_text(encoding="utf-8")
    for dep in dela["dependencies"]:
        assert f"  - {dep.replace(' ', '')}\n" in conda, dep
    assert (edicao / "binder" / "environment.yml").read_text(encoding="utf-8") == conda
    assert os.access(edicao / "binder" / "postBuild", os.X_OK)


def test_readme_do_aluno_e_os_botoes_apontam_para_a_edicao(edicao: Path):
    url, branch = edicao_aluno.endereco_da_edicao()
    readme = (edicao / "README.md").read_text(encoding="utf-8")
    for secao in ("## 1. Instalar e abrir", "## 2. Verificar o ambiente", "## 3. Estudar e resolver", "## 4. Entregar"):
        assert secao in readme
    assert "{{" not in readme and "??" not in readme
    assert f"git clone {url} " in readme
    assert f"mybinder.org/v2/gh/{url.removeprefix('https://github.com/')}/{branch}?urlpath=" in readme
    assert "release/ex01_processos/ex01_processos.ipynb" in readme  # o sumário
    # O livro (botões do Binder) e o README do instrutor apontam para a mesma edição.
    assert url.endswith("-aluno")
    principal = (RAIZ / "README.md").read_text(encoding="utf-8")
    assert "make edicao-aluno" in principal and url.removeprefix("https://github.com/") in principal


def test_refazer_preserva_o_git_e_recusa_pasta_alheia(tmp_path: Path):
    destino = edicao_aluno.montar(tmp_path / "ed")
    (destino / ".git").mkdir()
    (destino / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (destino / "lixo.txt").write_text("de uma versão anterior")
    edicao_aluno.montar(destino)
    assert (destino / ".git" / "HEAD").exists() and not (destino / "lixo.txt").exists()
    alheia = tmp_path / "alheia"
    alheia.mkdir()
    (alheia / "importante.txt").write_text("não apague")
    with pytest.raises(SystemExit, match="não é uma edição do aluno"):
        edicao_aluno.montar(alheia)
    assert (alheia / "importante.txt").exists()
    with pytest.raises(SystemExit, match="fora deste repositório"):
        edicao_aluno.montar(RAIZ / "edicao-dentro")


# --------------------------------------------------------------------------------------------------
# O make curso da edição, de verdade: cria o .venv (pip com o cache deste computador), abre o
# JupyterLab sem navegador, e os testes visíveis do ex01 rodam com o autograder da edição.
# --------------------------------------------------------------------------------------------------

EXECUTAR_EXERCICIO = r"""
import json, sys
import nbformat
from nbclient import NotebookClient
import autograder

caminho, solucao = sys.argv[1], sys.argv[2]
nb = nbformat.read(caminho, as_version=4)
if solucao != "-":
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("solution"):
            c.source = open(solucao, encoding="utf-8").read()
# Kernel por arquivo (ipc), não por portas TCP: veja soquetes_de_kernel em tests/apoio.py.
import shutil, tempfile
from traitlets.config import Config
soquetes = tempfile.mkdtemp(prefix="k")
config = Config()
config.KernelManager.transport = "ipc"
config.KernelManager.ip = soquetes + "/k"
try:
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True, config=config,
                   resources={"metadata": {"path": caminho.rsplit("/", 1)[0]}}).execute()
finally:
    shutil.rmtree(soquetes, ignore_errors=True)
testes = []
for c in nb.cells:
    meta = c.metadata.get("nbgrader", {})
    if c.cell_type == "code" and meta.get("grade"):
        erros = [o.get("ename", "") + ": " + o.get("evalue", "") for o in c.outputs if o.output_type == "error"]
        testes.append({"id": meta["grade_id"], "erros": erros})
print(json.dumps({"autograder": autograder.__file__, "testes": testes}))
"""


def _esperar_url(log: Path, servidor: subprocess.Popen, porta: int, prazo: float) -> tuple[str, int]:
    """A URL que o JupyterLab imprimiu, e a porta dela.

    A porta pedida ficou livre durante a instalação inteira (minutos): outro processo da máquina
    (os kernels dos outros testes abrem portas o tempo todo) pode tê-la pegado. O JupyterLab então
    tenta as 50 seguintes (``port_retries``); qualquer uma delas prova que o ``PORTA`` foi usado."""
    padrao = re.compile(r"http://127\.0\.0\.1:(\d+)/\S*\?token=[0-9a-f]{16,}")
    fim = time.monotonic() + prazo
    while time.monotonic() < fim:
        for achado in padrao.finditer(log.read_text(errors="replace")):
            if porta <= int(achado.group(1)) <= porta + 50:
                return achado.group(0), int(achado.group(1))
        if servidor.poll() is not None:
            raise AssertionError(f"make curso saiu com código {servidor.returncode}:\n{log.read_text()[-4000:]}")
        time.sleep(1)
    raise AssertionError(f"make curso não imprimiu a URL em {prazo} s:\n{log.read_text()[-4000:]}")


def _api(base: str, token: str, metodo: str, caminho: str) -> object:
    pedido = urllib.request.Request(f"{base}{caminho}", data=b"{}" if metodo == "POST" else None, method=metodo)
    pedido.add_header("Authorization", f"token {token}")
    with urllib.request.urlopen(pedido, timeout=30) as resposta:
        texto = resposta.read().decode()
    return json.loads(texto) if texto else None


def _arquivo_de_conexao(pid: int, kernel: str) -> Path | None:
    import psutil

    for processo in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            for arg in processo.cmdline():
                if arg.endswith(f"kernel-{kernel}.json"):
                    return Path(arg)
    return None


def _tamanho(pasta: Path) -> int:
    return sum(p.lstat().st_blocks * 512 for p in pasta.rglob("*"))


@pytest.mark.lento
def test_make_curso_da_edicao_instala_abre_o_curso_e_roda_um_exercicio(edicao: Path, tmp_path: Path):
    from navegador_apoio import porta_livre

    porta = porta_livre()
    log = tmp_path / "make-curso.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST_", "PYTHON"))}
    # Uma pasta de execução do Jupyter de caminho longo demais para um soquete local (como num HOME
    # comprido): o make curso tem de levar os soquetes para uma pasta curta, e o kernel iniciar.
    runtime = tmp_path / ("pasta-de-execucao-com-um-nome-bem-comprido-" + "x" * 30)
    env.update(JUPYTER_RUNTIME_DIR=str(runtime), PATH=os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if not p.startswith(sys.prefix)))
    inicio = time.monotonic()
    with open(log, "wb") as saida:
        servidor = subprocess.Popen(["make", "curso", f"PYTHON={PYTHON_DA_EDICAO}", f"PORTA={porta}", "JUPYTER_OPCOES=--no-browser"], cwd=edicao, env=env,
                                    stdout=saida, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        token = ""
        url, porta = _esperar_url(log, servidor, porta, prazo=900)
        instalacao = time.monotonic() - inicio
        # A URL impressa abre o sumário do curso, e /lab leva para lá também.
        assert url.startswith(f"http://127.0.0.1:{porta}/lab/tree/notebooks/00-Indice.ipynb?token="), url
        token = url.rsplit("token=", 1)[1]
        with urllib.request.urlopen(url, timeout=30) as resposta:
            assert resposta.status == 200 and "JupyterLab" in resposta.read().decode()
        base = f"http://127.0.0.1:{porta}"
        try:
            kernel = _api(base, token, "POST", "/api/kernels")
        except urllib.error.HTTPError as erro:
            raise AssertionError(f"o kernel não iniciou ({erro}):\n{log.read_text(errors='replace')[-4000:]}") from None
        # O kernel está de pé quando os soquetes dele existem (o zmq os cria no bind).
        fim = time.monotonic() + 120
        conexao = None
        while conexao is None or not list(conexao.parent.glob(f"kernel-{kernel['id']}-ipc-*")):
            assert time.monotonic() < fim, f"o kernel não abriu os soquetes em 120 s:\n{log.read_text(errors='replace')[-3000:]}"
            time.sleep(0.5)
            conexao = conexao or _arquivo_de_conexao(servidor.pid, kernel["id"])
        assert json.loads(conexao.read_text())["transport"] == "ipc", "o kernel deveria usar soquetes locais (ipc)"
        assert len(str(conexao.parent)) <= 50 and not str(conexao).startswith(str(runtime))
        # E responde pelos soquetes (um kernel desligado antes de pronto cospe um traceback).
        from jupyter_client import BlockingKernelClient

        cliente = BlockingKernelClient(connection_file=str(conexao))
        cliente.load_connection_file()
        cliente.start_channels()
        try:
            cliente.wait_for_ready(timeout=120)
        finally:
            cliente.stop_channels()
        _api(base, token, "DELETE", f"/api/kernels/{kernel['id']}")
    finally:
        arvore = []
        with contextlib.suppress(Exception):
            import psutil

            arvore = [psutil.Process(servidor.pid), *psutil.Process(servidor.pid).children(recursive=True)]
        with contextlib.suppress(Exception):
            _api(f"http://127.0.0.1:{porta}", token, "POST", "/api/shutdown")
        try:
            servidor.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(servidor.pid, signal.SIGKILL)
            servidor.wait(timeout=10)
        for processo in vivos(arvore):
            with contextlib.suppress(Exception):
                processo.kill()
    texto = log.read_text(errors="replace")
    print(texto[-3000:])
    # Sem os avisos em inglês que o aluno não tem o que fazer com eles.
    for aviso in ("Editable installation", "without encryption", "Traceback", "externally-managed"):
        assert aviso not in texto, aviso
    assert "Ambiente pronto" in texto
    tamanho = _tamanho(edicao / ".venv")
    print(f"instalação + início: {instalacao:.0f} s; .venv do aluno: {tamanho / MEGA:.0f} MB")
    assert tamanho < LIMITE_DO_AMBIENTE, f".venv do aluno com {tamanho / MEGA:.0f} MB"

    # Os testes visíveis do ex01, no Python e com o autograder da edição: com a solução do source/,
    # todos passam; com o esqueleto, falham com "Exercício ainda não resolvido".
    pasta = tmp_path / "ex01"
    shutil.copytree(edicao / "release" / "ex01_processos", pasta)
    fonte = json.loads((RAIZ / "source" / "ex01_processos" / "ex01_processos.ipynb").read_text(encoding="utf-8"))
    solucao = next(_fontes(c) for c in fonte["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    (tmp_path / "solucao.txt").write_text(solucao, encoding="utf-8")
    python = edicao / ".venv" / "bin" / "python"
    for com_solucao in (True, False):
        arg = str(tmp_path / "solucao.txt") if com_solucao else "-"
        proc = subprocess.run([str(python), "-c", EXECUTAR_EXERCICIO, str(pasta / "ex01_processos.ipynb"), arg],
                              capture_output=True, text=True, timeout=600, env=env, cwd=pasta)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
        resultado = json.loads(proc.stdout.strip().splitlines()[-1])
        assert resultado["autograder"].startswith(str(edicao)), resultado["autograder"]
        assert len(resultado["testes"]) == 3, resultado
        for teste in resultado["testes"]:
            if com_solucao:
                assert teste["erros"] == [], teste
            else:
                assert any("Exercício ainda não resolvido" in e for e in teste["erros"]), teste
        (pasta / "solucao_ex01.py").unlink()
    print(f"tempo total do teste da edição: {time.monotonic() - inicio:.0f} s")
