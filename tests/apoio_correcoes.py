"""Apoio de tests/test_aulas_correcoes.py: um BaseManager que cria o objeto na primeira chamada."""

from __future__ import annotations

import queue
import threading
import time
from multiprocessing.managers import BaseManager

_filas: dict[str, queue.Queue] = {}


def obter_fila_preguicosa(nome: str) -> queue.Queue:
    """Cria a fila ``nome`` na primeira chamada, devagar (para duas chamadas se cruzarem)."""
    if nome not in _filas:
        time.sleep(0.3)  # sem o mutex do servidor, uma segunda chamada entraria aqui também
        _filas[nome] = queue.Queue()
    return _filas[nome]


class Preguicoso(BaseManager):
    pass


Preguicoso.register("fila", callable=obter_fila_preguicosa)


class ClientePreguicoso(BaseManager):
    pass


ClientePreguicoso.register("fila")


def pedir_em_paralelo(endereco, chave: bytes, nome: str, vezes: int = 2) -> list[str]:
    """``vezes`` threads, cada uma com sua conexão, pedem a mesma fila ao mesmo tempo; devolve os ids."""
    ids: list[str] = []
    largada = threading.Barrier(vezes, timeout=30)

    def pedir() -> None:
        cliente = ClientePreguicoso(address=endereco, authkey=chave)
        cliente.connect()
        largada.wait()
        ids.append(cliente.fila(nome)._token.id)

    threads = [threading.Thread(target=pedir) for _ in range(vezes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return ids
