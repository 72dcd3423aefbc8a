"""Testes de notebooks/aula08_basemanager.py: servidor só em 127.0.0.1, chave aleatória, clientes e CLI."""

import multiprocessing
import queue
import socket
import subprocess
import sys

import psutil
import pytest
from apoio import NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula08_basemanager as aula  # noqa: E402

pytestmark = pytest.mark.timeout(180)

PRAZO = 60  # folgado: a máquina de testes é compartilhada
SCRIPT = [sys.executable, "aula08_basemanager.py"]




@pytest.fixture
def servidor(metodo):
    chave = aula.nova_chave()
    gerenciador = aula.iniciar_servidor(chave)
    try:
        yield gerenciador, chave
    finally:
        gerenciador.shutdown()


def test_chave_aleatoria_de_32_bytes():
    a, b = aula.nova_chave(), aula.nova_chave()
    assert len(a) == 32 and a != b


def test_servidor_escuta_so_em_127_0_0_1_na_porta_que_o_sistema_escolheu(servidor):
    gerenciador, _ = servidor
    host, porta = gerenciador.address
    assert host == "127.0.0.1" and porta > 0
    # conferido no sistema operacional: o socket de escuta do processo servidor é o de 127.0.0.1
    escutas = [
        c.laddr
        for c in psutil.Process(gerenciador._process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert escutas and all(laddr.ip == "127.0.0.1" for laddr in escutas)
    assert (host, porta) in [(laddr.ip, laddr.port) for laddr in escutas]


def test_dois_clientes_em_processos_filhos_trocam_hello(servidor):
    gerenciador, chave = servidor
    resultado = multiprocessing.Queue()
    c2 = multiprocessing.Process(target=aula.cliente, args=(gerenciador.address, chave, 2, resultado))
    c1 = multiprocessing.Process(target=aula.cliente, args=(gerenciador.address, chave, 1))
    c2.start()
    c1.start()
    assert resultado.get(timeout=PRAZO) == "hello"
    for c in (c1, c2):
        c.join(timeout=PRAZO)
        assert c.exitcode == 0


def test_a_fila_mora_no_servidor_e_e_a_mesma_para_todos_os_clientes(servidor):
    gerenciador, chave = servidor
    fila_a = aula.conectar(gerenciador.address, chave).get_queue()
    fila_b = aula.conectar(gerenciador.address, chave).get_queue()
    fila_a.put(1)
    fila_a.put(2)
    assert [fila_b.get(timeout=PRAZO), fila_b.get(timeout=PRAZO)] == [1, 2]
    assert aula.obter_fila().qsize() == 0  # a fila deste processo não é a do servidor


def test_chave_errada_e_recusada(servidor):
    gerenciador, chave = servidor
    with pytest.raises(multiprocessing.AuthenticationError):
        aula.conectar(gerenciador.address, b"abc")
    resposta = multiprocessing.Queue()
    p = multiprocessing.Process(target=aula.tentar_conectar, args=(gerenciador.address, b"abc", resposta))
    p.start()
    assert resposta.get(timeout=PRAZO).startswith("recusado: AuthenticationError")
    p.join(timeout=PRAZO)
    assert p.exitcode == 0
    # a recusa não derruba o servidor: a chave certa continua entrando
    aula.conectar(gerenciador.address, chave).get_queue().put("ainda de pé")


def test_cliente_2_sem_mensagem_desiste_no_prazo(servidor, monkeypatch):
    gerenciador, chave = servidor
    monkeypatch.setattr(aula, "PRAZO", 0.3)
    with pytest.raises(queue.Empty):
        aula.cliente(gerenciador.address, chave, 2)


def _porta_livre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _subir_servidor(porta_pedida: int | None) -> tuple[subprocess.Popen, int, str]:
    """Sobe o servidor da linha de comando e devolve-o com a primeira linha que ele mostrou.

    A porta escolhida aqui fica livre por um instante antes de o servidor ocupá-la: outro processo
    da máquina (os outros testes abrem conexões o tempo todo) pode pegá-la nesse meio-tempo. Então
    o servidor sai com "Address already in use", e outra porta é escolhida — o que se confere é
    que o servidor usa a porta pedida, não que uma porta sorteada continue livre."""
    for _ in range(5):
        porta = _porta_livre() if porta_pedida is None else porta_pedida
        srv = subprocess.Popen(
            [*SCRIPT, "servidor", "--porta", str(porta)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=NOTEBOOKS,
        )
        linha = srv.stdout.readline()
        if linha or porta_pedida is not None:
            return srv, porta, linha
        erro = srv.communicate(timeout=PRAZO)[1]
        assert "Address already in use" in erro, erro[-3000:]
    pytest.fail("cinco portas livres seguidas foram ocupadas antes de o servidor subir")


@pytest.mark.parametrize("porta_pedida", [0, None], ids=["porta-0", "porta-escolhida"])
def test_servidor_e_clientes_em_terminais_separados(porta_pedida):
    srv, porta_pedida, endereco = _subir_servidor(porta_pedida)
    try:
        endereco = endereco.split()[-1]
        chave = srv.stdout.readline().split()[-1]
        host, porta = endereco.rsplit(":", 1)
        assert host == "127.0.0.1" and len(bytes.fromhex(chave)) == 32
        if porta_pedida:
            assert int(porta) == porta_pedida

        def rodar(*args):
            return subprocess.run([*SCRIPT, *args], capture_output=True, text=True, timeout=PRAZO, cwd=NOTEBOOKS)

        um = rodar("cliente", "1", "--porta", porta, "--chave", chave)
        dois = rodar("cliente", "2", "--porta", porta, "--chave", chave)
        assert (um.returncode, um.stdout.split()) == (0, ["Fim..."])
        assert (dois.returncode, dois.stdout.split()) == (0, ["hello", "Fim..."])
        errada = rodar("cliente", "1", "--porta", porta, "--chave", "00" * 32)
        assert errada.returncode == 2 and "AuthenticationError" in errada.stderr
    finally:
        srv.terminate()
        srv.wait(timeout=PRAZO)


def test_cliente_sem_servidor_explica_em_portugues():
    # A porta fica ocupada por um socket que não escuta: ninguém mais a pega durante o teste, e a
    # conexão é recusada.
    with socket.socket() as ocupada:
        ocupada.bind(("127.0.0.1", 0))
        saida = subprocess.run(
            [*SCRIPT, "cliente", "1", "--porta", str(ocupada.getsockname()[1]), "--chave", "ab" * 32],
            capture_output=True, text=True, timeout=PRAZO, cwd=NOTEBOOKS,
        )
    assert saida.returncode == 3 and "ninguém escutando" in saida.stderr
