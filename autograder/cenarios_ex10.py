"""Roteiros do exercício 10 (memória compartilhada com nome): rodam no executor, importam o módulo do
aluno pelo nome, chamam as funções dele e, depois, olham o que ficou no sistema — o conteúdo do bloco,
se ele ainda existe, se ainda está mapeado neste processo — e destroem o que sobrou (para nenhum bloco
ficar esquecido e o rastreador de recursos não avisar de vazamento no fim).

Devolvem só dados simples; quem confere é :mod:`autograder.verificacoes_ex10`, com os eventos das
sondas de :mod:`autograder.sondas_ex10`. Nenhum roteiro contém a resposta.
"""

from __future__ import annotations

import os
import struct
import sys
import time

from autograder import _executor, sondas
from autograder import sondas_ex10 as s

#: O valor que o roteiro da parte A põe em todo o bloco antes de chamar preencher_fatia.
SENTINELA = -1.0


def _modulo(nome: str):
    return _executor._importar({"pasta": os.getcwd(), "modulo": nome})


def _eventos(observador) -> list[dict]:
    """Todos os eventos já anotados no diário da sonda (linhas cortadas ficam de fora)."""
    return observador._diario.ler(sys.maxsize)[0]


def _criados(observador, t0: int) -> list[str]:
    nomes = []
    for e in _eventos(observador):
        if e["op"] == "criar" and e["t"] >= t0 and e["nome"] not in nomes:
            nomes.append(e["nome"])
    return nomes


def _ler(nome: str, n: int) -> list[float]:
    shm = s.abrir(nome)
    try:
        return [struct.unpack_from("d", shm.buf, 8 * i)[0] for i in range(n)]
    finally:
        s.fechar(shm)


def fatias(modulo: str, casos: list, blocos) -> list[dict]:
    """Parte A: para cada caso ``(n, inicio, fim)``, cria um bloco de ``n`` floats com ``SENTINELA`` em
    tudo, fecha a sua parte, chama ``preencher_fatia(nome, n, inicio, fim)`` do aluno neste processo e
    devolve: se o bloco ainda está mapeado aqui (o aluno não fechou), se ainda existe (o aluno não fez
    unlink) e o conteúdo."""
    mod = _modulo(modulo)
    resultados = []
    for n, inicio, fim in casos:
        shm = s.abrir(criar=True, tamanho=8 * n)
        nome = shm.name
        try:
            for i in range(n):
                struct.pack_into("d", shm.buf, 8 * i, SENTINELA)
            s.fechar(shm)
            mod.preencher_fatia(nome, n, inicio, fim)
            aberto = s.mapeado(nome)
            existe = s.existe(nome)
            resultados.append({"nome": nome, "aberto": aberto, "existe": existe,
                               "conteudo": _ler(nome, n) if existe else None})
        finally:
            s.destruir_restos([nome])
    return resultados


def paralelo(modulo: str, n: int, processos: int, preencher, blocos):
    """Parte B: chama ``quadrados_em_paralelo(n, processos, preencher=preencher)`` e devolve o que ela
    devolveu; os blocos que ela criou e deixou para trás são destruídos no fim."""
    mod = _modulo(modulo)
    t0 = time.monotonic_ns()
    try:
        return mod.quadrados_em_paralelo(n, processos, preencher=preencher)
    finally:
        s.destruir_restos(_criados(blocos, t0))


def _esperar_as_chamadas(preencher, prazo: float = 8.0) -> None:
    """Espera cada chamada do ``preencher`` terminar (``fim`` ou ``falhou``), até ``prazo`` s: um filho
    que a função do aluno não esperou ainda está trabalhando — e o que ele faz depois da volta da função
    (terminar depois do unlink) é o que o teste precisa ver."""
    diario = getattr(preencher, "_diario", None)
    if diario is None:
        return

    def terminaram() -> bool:
        eventos, _ = diario.ler(100_000)
        chamadas = sum(1 for e in eventos if e["op"] == "chamada")
        return sum(1 for e in eventos if e["op"] in ("fim", "falhou", "sem_bloco", "fora")) >= chamadas

    sondas.esperar_ate(terminaram, prazo, passo=0.02)


def ciclo(modulo: str, casos: list, blocos) -> list[dict]:
    """Parte C: cada caso é ``(n, processos, preencher)`` (o ``preencher`` pode falhar de
    propósito num filho). Chama ``quadrados_em_paralelo`` e devolve, por caso: a exceção que ela
    levantou (ou None), os instantes que delimitam a chamada e, para cada bloco criado nela, se ele
    ainda existe e se ainda está mapeado neste processo."""
    mod = _modulo(modulo)
    resultados = []
    for n, processos, preencher in casos:
        t0 = time.monotonic_ns()
        try:
            mod.quadrados_em_paralelo(n, processos, preencher=preencher)
            erro, runtime = None, False
        except Exception as e:  # noqa: BLE001 - relatada ao aluno
            erro, runtime = f"{type(e).__name__}: {e}", isinstance(e, RuntimeError)
        t1 = time.monotonic_ns()
        _esperar_as_chamadas(preencher)
        criados = _criados(blocos, t0)
        situacao = {nome: {"existe": s.existe(nome), "mapeado": s.mapeado(nome)} for nome in criados}
        s.destruir_restos(criados)
        resultados.append({"erro": erro, "runtime": runtime, "marcas": (t0, t1), "blocos": situacao})
    return resultados
