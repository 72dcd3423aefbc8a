"""As aulas em várias versões do Python: para cada Python pedido, um ambiente do aluno temporário
(o mesmo ``ferramentas/ambiente.sh`` do ``make curso``, sem extras, mais o pytest), cada aula de
notebooks/ executada do começo ao fim pelo nbclient numa escala pequena e os testes dos módulos
das aulas (tests/test_aulaNN_*.py) naquela versão. No fim, uma tabela versão × aula.

Uso (da raiz do repositório, com qualquer Python 3.10+)::

    python ferramentas/aulas_em_versoes.py 3.10 3.12 3.13
    python ferramentas/aulas_em_versoes.py 3.13 --aulas 02 10 --sem-testes
    python ferramentas/aulas_em_versoes.py /opt/python3.14/bin/python3.14 --tabela versoes.md

Cada versão é ``3.N`` (procura ``python3.N`` no PATH e, se o atalho do pyenv não servir, em
``$PYENV_ROOT/versions/3.N.*``) ou o caminho de um executável. As versões rodam uma de cada vez;
leva alguns minutos por versão (a criação do ambiente, com o cache do pip quente, é 1–2 min).
Não entra na suíte: o CI roda um Python só.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
NOTEBOOKS = RAIZ / "notebooks"
TESTES = RAIZ / "tests"

#: Os pacotes do extra ``teste`` do pyproject.toml que rodar os testes das aulas pede (o nbclient e
#: o nbformat já vêm com o JupyterLab do aluno).
PARA_OS_TESTES = ("pytest", "pytest-timeout", "pytest-xdist")

#: Testes que não são de uma aula só: a tabela os mostra numa linha própria cada.
TESTES_GERAIS = {
    "00-Verifique-seu-Ambiente": ["test_verificar_ambiente.py"],
    "correções da issue 13 (01–08)": ["test_aulas_correcoes.py"],
    "curso_comum.py": ["test_curso_comum.py"],
}

#: Executado no kernel antes da aula: a versão que de fato rodou (confere que o kernel é o do venv).
SONDA_VERSAO = "import sys as _s; print('PYTHON-DO-KERNEL', _s.version.split()[0], _s.prefix)"

#: Roda no Python do ambiente temporário: executa um notebook com o nbclient e diz o que aconteceu.
EXECUTOR = r"""
import json, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

caminho, prazo = sys.argv[1], int(sys.argv[2])
nb = nbformat.read(caminho, as_version=4)
nb.cells.insert(0, nbformat.v4.new_code_cell(sys.argv[3]))
inicio = time.monotonic()
resultado = {"ok": False, "erro": "", "versao": ""}
try:
    NotebookClient(nb, timeout=prazo, kernel_name="python3", shutdown_kernel="immediate",
                   resources={"metadata": {"path": sys.argv[4]}}).execute()
    resultado["ok"] = True
except (CellExecutionError, CellTimeoutError) as erro:
    resultado["erro"] = str(erro)[-1500:]
except Exception as erro:  # o kernel não subiu, morreu...
    resultado["erro"] = f"{type(erro).__name__}: {erro}"[-1500:]
resultado["segundos"] = time.monotonic() - inicio
for saida in nb.cells[0].get("outputs", []):
    if "PYTHON-DO-KERNEL" in saida.get("text", ""):
        resultado["versao"] = saida["text"].split()[1:3]
# Avisos do Python (DeprecationWarning, RuntimeWarning...) que as células mostraram: o que muda de
# uma versão para outra costuma aparecer primeiro assim.
resultado["avisos"] = sorted({linha.strip()[:200] for celula in nb.cells for saida in celula.get("outputs", [])
                              if saida.get("name") == "stderr" for linha in saida.get("text", "").splitlines()
                              if "Warning" in linha})
