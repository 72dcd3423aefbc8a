"""Testes de notebooks/aula06_memoria.py: totais exatos com get_lock(), o defeito do slide e as fatias."""

import multiprocessing
import sys

import filhos_apoio
import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula06_memoria as aula  # noqa: E402

pytestmark = pytest.mark.timeout(240)

PRAZO = 120  # folgado: a máquina de testes é compartilhada


def test_soma_e_subtracao_com_trava_voltam_a_zero(metodo):
    assert aula.rodar_soma_e_subtracao(3000, usar_trava=True, prazo=PRAZO) == 0


def test_contadores_lentos_com_trava_sao_exatos(metodo):
    assert aula.rodar_contadores(3, 300, usar_trava=True, prazo=PRAZO) == 900


def test_contadores_rapidos_com_trava_sao_exatos(metodo):
    assert aula.rodar_contadores(3, 2000, usar_trava=True, lento=False, prazo=PRAZO) == 6000


def _contadores_com_janela_larga(ctx, usar_trava, processos=4, repeticoes=100, janela=0.002):
    """``incremento_lento`` em ``processos`` filhos com largada comum e a pausa entre ler e escrever
    alargada de propósito (``janela`` s): o total final do contador."""
    contador, barreira = ctx.Value("i", 0), ctx.Barrier(processos)
    filhos = [
        ctx.Process(target=filhos_apoio.incremento_com_janela_larga, args=(contador, barreira, repeticoes, usar_trava, janela))
        for _ in range(processos)
    ]
    aula.iniciar_e_esperar(filhos, prazo=PRAZO)
    return contador.value


def test_sem_trava_o_incremento_lento_perde_somas_e_nunca_cria(metodo):
    # Uma corrida só PERDE somas (duas escritas de "antigo + 1"); nunca cria somas a mais. Com a
    # janela entre ler e escrever alargada para 2 ms e os quatro largando juntos, cada processo
    # passa quase todo o tempo entre ler e escrever: as somas se perdem em qualquer máquina, mesmo
    # carregada (o que o notebook mostra com sleep(0) depende da máquina; aqui não).
    total = _contadores_com_janela_larga(multiprocessing.get_context(metodo), usar_trava=False)
    assert 0 < total < 400, total
    # o programa da aula, na janela do notebook: perder aqui depende da máquina; passar do certo, nunca
    assert 0 < aula.rodar_contadores(4, 1000, usar_trava=False, prazo=PRAZO) <= 4000


def test_com_trava_o_incremento_lento_e_exato_mesmo_com_a_janela_larga(metodo):
    assert _contadores_com_janela_larga(multiprocessing.get_context(metodo), usar_trava=True) == 400


def test_incremento_lento_sozinho_e_exato():
    contador = multiprocessing.Value("i", 0)
    aula.incremento_lento(contador, 50, usar_trava=False)  # sem concorrência, sem corrida
    assert contador.value == 50


def test_array_do_slide_corrigido_termina_em_zeros(metodo):
    assert aula.rodar_vetor(6, 200, prazo=PRAZO) == [0] * 6


@pytest.mark.parametrize("metodo_filho", METODOS)
def test_subtracao_do_slide_so_funciona_com_fork(metodo_filho):
    """O defeito do slide: o global ``vet`` existe no filho só quando ele é uma cópia do pai (fork)."""
    ctx = multiprocessing.get_context(metodo_filho)
    vet = ctx.Array("i", [0, 0])
    aula.vet = vet
    try:
        p = ctx.Process(target=aula.subtracao_do_slide, args=(vet, 5))
        p.start()
        p.join(timeout=PRAZO)
    finally:
        del aula.vet
    if metodo_filho == "fork":
        assert p.exitcode == 0 and list(vet) == [-5, -5]
    else:
        assert p.exitcode == 1 and list(vet) == [0, 0]  # NameError no filho


def test_subtracao_do_slide_sem_global_e_nameerror():
    vet = multiprocessing.Array("i", [0])
    with pytest.raises(NameError):
        aula.subtracao_do_slide(vet, 1)


def test_fatias_separadas_dispensam_trava(metodo):
    vet = multiprocessing.RawArray("i", 9)
    filhos = [multiprocessing.Process(target=aula.preencher_fatia, args=(vet, 3 * k, 3 * k + 3, k + 1)) for k in range(3)]
    aula.iniciar_e_esperar(filhos, prazo=PRAZO)
    assert list(vet) == [1, 1, 1, 2, 2, 2, 3, 3, 3]
