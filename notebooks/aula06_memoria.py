"""Funções da aula 06 que rodam em processos filhos: Value e Array, com e sem trava."""

from __future__ import annotations

import time


def soma(n, repeticoes: int, usar_trava: bool = True) -> None:
    """Soma 1 a ``n.value`` ``repeticoes`` vezes (com ``get_lock()`` ou sem, para ver a corrida)."""
    for _ in range(repeticoes):
        if usar_trava:
            with n.get_lock():
                n.value += 1
        else:
            n.value += 1


def subtracao(n, repeticoes: int, usar_trava: bool = True) -> None:
    """Subtrai 1 de ``n.value`` ``repeticoes`` vezes."""
    for _ in range(repeticoes):
        if usar_trava:
            with n.get_lock():
                n.value -= 1
        else:
            n.value -= 1


def incremento_lento(n, repeticoes: int, usar_trava: bool) -> None:
    """``+=`` escrito em dois passos, com uma pausa no meio: é o que o ``+=`` faz, só que devagar.

    Ler e escrever são duas operações; entre elas outro processo pode escrever, e uma das
    escritas se perde. A pausa (``sleep(0)`` cede a CPU) torna a janela maior e a corrida visível.
    """
    for _ in range(repeticoes):
        if usar_trava:
            with n.get_lock():
                atual = n.value
                time.sleep(0)
                n.value = atual + 1
        else:
            atual = n.value
            time.sleep(0)
            n.value = atual + 1


def soma_vetor(vet, repeticoes: int) -> None:
    """O exemplo dos slides com Array: soma 1 a cada posição, ``repeticoes`` vezes."""
    for a in range(len(vet)):
        for _ in range(repeticoes):
            with vet.get_lock():
                vet[a] += 1


def subtracao_vetor(vet, repeticoes: int) -> None:
    """Corrigido: no slide, ``subtracao(n)`` recebia ``n`` mas usava ``vet``, um nome que não recebeu."""
    for a in range(len(vet)):
        for _ in range(repeticoes):
            with vet.get_lock():
                vet[a] -= 1


def preencher_fatia(vet, inicio: int, fim: int, valor: int) -> None:
    """Cada processo escreve só na sua fatia: sem sobreposição não há corrida, nem precisa de trava."""
    for i in range(inicio, fim):
        vet[i] = valor


def rodar_contadores(processos: int, repeticoes: int, usar_trava: bool, lento: bool = True) -> int:
    """Roda ``processos`` incrementadores num Value compartilhado e devolve o total final."""
    from multiprocessing import Process, Value

    contador = Value("i", 0)
    alvo = incremento_lento if lento else soma
    filhos = [Process(target=alvo, args=(contador, repeticoes, usar_trava)) for _ in range(processos)]
    for p in filhos:
        p.start()
    for p in filhos:
        p.join(timeout=120)
    return contador.value