print("RESULTADO " + json.dumps(resultado))
"""


@dataclass
class Linha:
    """O resultado de uma aula (ou de um grupo de testes gerais) numa versão."""

    aula: str | None = None  # passou? (None: não há notebook nesta linha)
    aula_s: float = 0.0
    testes: str | None = None  # "12 passaram", "2 falharam de 12"... (None: sem testes)
    testes_ok: bool | None = None
    testes_s: float = 0.0
    erro: str = ""
    avisos: list[str] = field(default_factory=list)


@dataclass
class Versao:
    pedido: str
    executavel: str = ""
    versao: str = ""
    preparo_s: float = 0.0
    problema: str = ""
    linhas: dict[str, Linha] = field(default_factory=dict)


def achar_python(pedido: str) -> str | None:
    """O executável de ``pedido`` (``3.12`` ou um caminho), se ele roda."""
    candidatos: list[str] = []
    if os.sep in pedido or pedido.startswith("python"):
        candidatos.append(pedido)
    else:
        candidatos.append(f"python{pedido}")
        raiz_pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
        instalados = glob.glob(os.path.join(raiz_pyenv, "versions", f"{pedido}.*", "bin", f"python{pedido}"))
        candidatos += sorted(instalados, key=lambda c: [int(x) for x in re.findall(r"\d+", Path(c).parents[1].name)], reverse=True)
    for candidato in candidatos:
        caminho = shutil.which(candidato) or candidato
        try:
            proc = subprocess.run([caminho, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    return None


def requisitos_dos_testes() -> list[str]:
    """As linhas do extra ``teste`` do pyproject.toml dos pacotes em ``PARA_OS_TESTES``."""
    texto = (RAIZ / "pyproject.toml").read_text(encoding="utf-8")
    extra = re.search(r"^teste = \[(.*?)^\]", texto, re.S | re.M)
    if extra is None:
        raise SystemExit("não achei o extra 'teste' no pyproject.toml")
    requisitos = re.findall(r'"([^"]+)"', extra.group(1))
    escolhidos = [r for r in requisitos if re.split(r"[<>=!;\[ ]", r, maxsplit=1)[0] in PARA_OS_TESTES]
    assert len(escolhidos) == len(PARA_OS_TESTES), escolhidos
    return escolhidos


def preparar(python: str, venv: Path, log: Path) -> None:
    """O ambiente do aluno como o ``make curso`` cria (ferramentas/ambiente.sh, sem extras), mais o
    pytest para os testes das aulas."""
    env = dict(os.environ, ALVO="curso", EDITAVEL="-e", PYTHON_EXPLICITO="command",
               ASSINAR="pyproject.toml ferramentas/configurar_jupyterlab.py ferramentas/ambiente.sh")
    with open(log, "ab") as saida:
        subprocess.run(["sh", "ferramentas/ambiente.sh", python, str(venv), ""], cwd=RAIZ, env=env,
                       stdout=saida, stderr=subprocess.STDOUT, check=True, timeout=1800)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *requisitos_dos_testes()],
                       cwd=RAIZ, env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"),
                       stdout=saida, stderr=subprocess.STDOUT, check=True, timeout=900)


def ambiente_do_kernel(venv: Path, escala: str) -> dict[str, str]:
    """O ambiente dos processos: o bin do venv primeiro no PATH (o kernel ``python3`` é o dele) e
    nada do venv de quem chamou este script."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MPLBACKEND")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PROCESSOS_ESCALA"] = escala
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def executar_aula(venv: Path, aula: Path, pasta: Path, env: dict[str, str], prazo: int) -> Linha:
    """Executa a aula (na cópia das aulas em ``pasta``) e confere que o kernel era o do venv."""
    comando = [str(venv / "bin" / "python"), "-c", EXECUTOR, str(pasta / aula.name), str(prazo), SONDA_VERSAO, str(pasta)]
    inicio = time.monotonic()
    try:
        proc = subprocess.run(comando, capture_output=True, text=True, env=env, timeout=prazo * 20, start_new_session=True)
    except subprocess.TimeoutExpired:
        return Linha(aula=False, aula_s=time.monotonic() - inicio, erro=f"{aula.stem}: passou de {prazo * 20} s")
    achado = re.search(r"^RESULTADO (.*)$", proc.stdout, re.M)
    if achado is None:
        return Linha(aula=False, aula_s=time.monotonic() - inicio, erro=f"{aula.stem}: {proc.stderr[-1500:]}")
    resultado = json.loads(achado.group(1))
    ok, erro = resultado["ok"], resultado["erro"]
    if ok and (not resultado["versao"] or Path(resultado["versao"][1]).resolve() != venv.resolve()):
        ok, erro = False, f"o kernel não era o do ambiente {venv}: {resultado['versao']}"
    erro = re.sub(r"\x1b\[[0-9;]*m", "", erro)  # sem as cores ANSI do rastro do IPython
    return Linha(aula=ok, aula_s=resultado["segundos"], erro=f"{aula.stem}: {erro}" if erro else "",
                 avisos=resultado["avisos"])


