"""Testes de notebooks/aula05_sincronizacao.py: o que cada primitiva garante, medido, com cada método."""

import multiprocessing
import sys
import time

import filhos_apoio
import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula05_sincronizacao as aula  # noqa: E402

# Nenhum teste espera para sempre: cada um tem um teto de tempo (além dos prazos de cada espera).
pytestmark = pytest.mark.timeout(180)

PRAZO = 60  # folgado: a máquina de testes é compartilhada


@pytest.fixture(params=METODOS)
def ctx(request):
    """O contexto do método e, durante o teste, o mesmo método como padrão (MeuProcesso usa o padrão)."""
    anterior = multiprocessing.get_start_method()
    multiprocessing.set_start_method(request.param, force=True)
    yield multiprocessing.get_context(request.param)
    multiprocessing.set_start_method(anterior, force=True)


# ---------------------------------------------------------------------------- funções puras


def test_sobreposicoes_conta_pares_que_se_cruzam():
    assert aula.sobreposicoes([("a", 0, 2), ("b", 1, 3), ("c", 5, 6)]) == 1
    assert aula.sobreposicoes([("a", 0, 1), ("b", 1, 2)]) == 0  # encostar não é sobrepor
    assert aula.sobreposicoes([("a", 0, 10), ("b", 1, 2), ("c", 3, 4)]) == 2


def test_ocupacao_maxima_e_curva():
    intervalos = [("a", 0, 4), ("b", 1, 3), ("c", 2, 5), ("d", 5, 6)]
    assert aula.ocupacao_maxima(intervalos) == 3
    curva = aula.ocupacao(intervalos)
    assert [n for _, n in curva] == [1, 2, 3, 2, 1, 0, 1, 0]  # em 5, a saída de c vem antes da entrada de d
    assert aula.ocupacao_maxima([]) == 0


def test_segurando_levanta_timeout_em_vez_de_travar():
    trava = multiprocessing.Lock()
    trava.acquire()
    inicio = time.monotonic()
    with pytest.raises(TimeoutError), aula.segurando(trava, prazo=0.3):
        pass
    assert time.monotonic() - inicio < 5
    trava.release()
    with aula.segurando(trava, prazo=1):
        assert not trava.acquire(timeout=0.01)
    assert trava.acquire(timeout=1)  # foi solta ao sair do with


def test_iniciar_e_esperar_encerra_quem_passa_do_prazo(ctx):
    evento, fila = ctx.Event(), ctx.Queue()  # evento nunca ligado: o filho esperaria 120 s
    p = ctx.Process(target=aula.esperar_largada, args=(evento, fila, 120))
    inicio = time.monotonic()
    with pytest.raises(RuntimeError, match="não terminou"):
        aula.iniciar_e_esperar([p], prazo=3)
    assert time.monotonic() - inicio < 30
    assert not p.is_alive()


def test_iniciar_e_esperar_acusa_filho_que_falhou(ctx):
    # consumir sem produtor, com prazo curto: o filho levanta TimeoutError e sai com código 1
    condicao, estoque, fila = ctx.Condition(), ctx.Value("i", 0, lock=False), ctx.Queue()
    p = ctx.Process(target=aula.consumir, args=(condicao, estoque, 1, fila, 0.2))
    with pytest.raises(RuntimeError, match="código 1"):
        aula.iniciar_e_esperar([p], prazo=PRAZO)


# ---------------------------------------------------------------------------- primitivas


def _visitas(ctx, trava, visitas=3, duracao=0.05):
    """Três processos visitam a seção crítica depois de uma largada comum (uma barreira, não um
    instante marcado no relógio: numa máquina carregada, um filho do spawn pode levar segundos para
    começar). A largada de ``visitar_secao_critica`` é 0: já passou, ele entra assim que chamado."""
    registro, barreira = ctx.Queue(), ctx.Barrier(3)
    procs = [
        ctx.Process(
            target=filhos_apoio.largar_juntos,
            args=(barreira, aula.visitar_secao_critica, trava, registro, 0.0, visitas, duracao),
        )
        for _ in range(3)
    ]
    aula.iniciar_e_esperar(procs, prazo=PRAZO)
    return aula.coletar(registro, 3 * visitas, prazo=PRAZO)


def test_com_lock_nenhuma_visita_se_sobrepoe(ctx):
    intervalos = _visitas(ctx, ctx.Lock())
    assert len(intervalos) == 9
    assert aula.sobreposicoes(intervalos) == 0
    assert aula.ocupacao_maxima(intervalos) == 1


def test_sem_trava_as_visitas_se_sobrepoem(ctx):
    # Sem trava e com largada comum, 2 visitas de 0,4 s de cada um de 3 processos se cruzam.
    intervalos = _visitas(ctx, None, visitas=2, duracao=0.4)
    assert aula.sobreposicoes(intervalos) > 0


