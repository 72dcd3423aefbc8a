"""Testes de notebooks/curso_comum.py: a escala documentada no README."""

import sys

import pytest
from apoio import NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import curso_comum  # noqa: E402


def test_escala_padrao_e_um(monkeypatch):
    monkeypatch.delenv("PROCESSOS_ESCALA", raising=False)
    assert curso_comum.escala() == 1.0
    assert curso_comum.tamanho(50_000_000) == 50_000_000


def test_escala_reduz_a_carga(monkeypatch):
    monkeypatch.setenv("PROCESSOS_ESCALA", "0.002")
    assert curso_comum.tamanho(50_000_000) == 100_000
    assert curso_comum.tamanho(10, minimo=3) == 3


@pytest.mark.parametrize("valor", ["abc", "0", "-1"])
def test_escala_invalida_explica_em_portugues(monkeypatch, valor):
    monkeypatch.setenv("PROCESSOS_ESCALA", valor)
    with pytest.raises(ValueError, match="PROCESSOS_ESCALA"):
        curso_comum.escala()
