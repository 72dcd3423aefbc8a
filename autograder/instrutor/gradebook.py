"""O gradebook do curso (o banco do ``db_url`` do curso): só o processo principal do corretor escreve
nele, com dados já conferidos, e só as submissões de fato corrigidas (:data:`status.NAO_GRAVAR`)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import shutil
import warnings
from pathlib import Path

from autograder.instrutor.curso import Curso
from autograder.instrutor.modelo import garantir_exercicio  # noqa: F401 - onde sempre esteve


def gravar(curso: Curso, exercicio: str, r: dict, timestamp: dt.datetime | None) -> None:
    """Grava as notas de uma submissão; corrigir de novo substitui a submissão antiga, nunca soma."""
    from nbgrader.api import MissingEntry

    warnings.filterwarnings("ignore", message=".*not in session.*")  # aviso interno do nbgrader ao criar a submissão
    with curso.gradebook() as gb:
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
            nb.late_submission_penalty = (r.get("atrasos") or {}).get(nb.name)
        gb.db.commit()


def guardar(curso: Curso, exercicio: str, r: dict, carimbo: str | None) -> None:
    """Os arquivos corrigidos em ``autograded/<aluno>/<exercicio>/`` e as notas no gradebook."""
    destino = curso.pasta_de("autograded", exercicio, r["aluno"])
    if destino.exists():
        for arq in destino.rglob("*"):
            with contextlib.suppress(OSError):
                arq.chmod(0o644)
        shutil.rmtree(destino)
    destino.mkdir(parents=True)
    for nome, conteudo in r["corrigidos"].items():
        (destino / nome).parent.mkdir(parents=True, exist_ok=True)
        (destino / nome).write_bytes(conteudo)
    # O carimbo que o nbgrader leu do timestamp.txt (com o fuso do curso); sem ele, o do arquivo.
    ts = r.get("timestamp")
    if ts is None and carimbo:
        with contextlib.suppress(ValueError):
            ts = dt.datetime.strptime(carimbo.replace(" UTC", ""), "%Y-%m-%d %H:%M:%S.%f")
    gravar(curso, exercicio, r, ts)


def preservar_linhas(antigo: str | None, novo: Path, exercicio: str, alunos: set[str]) -> None:
    """No ``grades.csv`` recém-exportado, as linhas de ``alunos`` (os não corrigidos nesta execução)
    voltam a ser as do arquivo antigo: quem não foi corrigido nunca ganha um zero no lugar da nota."""
    if not antigo or not alunos or not novo.exists():
        return
    velhas = {}
    for linha in csv.DictReader(io.StringIO(antigo)):
        if linha.get("assignment") == exercicio and linha.get("student_id") in alunos:
            velhas[linha["student_id"]] = linha
    if not velhas:
        return
    texto = novo.read_text(encoding="utf-8").splitlines(keepends=True)
    campos = next(csv.reader(io.StringIO(texto[0]))) if texto else []
    saida = [texto[0]] if texto else []
    for bruta in texto[1:]:
        linha = dict(zip(campos, next(csv.reader(io.StringIO(bruta)))))
        if linha.get("assignment") == exercicio and linha.get("student_id") in velhas:
            velha = velhas.pop(linha["student_id"])
            bruta = ",".join(velha.get(c, "") for c in campos) + "\n"
        saida.append(bruta)
    for velha in velhas.values():  # aluno que sumiu do gradebook: a linha antiga continua
        saida.append(",".join(velha.get(c, "") for c in campos) + "\n")
    novo.write_text("".join(saida), encoding="utf-8")
