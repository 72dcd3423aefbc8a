"""Ex08: as submissões sensíveis a corrida e a tempo tiram a MESMA nota em cada repetição, também com
os dois núcleos ocupados (CORPUS_REPETICOES=20 para a conferência completa)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from corpus_apoio import conferir, corrigir_modulo, submissoes

REPETICOES = int(os.environ.get("CORPUS_REPETICOES", "2"))
CASOS = [
    ("ex08_condicao", "correta_referencia"),
    ("ex08_condicao", "correta_wait_em_laco_e_marcador"),
    ("ex08_condicao", "sutil_espera_ocupada"),
    ("ex08_condicao", "sutil_sem_aviso"),
    ("ex08_condicao", "sutil_notify_um_so"),
]


@pytest.fixture
def nucleos_ocupados():
    """Dois laços ocupando a CPU durante o teste (encerrados pelo pid no fim)."""
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
