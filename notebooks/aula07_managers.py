"""Funções da aula 07 que rodam em processos filhos: objetos de um Manager usados por meio de proxies."""

from __future__ import annotations

import random
import time
from multiprocessing import current_process

from aula05_sincronizacao import PRAZO, iniciar_e_esperar

__all__ = [
    "PRAZO",
    "anexar",
    "anexar_reatribuindo",
    "cronometrar",
    "iniciar_e_esperar",
    "incrementar_proxy",
    "incrementar_value",
    "modify_data",
    "worker",
]


def modify_data(counter, results, objs, lock) -> None:
    """O exemplo do notebook original: sorteia um booleano, incrementa o contador e guarda o quadrado.

    ``counter`` é um ``multiprocessing.Value`` (memória compartilhada); ``results`` e ``objs`` são
    proxies de uma lista e de um dicionário que moram no processo do Manager; ``lock`` é a trava que
    faz as três mudanças acontecerem juntas, sem outro processo no meio.
    """
    with lock:
        results.append(random.choice([True, False]))
        counter.value = counter.value + 1
        objs[f"{counter.value}^2"] = counter.value**2
        process_name = current_process().name
        print(f"No processo [{process_name}] obtivemos: {counter.value}) {results[:]} e {objs}", flush=True)


def worker(itens, item, trabalho: int = 10_000, mostrar: bool = True) -> None:
    """O exemplo dos slides, sem sombrear o ``list`` do Python: um pouco de trabalho e um ``append``.

    ``trabalho`` é o tamanho do laço ``x += 1`` (10 000 nos slides), que só simula "fazer algo".
    """
    x = 0
    for _ in range(trabalho):
        x += 1
    itens.append(item)
    if mostrar:
        print(f"{item} {itens}", flush=True)


def incrementar_proxy(valor, trava, repeticoes: int) -> None:
    """Incrementa um ``Manager().Value``: cada acesso é uma mensagem ao processo servidor, e volta."""
    for _ in range(repeticoes):
        with trava:
            valor.value += 1


def incrementar_value(valor, repeticoes: int) -> None:
    """Incrementa um ``multiprocessing.Value``: leitura e escrita direto na memória compartilhada."""
    for _ in range(repeticoes):
        with valor.get_lock():
            valor.value += 1


def anexar(listas, indice: int, item) -> None:
    """``listas[indice].append(item)``: funciona ou não, conforme o que ``listas[indice]`` devolve.

    Se ``listas`` é um proxy de uma lista de listas comuns, ``listas[indice]`` chega aqui como uma
    **cópia** (desserializada) da sublista: o ``append`` muda a cópia, e o servidor nem fica sabendo.
    Se os elementos de ``listas`` são eles mesmos proxies, ``listas[indice]`` é um proxy, e o
    ``append`` vai ao servidor.
    """
    listas[indice].append(item)


def anexar_reatribuindo(listas, trava, indice: int, item) -> None:
    """Correção para listas comuns aninhadas: ler a sublista, mudar a cópia e **reatribuí-la**.

    ``listas[indice] = sub`` é um ``__setitem__`` no proxy: esse vai ao servidor. A trava impede
    que outro processo reatribua a mesma sublista entre a leitura e a escrita (a corrida da aula 06).
    """
    if not trava.acquire(timeout=PRAZO):
        raise TimeoutError("a trava do Manager não veio")
    try:
        sub = listas[indice]
        sub.append(item)
        listas[indice] = sub
    finally:
        trava.release()


def cronometrar(funcao, *args) -> float:
    """Segundos que ``funcao(*args)`` levou."""
    inicio = time.perf_counter()
    funcao(*args)
    return time.perf_counter() - inicio
