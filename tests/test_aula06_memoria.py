"""Testes de notebooks/aula06_memoria.py: totais exatos com get_lock() e Array corrigido."""

import multiprocessing
import sys

import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula06_memoria as aula  # noqa: E402


@pytest.fixture(params=METODOS)
def ctx(request):
    return multiprocessing.get_context(request.param)


def _rodar(procs):
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0


def test_soma_e_subtracao_com_trava_voltam_a_zero(ctx):
    num = ctx.Value("i", 0)
    _rodar([ctx.Process(target=aula.soma, args=(num, 5000)), ctx.Process(target=aula.subtracao, args=(num, 5000))])
    assert num.value == 0


@pytest.mark.parametrize("metodo", METODOS)
def test_contadores_com_trava_sao_exatos(metodo):
    anterior = multiprocessing.get_start_method()
    multiprocessing.set_start_method(metodo, force=True)
    try:
        assert aula.rodar_contadores(3, 300, usar_trava=True) == 900
    finally:
        multiprocessing.set_start_method(anterior, force=True)


def test_sem_trava_o_incremento_lento_perde_somas():
    # Corrida não é determinística; com 4 processos, 3000 incrementos lentos e 3 tentativas,
    # ao menos uma perde somas em qualquer máquina com mais de um núcleo ou preempção.
    totais = [aula.rodar_contadores(4, 3000, usar_trava=False) for _ in range(3)]
    assert min(totais) < 12000, totais


def test_array_soma_e_subtracao_corrigidos(ctx):
    vet = ctx.Array("i", [0] * 10)
    _rodar([ctx.Process(target=aula.soma_vetor, args=(vet, 200)), ctx.Process(target=aula.subtracao_vetor, args=(vet, 200))])
    assert list(vet) == [0] * 10


def test_fatias_separadas_dispensam_trava(ctx):
    vet = ctx.Array("i", 9, lock=False)
    _rodar([ctx.Process(target=aula.preencher_fatia, args=(vet, 3 * k, 3 * k + 3, k + 1)) for k in range(3)])
    assert list(vet) == [1, 1, 1, 2, 2, 2, 3, 3, 3]
