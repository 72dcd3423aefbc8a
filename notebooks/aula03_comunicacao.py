"""Funções da aula 03 que rodam em processos filhos: mensagens por Pipe e por Queue."""

from __future__ import annotations

import time
from multiprocessing import current_process

#: Valor combinado para avisar "acabou": quem recebe para de ler ao vê-lo.
FIM = None


def enviar_pelo_pipe(conexao, mensagem: str = "Hello") -> None:
    """Lado que envia de um Pipe(duplex=False): só pode chamar ``send``."""
    conexao.send((current_process().name, mensagem))
    conexao.close()


def receber_do_pipe(conexao, resposta) -> None:
    """Lado que recebe: lê uma mensagem e devolve, por ``resposta``, quem recebeu o quê."""
    remetente, mensagem = conexao.recv()
    resposta.send(f"{current_process().name} recebeu de {remetente}: {mensagem} World")
    resposta.close()


def enviar_pela_fila(fila, mensagem: str = "Hello") -> None:
    """Põe uma mensagem na fila, com o nome de quem enviou."""
    fila.put((current_process().name, mensagem))


def receber_da_fila(fila, resultados) -> None:
    """Tira uma mensagem da fila (espera no máximo 10 s) e registra quem recebeu o quê."""
    remetente, mensagem = fila.get(timeout=10)
    resultados.put(f"{current_process().name} recebeu de {remetente}: {mensagem} World")


def funcao(q) -> None:
    """O exemplo dos slides: cada processo põe uma lista com seu nome na fila."""
    nome_processo = current_process().name
    q.put([nome_processo, 42, None, "hello"])


def funcao_demorada(q, atraso: float) -> None:
    """Como ``funcao``, mas espera ``atraso`` segundos antes de pôr: um filho lento (ou uma máquina ocupada)."""
    time.sleep(atraso)
    funcao(q)


def quadrados(con) -> None:
    """O exemplo dos slides com Pipe duplex: recebe uma lista e devolve os quadrados."""
    lista = con.recv()
    con.send([n * n for n in lista])
    con.close()


def produtor(fila, itens: list, consumidores: int = 1) -> None:
    """Põe os itens na fila e, no fim, um FIM para cada consumidor."""
    for item in itens:
        fila.put(item)
    for _ in range(consumidores):
        fila.put(FIM)


def consumidor(fila, resultados) -> None:
    """Lê até encontrar FIM; devolve a soma do que leu. Nada de ``empty()``: só o FIM diz que acabou."""
    soma = 0
    while (item := fila.get(timeout=10)) is not FIM:
        soma += item
    resultados.put((current_process().name, soma))


def despejar(fila, tamanho: int) -> None:
    """Põe na fila um objeto grande (``tamanho`` bytes) e termina."""
    fila.put(b"x" * tamanho)
