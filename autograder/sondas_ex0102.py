"""Sondas dos exercícios 01 e 02: uma fila que sabe de onde veio cada item e uma função que só
aceita ser chamada em processos filhos.

- :class:`Fila` é uma ``multiprocessing.Queue`` que, além do que :class:`autograder.sondas.Queue`
  anota (put, get, empty, qsize...), diz em cada ``get`` de que processo veio o item (``origem``) e
  anota cada ``join`` de processo feito pelo processo que chamou a função do aluno (``alvo``: o pid
  do processo esperado). Com isso o teste confere, sem relógio, que o pai leu o que um filho pôs
  ANTES de dar join nele.
- :class:`Funcao` é :class:`autograder.sondas.Funcao`, mas uma chamada no próprio processo que
  chamou a função do aluno não espera o encontro (já está errada: não rodou num filho) — assim uma
  soma sequencial falha depressa, e não depois de esperar o encontro em cada parcela.
"""

from __future__ import annotations

import os
from multiprocessing import process

from autograder import guarda, sondas


def _anotar_joins(diario) -> None:
    """Troca ``Process.join`` no executor por uma versão que anota ``join`` (com o pid esperado)."""
    original = process.BaseProcess.join
    pid_executor = diario.pid_executor

    def join(self, timeout=None):
        if os.getpid() == pid_executor:
            diario.anotar("join", alvo=self.pid)
        return original(self, timeout)

    # Ver o filho terminado (is_alive() falso, exitcode não nulo) também é esperar: os dois recolhem o
    # filho, e ``while p.exitcode is None: p.join(0.05)`` não dá join num filho que já tinha acabado —
    # a nota dependeria de quem chegou primeiro. Anotado à parte (``viu_terminar``): não bloqueia, então
    # não é um join antes da leitura.
    original_is_alive = process.BaseProcess.is_alive
    original_exitcode = process.BaseProcess.exitcode.fget
    vistos: set = set()

    def viu(self) -> None:
        if os.getpid() == pid_executor and self._popen is not None and self.pid not in vistos:
            vistos.add(self.pid)
            diario.anotar("viu_terminar", alvo=self.pid)

    def is_alive(self):
        vivo = original_is_alive(self)
        if not vivo:
            viu(self)
        return vivo

    def exitcode(self):
        codigo = original_exitcode(self)
        if codigo is not None:
            viu(self)
        return codigo

    process.BaseProcess.join = join
    process.BaseProcess.is_alive = is_alive
    process.BaseProcess.exitcode = property(exitcode)
    guarda.fotografar_classe(process.BaseProcess)


class Fila(sondas.Queue):
    """Descritor: uma ``Queue`` cujos ``get`` dizem a origem do item e que anota os ``join`` do pai."""

    tipo = "fila_origem"

    def materializar(self, diario, materializacao):
        _anotar_joins(diario)
        return FilaComOrigem(diario, sondas._CONTEXTO.Queue(self.params["maxsize"]))

    def puts(self) -> list[dict]:
        return [e for e in self.eventos if e["op"] == "put"]

    def gets(self) -> list[dict]:
        return [e for e in self.eventos if e["op"] == "get"]

    def espiadas(self) -> list[dict]:
        """As chamadas de empty(), qsize() e full(): perguntas que não dizem se a fila acabou."""
        return [e for e in self.eventos if e["op"] in ("empty", "qsize", "full")]

    def joins(self) -> list[dict]:
        return [e for e in self.eventos if e["op"] == "join"]


class FilaComOrigem(sondas.FilaSondada):
    """No executor e nos filhos: cada item viaja com o pid de quem o pôs."""

    def put(self, item, block: bool = True, timeout: float | None = None):
        self._real.put((os.getpid(), item), block, timeout)
        self._anotar("put", valor=sondas._curto(item))

    def put_nowait(self, item):
        self.put(item, False)

    def get(self, block: bool = True, timeout: float | None = None):
        self._anotar("esperando_get", block=block, timeout=timeout)
        origem, item = self._real.get(block, timeout)
        self._anotar("get", valor=sondas._curto(item), origem=origem)
        return item

    def __repr__(self) -> str:
        return "<Queue (sonda do teste)>"


class Funcao(sondas.Funcao):
    """Descritor: como :class:`autograder.sondas.Funcao`; no executor, a chamada não espera o encontro."""

    tipo = "funcao_filhos"

    def materializar(self, diario, materializacao):
        pasta = os.path.join(materializacao.pasta, self.ident + ".andamento")
        os.makedirs(pasta, exist_ok=True)
        _anotar_joins(diario)
        return FuncaoEmFilhos(diario, self.alvo, self.params["encontro"], self.params["espera"], pasta)

    def chamadas(self) -> list[dict]:
        return [e for e in self.eventos if e["op"] == "chamada"]


class FuncaoEmFilhos(sondas.FuncaoSondada):
    def __call__(self, *args, **kwargs):
        if os.getpid() != self._diario.pid_executor:
            return super().__call__(*args, **kwargs)
        self._diario.anotar("chamada", args=sondas._curto(args), kwargs=sondas._curto(kwargs))
        try:
            return self._alvo(*args, **kwargs)
        finally:
            self._diario.anotar("fim", encontro=False)
