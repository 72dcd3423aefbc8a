"""Ex03/ex04: as submissões sensíveis a corrida e a tempo tiram a MESMA nota em cada repetição,
também com os dois núcleos ocupados (CORPUS_REPETICOES=20 para a conferência completa)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from corpus_apoio import conferir, corrigir_modulo, submissoes

REPETICOES = int(os.environ.get("CORPUS_REPETICOES", "2"))
CASOS = [
    ("ex04_memoria", "sem_trava"),
    ("ex04_memoria", "le_antes_do_join"),
    ("ex04_memoria", "trava_em_duas_posses"),
    ("ex04_memoria", "logging_e_prints"),
    ("ex03_sincronizacao", "dorme_ate_um_instante"),
    ("ex03_sincronizacao", "barreira_antes_da_fase1"),
    ("ex03_sincronizacao", "classe_e_pipes"),
]


@pytest.fixture
def nucleos_ocupados():
    """Dois lacos ocupando a CPU durante o teste (encerrados pelo pid no fim)."""
    lacos = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for proc in lacos:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.lento
@pytest.mark.parametrize(("exercicio", "nome"), CASOS, ids=[f"{e}-{n}" for e, n in CASOS])
def test_mesma_nota_em_cada_repeticao_sob_carga(exercicio, nome, nucleos_ocupados):
    sub = submissoes(exercicio)[nome]
    for vez in range(REPETICOES):
        resultados = corrigir_modulo(exercicio, sub, "fork")
        problemas = conferir(exercicio, nome, sub, resultados)
        assert not problemas, f"repetição {vez + 1}:\n" + "\n".join(problemas)
