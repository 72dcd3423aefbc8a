"""Testes de notebooks/aula11_shared_memory.py: filhos anexam pelo nome, unlink por quem cria, custos."""

from __future__ import annotations

import sys

import pytest
from apoio import NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula11_shared_memory as aula  # noqa: E402


def test_filhos_preenchem_as_fatias_e_o_bloco_e_destruido(metodo):
    nome, soma, primeiros = aula.quadrados_em_paralelo(1_001, processos=3)
    assert soma == sum(i * i for i in range(1_001))
    assert primeiros == [0.0, 1.0, 4.0, 9.0, 16.0]
    assert aula.ainda_existe(nome) is False


def test_shareable_list_mudada_pelo_filho(metodo):
    assert aula.usar_shareable_list() == [70, 2.5, "mudei", True, None]
    assert aula.texto_maior_nao_cabe().startswith("ValueError")


@pytest.mark.skipif(sys.platform == "win32", reason="no Windows não há SIGSEGV nem este rastreador")
def test_view_usada_depois_do_close_derruba_o_processo():
    assert aula.view_depois_do_close() == -11


@pytest.mark.skipif(sys.platform == "win32", reason="o rastreador de recursos é do Unix")
def test_outro_programa_que_anexa_sem_track_destroi_o_bloco_e_com_track_false_nao():
    r = aula.experimento_rastreador(None)
    assert r["bloco ainda existe"] is False
    assert "leaked shared_memory" in r["saída do outro programa"]
    assert r["fim"] == "o bloco já tinha sido destruído por outro programa"
    if aula.tem_track():
        r = aula.experimento_rastreador(False)
        assert r["bloco ainda existe"] is True
        assert r["fim"] == "unlink feito pelo criador"


def test_custos_manager_muito_mais_caro_que_memoria_compartilhada(metodo):
    custos = aula.comparar_custos(5_000, 300)
    assert set(custos) == {
        "SharedMemory + numpy, um elemento por vez",
        "SharedMemory + numpy, vetorizado",
        "Array('d', lock=False), um elemento por vez",
        "Manager().list(), um elemento por vez",
    }
    assert all(c > 0 for c in custos.values())
    # Só a diferença de ordens de grandeza é conferida (uma mensagem ao servidor por elemento contra
    # uma escrita na memória): comparar as variantes de memória entre si dependeria da carga da máquina.
    assert custos["Manager().list(), um elemento por vez"] > 10 * custos["Array('d', lock=False), um elemento por vez"]
