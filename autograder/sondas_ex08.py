"""Sondas do exercício 08: um ``Condition`` cuja trava sabe quem a segura, e dados protegidos por ele.

Mesmo esquema de :mod:`autograder.sondas`: o teste cria o descritor (``Condition()``,
``Value("i", 0, condicao)``, ``Array("i", 4, condicao)``) e o passa à função do aluno; no executor ele
vira um objeto de verdade (criado com o contexto ``spawn``, que serve aos três métodos) que anota cada
operação num :class:`autograder.sondas._Diario`:

- a condição anota ``adquirir``/``liberar`` (com a profundidade: a trava é um ``RLock``),
  ``esperando`` (ao entrar no ``wait``, com o ``timeout``) e ``acordou`` (ao sair, com a resposta),
  ``notify`` (com ``n``) e ``notify_all`` — cada um com ``segura`` e quantos ``esperavam``;
- os dados anotam ``ler``/``escrever`` com o valor e ``segura``: se o processo segurava a trava da
  **condição** (a trava própria do Value/Array, ``get_lock()``, não conta: o buffer inteiro é um
  estado só, protegido pela condição).
"""

from __future__ import annotations

import os
import time

from autograder import sondas
from autograder.sondas import _CONTEXTO, _indice, _Instrumentada

# ---------------------------------------------------------------------------------------------
# Descritores (no processo do teste)


class Condition(sondas.Sonda):
    """``multiprocessing.Condition()`` (com o ``RLock`` padrão), instrumentado."""

    tipo = "condition"

    def _materializar(self, diario, materializacao):
        return CondicaoSondada(diario, _CONTEXTO.Condition(_CONTEXTO.RLock()))

    def notificacoes(self, op: str | None = None) -> list[dict]:
        return [e for e in self.eventos if e["op"] in ((op,) if op else ("notify", "notify_all"))]

    def esperas(self, pid: int | None = None) -> list[dict]:
        return [e for e in self.eventos if e["op"] == "esperando" and (pid is None or e["pid"] == pid)]


class Value(sondas.Value):
    """``multiprocessing.Value(typecode, inicial)`` protegido pela ``condicao`` (uma :class:`Condition`)."""

    tipo = "value_condicao"

    def __init__(self, typecode: str, inicial, condicao: Condition):
        super().__init__(typecode, inicial, protegido_por=(condicao,))

    def _materializar(self, diario, materializacao):
        travas = [materializacao._objeto(t) for t in self.protegido_por]
        return ValorDaCondicao(diario, _CONTEXTO.Value(self.params["typecode"], self.params["inicial"]), travas)

    def _final(self, objeto):
        return objeto._real.value

    def sem_condicao(self) -> list[dict]:
        """Toda leitura ou escrita feita sem segurar a condição."""
        return [e for e in self.eventos if e["op"] in ("ler", "escrever") and not e["segura"]]


class Array(sondas.Array):
    """``multiprocessing.Array(typecode, tamanho)`` protegido pela ``condicao``."""

    tipo = "array_condicao"

    def __init__(self, typecode: str, tamanho_ou_inicial, condicao: Condition):
        super().__init__(typecode, tamanho_ou_inicial, protegido_por=(condicao,))

    def _materializar(self, diario, materializacao):
        travas = [materializacao._objeto(t) for t in self.protegido_por]
        real = _CONTEXTO.Array(self.params["typecode"], self.params["tamanho_ou_inicial"])
        return ArrayDaCondicao(diario, real, travas)

    def _final(self, objeto):
        return list(objeto._real[:])

    def sem_condicao(self) -> list[dict]:
        return [e for e in self.eventos if e["op"] in ("ler", "escrever") and not e["segura"]]


# ---------------------------------------------------------------------------------------------
# Os objetos de verdade (no executor e nos filhos)


