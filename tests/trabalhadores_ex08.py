"""Funções de módulo que os testes da sonda Condition (autograder/sondas_ex08.py) rodam no executor."""

from __future__ import annotations

import multiprocessing


def acessos(condicao, valor) -> int:
    """Uma escrita com a condição (e a trava reentrante: duas voltas), uma sem, uma com get_lock()."""
    with condicao, condicao:
        valor.value += 1
    valor.value += 1
    with valor.get_lock():
        valor.value += 1
    return valor.value


def _esperar(condicao, valor, saida):
    with condicao:
        saida.put(condicao.wait_for(lambda: valor.value > 0, timeout=10))


def espera_e_aviso(condicao, valor) -> bool:
    """Um filho espera (wait_for com prazo) até o pai mudar o valor e avisar com notify_all()."""
    saida = multiprocessing.Queue()
    filho = multiprocessing.Process(target=_esperar, args=(condicao, valor, saida))
    filho.start()
    while condicao.esperando_agora() == 0:
        pass
    with condicao:
        valor.value = 5
        condicao.notify_all()
    resposta = saida.get(timeout=10)
    filho.join(timeout=10)
    return resposta


def notify_sem_trava(condicao) -> str:
    try:
        condicao.notify()
    except AssertionError:
        return "recusou"
    return "aceitou"
