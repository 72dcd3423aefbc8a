"""Testes de notebooks/aula03_comunicacao.py: Pipe, Queue, sentinela e quadrados, com cada método."""

import multiprocessing
import sys
import time

import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula03_comunicacao as aula  # noqa: E402


@pytest.fixture(params=METODOS)
def ctx(request):
    return multiprocessing.get_context(request.param)


def _rodar(ctx, *alvos):
    procs = [ctx.Process(target=t, args=a) for t, a in alvos]
    for p in procs:
        p.start()
    return procs


def _esperar(procs):
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0


def test_pipe_de_mao_unica(ctx):
    receptor, emissor = ctx.Pipe(duplex=False)
    resp_pai, resp_filho = ctx.Pipe(duplex=False)
    procs = _rodar(ctx, (aula.enviar_pelo_pipe, (emissor,)), (aula.receber_do_pipe, (receptor, resp_filho)))
    assert resp_pai.poll(60)
    assert resp_pai.recv().endswith("Hello World")
    _esperar(procs)


def test_fila_de_mao_unica(ctx):
    fila, resultados = ctx.Queue(), ctx.Queue()
    procs = _rodar(ctx, (aula.enviar_pela_fila, (fila,)), (aula.receber_da_fila, (fila, resultados)))
    assert "Hello World" in resultados.get(timeout=60)
    _esperar(procs)


def test_cada_processo_poe_sua_lista(ctx):
    q = ctx.Queue()
    procs = _rodar(ctx, *[(aula.funcao, (q,))] * 3)
    itens = [q.get(timeout=60) for _ in procs]
    _esperar(procs)
    assert sorted(i[0] for i in itens) == sorted(p.name for p in procs)
    assert all(i[1:] == [42, None, "hello"] for i in itens)


def test_sentinela_encerra_todos_os_consumidores(ctx):
    fila, resultados = ctx.Queue(), ctx.Queue()
    procs = _rodar(
        ctx,
        (aula.consumidor, (fila, resultados)),
        (aula.consumidor, (fila, resultados)),
        (aula.produtor, (fila, list(range(1, 101)), 2)),
    )
    total = sum(resultados.get(timeout=60)[1] for _ in range(2))
    _esperar(procs)
    assert total == 5050


def test_quadrados_pelo_pipe_duplex(ctx):
    pai, filho = ctx.Pipe()
    procs = _rodar(ctx, (aula.quadrados, (filho,)))
    pai.send([1, 2, 3, 4, 5])
    assert pai.poll(60)
    assert pai.recv() == [1, 4, 9, 16, 25]
    _esperar(procs)


def test_join_antes_de_consumir_nao_termina_e_consumir_libera():
    ctx = multiprocessing.get_context("spawn")
    fila = ctx.Queue()
    (p,) = _rodar(ctx, (aula.despejar, (fila, 5_000_000)))
    # Só vale depois que o filho começou a escrever: dados no cano provam que o put já aconteceu (um
    # filho que ainda nem começou também estaria "vivo"). O cano enche com bem menos de 5 MB.
    fim = time.monotonic() + 60
    while fila.empty() and time.monotonic() < fim:
        time.sleep(0.05)
    assert not fila.empty(), "o filho não escreveu nada na fila em 60 s"
    p.join(timeout=3)
    assert p.is_alive(), "com 5 MB na fila o filho só termina depois que alguém lê"
    assert len(fila.get(timeout=60)) == 5_000_000
    _esperar([p])
