"""Sondas do exercício 10 (``multiprocessing.shared_memory``): quem cria, anexa, fecha e destrói cada
bloco, e um ``preencher`` do teste que escreve a fatia e anota quem o chamou.

Mesmo esquema de :mod:`autograder.sondas`: o teste cria os descritores e os passa à função do aluno;
no executor eles viram objetos de verdade que anotam num diário.

- :class:`Blocos` observa ``SharedMemory`` (e, por dentro dela, ``ShareableList``): ``criar`` (com o
  tamanho), ``anexar``, ``fechar`` e ``unlink`` (com ``ok``: se o bloco ainda existia), cada um com o
  pid, o nome do bloco e o instante. A observação é instalada no executor (e os filhos por ``fork`` a
  herdam) e em todo processo que desempacota um :class:`Preencher` — os filhos por ``spawn``,
  ``forkserver`` e os trabalhadores de pools recebem o ``preencher`` como argumento, então a observação
  chega neles antes do código do aluno rodar.
- :class:`Preencher` é o ``preencher(nome, n, inicio, fim)`` que o teste entrega: anota ``chamada``
  (com os argumentos), anexa ao bloco pelo nome, espera haver ``encontro`` chamadas em andamento ao
  mesmo tempo (prova que os filhos rodaram em paralelo, sem relógio), escreve ``i * i + deslocamento``
  nas posições ``inicio..fim-1`` (floats de 8 bytes), fecha e anota ``fim``. Com ``falhar_em=i``, a
  chamada cuja fatia contém ``i`` levanta ``RuntimeError`` (um filho que falha, de propósito).
"""

from __future__ import annotations

import contextlib
import os
import struct
import time
import uuid
from multiprocessing import shared_memory

from autograder import guarda, sondas

# ---------------------------------------------------------------------------------------------
# Observação de SharedMemory (instalada em cada processo)

_ESTADO: dict = {"diario": None, "originais": None}


def _anotar(op: str, shm, **dados) -> None:
    diario = _ESTADO["diario"]
    if diario is None or getattr(shm, "_ex10_do_teste", False):
        return
    with contextlib.suppress(Exception):
        diario.anotar(op, nome=shm.name, **dados)


def originais() -> dict:
    """Os métodos de ``SharedMemory`` sem a observação (os roteiros do teste os usam)."""
    classe = shared_memory.SharedMemory
    return _ESTADO["originais"] or {"init": classe.__init__, "close": classe.close, "unlink": classe.unlink}


def instalar(diario) -> None:
    """Passa a anotar as operações de ``SharedMemory`` deste processo em ``diario``."""
    _ESTADO["diario"] = diario
    classe = shared_memory.SharedMemory
    if _ESTADO["originais"] is not None:
        return
    init, close, unlink = classe.__init__, classe.close, classe.unlink
    _ESTADO["originais"] = {"init": init, "close": close, "unlink": unlink}

    def __init__(self, name=None, create=False, size=0, *args, **kwargs):
        init(self, name, create, size, *args, **kwargs)
        _anotar("criar" if create else "anexar", self, tamanho=self.size)

    def fechar(self):
        _anotar("fechar", self)
        return close(self)

    def desligar(self):
        try:
            resultado = unlink(self)
        except BaseException as erro:
            _anotar("unlink", self, ok=False, erro=type(erro).__name__)
            raise
        _anotar("unlink", self, ok=True)
        return resultado

    classe.__init__, classe.close, classe.unlink = __init__, fechar, desligar
    guarda.fotografar_classe(classe)


def abrir(nome: str | None = None, criar: bool = False, tamanho: int = 0):
    """Um ``SharedMemory`` do próprio teste: nada do que ele faz é anotado."""
    o = originais()
    shm = shared_memory.SharedMemory.__new__(shared_memory.SharedMemory)
    shm._ex10_do_teste = True
    o["init"](shm, nome, criar, tamanho)
    return shm


def fechar(shm) -> None:
    originais()["close"](shm)


def desligar(shm) -> None:
    originais()["unlink"](shm)


