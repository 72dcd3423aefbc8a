"""Roteiros do exercício 08 (buffer limitado): rodam no executor, importam o módulo do aluno pelo nome
e usam o ``BufferLimitado`` dele em situações arranjadas (buffer cheio, buffer vazio, alguém esperando).

Devolvem só dados simples (o que aconteceu e os instantes que delimitam cada operação); quem confere
é :mod:`autograder.verificacoes_ex08`, com os eventos das sondas. Nenhum roteiro contém a resposta.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import sys
import time

from autograder import _executor, sondas

#: Quanto o roteiro espera o processo filho chegar ao wait (ou mostrar que não vai esperar).
ESPERA_PELO_FILHO = 20.0
#: Quantas vezes o filho pode pegar e soltar a trava sem esperar até o roteiro concluir que ele não espera.
OLHADAS = 20


def _modulo(nome: str):
    return _executor._importar({"pasta": os.getcwd(), "modulo": nome})


def _buffer(nome, condicao, itens, inicio, quantidade):
    return _modulo(nome).BufferLimitado(condicao, itens, inicio, quantidade)


def sequencias(nome: str, casos: list) -> list:
    """Parte A: cada caso é ``(condicao, itens, inicio, quantidade, operacoes)``; devolve os resultados de cada um."""
    return [sequencia(nome, *caso) for caso in casos]


def esperas(nome: str, casos: list) -> list:
    """Parte B: cada caso é ``("prazo", lado, segundos, partes)`` ou ``("acordar", lado, partes)``, com
    ``partes = (condicao, itens, inicio, quantidade)``; devolve o resultado de cada um."""
    resultados = []
    for caso in casos:
        if caso[0] == "prazo":
            _, lado, segundos, partes = caso
            resultados.append(prazo(nome, *partes, lado, segundos))
        elif caso[0] == "dois":
            _, lado, partes = caso
            resultados.append(dois(nome, *partes, lado))
        else:
            _, lado, partes = caso
            resultados.append(acordar(nome, *partes, lado))
    return resultados


def sequencia(nome: str, condicao, itens, inicio, quantidade, operacoes: list) -> list:
    """Parte A: num processo só, faz as ``operacoes`` (("colocar", x), ("retirar",), ("quantos",)),
    que nunca encontram o buffer cheio ou vazio; devolve o que cada uma devolveu."""
    buf = _buffer(nome, condicao, itens, inicio, quantidade)
    resultados = []
    for op in operacoes:
        if op[0] == "colocar":
            buf.colocar(op[1])
            resultados.append(None)
        elif op[0] == "retirar":
            resultados.append(buf.retirar())
        else:
            resultados.append(buf.quantos())
    return resultados


def prazo(nome: str, condicao, itens, inicio, quantidade, lado: str, segundos: float) -> dict:
    """Parte B: enche (lado "colocar") ou deixa vazio (lado "retirar") o buffer e chama a operação
    que não pode acontecer, com ``prazo=segundos``. Devolve o que aconteceu e os instantes."""
    buf = _buffer(nome, condicao, itens, inicio, quantidade)
    if lado == "colocar":
        for i in range(len(itens)):
            buf.colocar(100 + i)
    t0 = time.monotonic_ns()
    try:
        devolveu = buf.colocar(999, prazo=segundos) if lado == "colocar" else buf.retirar(prazo=segundos)
        resultado = f"voltou normalmente (devolveu {devolveu!r})"
    except TimeoutError:
        resultado = "TimeoutError"
    except Exception as erro:  # noqa: BLE001 - qualquer outra coisa é relatada ao aluno
        resultado = f"levantou {type(erro).__name__}: {erro}"
    t1 = time.monotonic_ns()
    return {"resultado": resultado, "marcas": (t0, t1), "pid": os.getpid()}


def _no_filho(buf, lado: str, item, saida) -> None:
    try:
        if lado == "colocar":
            buf.colocar(item)
            saida.put(("ok", None))
        else:
            saida.put(("ok", buf.retirar()))
    except BaseException as erro:  # noqa: BLE001
        saida.put(("erro", f"{type(erro).__name__}: {erro}"))


def _eventos(condicao) -> list[dict]:
    """Todos os eventos já anotados no diário da sonda (linhas cortadas ficam de fora)."""
    return condicao._diario.ler(sys.maxsize)[0]


def acordar(nome: str, condicao, itens, inicio, quantidade, lado: str) -> dict:
    """Parte B: com o buffer cheio (lado "colocar") ou vazio (lado "retirar"), um processo filho chama
    a operação e fica esperando; o roteiro espera vê-lo parado no wait (ou vê-lo pegar e soltar a trava
    sem esperar) e então faz a operação contrária, que tem de acordá-lo."""
    buf = _buffer(nome, condicao, itens, inicio, quantidade)
    if lado == "colocar":
        for i in range(len(itens)):
            buf.colocar(100 + i)
    saida = multiprocessing.Queue()
    filho = multiprocessing.Process(target=_no_filho, args=(buf, lado, 999 if lado == "colocar" else None, saida))
    filho.start()
    sondas.esperar_ate(lambda: not filho.is_alive() or condicao.esperando_agora() > 0
                       or sum(1 for e in _eventos(condicao) if e["pid"] == filho.pid and e["op"] == "adquirir") >= OLHADAS,
                       ESPERA_PELO_FILHO)
    esperando = condicao.esperando_agora()
    t0 = time.monotonic_ns()
    devolveu = buf.retirar() if lado == "colocar" else buf.colocar(777)
    t1 = time.monotonic_ns()
    avisou = any(e["op"] in ("notify", "notify_all") and e["pid"] == os.getpid() and t0 <= e["t"] <= t1
                 for e in _eventos(condicao))
    resposta = None
    if avisou or not esperando:
        with contextlib.suppress(queue.Empty):
            resposta = saida.get(timeout=15)
    filho.join(timeout=5 if resposta else 0.5)
    terminou = not filho.is_alive()
    if not terminou:
        filho.kill()
        filho.join(timeout=5)
    return {"pid_filho": filho.pid, "marcas": (t0, t1), "esperando": esperando, "avisou": avisou,
            "filho": resposta, "terminou": terminou, "devolveu": devolveu}


def dois(nome: str, condicao, itens, inicio, quantidade, lado: str) -> dict:
    """Parte B: com o buffer cheio (lado "colocar") ou vazio ("retirar"), DOIS processos filhos chamam a
    operação e ficam esperando; o roteiro espera os dois parados no wait e abre UMA vaga (ou põe UM
    item): o notify_all() acorda os dois, e só um pode seguir — o outro tem de conferir o buffer de novo
    e voltar a esperar. Depois o roteiro abre a segunda vaga (ou põe o segundo item) para ele terminar."""
    buf = _buffer(nome, condicao, itens, inicio, quantidade)
    if lado == "colocar":
        for i in range(len(itens)):
            buf.colocar(100 + i)
    saida = multiprocessing.Queue()
    filhos = [multiprocessing.Process(target=_no_filho, args=(buf, lado, 900 + k if lado == "colocar" else None, saida))
              for k in range(2)]
    for filho in filhos:
        filho.start()
    sondas.esperar_ate(lambda: condicao.esperando_agora() >= 2 or not all(f.is_alive() for f in filhos), ESPERA_PELO_FILHO)
    esperaram = condicao.esperando_agora()
    t0 = time.monotonic_ns()
    respostas = []

    def contraria(k: int) -> None:
        if lado == "colocar":
            buf.retirar()
        else:
            buf.colocar(777 + k)

    dormiam = {e["pid"] for e in _eventos(condicao) if e["op"] == "esperando" and e["t"] < t0}
    contraria(0)
    with contextlib.suppress(queue.Empty):
        respostas.append(saida.get(timeout=15))
    # Cada filho que esperava anota "acordou" já com a trava de volta e decide antes de soltá-la (espera
    # de novo, ou segue sem conferir). Só depois disso a segunda vaga (o segundo item) abre: antes, o
    # roteiro olhava esperando_agora(), que o filho acordado só desconta DEPOIS de pegar a trava — um
    # filho lento em pegá-la (máquina carregada, forkserver) ainda contava como esperando, a segunda vaga
    # abria e ele seguia com razão: um if no lugar do while chegou a tirar 3/3 aqui.
    def acordaram() -> bool:
        acordados = {e["pid"] for e in _eventos(condicao) if e["op"] == "acordou" and e["t"] >= t0}  # um diário lido por volta
        return all(f.pid not in dormiam or not f.is_alive() or f.pid in acordados for f in filhos)

    sondas.esperar_ate(acordaram, ESPERA_PELO_FILHO)
    contraria(1)
    with contextlib.suppress(queue.Empty):
        respostas.append(saida.get(timeout=15))
    t1 = time.monotonic_ns()
    for filho in filhos:
        filho.join(timeout=5)
        if filho.is_alive():
            filho.kill()
            filho.join(timeout=5)
    return {"pids": [f.pid for f in filhos], "esperaram": esperaram, "marcas": (t0, t1), "respostas": respostas}


def _produzir_no_filho(produtor, buf, lote, saida) -> None:
    try:
        produtor(buf, lote)
        saida.put(("ok", None))
    except BaseException as erro:  # noqa: BLE001
        saida.put(("erro", f"{type(erro).__name__}: {erro}"))


def despertar(nome: str, condicao, itens, inicio, quantidade) -> dict:
    """Parte C: com o buffer cheio, um processo filho roda o ``produtor`` do aluno com um item e fica
    parado no wait. O roteiro, com a condição segura e SEM abrir vaga, chama ``notify_all()`` — o que
    acontece no programa de verdade quando um produtor coloca um item e avisa todos: os outros
    produtores acordam com o buffer ainda cheio. Depois espera o filho voltar do wait (ele volta
    segurando a trava, e então decide: confere o buffer e espera de novo, ou coloca sem conferir) e só
    então abre a vaga, para o filho terminar. Nada depende do escalonador: entre o aviso e a decisão do
    filho, ninguém mais mexe no buffer. Sem ``produtor`` ou ``BufferLimitado`` que se construa, não roda
    (devolve ``{"pulou": ...}``): a produção de verdade, logo depois, diz o que falta."""
    modulo = _modulo(nome)
    try:
        buf = modulo.BufferLimitado(condicao, itens, inicio, quantidade)
        produtor = modulo.produtor
    except Exception as erro:  # noqa: BLE001 - sem produtor ou sem buffer, a produção de verdade diz o quê
        return {"pulou": f"{type(erro).__name__}: {erro}"}
    capacidade = len(itens)
    with condicao:  # enche o buffer (como o enunciado o define), sem depender do colocar do aluno
        for k in range(capacidade):
            itens[k] = 100 + k
        inicio.value = 0
        quantidade.value = capacidade
    saida = multiprocessing.Queue()
    filho = multiprocessing.Process(target=_produzir_no_filho, args=(produtor, buf, [900], saida))
    filho.start()
    sondas.esperar_ate(lambda: not filho.is_alive() or condicao.esperando_agora() > 0
                       or sum(1 for e in _eventos(condicao) if e["pid"] == filho.pid and e["op"] == "adquirir") >= OLHADAS,
                       ESPERA_PELO_FILHO)
    with condicao:  # o aviso sem vaga: o buffer continua cheio
        esperavam = condicao.esperando_agora()
        t_aviso = time.monotonic_ns()
        condicao.notify_all()
    voltou = None
    if esperavam:
        # O filho anota "acordou" já com a trava de volta: daqui até ele soltá-la (esperando de novo ou
        # depois de colocar), o buffer é o que ele viu ao acordar — cheio.
        voltou = sondas.esperar_ate(lambda: not filho.is_alive() or any(
            e["pid"] == filho.pid and e["op"] == "acordou" and e["t"] >= t_aviso for e in _eventos(condicao)),
            ESPERA_PELO_FILHO)
    with condicao:  # abre a vaga (tira o mais antigo) e avisa
        inicio.value = (inicio.value + 1) % capacidade
        quantidade.value -= 1
        condicao.notify_all()
    resposta = None
    with contextlib.suppress(queue.Empty):
        resposta = saida.get(timeout=15)
    filho.join(timeout=5)
    if filho.is_alive():
        filho.kill()
        filho.join(timeout=5)
    return {"pid_filho": filho.pid, "esperavam": esperavam, "t_aviso": t_aviso, "voltou": voltou, "filho": resposta}
