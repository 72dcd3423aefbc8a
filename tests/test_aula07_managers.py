"""Testes de notebooks/aula07_managers.py: proxies de Manager, com cada método."""

import multiprocessing
import sys

import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula07_managers as aula  # noqa: E402


@pytest.fixture(params=METODOS)
def ctx(request):
    return multiprocessing.get_context(request.param)


def _rodar(procs):
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0


def test_modify_data_conta_de_1_a_5_sem_repetir(ctx):
    with ctx.Manager() as m:
        lock, counter, results, objs = ctx.RLock(), ctx.Value("i", 0), m.list(), m.dict()
        _rodar([ctx.Process(target=aula.modify_data, args=(counter, results, objs, lock)) for _ in range(5)])
        assert sorted(v for _, v, _ in results) == [1, 2, 3, 4, 5]
        assert dict(objs) == {f"{i}^2": i * i for i in range(1, 6)}


def test_worker_anexa_cada_item_uma_vez(ctx):
    with ctx.Manager() as m:
        itens = m.list()
        _rodar([ctx.Process(target=aula.worker, args=(itens, i)) for i in range(6)])
        assert sorted(itens) == list(range(6))


def test_sublista_so_muda_quando_reatribuida(ctx):
    with ctx.Manager() as m:
        listas, trava = m.list([[], []]), m.Lock()
        _rodar([ctx.Process(target=aula.anexar_em_sublista_errado, args=(listas, 0, "x"))])
        assert list(listas) == [[], []]
        _rodar([ctx.Process(target=aula.anexar_em_sublista_certo, args=(listas, trava, 0, "y"))])
        assert list(listas) == [["y"], []]


def test_proxy_e_value_chegam_ao_mesmo_total():
    with multiprocessing.Manager() as m:
        proxy, trava = m.Value("i", 0), m.Lock()
        aula.incrementar_proxy(proxy, trava, 200)
        assert proxy.value == 200
    valor = multiprocessing.Value("i", 0)
    assert aula.cronometrar(aula.incrementar_value, valor, 200) >= 0
    assert valor.value == 200
