"""Testes de notebooks/aula01_processos.py: identidade, memória do pai e ferramentas de inspeção."""

import multiprocessing
import os
import sys

import psutil
import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula01_processos as aula  # noqa: E402


def test_trabalho_cpu_soma_as_raizes():
    assert aula.trabalho_cpu(4) == pytest.approx(0 + 1 + 2**0.5 + 3**0.5)


@pytest.mark.parametrize("metodo", METODOS)
def test_filho_tem_pid_proprio_e_o_pai_como_ppid(metodo):
    ctx = multiprocessing.get_context(metodo)
    with ctx.Pool(1) as pool:
        info = pool.apply_async(aula.identidade).get(timeout=60)
    assert info["pid"] != os.getpid()
    if metodo == "forkserver":  # o pai do filho é o servidor, e o servidor é nosso filho
        assert psutil.Process(info["ppid"]).ppid() == os.getpid()
    else:
        assert info["ppid"] == os.getpid()
    assert info["metodo"] == metodo


@pytest.mark.parametrize("metodo", METODOS)
def test_so_fork_ve_o_global_alterado_pelo_pai(metodo, monkeypatch):
    monkeypatch.setattr(aula, "VALOR", "alterado")
    ctx = multiprocessing.get_context(metodo)
    fila = ctx.Queue()
    p = ctx.Process(target=aula.ler_valor, args=(fila,))
    p.start()
    _, visto = fila.get(timeout=60)
    p.join(timeout=60)
    assert visto == ("alterado" if metodo == "fork" else "original (definido no módulo)")


def test_arvore_mostra_os_filhos_e_filtro_por_nome_acha_python():
    p = multiprocessing.get_context("spawn").Process(target=aula.dormir, args=(30,))
    p.start()
    try:
        texto = aula.arvore()
        assert f"pid {os.getpid()}" in texto.splitlines()[0]
        assert f"pid {p.pid}" in texto
        # o filho do spawn é sempre o interpretador (python...); o nome deste processo depende de
        # como o pytest foi chamado ("pytest", "python3.11"...): procurado pelo nome que ele tem
        achados = aula.filtrar_por_nome("python")
        assert p.pid in [pid for pid, _ in achados]
        assert all("python" in nome.lower() for _, nome in achados)
        meu_nome = psutil.Process().name()
        assert os.getpid() in [pid for pid, _ in aula.filtrar_por_nome(meu_nome.upper())]
        assert p.pid not in [pid for pid, _ in aula.filtrar_por_nome("nome-que-nenhum-processo-tem")]
    finally:
        p.terminate()
        p.join(timeout=30)
    assert p.exitcode == -15


def test_comparacao_mede_as_tres_formas():
    tempos = aula.comparar_threads_e_processos(50_000, trabalhadores=2)
    assert set(tempos) == {"sequencial", "threads", "processos"}
    assert all(t > 0 for t in tempos.values())