def rodar_testes(venv: Path, arquivos: list[Path], env: dict[str, str], nucleos: int) -> tuple[bool, str, float, str]:
    """pytest nos ``arquivos`` com o Python do venv: (passou, resumo, segundos, fim da saída)."""
    comando = [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra",
               *(["-n", str(nucleos)] if nucleos > 1 else []), *map(str, arquivos)]
    inicio = time.monotonic()
    env = {k: v for k, v in env.items() if k != "PROCESSOS_ESCALA"}  # a escala dos testes (tests/apoio.py)
    try:
        proc = subprocess.run(comando, cwd=RAIZ, capture_output=True, text=True, env=env, timeout=1800, start_new_session=True)
    except subprocess.TimeoutExpired:
        return False, "passou de 1800 s", time.monotonic() - inicio, ""
    segundos = time.monotonic() - inicio
    saida = proc.stdout + proc.stderr
    contagens = dict((nome, int(n)) for n, nome in re.findall(r"(\d+) (passed|failed|errors?|skipped)", saida.splitlines()[-1] if saida.strip() else ""))
    passaram, falharam = contagens.get("passed", 0), contagens.get("failed", 0) + contagens.get("error", 0) + contagens.get("errors", 0)
    pulados = contagens.get("skipped", 0)
    resumo = f"{passaram} ok" + (f", {falharam} falharam" if falharam else "") + (f", {pulados} pulados" if pulados else "")
    return proc.returncode == 0, resumo, segundos, saida[-4000:]