def existe(nome: str) -> bool:
    """O bloco ``nome`` ainda existe no sistema? (abre e fecha, sem registrar nada)"""
    from multiprocessing import resource_tracker  # noqa: F401 - garante o módulo carregado

    try:
        import _posixshmem
    except ImportError:  # pragma: no cover - Windows: o bloco some com o último handle
        return False
    try:
        fd = _posixshmem.shm_open("/" + nome.lstrip("/"), os.O_RDONLY, mode=0o600)
    except FileNotFoundError:
        return False
    os.close(fd)
    return True


def mapeado(nome: str) -> bool:
    """Este processo ainda tem o bloco ``nome`` mapeado na memória (não fez ``close``)?"""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as arq:
            return any(f"/{nome.lstrip('/')}" in linha for linha in arq)
    except OSError:  # pragma: no cover - sem /proc: não dá para ver
        return False


def destruir_restos(nomes) -> list[str]:
    """Destrói (e tira do rastreador de recursos) os blocos que ficaram: devolve os nomes que existiam."""
    from multiprocessing import resource_tracker

    restos = []
    for nome in nomes:
        if not existe(nome):
            continue
        restos.append(nome)
        with contextlib.suppress(Exception):
            shm = abrir(nome)
            fechar(shm)
            desligar(shm)  # o unlink original também tira o nome do rastreador
            continue
        with contextlib.suppress(Exception):  # pragma: no cover - só se abrir falhar
            resource_tracker.unregister("/" + nome.lstrip("/"), "shared_memory")
    return restos


# ---------------------------------------------------------------------------------------------
# Descritores (no processo do teste)


class Blocos(sondas.Sonda):
    """Observa ``SharedMemory`` em todos os processos da chamada (veja o começo do módulo)."""

    tipo = "blocos_ex10"

    def materializar(self, diario, materializacao):
        observador = Observador(diario)
        observador.instalar()
        return observador

    def do_bloco(self, nome: str, op: str | None = None) -> list[dict]:
        return [e for e in self.eventos if e.get("nome") == nome and (op is None or e["op"] == op)]

    def criados_pelo_pai(self) -> list[str]:
        nomes = []
        for e in self.eventos:
            if e["op"] == "criar" and e["no_executor"] and e["nome"] not in nomes:
                nomes.append(e["nome"])
        return nomes


#: Num caso com um filho que falha, os outros filhos só terminam quando o bloco é destruído (ou depois
#: destes segundos): quem levanta a exceção sem esperar todos os filhos destrói o bloco com um filho
#: ainda trabalhando — visto sempre, não só quando esse filho demora.
SEGURAR_DEPOIS_DA_FALHA = 3.0


class Preencher(sondas.Sonda):
    """O ``preencher(nome, n, inicio, fim)`` do teste (veja o começo do módulo)."""

    tipo = "preencher_ex10"

    def __init__(self, blocos: Blocos, deslocamento: float = 0.0, encontro: int | None = None,
                 espera: float = 10.0, falhar_em: int | None = None, segurar: float | None = None):
        if segurar is None:
            segurar = SEGURAR_DEPOIS_DA_FALHA if falhar_em is not None else 0.0
        super().__init__(deslocamento=deslocamento, encontro=encontro, espera=espera, falhar_em=falhar_em,
                         segurar=segurar)
        self.blocos = blocos
        self.protegido_por = (blocos,)  # assim a sonda dos blocos volta preenchida junto

    def materializar(self, diario, materializacao):
        observador = materializacao._objeto(self.blocos)
        pasta = os.path.join(materializacao.pasta, self.ident + ".andamento")
        os.makedirs(pasta, exist_ok=True)
        return PreencherSondado(diario, observador, pasta, **self.params)

    def chamadas(self) -> list[dict]:
        return [e for e in self.eventos if e["op"] == "chamada"]

    def valor(self, i: int) -> float:
        return float(i * i + self.params["deslocamento"])


# ---------------------------------------------------------------------------------------------
# Objetos de verdade (no executor e nos filhos)