class CondicaoSondada(_Instrumentada):
    """Um ``Condition`` que sabe quem segura a sua trava (pid e profundidade) e quantos esperam."""

    def __init__(self, diario, real):
        super().__init__(diario)
        self._real = real
        self._dono = _CONTEXTO.RawValue("i", 0)
        self._profundidade = _CONTEXTO.RawValue("i", 0)
        self._interna = _CONTEXTO.Lock()
        self._esperando = _CONTEXTO.RawValue("i", 0)

    # -- a trava ----------------------------------------------------------------------------------
    def segura(self) -> bool:
        return self._dono.value == os.getpid()

    def esperando_agora(self) -> int:
        """Quantos processos estão parados num ``wait`` desta condição agora."""
        return self._esperando.value

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        ok = self._real.acquire(block, timeout)
        if ok:
            if self._dono.value == os.getpid():
                self._profundidade.value += 1
            else:
                self._dono.value = os.getpid()
                self._profundidade.value = 1
            self._anotar("adquirir", profundidade=self._profundidade.value)
        else:
            self._anotar("desistiu")
        return ok

    def release(self) -> None:
        if self.segura():
            self._anotar("liberar", profundidade=self._profundidade.value)
            self._profundidade.value -= 1
            if self._profundidade.value <= 0:
                self._profundidade.value = 0
                self._dono.value = 0
        self._real.release()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    # -- a condição --------------------------------------------------------------------------------
    def _exigir_segura(self, operacao: str) -> None:
        """O Condition real recusa ``wait``/``notify`` sem a trava com um ``AssertionError('lock is not
        owned')``, em inglês e sem dizer o que fazer: a sonda anota (``sem_trava``) e recusa com o mesmo
        tipo de erro, explicado."""
        if self.segura():
            return
        self._anotar("sem_trava", operacao=operacao)
        raise AssertionError(
            f"condicao.{operacao}() sem segurar a condição (o multiprocessing recusa: 'lock is not owned'): "
            f"chame {operacao}() dentro de 'with condicao:' — quem espera ou avisa tem de estar segurando a trava"
        )

    def wait(self, timeout: float | None = None) -> bool:
        self._exigir_segura("wait")
        profundidade = self._profundidade.value
        self._anotar("esperando", timeout=timeout, profundidade=profundidade)
        with self._interna:
            self._esperando.value += 1
        self._dono.value = 0
        self._profundidade.value = 0
        try:
            resposta = self._real.wait(timeout)
        finally:
            # O wait real devolve a trava (todas as voltas do RLock) antes de sair, mesmo com erro.
            self._dono.value = os.getpid()
            self._profundidade.value = profundidade
            with self._interna:
                self._esperando.value -= 1
        self._anotar("acordou", resposta=bool(resposta))
        return resposta

    def wait_for(self, predicate, timeout: float | None = None):
        """Como ``Condition.wait_for``, mas com o ``wait`` desta sonda (para anotar cada espera)."""
        resultado = predicate()
        fim = None if timeout is None else time.monotonic() + timeout
        espera = None
        while not resultado:
            if fim is not None:
                espera = fim - time.monotonic()
                if espera <= 0:
                    break
            self.wait(espera)
            resultado = predicate()
        return resultado

    def notify(self, n: int = 1) -> None:
        self._exigir_segura("notify")
        antes = time.monotonic_ns()
        segura, esperavam = self.segura(), self._esperando.value
        self._real.notify(n)
        self._anotar("notify", t=antes, n=n, segura=segura, esperavam=esperavam)

    def notify_all(self) -> None:
        self._exigir_segura("notify_all")
        antes = time.monotonic_ns()
        segura, esperavam = self.segura(), self._esperando.value
        self._real.notify_all()
        self._anotar("notify_all", t=antes, segura=segura, esperavam=esperavam)

    notifyAll = notify_all  # noqa: N815 - o nome antigo também existe no threading

    def __repr__(self) -> str:
        return "<Condition (sonda do teste)>"


class ValorDaCondicao(sondas.ValorSondado):
    """Value cujas leituras e escritas só contam como protegidas com a condição segura."""

    def _segura(self) -> bool:
        return any(t.segura() for t in self._travas[1:])

    @property
    def value(self):
        segura = self._segura()
        valor = self._real.value
        self._anotar("ler", segura=segura, valor=valor)
        return valor

    @value.setter
    def value(self, novo):
        segura = self._segura()
        self._real.value = novo
        self._anotar("escrever", segura=segura, valor=self._real.value)


class ArrayDaCondicao(sondas.ArraySondado):
    """Array cujas leituras e escritas só contam como protegidas com a condição segura."""

    def _segura(self) -> bool:
        return any(t.segura() for t in self._travas[1:])

    def __getitem__(self, i):
        segura = self._segura()
        valor = self._real[i]
        self._anotar("ler", segura=segura, i=_indice(i), valor=valor if isinstance(i, int) else None)
        return valor

    def __setitem__(self, i, valor) -> None:
        segura = self._segura()
        self._real[i] = valor
        self._anotar("escrever", segura=segura, i=_indice(i), valor=self._real[i] if isinstance(i, int) else None)
