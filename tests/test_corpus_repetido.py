"""As submissões do corpus mais sensíveis a corrida e a tempo tiram a mesma nota em cada repetição
(CORPUS_REPETICOES=20 para o teste longo, de preferência com os núcleos ocupados)."""

from __future__ import annotations

import os

import pytest
from corpus_apoio import conferir, corrigir_modulo, submissoes

SENSIVEIS = [
    ("ex08_condicao", "correta_referencia"),
    ("ex08_condicao", "correta_wait_em_laco_e_marcador"),
    ("ex08_condicao", "sutil_espera_ocupada"),
    ("ex08_condicao", "sutil_sem_aviso"),
    ("ex08_condicao", "sutil_notify_um_so"),
]
REPETICOES = int(os.environ.get("CORPUS_REPETICOES", "1"))


@pytest.mark.lento
@pytest.mark.parametrize("rodada", range(REPETICOES))
@pytest.mark.parametrize(("exercicio", "nome"), SENSIVEIS, ids=lambda v: v)
def test_mesma_nota_a_cada_repeticao(exercicio, nome, rodada):
    sub = submissoes(exercicio)[nome]
    resultados = corrigir_modulo(exercicio, sub, os.environ.get("CORPUS_METODO", "fork"))
    problemas = conferir(exercicio, nome, sub, resultados)
    assert not problemas, "\n".join(problemas)
