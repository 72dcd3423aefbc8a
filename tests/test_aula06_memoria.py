"""Testes de notebooks/aula06_memoria.py: totais exatos com get_lock(), o defeito do slide e as fatias."""

import multiprocessing
import sys

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


def test_sem_trava_o_incremento_lento_nunca_passa_do_esperado_e_costuma_perder(metodo):
    # Uma corrida só PERDE somas (duas escritas de "antigo + 1"); nunca cria somas a mais.
    # Perder é não determinístico; com 4 processos, 3000 incrementos lentos e 3 tentativas,
    # ao menos uma perde somas em qualquer máquina com mais de um núcleo ou com preempção.
    totais = [aula.rodar_contadores(4, 3000, usar_trava=False, prazo=PRAZO) for _ in range(3)]
    assert all(t <= 12000 for t in totais), totais
    assert min(totais) < 12000, totais


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