def test_lock_nao_readquire_e_rlock_sim_na_recursao(ctx):
    vistos = {}
    for tipo in (ctx.Lock, ctx.RLock):
        trava, resultado = tipo(), ctx.Queue()
        aula.iniciar_e_esperar([ctx.Process(target=aula.recursao_com_trava, args=(trava, 4, resultado))])
        _, nome_tipo, tentativas = resultado.get(timeout=PRAZO)
        vistos[nome_tipo] = tentativas
        assert trava.acquire(timeout=5), "a trava ficou presa depois da recursão"
        trava.release()
    assert vistos["Lock"] == [(1, True), (2, False)]
    assert vistos["RLock"] == [(1, True), (2, True), (3, True), (4, True)]


def test_condition_consumidores_nunca_veem_estoque_negativo(ctx):
    condicao, estoque, registro = ctx.Condition(), ctx.Value("i", 0, lock=False), ctx.Queue()
    aula.iniciar_e_esperar(
        [
            ctx.Process(target=aula.consumir, args=(condicao, estoque, 2, registro)),
            ctx.Process(target=aula.consumir, args=(condicao, estoque, 2, registro)),
            ctx.Process(target=aula.produzir, args=(condicao, estoque, 4, registro, 0.05)),
        ],
        prazo=PRAZO,
    )
    eventos = sorted(aula.esvaziar(registro))
    acoes = [acao for _, _, acao, _ in eventos]
    assert acoes.count("produziu") == 4 and acoes.count("consumiu") == 4
    assert all(depois >= 0 for *_, depois in eventos)
    # em ordem de tempo, nunca houve mais consumos do que produções
    saldo = 0
    for acao in acoes:
        saldo += {"produziu": 1, "consumiu": -1, "esperando": 0}[acao]
        assert saldo >= 0
    assert estoque.value == 0


def test_ninguem_parte_antes_do_evento(ctx):
    evento, avisos, resultado = ctx.Event(), ctx.Queue(), ctx.Queue()
    avisando = filhos_apoio.EventoQueAvisa(evento, avisos)  # avisa quando cada filho começa a esperar
    procs = [ctx.Process(target=aula.esperar_largada, args=(avisando, resultado)) for _ in range(3)]
    for p in procs:
        p.start()
    aula.coletar(avisos, 3, prazo=PRAZO)  # os três já estão esperando o evento (e anotaram "comecou")
    time.sleep(0.3)
    assert resultado.empty(), "alguém partiu sem o evento"
    largada = time.time()
    evento.set()
    for p in procs:
        p.join(timeout=PRAZO)
        assert p.exitcode == 0
    registros = aula.coletar(resultado, 3, prazo=PRAZO)
    # todos começaram a esperar antes da largada e só saíram depois dela
    assert all(partiu and comecou < largada <= saiu for _, partiu, comecou, saiu in registros), registros


def test_evento_nunca_ligado_devolve_false_no_prazo(ctx):
    evento, resultado = ctx.Event(), ctx.Queue()
    aula.iniciar_e_esperar([ctx.Process(target=aula.esperar_largada, args=(evento, resultado, 0.3))])
    _, partiu, comecou, saiu = resultado.get(timeout=PRAZO)
    assert partiu is False and saiu - comecou >= 0.25


def test_semaforo_deixa_no_maximo_dois_e_chega_a_dois(ctx):
    # Largada comum por uma barreira: os cinco pedem o semáforo juntos; os dois primeiros ficam
    # 0,5 s lá dentro, e o segundo só não se cruzaria com o primeiro se demorasse mais que isso.
    semaforo, registro, barreira = ctx.Semaphore(2), ctx.Queue(), ctx.Barrier(5)
    procs = [
        ctx.Process(target=filhos_apoio.largar_juntos, args=(barreira, aula.usar_recurso, semaforo, registro, 0.0, 0.5))
        for _ in range(5)
    ]
    aula.iniciar_e_esperar(procs, prazo=PRAZO)
    usos = aula.coletar(registro, 5, prazo=PRAZO)
    assert aula.ocupacao_maxima(usos) == 2


def test_barreira_libera_todos_juntos(ctx):
    # Os dois largam juntos (outra barreira, antes de dormir): o rápido acorda ~0,6 s antes do lento.
    barreira, largada, registro = ctx.Barrier(2), ctx.Barrier(2), ctx.Queue()
    procs = [
        filhos_apoio.MeuProcessoComLargada(largada, barreira, 0.2, registro),
        filhos_apoio.MeuProcessoComLargada(largada, barreira, 0.8, registro),
    ]
    aula.iniciar_e_esperar(procs, prazo=PRAZO)
    rapido, lento = sorted(aula.coletar(registro, 2, prazo=PRAZO), key=lambda r: r["tempo"])
    # Causalidade, sem tolerância de relógio: ninguém continua antes de o último chegar à barreira.
    # (Se "continuou" fosse anotado antes do wait, como no slide, o rápido continuaria antes.)
    ultimo_a_chegar = max(rapido["acordou"], lento["acordou"])
    assert rapido["continuou"] >= ultimo_a_chegar and lento["continuou"] >= ultimo_a_chegar, (rapido, lento)
