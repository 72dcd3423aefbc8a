"""A ida e volta com o Canvas de ponta a ponta, pela linha de comando: o zip do "Download
Submissions" (uma aluna atrasada que reenviou, um notebook quebrado e um arquivo que não é de ninguém)
corrigido pelo ``python -m autograder.corrigir`` e o CSV do livro de notas lido como o Canvas o lê.
A volta ao Moodle, com o zip de feedback de verdade, está em ``test_corrigir.py``
(``test_cli_com_zip_padrao_e_sem_feedback``), que reaproveita a turma que já corrige; aqui, a de uma
tarefa em grupo do Moodle em português."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from nbgrader_apoio import ambiente
from test_corrigir import EX, _curso, _nb
from test_lms import (
    CABECALHO_PT_BR_GRUPOS,
    PT_BR,
    _linha_pt,
    _planilha_baixada,
    ler_planilha_canvas,
    ler_planilha_moodle,
)


@pytest.mark.lento
def test_canvas_de_ponta_a_ponta_pelo_cli(tmp_path: Path):
    curso = _curso(tmp_path)
    correta, parcial = json.dumps(_nb("correta")).encode(), json.dumps(_nb("parcial")).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        # Uma só correção de verdade (a que custa um kernel): a aluna atrasada que reenviou.
        z.writestr(f"souzabia_LATE_23456_1002_{EX}.ipynb", parcial)  # a primeira entrega...
        z.writestr(f"souzabia_LATE_23456_1003_{EX}-1.ipynb", correta)  # ...e o reenvio, que vale
        z.writestr(f"costacaio_34567_1004_{EX}.ipynb", b'{"cells": [')  # notebook quebrado
        z.writestr("notas_do_professor.txt", b"?")
    (tmp_path / "canvas.zip").write_bytes(buffer.getvalue())
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.corrigir", EX, "--curso", str(curso), "--zip", str(tmp_path / "canvas.zip"),
         "--padrao", "canvas", "--tarefa-canvas", "4321", "--sem-feedback", "-j", "2", "--prazo", "300"],
        env=ambiente(), capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # A nota que o Canvas importaria: o reenvio vale (7, não os 4 da primeira), a entrega atrasada é
    # corrigida, o notebook quebrado fica em branco (o Canvas não muda a nota), nunca zero.
    planilha = curso / "relatorios" / EX / "notas_canvas.csv"
    assert ler_planilha_canvas(planilha, "4321") == {"23456": "7", "34567": None}
    assert (curso / "submitted" / "23456" / EX / f"{EX}.ipynb").read_bytes() == correta
    # O relatório diz o que foi aceito, o que foi recusado e por quê, em português.
    resumo = (curso / "relatorios" / EX / "resumo.txt").read_text(encoding="utf-8")
    for esperado in (
        "entrada: zip do Canvas, 2 alunos aceitos, 2 entradas recusadas",
        f"recusado: souzabia_LATE_23456_1002_{EX}.ipynb (reenvio mais antigo que souzabia_LATE_23456_1003_{EX}-1.ipynb)",
        "recusado: notas_do_professor.txt (o nome não segue o padrão do Canvas)",
        "entregues com atraso (corrigidas; a política de atraso é a do AVA): 23456",
        "sem nota (fica em branco, nunca zero): 34567 — notebook inválido: o notebook entregue não pôde ser lido",
        f"escrito: {planilha}",
    ):
        assert esperado in resumo, esperado
        assert esperado in proc.stdout, esperado


@pytest.mark.lento
def test_moodle_em_portugues_com_grupos_de_ponta_a_ponta_pelo_cli(tmp_path: Path):
    """Uma tarefa em grupo do Moodle em português: o zip com uma pasta por grupo e a planilha de notas
    baixada em português (com a coluna Grupo) entram pelo ``--mapa``; o grupo é corrigido uma vez e a
    planilha de volta, em português, dá a nota do grupo a cada membro."""
    curso = _curso(tmp_path)
    planilha = _planilha_baixada(tmp_path / "notas.csv", CABECALHO_PT_BR_GRUPOS, [
        _linha_pt("11", "Ana Silva", "Grupo A"), _linha_pt("12", "Bia Souza", "Grupo A"),
        _linha_pt("14", "Davi Lima", "Grupo padrão"),
    ])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        # Uma só correção de verdade (a que custa um kernel): a do Grupo A.
        z.writestr(f"Grupo A_42_assignsubmission_file/{EX}.ipynb", json.dumps(_nb("correta")).encode())
        z.writestr(f"Grupo padrão_assignsubmission_file/{EX}.ipynb", b'{"cells": [')  # notebook quebrado
    (tmp_path / "grupos.zip").write_bytes(buffer.getvalue())
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.corrigir", EX, "--curso", str(curso), "--zip", str(tmp_path / "grupos.zip"),
         "--mapa", str(planilha), "--sem-feedback", "-j", "2", "--prazo", "300"],
        env=ambiente(), capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    saida = curso / "relatorios" / EX / "notas_moodle.csv"
    assert next(csv.reader(saida.open(encoding="utf-8"))) == CABECALHO_PT_BR_GRUPOS
    assert {p: d["nota"] for p, d in ler_planilha_moodle(saida, {"11", "12", "14"}, PT_BR).items()} == {"11": 7, "12": 7}
    resumo = (curso / "relatorios" / EX / "resumo.txt").read_text(encoding="utf-8")
    for esperado in (
        "planilha de notas do Moodle em português, tarefa em grupo",
        "entrega do grupo Grupo A (grupo42): a nota vai a 11, 12",
        "sem nota (fica em branco, nunca zero): grupo0 — notebook inválido",
    ):
        assert esperado in resumo, esperado
