"""Promessas do repositório: dependências em sincronia, notebooks limpos, ruff sem queixas."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
from apoio import RAIZ

PASTAS_DE_NOTEBOOKS = ("notebooks", "source", "release")


def _nome(requisito: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requisito.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _requisitos_pyproject() -> dict[str, str]:
    dados = tomllib.loads((RAIZ / "pyproject.toml").read_text(encoding="utf-8"))
    projeto = dados["project"]
    todos = list(projeto["dependencies"])
    for extras in projeto["optional-dependencies"].values():
        todos.extend(extras)
    resultado = {}
    for req in todos:
        req = req.split(";", 1)[0].strip()  # marcadores de ambiente não contam
        nome = _nome(req)
        versao = req[len(re.match(r"[A-Za-z0-9_.\-]+(\[[^\]]*\])?", req).group(0)) :].strip()
        if nome == "dask":  # dask[distributed] no pip é dask + distributed no conda
            resultado["distributed"] = versao
        resultado[nome] = versao
    return resultado


def _requisitos_conda() -> dict[str, str]:
    resultado = {}
    dentro = False
    for linha in (RAIZ / "environment.yml").read_text(encoding="utf-8").splitlines():
        if linha.startswith("dependencies:"):
            dentro = True
            continue
        # Os pacotes do conda ("  - nome") e os que só o pip tem, na seção pip: ("      - nome").
        m = re.match(r"^(?:  |      )- ([A-Za-z0-9_][A-Za-z0-9_.\-]*)([^#]*)", linha)
        if dentro and m:
            resultado[m.group(1).lower()] = m.group(2).strip()
    resultado.pop("python", None)
    resultado.pop("pip", None)
    return resultado


def test_environment_yml_e_pyproject_listam_os_mesmos_pacotes_e_versoes():
    assert _requisitos_conda() == _requisitos_pyproject()


def _notebooks() -> list[Path]:
    achados = []
    for pasta in PASTAS_DE_NOTEBOOKS:
        achados += [
            p for p in sorted((RAIZ / pasta).rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts
        ]
    return achados


@pytest.mark.parametrize("caminho", _notebooks(), ids=lambda p: str(p.relative_to(RAIZ)))
def test_notebook_versionado_nao_tem_saidas_nem_contadores(caminho: Path):
    nb = json.loads(caminho.read_text(encoding="utf-8"))
    sujas = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not sujas, f"{caminho.name}: células com saída ou contador: {sujas}"


def test_ruff_passa_em_py_e_ipynb():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(RAIZ)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ci_roda_exatamente_o_comando_de_teste_do_readme():
    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    ci = (RAIZ / ".ci" / "run").read_text(encoding="utf-8")
    comando = [linha.strip() for linha in ci.splitlines() if linha.strip() and not linha.startswith(("#", "set ", "cd "))]
    assert comando == ["make teste"], comando
    assert "make teste" in readme


def test_binder_usa_o_mesmo_ambiente_e_poe_o_jupyterlab_em_portugues():
    assert (RAIZ / "binder" / "environment.yml").read_text(encoding="utf-8") == (RAIZ / "environment.yml").read_text(encoding="utf-8")
    assert "configurar_jupyterlab.py" in (RAIZ / "binder" / "postBuild").read_text(encoding="utf-8")


def test_nbformat_importa_sem_montar_a_gramatica_do_rfc3987():
    """O ambiente do curso não tem o rfc3987-syntax (ferramentas/ambiente.sh o tira): com ele, todo
    processo que importa o nbformat (o nbgrader, o Jupyter, o corretor) gastava ~1 s montando uma
    gramática do Lark. O jsonschema continua funcionando, sem conferir só o formato "iri"."""
    codigo = ("import sys, nbformat, jsonschema; "
              "nb = nbformat.v4.new_notebook(); nbformat.validate(nb); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rfc3987_syntax', 'lark')))")
    proc = subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout
    assert "rfc3987-syntax" in (RAIZ / "binder" / "postBuild").read_text(encoding="utf-8")


def test_pacotes_do_ambiente_instalados_com_bytecode():
    """O ambiente é instalado com os .pyc prontos (ferramentas/ambiente.sh, sem --no-compile): com
    PYTHONDONTWRITEBYTECODE ligado ou a pasta só de leitura (o sandbox do corretor), sem eles todo
    processo recompilaria tudo o que importa."""
    import importlib.util

    faltam = []
    for modulo in ("nbformat", "ipykernel.kernelapp", "jupyter_client.session", "psutil"):
        origem = importlib.util.find_spec(modulo).origin
        if not Path(importlib.util.cache_from_source(origem)).exists():
            faltam.append(origem)
    assert not faltam, f"sem .pyc: {faltam}"
