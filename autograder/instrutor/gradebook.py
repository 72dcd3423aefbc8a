"""O gradebook do curso: só o processo principal do corretor escreve nele, com dados já conferidos."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import warnings
from pathlib import Path

from autograder.instrutor.ambiente import nbgrader


def garantir_exercicio(curso: Path, exercicio: str) -> None:
    """O exercício existe no gradebook (senão, ``nbgrader generate_assignment`` o cria)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        try:
            gb.find_assignment(exercicio)
            return
        except MissingEntry:
            pass
    proc = nbgrader(["generate_assignment", exercicio, "--force"], curso)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment falhou:\n{proc.stderr[-3000:]}")


def gravar(curso: Path, exercicio: str, r: dict, timestamp: dt.datetime | None) -> None:
    """Grava as notas de uma submissão; corrigir de novo substitui a submissão antiga, nunca soma."""
    from nbgrader.api import Gradebook, MissingEntry

    warnings.filterwarnings("ignore", message=".*not in session.*")  # aviso interno do nbgrader ao criar a submissão
    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        gb.update_or_create_student(r["aluno"])
        with contextlib.suppress(MissingEntry):
            gb.remove_submission(exercicio, r["aluno"])
        sub = gb.add_submission(exercicio, r["aluno"], timestamp=timestamp)
        for nb in sub.notebooks:
            for g in nb.grades:
                dados = r["celulas"].get(f"{nb.name}/{g.name}")
                g.auto_score = dados.get("auto_score") if dados else 0.0
                g.needs_manual_grade = dados.get("needs_manual_grade", False) if dados else False
            for c in nb.comments:
                c.auto_comment = r["celulas"].get(f"{nb.name}/{c.name}#comentario", {}).get("auto_comment")
        gb.db.commit()


def guardar(curso: Path, exercicio: str, r: dict, carimbo: str | None) -> None:
    """Os arquivos corrigidos em ``autograded/<aluno>/<exercicio>/`` e as notas no gradebook."""
    destino = curso / "autograded" / r["aluno"] / exercicio
    if destino.exists():
        for arq in destino.rglob("*"):
            with contextlib.suppress(OSError):
                arq.chmod(0o644)
        shutil.rmtree(destino)
    destino.mkdir(parents=True)
    for nome, conteudo in r["corrigidos"].items():
        (destino / nome).parent.mkdir(parents=True, exist_ok=True)
        (destino / nome).write_bytes(conteudo)
    ts = None
    if carimbo:
        with contextlib.suppress(ValueError):
            ts = dt.datetime.strptime(carimbo.replace(" UTC", ""), "%Y-%m-%d %H:%M:%S.%f")
    gravar(curso, exercicio, r, ts)
