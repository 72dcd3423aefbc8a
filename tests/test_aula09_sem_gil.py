"""Testes de notebooks/aula09_sem_gil.py: a medida diz qual interpretador mediu, e conclui dos números."""

from __future__ import annotations

import os
import sys

import pytest
from apoio import NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula09_sem_gil as aula  # noqa: E402
import curso_comum  # noqa: E402


def test_medida_traz_o_interpretador_e_as_tres_formas(metodo):
    medida = aula.medir(20_000, trabalhadores=2)
    assert medida["interpretador"] == curso_comum.descrever_interpretador()
    assert medida["gil_ativo"] == curso_comum.gil_ativo()
    assert {"sequencial", "threads", "processos"} <= set(medida["tempos"])
    assert ("subinterpretadores" in medida["tempos"]) == aula.tem_interpreter_pool()
    assert set(aula.razoes(medida)) == set(medida["tempos"]) - {"sequencial"}


def test_gil_ativo_concorda_com_o_interpretador():
    if sys.version_info < (3, 13):
        assert curso_comum.gil_ativo() is True
        assert not hasattr(sys, "_is_gil_enabled")
    else:
        assert curso_comum.gil_ativo() == sys._is_gil_enabled()


@pytest.mark.parametrize(
    "gil,razao,trecho",
    [
        (True, 1.0, "não calcularam em paralelo"),
        (True, 0.5, "ruído"),
        (False, 0.5, "calcularam em paralelo"),
        (False, 1.0, "não ganharam"),
    ],
)
def test_conclusao_sai_dos_numeros_e_do_gil(gil, razao, trecho):
    medida = {"gil_ativo": gil, "tempos": {"sequencial": 2.0, "threads": 2.0 * razao}}
    assert trecho in aula.conclusao(medida)


def test_medir_em_outro_interpretador_roda_num_processo_novo(monkeypatch):
    monkeypatch.setenv(aula.VARIAVEL_OUTRO_PYTHON, sys.executable)
    assert any(os.path.realpath(e) == os.path.realpath(sys.executable) for e in aula.outros_interpretadores())
    outra = aula.medir_em(sys.executable, 10_000)
    assert outra["interpretador"] == curso_comum.descrever_interpretador()
    assert outra["executavel"] == sys.executable


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="afinidade só no Linux")
def test_filho_preso_a_um_nucleo_ve_um_nucleo_usavel(metodo):
    r = aula.nucleos_com_afinidade()
    assert r["núcleos usáveis"] == 1
    assert r["os.cpu_count()"] == os.cpu_count()
