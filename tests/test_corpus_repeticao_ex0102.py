"""As submissões dos exercícios 01 e 02 mais sensíveis a ordem e tempo tiram a mesma nota em cada
correção, também com os núcleos ocupados. REPETICOES_CORPUS=20 para a conferência completa."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from corpus_apoio import conferir, corrigir_modulo, submissoes

CASOS = [
    ("ex01_processos", "join_antes_de_ler", "fork"),
    ("ex01_processos", "empty_para_saber_quando_parar", "spawn"),
    ("ex01_processos", "classes_pool_e_prints", "forkserver"),
    ("ex02_comunicacao", "consumidor_com_empty", "fork"),
    ("ex02_comunicacao", "join_antes_das_somas", "forkserver"),
    ("ex02_comunicacao", "logging_e_classes", "spawn"),
]


@pytest.fixture
def nucleos_ocupados():
    """Dois processos em laço (um por núcleo) durante o teste; encerrados no fim, pelo pid."""
    ocupados = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for proc in ocupados:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.lento
@pytest.mark.parametrize(("exercicio", "nome", "metodo"), CASOS, ids=lambda c: str(c))
def test_mesma_nota_com_os_nucleos_ocupados(exercicio, nome, metodo, nucleos_ocupados):
    sub = submissoes(exercicio)[nome]
    for rodada in range(int(os.environ.get("REPETICOES_CORPUS", "2"))):
        problemas = conferir(exercicio, nome, sub, corrigir_modulo(exercicio, sub, metodo))
        assert not problemas, f"rodada {rodada + 1}: " + "\n".join(problemas)
