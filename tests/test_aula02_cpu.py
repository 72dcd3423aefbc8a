"""Testes de notebooks/aula02_cpu.py: divisão do intervalo, medições e a lei de Amdahl."""

import functools
import os
import sys

import filhos_apoio
import pytest
from apoio import NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula02_cpu as aula  # noqa: E402


@pytest.mark.parametrize("inicio,fim,partes", [(0, 50_000_000, 8), (1, 10, 3), (0, 5, 7), (10, 10, 2)])
def test_dividir_intervalo_cobre_tudo_sem_sobreposicao(inicio, fim, partes):
    pedacos = aula.dividir_intervalo(inicio, fim, partes)
    assert len(pedacos) == partes
    assert pedacos[0][0] == inicio and pedacos[-1][1] == fim
    assert all(a[1] == b[0] for a, b in zip(pedacos, pedacos[1:], strict=False))
    assert all(isinstance(x, int) for p in pedacos for x in p)
    tamanhos = [b - a for a, b in pedacos]
    assert max(tamanhos) - min(tamanhos) <= 1


def test_dividir_intervalo_recusa_zero_partes():
    with pytest.raises(ValueError, match="partes"):
        aula.dividir_intervalo(0, 10, 0)


def test_computer_percorre_o_intervalo_e_registra_o_tempo():
    r = aula.computer(0, 1000)
    assert (r["start"], r["end"]) == (0, 1000)
    assert r["fim"] >= r["inicio"]


def test_executar_em_paralelo_usa_processos_distintos_e_cobre_o_intervalo(metodo, tmp_path, monkeypatch):
    # Cada tarefa só calcula quando as duas estão rodando ao mesmo tempo (um encontro com prazo):
    # um trabalhador preso no encontro não pega a outra tarefa, e duas tarefas de 2 ms não caem no
    # mesmo processo por acaso. Com um pool de um trabalhador só, o encontro não acontece.
    monkeypatch.setattr(aula, "computer", functools.partial(filhos_apoio.computer_em_encontro, str(tmp_path), 2))
    tempo, registros = aula.executar(0, 40_000, 2)
    assert tempo > 0
    assert sorted((r["start"], r["end"]) for r in registros) == [(0, 20_000), (20_000, 40_000)]
    pids = {r["pid"] for r in registros}
    assert len(pids) == 2 and os.getpid() not in pids


def test_medir_escalabilidade_calcula_speedup_e_eficiencia(monkeypatch):
    # Tempos conhecidos no lugar dos medidos: speedup e eficiência conferidos com números feitos à mão.
    tempos = {1: 12.0, 2: 8.0, 3: 3.0}
    monkeypatch.setattr(aula, "executar", lambda inicio, fim, p: (tempos[p], [{"p": p}] * p))
    medidas = aula.medir_escalabilidade(20_000, 3)
    assert [m["processos"] for m in medidas] == [1, 2, 3]
    assert [m["tempo"] for m in medidas] == [12.0, 8.0, 3.0]
    assert [m["speedup"] for m in medidas] == pytest.approx([1.0, 1.5, 4.0])
    assert [m["eficiencia"] for m in medidas] == pytest.approx([1.0, 0.75, 4 / 3])
    assert [len(m["registros"]) for m in medidas] == [1, 2, 3]


def test_medir_escalabilidade_de_verdade_mede_cada_quantidade():
    medidas = aula.medir_escalabilidade(20_000, 2)
    assert [m["processos"] for m in medidas] == [1, 2]
    assert all(m["tempo"] > 0 for m in medidas)
    assert [sorted((r["start"], r["end"]) for r in m["registros"]) for m in medidas] == [
        [(0, 20_000)],
        [(0, 10_000), (10_000, 20_000)],
    ]


def test_amdahl_e_karp_flatt_sao_inversos():
    assert aula.amdahl(0.0, 8) == pytest.approx(8)
    assert aula.amdahl(1.0, 8) == pytest.approx(1)
    assert aula.amdahl(0.1, 10**9) == pytest.approx(10, rel=1e-6)
    s = aula.amdahl(0.2, 4)
    assert aula.fracao_serial_estimada(s, 4) == pytest.approx(0.2)
    with pytest.raises(ValueError):
        aula.fracao_serial_estimada(1.0, 1)


def test_graficos_tem_os_eixos_em_portugues():
    import matplotlib

    matplotlib.use("Agg")
    medidas = aula.medir_escalabilidade(10_000, 2)
    fig = aula.grafico_escalabilidade(medidas)
    assert [ax.get_title() for ax in fig.axes] == ["Tempo", "Speedup", "Eficiência"]
    fig2 = aula.grafico_linha_do_tempo(medidas[-1]["registros"])
    assert len(fig2.axes[0].patches) == 2
    assert fig2.axes[0].get_xlabel() == "segundos desde o início"
