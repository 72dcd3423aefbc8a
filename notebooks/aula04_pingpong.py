"""Ping-pong bidirecional com Pipe e Event (aula 04), sem ``input()`` obrigatório.

No notebook a conversa vem de um roteiro (uma lista de mensagens). No terminal ela pode ser
digitada::

    python aula04_pingpong.py --interativo
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing import Pipe, Process, current_process

SAIR = "sair"

ROTEIRO_PADRAO = [
    ("ping", "Olá pong"),
    ("pong", "Olá ping"),
    ("ping", "Como está seu dia pong?"),
    ("pong", "Tudo tranquilo ping, e o seu?"),
    ("ping", "está ótimo, também"),
    ("pong", "que bom"),
    ("ping", SAIR),
]


def jogador(conexao, parar, intervalo: float = 0.1) -> None:
    """Um só código para ping e pong (no original eram duas cópias idênticas).

    Recebe do pai a mensagem a enviar, "envia" (devolve ao pai, que faz o papel da rede) e repete
    até receber ``sair`` ou o evento ``parar`` ser ligado. ``poll(intervalo)`` em vez de um
    ``recv()`` que bloqueia para sempre: assim o processo olha o evento de tempos em tempos.
    """
    nome = current_process().name
    while not parar.is_set():
        if not conexao.poll(intervalo):
            continue
        mensagem = conexao.recv()
        if mensagem.lower() == SAIR:
            conexao.send((nome, SAIR))
            break
        conexao.send((nome, mensagem))
    conexao.close()


def ouvinte_sem_prazo(conexao, parar, pronto=None) -> None:
    """O laço do notebook original: olha o evento e depois fica em ``recv()``, sem prazo.

    Enquanto ninguém manda nada, o processo está dentro de ``recv()`` e não volta a olhar ``parar``.
    ``pronto`` (opcional) é ligado depois de olhar o evento e antes do ``recv()``: daí em diante o
    filho já não vê o evento.
    """
    while not parar.is_set():
        if pronto is not None:
            pronto.set()
        if conexao.recv() == SAIR:
            break
    conexao.close()


def _jogador_avisando(conexao, parar, pronto) -> None:
    """``jogador``, ligando ``pronto`` antes de começar a esperar."""
    pronto.set()
    jogador(conexao, parar)


def event_acorda_recv(prazo: float = 1.0) -> dict[str, object]:
    """Liga o ``Event`` de parada para dois filhos: um preso em ``recv()``, outro esperando com ``poll``.

    Devolve, para cada um, se ainda estava vivo ``prazo`` segundos depois do ``set()`` e em quanto
    tempo terminou. O preso em ``recv()`` só sai quando recebe ``sair`` pelo pipe.
    """
    parar = multiprocessing.Event()
    resultado: dict[str, object] = {}
    for nome, alvo in (("recv() sem prazo", ouvinte_sem_prazo), ("poll(0.1) + evento", _jogador_avisando)):
        lado_pai, lado_filho = Pipe()
        pronto = multiprocessing.Event()
        p = Process(target=alvo, args=(lado_filho, parar, pronto), name=nome)
        p.start()
        # O filho já está esperando (com a máquina ocupada, iniciar um filho pode levar mais de 1 s:
        # um tempo fixo aqui às vezes ligava o evento antes de o filho chegar ao recv()).
        if not pronto.wait(timeout=60):
            p.kill()
            raise RuntimeError(f"o filho {nome!r} não começou em 60 s")
        inicio = time.monotonic()
        parar.set()
        p.join(timeout=prazo)
        vivo = p.is_alive()
        if vivo:
            lado_pai.send(SAIR)  # o que de fato o tira do recv()
            p.join(timeout=30)
        resultado[nome] = {"vivo_depois_do_prazo": vivo, "terminou_em": time.monotonic() - inicio}
        lado_pai.close()
        parar.clear()
    return resultado


def _mensagens(fonte: Iterable[tuple[str, str]] | Callable[[str], str], nomes: tuple[str, str]) -> Iterator[tuple[str, str]]:
    """Normaliza a fonte: uma lista de (quem, mensagem) ou uma função que pergunta a mensagem de cada um."""
    if callable(fonte):
        while True:
            for nome in nomes:
                yield nome, fonte(nome)
    else:
        yield from fonte


def conversar(fonte=ROTEIRO_PADRAO, prazo: float = 10.0) -> list[str]:
    """Conduz o ping-pong e devolve a transcrição, na ordem em que as mensagens foram enviadas.

    ``fonte`` é a lista de (jogador, mensagem) do roteiro ou uma função ``f(nome) -> mensagem``
    (por exemplo, uma que chama ``input``). ``sair`` de qualquer lado encerra os dois.
    """
    parar = multiprocessing.Event()
    conexoes, processos = {}, {}
    for nome in ("ping", "pong"):
        lado_pai, lado_filho = Pipe()  # duplex: os dois lados enviam e recebem
        conexoes[nome] = lado_pai
        processos[nome] = Process(name=nome, target=jogador, args=(lado_filho, parar))
        processos[nome].start()
        lado_filho.close()  # o pai não usa a ponta do filho
    transcricao = []
    try:
        for nome, mensagem in _mensagens(fonte, ("ping", "pong")):
            conexoes[nome].send(mensagem)
            if not conexoes[nome].poll(prazo):
                raise TimeoutError(f"{nome} não respondeu em {prazo} s")
            quem, enviada = conexoes[nome].recv()
            transcricao.append(f"Processo {quem} enviou: {enviada}")
            if enviada.lower() == SAIR:
                outro = "pong" if nome == "ping" else "ping"
                conexoes[outro].send(SAIR)  # avisa o outro lado: os dois terminam
                transcricao.append(f"Processo {outro} encerrou porque {nome} saiu")
                break
    finally:
        parar.set()  # se algo deu errado, o evento tira os dois do laço
        for proc in processos.values():
            proc.join(timeout=prazo)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        for con in conexoes.values():
            con.close()
    return transcricao


def _perguntar(nome: str) -> str:
    return input(f"Digite uma mensagem para {nome} enviar (ou '{SAIR}' para terminar): ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ping-pong entre dois processos com Pipe e Event.")
    parser.add_argument("--interativo", action="store_true", help="digitar as mensagens no terminal")
    args = parser.parse_args(argv)
    fonte = _perguntar if args.interativo else ROTEIRO_PADRAO
    for linha in conversar(fonte, prazo=60.0):
        print(linha)
    print("Ping Pong concluído.")
    return 0


if __name__ == "__main__":  # sem isto, com spawn cada filho rodaria main() de novo ao importar o módulo
    raise SystemExit(main())
