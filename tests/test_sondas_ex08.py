"""A sonda Condition do exercício 08: a trava sabe quem a segura (também depois de um wait), só ela
protege os dados sondados, e as esperas e avisos ficam anotados — sob fork, spawn e forkserver."""

from __future__ import annotations

import pytest
import trabalhadores_ex08 as t
from apoio import METODOS

from autograder import rodar_no_filho
from autograder import sondas_ex08 as sondas


@pytest.fixture(params=METODOS)
def metodo(request, monkeypatch):
    monkeypatch.setenv("PROCESSOS_METODO", request.param)
    return request.param


def test_so_a_condicao_protege_e_a_trava_e_reentrante(metodo):
    condicao = sondas.Condition()
    valor = sondas.Value("i", 0, condicao)
    assert rodar_no_filho(t.acessos, condicao, valor, prazo=30) == 3
    segura = [e["segura"] for e in valor.eventos if e["op"] == "escrever"]
    assert segura == [True, False, False]  # get_lock() não conta
    assert len(valor.sem_condicao()) == 5  # a leitura e a escrita das duas últimas somas, e a leitura final
    assert [e["profundidade"] for e in condicao.eventos if e["op"] == "adquirir"] == [1, 2]
    assert valor.final == 3


def test_espera_aviso_e_trava_depois_do_wait(metodo):
    condicao = sondas.Condition()
    valor = sondas.Value("i", 0, condicao)
    assert rodar_no_filho(t.espera_e_aviso, condicao, valor, prazo=30) is True
    filho = {e["pid"] for e in condicao.esperas() if not e["no_executor"]}
    assert len(filho) == 1
    (aviso,) = condicao.notificacoes()
    assert aviso["op"] == "notify_all" and aviso["segura"] and aviso["esperavam"] == 1
    acordou = [e for e in condicao.eventos if e["op"] == "acordou"]
    assert acordou and acordou[-1]["resposta"] and acordou[-1]["t"] >= aviso["t"]
    assert condicao.esperas()[0]["timeout"] is not None
    # Quem acordou do wait segura a trava de novo: a leitura do predicado conta como protegida.
    assert valor.sem_condicao() == []


def test_notify_sem_a_trava_e_recusado(metodo):
    assert rodar_no_filho(t.notify_sem_trava, sondas.Condition(), prazo=30) == "recusou"
