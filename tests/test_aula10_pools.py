"""Testes de notebooks/aula10_pools.py: ordem de chegada, chunksize, cancelamento, exceções, pools quebrados."""

from __future__ import annotations

import sys

import pytest
from apoio import NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula10_pools as aula  # noqa: E402


def test_map_entrega_tudo_junto_imap_em_ordem_e_imap_unordered_na_ordem_de_termino(metodo):
    # A tarefa 0 dorme 4 passos, a 1 três, a 2 dois, a 3 um; dois trabalhadores.
    passo = 0.15
    mapa = aula.chegadas("map", passo=passo)
    assert [x for x, _ in mapa] == [0, 1, 2, 3]
    # Todos de uma vez: nenhum resultado chega antes de a tarefa mais demorada terminar (um limite
    # que o sleep garante, não uma janela de relógio que a carga da máquina alarga).
    assert min(t for _, t in mapa) >= 4 * passo
    imap = aula.chegadas("imap", passo=passo)
    assert [x for x, _ in imap] == [0, 1, 2, 3]
    # Fora de ordem: a tarefa 1 termina um passo antes da 0 se o segundo trabalhador a pegar com
    # menos de um passo de atraso; um passo largo (0,6 s) deixa essa folga para a máquina ocupada.
    passo_largo = 0.6
    fora = aula.chegadas("imap_unordered", passo=passo_largo)
    assert sorted(x for x, _ in fora) == [0, 1, 2, 3]
    assert fora[0][0] != 0  # o mais demorado não chega primeiro
    assert fora[0][1] < 4 * passo_largo  # o primeiro chega antes de o mais demorado terminar


def test_chunksize_maior_e_mais_rapido_para_tarefas_minusculas(metodo):
    tempos = aula.medir_chunksize(3_000, [1, 500])
    assert tempos[500] < tempos[1]


@pytest.mark.parametrize("n,processos,esperado", [(4000, 2, 500), (10, 2, 2), (1, 4, 1), (17, 2, 3)])
def test_chunksize_do_pool_como_o_multiprocessing(n, processos, esperado):
    assert aula.chunksize_do_pool(n, processos) == esperado


def test_as_completed_entrega_na_ordem_de_termino(metodo):
    # a tarefa 1 termina primeiro se o segundo trabalhador a pegar com menos de 1,5 s de atraso
    ordem = [i for i, _ in aula.em_ordem_de_conclusao([1.6, 0.05, 0.3])]
    assert ordem[0] == 1
    assert sorted(ordem) == [0, 1, 2]


def test_cancelar_so_pega_o_que_nao_comecou(metodo):
    estados = aula.cancelar(6, 0.3)
    assert estados[0]["cancelada"] is False
    assert estados[-1]["cancelada"] is True
    canceladas = [e["cancelada"] for e in estados]
    assert canceladas == sorted(canceladas)  # uma sequência de False seguida de True
    assert all(e["cancel() devolveu"] == e["cancelada"] for e in estados)


def test_excecao_fica_no_futuro_e_pool_map_levanta_a_primeira(metodo):
    linhas = aula.excecoes_no_executor([1, 3, 4])
    assert linhas[0] == "1: resultado 1" and linhas[2] == "4: resultado 4"
    assert "ValueError" in linhas[1] and "_RemoteTraceback" in linhas[1]
    assert "Pool.map levantou ValueError" in aula.excecao_no_pool_map([1, 3, 4])


def test_trabalhador_morto_quebra_o_executor(metodo):
    linhas = aula.trabalhador_morto_no_executor()
    assert all("BrokenProcessPool" in linha for linha in linhas), linhas
    assert linhas[-1].startswith("submit depois disso")


def test_trabalhador_morto_no_pool_so_termina_com_prazo(metodo):
    texto = aula.trabalhador_morto_no_pool(prazo=1.0)
    assert "TimeoutError" in texto and "deu 49" in texto


def test_inicializador_roda_em_cada_trabalhador(metodo):
    resultados = aula.com_inicializador(6, processos=2)
    assert [t for t, _ in resultados] == [f"item-{i}" for i in range(6)]


def test_limite_de_tarefas_troca_o_trabalhador(metodo):
    for forma, pids in aula.pids_com_limite(6, 2).items():
        assert len(pids) == 6
        assert len(set(pids)) == 3, forma
        assert pids[0] == pids[1] and pids[1] != pids[2]


def test_novidades_do_314_so_quando_existem():
    if aula.tem_terminate_workers():
        linhas = aula.encerrar_a_forca("kill_workers")
        assert all("BrokenProcessPool" in linha for linha in linhas[:-1])
    else:
        assert "3.14" in aula.encerrar_a_forca()[0]
    primeiros = aula.primeiros_de_um_iterador_infinito(5, 4)
    assert primeiros == ([0, 1, 4, 9, 16] if aula.tem_buffersize() else None)
