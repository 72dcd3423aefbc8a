"""Testes de notebooks/aula07_managers.py: proxies de Manager, com cada método de início."""

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula07_managers as aula  # noqa: E402

pytestmark = pytest.mark.timeout(180)

PRAZO = 60  # folgado: a máquina de testes é compartilhada


@pytest.fixture(params=METODOS)
def ctx(request):
    return multiprocessing.get_context(request.param)


def _impresso_pelos_filhos(ctx, capfd, corpo) -> str:
    """Roda ``corpo(ctx)`` e devolve o que os filhos imprimiram.

    Os filhos do forkserver herdam o stdout do servidor, criado antes do teste (fora do ``capfd``):
    com forkserver, ``corpo`` roda num interpretador novo, com um servidor só dele, e o que se
    confere é o stdout desse interpretador (as asserções de ``corpo`` valem lá também).
    """
    if ctx.get_start_method() != "forkserver":
        corpo(ctx)
        return capfd.readouterr().out
    codigo = (
        f"import multiprocessing, sys\nsys.path[:0] = {[str(NOTEBOOKS), str(Path(__file__).parent)]!r}\n"
        f"import {__name__} as t\nt.{corpo.__name__}(multiprocessing.get_context('forkserver'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, timeout=2 * PRAZO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _modify_data_cinco_vezes(ctx):
    with ctx.Manager() as m:
        lock, counter, results, objs = ctx.RLock(), ctx.Value("i", 0), m.list(), m.dict()
        aula.iniciar_e_esperar(
            [ctx.Process(target=aula.modify_data, args=(counter, results, objs, lock)) for _ in range(5)], prazo=PRAZO
        )
        assert counter.value == 5
        assert len(results) == 5 and all(isinstance(r, bool) for r in results)
        assert dict(objs) == {f"{i}^2": i * i for i in range(1, 6)}


def test_modify_data_conta_de_1_a_5_sem_repetir(ctx, capfd):
    impresso = _impresso_pelos_filhos(ctx, capfd, _modify_data_cinco_vezes)
    # cada filho imprimiu sob a trava: os contadores aparecem de 1 a 5, em ordem
    contadores = [int(linha.split(": ")[1].split(")")[0]) for linha in impresso.splitlines() if "obtivemos" in linha]
    assert contadores == [1, 2, 3, 4, 5]


def test_worker_anexa_cada_item_uma_vez(ctx):
    with ctx.Manager() as m:
        itens = m.list()
        aula.iniciar_e_esperar([ctx.Process(target=aula.worker, args=(itens, i, 1000, False)) for i in range(6)], prazo=PRAZO)
        assert sorted(itens) == list(range(6))


def _worker_com_a_lista_7(ctx):
    with ctx.Manager() as m:
        itens = m.list([7])
        aula.iniciar_e_esperar([ctx.Process(target=aula.worker, args=(itens, 3, 10))], prazo=PRAZO)


def test_worker_imprime_o_item_e_a_lista(ctx, capfd):
    assert "3 [7, 3]" in _impresso_pelos_filhos(ctx, capfd, _worker_com_a_lista_7)


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
