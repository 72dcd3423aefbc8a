"""Funções da aula 06 que rodam em processos filhos: Value e Array, com e sem trava, e a corrida."""

from __future__ import annotations

import time
from multiprocessing import Array, Process, Value

from aula05_sincronizacao import PRAZO, iniciar_e_esperar

__all__ = [
    "PRAZO",
    "iniciar_e_esperar",
    "incremento_lento",
    "preencher_fatia",
    "rodar_contadores",
    "rodar_soma_e_subtracao",
    "rodar_vetor",
    "soma",
    "soma_vetor",
    "subtracao",
    "subtracao_do_slide",
    "subtracao_vetor",
]


# --------------------------------------------------------------------------------------------------
# Value: o exemplo dos slides, corrigido
# --------------------------------------------------------------------------------------------------


def soma(n, repeticoes: int, usar_trava: bool = True) -> None:
    """Soma 1 a ``n.value`` ``repeticoes`` vezes; com ``usar_trava=False``, sem ``get_lock()`` (corrida!)."""
    for _ in range(repeticoes):
        if usar_trava:
            with n.get_lock():
                n.value += 1
        else:
            n.value += 1  # lê (com a trava interna), solta, soma, escreve (com a trava de novo)


def subtracao(n, repeticoes: int, usar_trava: bool = True) -> None:
    """Subtrai 1 de ``n.value`` ``repeticoes`` vezes."""
    for _ in range(repeticoes):
        if usar_trava:
            with n.get_lock():
                n.value -= 1
        else:
            n.value -= 1


def rodar_soma_e_subtracao(repeticoes: int, usar_trava: bool, prazo: float = PRAZO) -> int:
    """O programa dos slides: um processo soma, outro subtrai; devolve o valor final (o certo é 0)."""
    num = Value("i", 0)
    iniciar_e_esperar(
        [Process(target=soma, args=(num, repeticoes, usar_trava)), Process(target=subtracao, args=(num, repeticoes, usar_trava))],
        prazo=prazo,
    )
    return num.value


# --------------------------------------------------------------------------------------------------
# A corrida, com a janela alargada
# --------------------------------------------------------------------------------------------------


def incremento_lento(n, repeticoes: int, usar_trava: bool) -> None:
    """``n.value += 1`` escrito em dois passos, com uma pausa no meio: é o que o ``+=`` faz, só que devagar.

    Ler e escrever são duas operações; entre elas outro processo pode escrever, e uma das escritas
    se perde. ``sleep(0)`` cede a CPU a outro processo: a janela entre ler e escrever fica maior, e
    a corrida, fácil de ver. Com ``usar_trava=True``, a trava envolve os dois passos.
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


def rodar_contadores(processos: int, repeticoes: int, usar_trava: bool, lento: bool = True, prazo: float = PRAZO) -> int:
    """Roda ``processos`` incrementadores num mesmo ``Value('i')`` e devolve o total final.

    O total certo é ``processos * repeticoes``; sem trava, costuma ficar abaixo.
    """
    contador = Value("i", 0)
    alvo = incremento_lento if lento else soma
    iniciar_e_esperar([Process(target=alvo, args=(contador, repeticoes, usar_trava)) for _ in range(processos)], prazo=prazo)
    return contador.value


# --------------------------------------------------------------------------------------------------
# Array: o exemplo dos slides
# --------------------------------------------------------------------------------------------------


def soma_vetor(vet, repeticoes: int) -> None:
    """Soma 1 a cada posição do vetor, ``repeticoes`` vezes, com a trava do vetor."""
    for a in range(len(vet)):
        for _ in range(repeticoes):
            with vet.get_lock():
                vet[a] += 1


def subtracao_vetor(vet, repeticoes: int) -> None:
    """Corrigido: recebe o vetor como parâmetro e usa o que recebeu."""
    for a in range(len(vet)):
        for _ in range(repeticoes):
            with vet.get_lock():
                vet[a] -= 1


def subtracao_do_slide(n, repeticoes: int) -> None:
    """O defeito do slide, reproduzido de propósito: recebe ``n``, mas percorre ``vet``.

    ``vet`` não é parâmetro: é procurado entre os globais do módulo. No slide, era um global do
    ``__main__`` do script; com ``fork`` o filho é uma cópia do pai e o encontra (por acaso). Com
    ``spawn``/``forkserver`` o filho importa o módulo de novo, ``vet`` não existe: ``NameError``.
    """
    for a in range(len(vet)):  # noqa: F821  <- vet não é parâmetro: é este o defeito
        for _ in range(repeticoes):
            with vet.get_lock():  # noqa: F821
                vet[a] -= 1  # noqa: F821


def rodar_vetor(tamanho_vetor: int, repeticoes: int, prazo: float = PRAZO) -> list[int]:
    """O programa do slide do Array, corrigido: devolve o vetor final (o certo é só zeros)."""
    vet = Array("i", [0 for _ in range(tamanho_vetor)], lock=True)
    iniciar_e_esperar(
        [Process(target=soma_vetor, args=(vet, repeticoes)), Process(target=subtracao_vetor, args=(vet, repeticoes))],
        prazo=prazo,
    )
    return list(vet)


def preencher_fatia(vet, inicio: int, fim: int, valor: int) -> None:
    """Escreve ``valor`` em ``vet[inicio:fim]``. Cada processo com a sua fatia: sem disputa, sem trava."""
    for i in range(inicio, fim):
        vet[i] = valor
