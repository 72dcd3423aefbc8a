"""Funções da aula 07 que rodam em processos filhos: objetos de um Manager vistos por proxies."""

from __future__ import annotations

import random
import time
from multiprocessing import current_process


def modify_data(counter, results, objs, lock) -> None:
    """O exemplo do notebook original: incrementa o contador, sorteia um booleano e guarda o quadrado.

    Tudo acontece com a trava: as três estruturas mudam juntas, sem outro processo no meio.
    Devolve a linha do relatório por ``results`` (uma lista do Manager) em vez de só imprimir.
    """
    with lock:
        counter.value = counter.value + 1
        objs[f"{counter.value}^2"] = counter.value**2
        results.append((current_process().name, counter.value, random.choice([True, False])))


def worker(itens, item) -> None:
    """O exemplo dos slides, sem sombrear o ``list`` do Python: um pouco de trabalho e um append."""
    x = 0
    for _ in range(10_000):
        x += 1
    itens.append(item)


def incrementar_proxy(valor, trava, repeticoes: int) -> None:
    """Incrementa um Value do Manager (cada acesso é uma ida e volta ao servidor)."""
    for _ in range(repeticoes):
        with trava:
            valor.value += 1


def incrementar_value(valor, repeticoes: int) -> None:
    """Incrementa um multiprocessing.Value (memória compartilhada de verdade)."""
    for _ in range(repeticoes):
        with valor.get_lock():
            valor.value += 1


def anexar_em_sublista_errado(listas, indice: int, item) -> None:
    """Armadilha: ``listas[indice]`` traz uma CÓPIA da sublista; o append muda só a cópia."""
    listas[indice].append(item)


def anexar_em_sublista_certo(listas, trava, indice: int, item) -> None:
    """Correção: ler a sublista, mudar e reatribuir (``__setitem__`` vai ao servidor)."""
    with trava:
        sub = listas[indice]
        sub.append(item)
        listas[indice] = sub


def cronometrar(funcao, *args) -> float:
    """Segundos que ``funcao(*args)`` levou."""
    inicio = time.perf_counter()
    funcao(*args)
    return time.perf_counter() - inicio
