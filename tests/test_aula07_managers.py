"""Testes de notebooks/aula07_managers.py: proxies de Manager, com cada método de início."""

import multiprocessing
import sys

import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula07_managers as aula  # noqa: E402

pytestmark = pytest.mark.timeout(180)

PRAZO = 60  # folgado: a máquina de testes é compartilhada


@pytest.fixture(params=METODOS)
def ctx(request):
    return multiprocessing.get_context(request.param)


def test_modify_data_conta_de_1_a_5_sem_repetir(ctx, capfd):
    with ctx.Manager() as m:
        lock, counter, results, objs = ctx.RLock(), ctx.Value("i", 0), m.list(), m.dict()
        aula.iniciar_e_esperar(
            [ctx.Process(target=aula.modify_data, args=(counter, results, objs, lock)) for _ in range(5)], prazo=PRAZO
        )
        assert counter.value == 5
        assert len(results) == 5 and all(isinstance(r, bool) for r in results)
        assert dict(objs) == {f"{i}^2": i * i for i in range(1, 6)}
    if ctx.get_start_method() == "forkserver":
        return  # os filhos do forkserver escrevem no stdout do servidor, criado antes do teste
    impresso = capfd.readouterr().out
    # cada filho imprimiu sob a trava: os contadores aparecem de 1 a 5, em ordem
    contadores = [int(linha.split(": ")[1].split(")")[0]) for linha in impresso.splitlines() if "obtivemos" in linha]
    assert contadores == [1, 2, 3, 4, 5]


def test_worker_anexa_cada_item_uma_vez(ctx):
    with ctx.Manager() as m:
        itens = m.list()
        aula.iniciar_e_esperar([ctx.Process(target=aula.worker, args=(itens, i, 1000, False)) for i in range(6)], prazo=PRAZO)
        assert sorted(itens) == list(range(6))


def test_worker_imprime_o_item_e_a_lista(ctx, capfd):
    if ctx.get_start_method() == "forkserver":
        pytest.skip("os filhos do forkserver escrevem no stdout do servidor, criado antes do teste")
    with ctx.Manager() as m:
        itens = m.list([7])
        aula.iniciar_e_esperar([ctx.Process(target=aula.worker, args=(itens, 3, 10))], prazo=PRAZO)
    assert "3 [7, 3]" in capfd.readouterr().out


def test_append_em_sublista_comum_se_perde_e_reatribuir_corrige(ctx):
    with ctx.Manager() as m:
        listas, trava = m.list([[], []]), m.Lock()
        aula.iniciar_e_esperar([ctx.Process(target=aula.anexar, args=(listas, 0, "x"))], prazo=PRAZO)
        assert list(listas) == [[], []]
        procs = [ctx.Process(target=aula.anexar_reatribuindo, args=(listas, trava, 0, k)) for k in range(4)]
        aula.iniciar_e_esperar(procs, prazo=PRAZO)
        assert sorted(listas[0]) == [0, 1, 2, 3] and listas[1] == []


def test_sublistas_que_sao_proxies_recebem_o_append(ctx):
    with ctx.Manager() as m:
        listas = m.list([m.list(), m.list()])
        aula.iniciar_e_esperar([ctx.Process(target=aula.anexar, args=(listas, 1, "y"))], prazo=PRAZO)
        assert [list(sub) for sub in listas] == [[], ["y"]]


def test_proxy_e_value_chegam_ao_mesmo_total_e_o_proxy_e_mais_lento():
    with multiprocessing.Manager() as m:
        proxy, trava = m.Value("i", 0), m.Lock()
        t_proxy = aula.cronometrar(aula.incrementar_proxy, proxy, trava, 300)
        assert proxy.value == 300
    valor = multiprocessing.Value("i", 0)
    t_value = aula.cronometrar(aula.incrementar_value, valor, 300)
    assert valor.value == 300
    # cada incremento no proxy são várias idas e voltas a outro processo: nunca mais rápido
    assert t_proxy > t_value


def test_manager_encerrado_pelo_with_nao_deixa_servidor():
    with multiprocessing.Manager() as m:
        assert any(p.name.startswith("SyncManager") for p in multiprocessing.active_children())
        m.list()
    assert not any(p.name.startswith("SyncManager") for p in multiprocessing.active_children())