def rodar_versao(pedido: str, aulas: list[Path], args: argparse.Namespace, base: Path) -> Versao:
    resultado = Versao(pedido)
    python = achar_python(pedido)
    if python is None:
        resultado.problema = f"não achei o Python {pedido} (nem python{pedido} no PATH nem no pyenv)"
        return resultado
    resultado.executavel = python
    resultado.versao = subprocess.run([python, "-c", "import sys, sysconfig; print(sys.version.split()[0] + ('t' if sysconfig.get_config_var('Py_GIL_DISABLED') else ''))"],
                                      capture_output=True, text=True, check=True).stdout.strip()
    pasta = base / resultado.versao
    pasta.mkdir(parents=True)
    venv, log = pasta / "venv", pasta / "preparo.log"
    print(f"\n== Python {resultado.versao} ({python}) ==", flush=True)
    inicio = time.monotonic()
    try:
        preparar(python, venv, log)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as erro:
        resultado.problema = f"o ambiente não foi criado ({erro}); veja {log}:\n{log.read_text(errors='replace')[-2000:]}"
        return resultado
    resultado.preparo_s = time.monotonic() - inicio
    print(f"ambiente pronto em {resultado.preparo_s:.0f} s", flush=True)
    env = ambiente_do_kernel(venv, args.escala)
    copia = pasta / "notebooks"
    shutil.copytree(NOTEBOOKS, copia, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for aula in aulas:
        linha = executar_aula(venv, aula, copia, env, args.prazo_celula)
        numero = aula.name[:2]
        arquivos = sorted(TESTES.glob(f"test_aula{numero}_*.py")) + [TESTES / a for a in TESTES_GERAIS.get(aula.stem, [])]
        if arquivos and not args.sem_testes:
            ok, resumo, segundos, saida = rodar_testes(venv, arquivos, env, args.nucleos)
            linha.testes, linha.testes_ok, linha.testes_s = resumo, ok, segundos
            if not ok:
                linha.erro += f"\n{aula.stem} (testes): {saida}"
        resultado.linhas[aula.stem] = linha
        print(f"{aula.stem:45} {celula(linha)}", flush=True)
        for aviso in linha.avisos:
            print(f"   aviso: {aviso}", flush=True)
        if linha.erro:
            print("   " + linha.erro.strip().replace("\n", "\n   ")[-3000:], flush=True)
    if not args.sem_testes:
        for nome, arquivos in TESTES_GERAIS.items():
            if nome in resultado.linhas or (args.aulas and not nome.startswith(tuple(args.aulas))):
                continue
            ok, resumo, segundos, saida = rodar_testes(venv, [TESTES / a for a in arquivos], env, args.nucleos)
            linha = Linha(testes=resumo, testes_ok=ok, testes_s=segundos, erro="" if ok else f"{nome} (testes): {saida}")
            resultado.linhas[nome] = linha
            print(f"{nome:45} {celula(linha)}", flush=True)
            if linha.erro:
                print("   " + linha.erro.strip().replace("\n", "\n   ")[-3000:], flush=True)
    return resultado


def celula(linha: Linha | None) -> str:
    """``aula ✓ 34 s · testes ✓ 12 ok 20 s`` (✗ onde falhou; — onde não há)."""
    if linha is None:
        return "—"
    partes = []
    if linha.aula is not None:
        avisos = f" ({len(linha.avisos)} aviso{'s' if len(linha.avisos) > 1 else ''})" if linha.avisos else ""
        partes.append(f"aula {'✓' if linha.aula else '✗'} {linha.aula_s:.0f} s{avisos}")
    if linha.testes is not None:
        partes.append(f"testes {'✓' if linha.testes_ok else '✗'} {linha.testes} {linha.testes_s:.0f} s")
    return " · ".join(partes) or "—"


def tabela(versoes: list[Versao]) -> str:
    nomes: list[str] = []
    for versao in versoes:
        nomes += [n for n in versao.linhas if n not in nomes]
    cabeca = ["", *[f"Python {v.versao or v.pedido}" for v in versoes]]
    linhas = ["| " + " | ".join(cabeca) + " |", "|" + "---|" * len(cabeca)]
    linhas.append("| preparo do ambiente | " + " | ".join(f"{v.preparo_s:.0f} s" if not v.problema else "✗ " + v.problema.splitlines()[0] for v in versoes) + " |")
    for nome in nomes:
        linhas.append(f"| {nome} | " + " | ".join(celula(v.linhas.get(nome)) for v in versoes) + " |")
    linhas.append("| tudo passou? | " + " | ".join("sim" if passou(v) else "**não**" for v in versoes) + " |")
    return "\n".join(linhas)


def passou(versao: Versao) -> bool:
    return not versao.problema and all(linha.aula is not False and linha.testes_ok is not False for linha in versao.linhas.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("versoes", nargs="+", help="3.10, 3.12, 3.13... ou o caminho de um python")
    parser.add_argument("--aulas", nargs="*", default=[], help="só estas aulas, pelo número (ex.: 02 10)")
    parser.add_argument("--escala", default="0.01", help="PROCESSOS_ESCALA das aulas (padrão 0.01, como a prévia do livro)")
    parser.add_argument("--prazo-celula", type=int, default=300, help="segundos por célula (padrão 300)")
    parser.add_argument("--nucleos", type=int, default=1, help="processos do pytest por arquivo de testes (padrão 1: sem xdist)")
    parser.add_argument("--sem-testes", action="store_true", help="só executa as aulas")
    parser.add_argument("--tabela", type=Path, help="grava a tabela (markdown) também neste arquivo")
    parser.add_argument("--manter", action="store_true", help="não apaga os ambientes temporários no fim")
    args = parser.parse_args(argv)

    aulas = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if args.aulas:
        aulas = [a for a in aulas if a.name[:2] in args.aulas]
        if not aulas:
            parser.error(f"nenhuma aula com os números {args.aulas}")
    base = Path(tempfile.mkdtemp(prefix="aulas-em-versoes-"))
    print(f"ambientes temporários em {base}")
    versoes = []
    try:
        for pedido in args.versoes:
            versoes.append(rodar_versao(pedido, aulas, args, base))
            if versoes[-1].problema:
                print(versoes[-1].problema, file=sys.stderr)
    finally:
        if args.manter:
            print(f"ambientes mantidos em {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    texto = tabela(versoes)
    print("\n" + texto)
    if args.tabela:
        args.tabela.write_text(texto + "\n", encoding="utf-8")
    return 0 if all(passou(v) for v in versoes) else 1


if __name__ == "__main__":
    sys.exit(main())
