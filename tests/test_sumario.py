"""O sumário do README e de notebooks/00-Indice.ipynb estão em dia com as aulas e exercícios."""

import subprocess
import sys

from apoio import RAIZ


def test_sumario_em_dia():
    proc = subprocess.run(
        [sys.executable, str(RAIZ / "ferramentas" / "sumario.py"), "--verificar"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_sumario_lista_toda_aula_e_todo_exercicio():
    sys.path.insert(0, str(RAIZ / "ferramentas"))
    import sumario

    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    indice = (RAIZ / "notebooks" / "00-Indice.ipynb").read_text(encoding="utf-8")
    for aula in sumario.aulas():
        assert f"notebooks/{aula.name}" in readme
        assert aula.name in indice
    for ex in sumario.exercicios():
        assert f"release/{ex.parent.name}/{ex.name}" in readme
        assert f"../release/{ex.parent.name}/{ex.name}" in indice
