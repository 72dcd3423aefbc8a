"""BaseManager como servidor de uma fila, com clientes, pela rede (aula 08).

Também é um script, para rodar em dois ou três terminais::

    python aula08_basemanager.py servidor                       # mostra porta e chave
    python aula08_basemanager.py cliente 1 --porta P --chave K  # põe 'hello' na fila
    python aula08_basemanager.py cliente 2 --porta P --chave K  # tira e mostra a mensagem
"""

from __future__ import annotations

import argparse
import queue
import secrets
import sys
from multiprocessing import AuthenticationError
from multiprocessing.managers import BaseManager

#: Só a própria máquina. Os slides usavam '' (todas as interfaces): qualquer computador da rede
#: poderia se conectar — e a conexão desserializa (unpickle) o que recebe.
HOST = "127.0.0.1"

#: A fila compartilhada. Cada processo que importa o módulo tem a sua, mas só a do processo
#: servidor é usada: os clientes recebem um proxy para ela. Criá-la na importação é só o jeito mais
#: simples; criar na primeira chamada de ``obter_fila`` também seria seguro. O servidor atende cada
#: conexão numa thread, mas chama o ``callable`` registrado dentro de ``Server.create``, que segura um
#: mutex: duas primeiras chamadas simultâneas são feitas uma depois da outra, e a segunda já encontra
#: a fila criada (é o que o exercício do chat faz, com uma caixa de entrada por participante).
_fila: queue.Queue = queue.Queue()


def obter_fila() -> queue.Queue:
    """A fila que mora no processo servidor. Função de módulo (não lambda), para o pickle achá-la."""
    return _fila


class GerenciadorServidor(BaseManager):
    """Lado do servidor: sabe criar a fila."""


GerenciadorServidor.register("get_queue", callable=obter_fila)


class GerenciadorCliente(BaseManager):
    """Lado do cliente: só conhece o nome; quem cria a fila é o servidor."""


GerenciadorCliente.register("get_queue")


def nova_chave() -> bytes:
    """Chave aleatória de 32 bytes (nada de b'abc': uma chave adivinhável não protege nada)."""
    return secrets.token_bytes(32)


def iniciar_servidor(chave: bytes, porta: int = 0) -> GerenciadorServidor:
    """Sobe o servidor num processo filho, em 127.0.0.1; porta 0 = o sistema escolhe uma livre.

    O endereço de verdade fica em ``gerenciador.address``. Encerre com ``gerenciador.shutdown()``.
    """
    gerenciador = GerenciadorServidor(address=(HOST, porta), authkey=chave)
    gerenciador.start()
    return gerenciador


def conectar(endereco: tuple[str, int], chave: bytes) -> GerenciadorCliente:
    """Conecta ao servidor; com a chave errada, levanta ``multiprocessing.AuthenticationError``."""
    cliente = GerenciadorCliente(address=tuple(endereco), authkey=chave)
    cliente.connect()
    return cliente


#: Prazo (segundos) do cliente 2 esperando a mensagem: nenhuma espera é infinita.
PRAZO = 30.0


def cliente(endereco: tuple[str, int], chave: bytes, papel: int, resultado=None) -> str | None:
    """Os clientes dos slides: o papel 1 põe 'hello' na fila; o papel 2 tira (com prazo) e devolve."""
    fila = conectar(endereco, chave).get_queue()
    if papel == 1:
        fila.put("hello")
        return None
    mensagem = fila.get(timeout=PRAZO)
    if resultado is not None:
        resultado.put(mensagem)
    return mensagem


def tentar_conectar(endereco: tuple[str, int], chave: bytes, resultado) -> None:
    """Tenta conectar e conta ao pai o que aconteceu (para mostrar a recusa de uma chave errada)."""
    try:
        conectar(endereco, chave)
        resultado.put("conectou")
    except AuthenticationError as erro:
        resultado.put(f"recusado: AuthenticationError ({erro})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fila compartilhada por um BaseManager em 127.0.0.1.")
    sub = parser.add_subparsers(dest="comando", required=True)
    srv = sub.add_parser("servidor", help="sobe o servidor e espera conexões")
    srv.add_argument("--porta", type=int, default=0, help="0 = o sistema escolhe (padrão)")
    cli = sub.add_parser("cliente", help="1 põe 'hello' na fila; 2 tira e mostra")
    cli.add_argument("papel", type=int, choices=[1, 2])
    cli.add_argument("--porta", type=int, required=True)
    cli.add_argument("--chave", required=True, help="a chave em hexadecimal que o servidor mostrou")
    args = parser.parse_args(argv)

    if args.comando == "servidor":
        chave = nova_chave()
        gerenciador = GerenciadorServidor(address=(HOST, args.porta), authkey=chave)
        servidor = gerenciador.get_server()
        print(f"Servidor em {servidor.address[0]}:{servidor.address[1]}", flush=True)
        print(f"Chave: {chave.hex()}", flush=True)
        print("Ctrl+C encerra.", flush=True)
        servidor.serve_forever()
        return 0
    try:
        chave = bytes.fromhex(args.chave)
    except ValueError:
        parser.error("--chave precisa ser o hexadecimal que o servidor mostrou")
    try:
        mensagem = cliente((HOST, args.porta), chave, args.papel)
    except AuthenticationError:
        print("AuthenticationError: o servidor recusou a chave (confira o --chave)", file=sys.stderr)
        return 2
    except ConnectionRefusedError:
        print(f"ninguém escutando em {HOST}:{args.porta} (o servidor está rodando?)", file=sys.stderr)
        return 3
    if mensagem is not None:
        print(mensagem)
    print("Fim...")
    return 0


if __name__ == "__main__":  # com spawn, o servidor e os clientes importam este módulo
    sys.exit(main())