class Observador:
    """Instala a observação no processo onde é criado e em todo processo que o desempacota."""

    def __init__(self, diario):
        self._diario = diario

    def instalar(self) -> None:
        instalar(self._diario)

    def __setstate__(self, estado):
        self.__dict__.update(estado)
        self.instalar()

    def __repr__(self) -> str:
        return "<observador de SharedMemory (sonda do teste)>"


class PreencherSondado:
    def __init__(self, diario, observador: Observador, pasta: str, deslocamento: float,
                 encontro: int | None, espera: float, falhar_em: int | None, segurar: float = 0.0):
        guarda.conferir_construcao()
        self._diario = diario
        self._segurar = segurar
        self._observador = observador
        self._pasta = pasta
        self._deslocamento = deslocamento
        self._encontro = encontro
        self._espera = espera
        self._falhar_em = falhar_em

    def _encontrar(self) -> bool | None:
        if not self._encontro:
            return None
        if os.getpid() == self._diario.pid_executor:
            return False  # o próprio pai chamando: não há outros com quem se encontrar
        # Quem já esperou em vão decide a prova (a verificação reprova qualquer chamada sem encontro): as
        # chamadas seguintes não esperam de novo (filhos um de cada vez perdem o ponto em ``espera`` s).
        desistiu = self._pasta + ".desistiu"
        if os.path.exists(desistiu):
            return False
        open(os.path.join(self._pasta, f"{os.getpid()}-{uuid.uuid4().hex}"), "w").close()  # noqa: SIM115
        fim = time.monotonic() + self._espera
        while len(os.listdir(self._pasta)) < self._encontro:
            if os.path.exists(desistiu):
                return False
            if time.monotonic() >= fim:
                open(desistiu, "w").close()  # noqa: SIM115
                return False
            time.sleep(0.02)
        return True

    def __call__(self, nome, n, inicio, fim):
        guarda.conferir_objeto(self)
        self._diario.anotar("chamada", nome=repr(nome) if not isinstance(nome, str) else nome,
                            n=n, inicio=inicio, fim=fim)
        try:
            shm = abrir(nome)
        except (FileNotFoundError, ValueError, TypeError) as erro:
            self._diario.anotar("sem_bloco", nome=str(nome), erro=f"{type(erro).__name__}: {erro}")
            raise FileNotFoundError(f"preencher: não existe bloco de memória compartilhada com o nome {nome!r}") from None
        try:
            encontrou = self._encontrar()
            if self._falhar_em is not None and inicio <= self._falhar_em < fim:
                self._diario.anotar("falhou", inicio=inicio, fim=fim, encontro=encontrou)
                raise RuntimeError(f"preencher: falha de propósito na fatia {inicio}..{fim - 1} (um filho que falha)")
            if not (isinstance(inicio, int) and isinstance(fim, int) and isinstance(n, int)
                    and 0 <= inicio <= fim <= n and n * 8 <= shm.size):
                self._diario.anotar("fora", tamanho=shm.size)
                raise ValueError(f"preencher: fatia {inicio!r}..{fim!r} inválida para {n!r} floats num bloco de {shm.size} bytes")
            for i in range(inicio, fim):
                struct.pack_into("d", shm.buf, 8 * i, float(i * i + self._deslocamento))
        finally:
            fechar(shm)
        segurou = self._segurar_ate_destruirem(nome)
        self._diario.anotar("fim", inicio=inicio, fim=fim, encontro=encontrou, segurou=segurou)

    def _segurar_ate_destruirem(self, nome: str) -> bool | None:
        """No caso com falha, o filho que não falhou só termina quando o bloco deixa de existir (ou o
        prazo ``segurar`` acaba): devolve se o bloco foi destruído enquanto ele ainda trabalhava."""
        if not self._segurar or os.getpid() == self._diario.pid_executor:
            return None
        fim = time.monotonic() + self._segurar
        while time.monotonic() < fim:
            if not existe(nome):
                return True
            time.sleep(0.02)
        return False

    def __repr__(self) -> str:
        return "<função preencher (sonda do teste)>"
