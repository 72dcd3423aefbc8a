"""Sondas do exercício 09 (pools): uma tarefa que o teste entrega ao pool e um ``ao_chegar`` que o pai chama.

Mesmo esquema de :mod:`autograder.sondas`: o teste cria o descritor e o passa à função do aluno; no
executor ele vira um objeto chamável que viaja por pickle comum até os trabalhadores do pool (com
``fork``, ``spawn`` ou ``forkserver``) e anota cada chamada num :class:`autograder.sondas._Diario`:

- :class:`Tarefa` anota ``chamada`` (pid, ``x``, posição de ``x`` nos argumentos), ``fim`` (com o
  resultado), ``levantou`` (a exceção pedida pelo teste) e ``morreu`` (antes de ``os._exit``);
- :class:`AoChegar` anota ``chegou`` (pid, ``x``, resultado) a cada chamada do pai.

Nada aqui depende de relógio para a nota. Onde o teste precisa provar uma ordem, a tarefa ESPERA por
um acontecimento, marcado por um arquivo numa pasta comum:

- uma tarefa ``lenta`` só termina depois que o pai recebeu (``ao_chegar``) o resultado de todas as
  outras: quem recebe os resultados na ordem de envio (``map``, ``result()`` do primeiro futuro)
  nunca a libera;
- com ``lote``, o primeiro argumento de cada lote só termina depois que o primeiro do lote seguinte
  começou: com lotes do tamanho certo, o lote seguinte está em outro trabalhador; com lotes menores,
  os argumentos do meio do lote vão para outros trabalhadores enquanto o primeiro espera.

Quem espera desiste depois de :data:`ESPERA` segundos SEM NENHUM progresso das outras tarefas (nenhuma
começou, terminou ou chegou ao pai): só uma solução errada chega a isso, e a desistência fica anotada.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time

from autograder import guarda, sondas

#: Segundos sem nenhum progresso das outras tarefas até uma espera desistir (só soluções erradas chegam lá).
ESPERA = 15.0
#: Intervalo entre duas olhadas na pasta das marcas.
PASSO = 0.01

#: As exceções que a tarefa sabe levantar (o teste diz qual, por nome).
EXCECOES = {
    "ValueError": ValueError, "ZeroDivisionError": ZeroDivisionError, "KeyError": KeyError,
    "RuntimeError": RuntimeError, "TypeError": TypeError, "LookupError": LookupError,
}



def calcular(conta, x):
    """A conta da tarefa: ``conta = (a, b, c)`` dá ``a·x² + b·x + c``."""
    a, b, c = conta
    return a * x * x + b * x + c


def _marca(prefixo: str, x) -> str:
    return f"{prefixo}-{hashlib.sha1(repr(x).encode()).hexdigest()[:16]}"


# ---------------------------------------------------------------------------------------------
# Descritores (no processo do teste)


class Tarefa(sondas.Sonda):
    """A função que o aluno entrega ao pool: ``tarefa(x)`` devolve ``a·x² + b·x + c``, com ``conta = (a, b, c)``.

    - ``lentas``: argumentos cuja chamada só termina depois que o pai recebeu todos os outros
      (ver :class:`AoChegar`);
    - ``falham``: ``{x: (nome da exceção, mensagem)}`` — a chamada levanta essa exceção;
    - ``morrem``: argumentos cuja chamada encerra o trabalhador com ``os._exit(1)``;
    - ``lote``: o primeiro argumento de cada lote (de ``lote`` argumentos consecutivos) espera o
      primeiro do lote seguinte começar.

    ``argumentos``: os argumentos que o teste vai mandar (distintos), na ordem.
    """

    tipo = "tarefa_ex09"

    def __init__(self, argumentos, conta: tuple = (1, 0, 0), lentas=(), falham: dict | None = None, morrem=(),
                 lote: int | None = None):
        super().__init__(argumentos=list(argumentos), conta=tuple(conta), lentas=list(lentas), falham=dict(falham or {}),
                         morrem=list(morrem), lote=lote)

    def _materializar(self, diario, materializacao):
        pasta = os.path.join(materializacao.pasta, self.ident + ".marcas")
        os.makedirs(pasta, exist_ok=True)
        return TarefaSondada(diario, pasta, self.params)

    def esperado(self, x):
        """O que ``tarefa(x)`` devolve quando não falha."""
        return calcular(self.params["conta"], x)

    def chamadas(self, no_executor: bool | None = None) -> list[dict]:
        return [e for e in self.eventos if e["op"] == "chamada" and (no_executor is None or e["no_executor"] == no_executor)]

    def fins(self) -> dict:
        """{x: evento ``fim``} das chamadas que terminaram normalmente."""
        return {e["x"]: e for e in self.eventos if e["op"] == "fim"}

    def __repr__(self) -> str:
        return "<tarefa (sonda do teste)>"


class AoChegar(sondas.Sonda):
    """O ``ao_chegar(x, resultado)`` que o pai chama a cada resultado recebido; libera as tarefas
    ``lentas`` da ``tarefa`` quando todos os outros resultados chegaram."""

    tipo = "ao_chegar_ex09"

    def __init__(self, tarefa: Tarefa):
        super().__init__()
        self.tarefa = tarefa

    def _materializar(self, diario, materializacao):
        return ChegadaSondada(diario, materializacao._objeto(self.tarefa)._pasta)

    def chegadas(self) -> list[dict]:
        return sorted((e for e in self.eventos if e["op"] == "chegou"), key=lambda e: e["t"])

    def __repr__(self) -> str:
        return "<ao_chegar (sonda do teste)>"


# ---------------------------------------------------------------------------------------------
# Os objetos de verdade (no executor e nos trabalhadores do pool)


class _ComMarcas:
    def __init__(self, diario, pasta: str):
        guarda.conferir_construcao()
        self._diario = diario
        self._pasta = pasta

    def _marcar(self, nome: str) -> None:
        with contextlib.suppress(OSError):
            open(os.path.join(self._pasta, nome), "w").close()  # noqa: SIM115

    def _existe(self, nome: str) -> bool:
        return os.path.exists(os.path.join(self._pasta, nome))

    def _esperar_as_entregas(self, quantas: int, prazo: float = 3.0) -> None:
        """Antes de derrubar o trabalhador: espera (até ``prazo`` s) o pai ter entregado ao pool todos
        os argumentos (as entregas que o executor anota). Sem isso, com a máquina carregada, o pool
        podia quebrar no meio dos ``submit`` e o próprio ``submit`` levantava BrokenProcessPool — a nota
        da parte dependia da carga."""
        pasta = os.path.dirname(self._diario.caminho)
        sondas.esperar_ate(lambda: sum(1 for e in sondas.eventos_de_processos_em(pasta)
                                       if e.get("op") == "entregar") >= quantas, prazo)

    def _esperar(self, pronto) -> bool:
        """Espera ``pronto()``; desiste depois de ESPERA s sem nenhuma marca nova na pasta (ou se outra
        espera já desistiu). Devolve se ficou pronto."""
        ultimo, desde = -1, time.monotonic()
        while not pronto():
            if self._existe("desistiu"):
                return False
            try:
                agora = len(os.listdir(self._pasta))
            except OSError:
                agora = ultimo
            if agora != ultimo:
                ultimo, desde = agora, time.monotonic()
            elif time.monotonic() - desde >= ESPERA:
                self._marcar("desistiu")
                return False
            time.sleep(PASSO)
        return True


class TarefaSondada(_ComMarcas):
    """Chamável que viaja por pickle comum (caminhos e parâmetros): serve a qualquer pool."""

    def __init__(self, diario, pasta: str, params: dict):
        super().__init__(diario, pasta)
        self._params = params

    def __call__(self, x):
        guarda.conferir_objeto(self)
        p = self._params
        argumentos, lote = p["argumentos"], p["lote"]
        indice = argumentos.index(x) if x in argumentos else None
        self._diario.anotar("chamada", x=x, indice=indice)
        self._marcar(_marca("inicio", x))
        extra = {}
        if x in p["lentas"]:
            outras = [_marca("chegou", y) for y in argumentos if y not in p["lentas"]]
            extra["liberada"] = self._esperar(lambda: all(self._existe(m) for m in outras))
        if lote and indice is not None and indice % lote == 0 and indice + lote < len(argumentos):
            seguinte = _marca("inicio", argumentos[indice + lote])
            extra["encontrou"] = self._esperar(lambda: self._existe(seguinte))
        if x in p["morrem"]:
            self._esperar_as_entregas(len(argumentos))
            self._diario.anotar("morreu", x=x)
            os._exit(1)
        if x in p["falham"]:
            nome, mensagem = p["falham"][x]
            self._diario.anotar("levantou", x=x, tipo=nome, **extra)
            self._marcar(_marca("fim", x))
            raise EXCECOES[nome](mensagem)
        resultado = calcular(p["conta"], x)
        self._diario.anotar("fim", x=x, resultado=resultado, **extra)
        self._marcar(_marca("fim", x))
        return resultado

    def __repr__(self) -> str:
        return "<tarefa (sonda do teste)>"


class ChegadaSondada(_ComMarcas):
    def __call__(self, x, resultado=None):
        guarda.conferir_objeto(self)
        self._diario.anotar("chegou", x=x, resultado=sondas._curto(resultado))
        self._marcar(_marca("chegou", x))

    def __repr__(self) -> str:
        return "<ao_chegar (sonda do teste)>"
