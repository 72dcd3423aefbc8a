"""Apoio aos testes que rodam o nbgrader de verdade num curso temporário."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from apoio import RAIZ, opcoes_ipc, soquetes_de_kernel

from autograder.instrutor import sinteticas
from autograder.instrutor.sinteticas import celulas_por_id, sem_marcadores  # noqa: F401 - usados pelos testes

BIN = Path(sys.executable).parent


def ambiente(**extra: str) -> dict[str, str]:
    """O ambiente para o nbgrader: o bin do venv no PATH (o nbgrader chama o ``alembic``)."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PROCESSOS_ESCALA", "0.002")
    env.update(extra)
    return env


def nbgrader(*args: str, cwd: Path, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    """Roda ``nbgrader args...`` na pasta do curso; falha com a saída quando o nbgrader falha."""
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env or ambiente(),
    )
    if proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} falhou ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return proc


def assignments() -> list[str]:
    return sorted(p.name for p in (RAIZ / "source").glob("ex*") if p.is_dir())


def curso_temporario(destino: Path, *nomes: str) -> Path:
    """Um curso nbgrader em ``destino`` com a configuração e os ``source/`` pedidos, já liberados.

    O ``generate_assignment`` roda neste processo, pela API do nbgrader (a mesma que o comando
    ``nbgrader generate_assignment`` usa): um processo novo do nbgrader custa ~5 s de CPU só para
    importar, e gerar cada exercício, menos de 0,2 s (test_release confere que o release gerado é
    byte a byte o versionado)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    destino.mkdir(parents=True, exist_ok=True)
    shutil.copy(RAIZ / "nbgrader_config.py", destino / "nbgrader_config.py")
    for nome in nomes:
        shutil.copytree(RAIZ / "source" / nome, destino / "source" / nome, ignore=shutil.ignore_patterns("solucao_*.py", "__pycache__", ".ipynb_checkpoints"))
    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(destino)).load_config())
    config.CourseDirectory.root = str(destino)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    caminho = os.environ.get("PATH", "")
    os.environ["PATH"] = ambiente()["PATH"]  # o nbgrader chama o executável alembic ao criar o gradebook
    try:
        for nome in nomes:
            resultado = api.generate_assignment(nome, force=True, create=True)
            if not resultado["success"]:
                raise AssertionError(f"nbgrader generate_assignment {nome} falhou:\n{resultado.get('error', '')[-3000:]}\n{resultado.get('log', '')[-3000:]}")
    finally:
        os.environ["PATH"] = caminho
    return destino


def montar_submissao(nome: str, trocas=None, novas_celulas=None) -> dict:
    """O notebook de um aluno de mentira deste curso (veja autograder.instrutor.sinteticas)."""
    return sinteticas.montar_submissao(RAIZ, nome, trocas, novas_celulas)


def autograde(curso: Path, nome: str, submissoes: dict[str, dict], timeout: float = 900) -> dict[str, float | None]:
    """Entrega as submissões, roda ``nbgrader autograde`` uma vez para todas e devolve a nota de cada aluno."""
    from nbgrader.api import Gradebook, MissingEntry

    for aluno, nb in submissoes.items():
        pasta = curso / "submitted" / aluno / nome
        pasta.mkdir(parents=True, exist_ok=True)
        (pasta / f"{nome}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        (pasta / "timestamp.txt").write_text("2026-11-23 12:00:00.000000 UTC")
    with soquetes_de_kernel() as prefixo:  # o nbgrader puro, com os kernels por arquivo (veja soquetes_de_kernel)
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", nome, "--force", "--create", *opcoes_ipc(prefixo)],
            cwd=curso, capture_output=True, text=True, timeout=timeout, env=ambiente(),
        )
    notas: dict[str, float | None] = {}
    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        for aluno in submissoes:
            try:
                notas[aluno] = gb.find_submission(nome, aluno).score
            except MissingEntry:
                notas[aluno] = None
    notas["_saida"] = proc.stdout + proc.stderr  # type: ignore[assignment]
    return notas
