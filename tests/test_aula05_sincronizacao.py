"""Testes de notebooks/aula05_sincronizacao.py: o que cada primitiva garante, com cada método."""

import multiprocessing
import sys
import time

import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula05_sincronizacao as aula  # noqa: E402


@pytest.fixture(params=METODOS)
def ctx(request):
    return multiprocessing.get_context(request.param)


def _rodar(procs, prazo=60):
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=prazo)
        assert p.exitcode == 0


def test_sobreposicoes_conta_pares():
    assert aula.sobreposicoes([("a", 0, 2), ("b", 1, 3), ("c", 5, 6)]) == 1
    assert aula.sobreposicoes([("a", 0, 1), ("b", 1, 2)]) == 0


def test_com_lock_nenhum_intervalo_se_sobrepoe(ctx):
    trava, registro = ctx.Lock(), ctx.Queue()
    _rodar([ctx.Process(target=aula.secao_critica, args=(trava, registro, 0.05)) for _ in range(4)])
    intervalos = [registro.get(timeout=30) for _ in range(4)]
    assert aula.sobreposicoes(intervalos) == 0


def test_sem_lock_os_intervalos_se_sobrepoem():
    ctx = multiprocessing.get_context("fork")
    registro = ctx.Queue()
    _rodar([ctx.Process(target=aula.secao_critica, args=(None, registro, 1.0)) for _ in range(3)])
    assert aula.sobreposicoes([registro.get(timeout=30) for _ in range(3)]) > 0


def test_lock_nao_readquire_e_rlock_sim(ctx):
    for tipo, esperado in ((ctx.Lock, False), (ctx.RLock, True)):
        trava, resultado = tipo(), ctx.Queue()
        _rodar([ctx.Process(target=aula.tentar_duas_vezes, args=(trava, resultado))])
        assert resultado.get(timeout=30) is esperado


def test_recursao_com_rlock_termina(ctx):
    trava, resultado = ctx.RLock(), ctx.Queue()
    _rodar([ctx.Process(target=aula.contagem_regressiva, args=(trava, 5, resultado))])
    assert resultado.get(timeout=30).startswith(("Process", "Spawn", "Fork"))


def test_condition_acorda_consumidor_quando_ha_itens(ctx):
    with ctx.Manager() as m:
        itens, condicao, resultado = m.list(), ctx.Condition(), ctx.Queue()
        _rodar(
            [
                ctx.Process(target=aula.consumidor_condicao, args=(condicao, itens, 3, resultado)),
                ctx.Process(target=aula.produtor_condicao, args=(condicao, itens, 3)),
            ]
        )
        _, pronto, n, _ = resultado.get(timeout=30)
    assert pronto and n == 3


def test_ninguem_parte_antes_do_evento(ctx):
    evento, resultado = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=aula.esperar_largada, args=(evento, resultado)) for _ in range(3)]
    for p in procs:
        p.start()
    time.sleep(0.5)
    largada = time.time()
    evento.set()
    for p in procs:
        p.join(timeout=30)
    registros = [resultado.get(timeout=30) for _ in procs]
    assert all(partiu and quando >= largada for _, partiu, quando in registros)


def test_semaforo_limita_a_dois_ao_mesmo_tempo(ctx):
    sem, trava = ctx.Semaphore(2), ctx.Lock()
    ocupacao, maximo = ctx.Value("i", 0, lock=False), ctx.Value("i", 0, lock=False)
    _rodar([ctx.Process(target=aula.usar_recurso, args=(sem, ocupacao, trava, maximo, 0.3)) for _ in range(5)])
    assert maximo.value == 2
    assert ocupacao.value == 0


def test_barreira_libera_todos_juntos(ctx):
    barreira, resultado = ctx.Barrier(2), ctx.Queue()
    _rodar([aula.MeuProcesso(barreira, 0.2, resultado), aula.MeuProcesso(barreira, 0.8, resultado)])
    rapido, lento = sorted((resultado.get(timeout=30) for _ in range(2)), key=lambda r: r["tempo"])
    assert abs(rapido["continuou"] - lento["continuou"]) < 0.3
    assert rapido["continuou"] - rapido["acordou"] > 0.3  # o rápido esperou o lento na barreira
