"""Testes de notebooks/aula08_basemanager.py: servidor em 127.0.0.1, chave aleatória, clientes e CLI."""

import multiprocessing
import subprocess
import sys

import pytest
from apoio import METODOS, NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula08_basemanager as aula  # noqa: E402


@pytest.fixture(params=METODOS)
def metodo(request):
    anterior = multiprocessing.get_start_method()
    multiprocessing.set_start_method(request.param, force=True)
    yield request.param
    multiprocessing.set_start_method(anterior, force=True)


def test_chave_aleatoria_de_32_bytes():
    a, b = aula.nova_chave(), aula.nova_chave()
    assert len(a) == 32 and a != b


def test_servidor_so_em_127_0_0_1_porta_escolhida_pelo_sistema(metodo):
    chave = aula.nova_chave()
    servidor = aula.iniciar_servidor(chave)
    try:
        host, porta = servidor.address
        assert host == "127.0.0.1" and porta > 0
        resultado = multiprocessing.Queue()
        c1 = multiprocessing.Process(target=aula.cliente, args=(servidor.address, chave, 1))
        c2 = multiprocessing.Process(target=aula.cliente, args=(servidor.address, chave, 2, resultado))
        c1.start()
        c2.start()
        assert resultado.get(timeout=60) == "hello"
        for c in (c1, c2):
            c.join(timeout=60)
            assert c.exitcode == 0
    finally:
        servidor.shutdown()


def test_chave_errada_e_recusada(metodo):
    chave = aula.nova_chave()
    servidor = aula.iniciar_servidor(chave)
    try:
        with pytest.raises(multiprocessing.AuthenticationError):
            aula.conectar(servidor.address, b"abc")
        resposta = multiprocessing.Queue()
        p = multiprocessing.Process(target=aula.tentar_conectar, args=(servidor.address, b"abc", resposta))
        p.start()
        assert resposta.get(timeout=60) == "recusado: AuthenticationError"
        p.join(timeout=60)
    finally:
        servidor.shutdown()


def test_servidor_e_clientes_em_terminais_separados():
    srv = subprocess.Popen(
        [sys.executable, "aula08_basemanager.py", "servidor"], stdout=subprocess.PIPE, text=True, cwd=NOTEBOOKS
    )
    try:
        endereco = srv.stdout.readline().split()[-1]
        chave = srv.stdout.readline().split()[-1]
        host, porta = endereco.rsplit(":", 1)
        assert host == "127.0.0.1" and len(bytes.fromhex(chave)) == 32
        saidas = [
            subprocess.run(
                [sys.executable, "aula08_basemanager.py", "cliente", papel, "--porta", porta, "--chave", chave],
                capture_output=True, text=True, timeout=60, cwd=NOTEBOOKS,
            )
            for papel in ("1", "2")
        ]
        assert saidas[0].stdout.strip() == "Fim..."
        assert saidas[1].stdout.split() == ["hello", "Fim..."]
        errada = subprocess.run(
            [sys.executable, "aula08_basemanager.py", "cliente", "1", "--porta", porta, "--chave", "00" * 32],
            capture_output=True, text=True, timeout=60, cwd=NOTEBOOKS,
        )
        assert errada.returncode != 0 and "AuthenticationError" in errada.stderr
    finally:
        srv.terminate()
        srv.wait(timeout=30)
