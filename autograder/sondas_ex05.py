"""Sondas do exercício 05 (managers): o dicionário e a lista do Manager observados de perto.

O teste não entrega o Manager: quem o cria é o código do aluno. O teste entrega a FUNÇÃO que os
filhos rodam (``contar``, ``anexar``, ``registrar``): uma :class:`Observadora`, que, já dentro do
processo filho, embrulha o proxy e a trava que recebeu em objetos que se comportam igual e anotam
cada leitura e cada escrita — com o processo, o instante e a *posse* da trava em que aconteceu
(0 = sem a trava). Assim o teste vê TODA leitura-e-escrita sem trava, ou em duas posses diferentes,
sempre — e não só quando, por sorte, uma atualização se perde.

Os roteiros (``*_observada``) rodam no executor do teste: importam o módulo do aluno, chamam a função
do pai com a Observadora e devolvem só dados simples (o resultado e os eventos). As conferências
ficam em :mod:`autograder.verificacoes_ex05`.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import shutil
import sys
import tempfile
import time
import uuid

from autograder import guarda
from autograder.sondas import _curto, _Diario, eventos_de_processos

# As assinaturas do enunciado: como o código do pai chama a função que recebeu.


def _contar(texto, contagem, trava):  # pragma: no cover - só a assinatura importa
    pass


def _anexar(lista, trava, item):  # pragma: no cover
    pass


def _registrar(historico, trava, nome):  # pragma: no cover
    pass


#: nome da função do aluno -> (assinatura do enunciado, nome do dado compartilhado)
FUNCOES = {
    "contar_palavras": (_contar, "contagem"),
    "anexar_se_ausente": (_anexar, "lista"),
    "registrar": (_registrar, "historico"),
}


def _identidade(objeto) -> str:
    """Quem é este objeto compartilhado, do mesmo jeito em todos os processos."""
    token = getattr(objeto, "_token", None)
    if token is not None:
        return f"{type(objeto).__name__} {token.typeid} {token.id} em {token.address}"
    semlock = getattr(objeto, "_semlock", None)
    if semlock is not None:
        return f"{type(objeto).__name__} {semlock.name or semlock.handle}"
    return f"{type(objeto).__name__} {id(objeto):#x} (só deste processo)"


class _Trava:
    """A trava recebida, que sabe se ESTE processo a segura e em qual posse (1, 2, 3...)."""

    def __init__(self, real, diario: _Diario, chamada: str):
        guarda.conferir_construcao()
        self._real = real
        self._diario, self._chamada = diario, chamada
        token = getattr(real, "_token", None)
        self._reentrante = "RLock" in (token.typeid if token is not None else type(real).__name__)
        self._profundidade = 0
        self._posses = 0
        self._atual = 0

    def posse(self) -> int:
        return self._atual if self._profundidade > 0 else 0

    def _esperaria_para_sempre(self, args, kwargs) -> bool:
        bloqueia = args[0] if args else kwargs.get("blocking", kwargs.get("block", True))
        prazo = args[1] if len(args) > 1 else kwargs.get("timeout")
        return bool(bloqueia) and (prazo is None or prazo < 0)

    def acquire(self, *args, **kwargs):
        if self._profundidade > 0 and not self._reentrante and self._esperaria_para_sempre(args, kwargs):
            # Este processo já segura a trava (que não é reentrante) e a pede de novo, sem prazo: ficaria
            # bloqueado para sempre. A sonda anota, solta a trava (para os outros filhos terminarem) e avisa.
            self._diario.anotar("trava_de_novo", chamada=self._chamada)
            for _ in range(self._profundidade):
                self._real.release()
            self._profundidade = 0
            raise RuntimeError("a trava já estava com este processo e foi pedida de novo: ela não é "
                               "reentrante, e este acquire esperaria para sempre (impasse)")
        ok = self._real.acquire(*args, **kwargs)
        if ok:
            if self._profundidade == 0:
                self._posses += 1
                self._atual = self._posses
            self._profundidade += 1
        return ok

    def release(self):
        self._profundidade = max(0, self._profundidade - 1)
        return self._real.release()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def __getattr__(self, nome):
        return getattr(self._real, nome)

    def __repr__(self) -> str:
        return repr(self._real)


class _Observado:
    """Base do dado observado: anota cada operação com a posse da trava."""

    def __init__(self, real, trava: _Trava, diario: _Diario, nome: str, chamada: str):
        guarda.conferir_construcao()
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_trava", trava)
        object.__setattr__(self, "_diario", diario)
        object.__setattr__(self, "_nome", nome)
        object.__setattr__(self, "_chamada", chamada)

    def _anotar(self, tipo: str, metodo: str, chave="*", **dados):
        guarda.conferir_objeto(self)
        self._diario.anotar(tipo, metodo=metodo, chave=chave if chave == "*" else _curto(chave),
                            posse=self._trava.posse(), dado=self._nome, chamada=self._chamada, **dados)

    def _lendo(self, metodo: str, chave, funcao, *args):
        """Roda a leitura ``funcao(*args)`` e a anota — também quando ela levanta KeyError, ValueError
        ou IndexError: olhar e ver "não está lá" é uma leitura (``try: d[k] ... except KeyError``)."""
        try:
            resposta = funcao(*args)
        except (KeyError, ValueError, IndexError):
            self._anotar("ler", metodo, chave)
            raise
        self._anotar("ler", metodo, chave)
        return resposta

    def _embrulhar(self, valor, chave):
        """Um proxy aninhado (``m.dict({"log": m.list()})``) também é observado."""
        if hasattr(valor, "_token") and hasattr(valor, "_callmethod"):
            return _ListaObservada(valor, self._trava, self._diario, f"{self._nome}[{_curto(chave)}]", self._chamada)
        return valor

    def __getattr__(self, nome):
        atributo = getattr(self._real, nome)
        if callable(atributo) and not nome.startswith("__"):
            def chamar(*args, **kwargs):
                return self._lendo(nome, "*", lambda: atributo(*args, **kwargs))
            return chamar
        return atributo

    def __repr__(self) -> str:
        return repr(self._real)

    def __str__(self) -> str:
        return str(self._real)


def _itens(valor) -> dict:
    """Uma lista (ou tupla) escrita numa chave do dict (``historico["log"] = [...]``): também os itens,
    cada um como em :func:`_curto`, para o teste saber o que ficou lá mesmo quando o valor inteiro é longo."""
    if type(valor) in (list, tuple):
        return {"itens": [_curto(item) for item in valor]}
    return {}


class _DictObservado(_Observado):
    def get(self, chave, padrao=None):
        valor = self._lendo("get", chave, self._real.get, chave, padrao)
        return self._embrulhar(valor, chave)

    def __getitem__(self, chave):
        valor = self._lendo("[]", chave, self._real.__getitem__, chave)
        return self._embrulhar(valor, chave)

    def __contains__(self, chave):
        return self._lendo("in", chave, self._real.__contains__, chave)

    def setdefault(self, chave, padrao=None):
        valor = self._lendo("setdefault", chave, self._real.setdefault, chave, padrao)  # atômico no servidor
        return self._embrulhar(valor, chave)

    def pop(self, chave, *padrao):
        return self._lendo("pop", chave, self._real.pop, chave, *padrao)  # atômico no servidor

    def keys(self):
        resposta = self._real.keys()
        self._anotar("ler", "keys")
        return resposta

    def values(self):
        resposta = self._real.values()
        self._anotar("ler", "values")
        return resposta

    def items(self):
        resposta = self._real.items()
        self._anotar("ler", "items")
        return resposta

    def copy(self):
        resposta = self._real.copy()
        self._anotar("ler", "copy")
        return resposta

    def __len__(self):
        resposta = len(self._real)
        self._anotar("ler", "len")
        return resposta

    def __iter__(self):
        chaves = list(self._real.keys())
        self._anotar("ler", "iter")
        return iter(chaves)

    def __setitem__(self, chave, valor):
        self._real[chave] = valor
        self._anotar("escrever", "[]=", chave, valor=_curto(valor), **_itens(valor))

    def __delitem__(self, chave):
        try:
            del self._real[chave]
        except KeyError:  # não estava lá: nada mudou, mas o processo viu que não estava
            self._anotar("ler", "del", chave)
            raise
        self._anotar("escrever", "del", chave)

    def update(self, *args, **kwargs):
        novos = dict(*args, **kwargs)
        self._real.update(novos)
        for chave, valor in novos.items():
            self._anotar("escrever", "update", chave, valor=_curto(valor), **_itens(valor))

    def clear(self):
        self._real.clear()
        self._anotar("escrever", "clear")


class _ListaObservada(_Observado):
    def __contains__(self, item):
        return self._lendo("in", "*", self._real.__contains__, item)

    def __getitem__(self, i):
        return self._lendo("[]", "*", self._real.__getitem__, i)

    def __len__(self):
        resposta = len(self._real)
        self._anotar("ler", "len")
        return resposta

    def __iter__(self):
        copia = list(self._real[:])
        self._anotar("ler", "iter")
        return iter(copia)

    def index(self, *args):
        return self._lendo("index", "*", self._real.index, *args)  # ValueError também conta como leitura

    def count(self, item):
        return self._lendo("count", "*", self._real.count, item)

    def append(self, item):
        self._real.append(item)
        self._anotar("escrever", "append", valor=_curto(item), itens=[_curto(item)])

    def extend(self, itens):
        itens = list(itens)
        self._real.extend(itens)
        self._anotar("escrever", "extend", valor=_curto(itens), itens=[_curto(i) for i in itens])

    def __iadd__(self, itens):
        self.extend(itens)
        return self

    def insert(self, i, item):
        self._real.insert(i, item)
        self._anotar("escrever", "insert", valor=_curto(item), itens=[_curto(item)])

    def __setitem__(self, i, valor):
        self._real[i] = valor
        self._anotar("escrever", "[]=", valor=_curto(valor), itens=[_curto(valor)])

    def remove(self, item):
        try:
            self._real.remove(item)
        except ValueError:  # não estava lá: nada mudou, mas o processo viu que não estava
            self._anotar("ler", "remove")
            raise
        self._anotar("escrever", "remove", valor=_curto(item))

    def pop(self, *args):
        try:
            valor = self._real.pop(*args)
        except IndexError:  # lista vazia (ou índice fora): nada mudou, mas o processo olhou
            self._anotar("ler", "pop")
            raise
        self._anotar("escrever", "pop", valor=_curto(valor))
        return valor


#: (pid, marca) deste processo: a marca muda em cada processo novo (também num fork, que herda esta lista
#: com o pid do pai), e assim dois processos diferentes nunca se confundem, mesmo que um pid se repita.
_ESTE_PROCESSO: list = [None, None]


def _processo() -> str:
    if _ESTE_PROCESSO[0] != os.getpid():
        _ESTE_PROCESSO[:] = [os.getpid(), uuid.uuid4().hex[:12]]
    return f"{_ESTE_PROCESSO[0]}:{_ESTE_PROCESSO[1]}"


class Observadora:
    """A função que o teste entrega ao pai no lugar de ``contar_palavras`` (ou ``anexar_se_ausente``,
    ou ``registrar``). Viaja por pickle comum (só textos e números): serve para Process e para pools.

    Cada chamada: anota ``chamada`` (pid, qual processo, argumentos, quem é o dado e a trava), espera
    até ``espera`` segundos haver ``encontro`` chamadas (uma por item) começadas — prova de processos em
    paralelo, sem relógio; e, num pool, cada trabalhador fica com uma chamada só enquanto espera, então
    um pool com um trabalhador por item dá sempre um processo por item, e um pool menor, nunca —, roda a
    função do aluno com o dado e a trava observados e anota ``fim`` (com ``encontro``: se havia ao menos
    duas chamadas começadas quando esta parou de esperar).
    """

    def __init__(self, modulo: str, nome: str, pasta: str, pid_executor: int, encontro: int, espera: float):
        self.modulo, self.nome, self.pasta = modulo, nome, pasta
        self.pid_executor, self.encontro, self.espera = pid_executor, encontro, espera

    def __repr__(self) -> str:
        return f"<função {self.nome} (sonda do teste)>"

    def __setstate__(self, estado):
        self.__dict__.update(estado)
        guarda.instalar_no_filho(executor=self.pid_executor, pastas=[self.pasta])

    def _esperar_encontro(self, chamada: str) -> bool:
        andamento = os.path.join(self.pasta, "andamento")
        desistiu = os.path.join(self.pasta, "sem-encontro")
        marca = os.path.join(andamento, chamada)
        open(marca, "w").close()  # noqa: SIM115
        fim = time.monotonic() + self.espera
        while True:
            comecadas = len(os.listdir(andamento))
            if comecadas >= self.encontro:
                return True
            if time.monotonic() >= fim or os.path.exists(desistiu):
                break
            time.sleep(0.005)
        open(desistiu, "w").close()  # noqa: SIM115 - as próximas chamadas não esperam de novo
        if comecadas >= 2:
            return True
        with contextlib.suppress(OSError):
            os.unlink(marca)  # sozinha: uma chamada seguinte não conta esta como simultânea
        return False

    def __call__(self, *args, **kwargs):
        assinatura, nome_dado = FUNCOES[self.nome]
        diario = _Diario(self.pasta, "eventos", self.pid_executor)
        try:
            ligados = inspect.signature(assinatura).bind(*args, **kwargs).arguments
        except TypeError as erro:
            diario.anotar("chamada_errada", erro=str(erro), args=_curto(args), kwargs=_curto(kwargs))
            raise TypeError(f"{self.nome} chamada com argumentos errados ({erro}): a assinatura é "
                            f"{self.nome}{inspect.signature(assinatura)}") from None
        chamada = uuid.uuid4().hex[:12]
        dado, trava = ligados[nome_dado], ligados["trava"]
        diario.anotar("chamada", chamada=chamada, processo=_processo(), args=_curto(args), dado_id=_identidade(dado),
                      dado_tipo=type(dado).__name__, trava_id=_identidade(trava), trava_tipo=type(trava).__name__)
        encontrou = self._esperar_encontro(chamada) if self.encontro > 1 else True
        trava_observada = _Trava(trava, diario, chamada)
        classe = _ListaObservada if nome_dado == "lista" else _DictObservado
        ligados[nome_dado] = classe(dado, trava_observada, diario, nome_dado, chamada)
        ligados["trava"] = trava_observada
        funcao = getattr(_importar(self.modulo), self.nome)
        try:
            return funcao(*ligados.values())
        finally:
            if trava_observada._profundidade > 0:
                # A função voltou com a trava ainda pega: a do Manager continua com o dono até alguém a
                # soltar — o processo terminar não a solta —, e os outros filhos esperariam para sempre
                # no acquire. A sonda anota, solta (para a correção seguir) e o teste diz o que houve.
                diario.anotar("saiu_com_a_trava", chamada=chamada, profundidade=trava_observada._profundidade)
                with contextlib.suppress(Exception):
                    for _ in range(trava_observada._profundidade):
                        trava_observada._real.release()
                trava_observada._profundidade = 0
            diario.anotar("fim", chamada=chamada, encontro=encontrou)


def _importar(modulo: str):
    if modulo in sys.modules:
        return sys.modules[modulo]
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    return importlib.import_module(modulo)


# ---------------------------------------------------------------------------------------------
# Roteiros: rodam no executor


def _roteiro(modulo: str, pai: str, filho: str, parametro: str, entrada: list, espera: float) -> dict:
    from autograder import _executor

    mod = _executor._importar({"pasta": os.getcwd(), "modulo": modulo})
    pasta = tempfile.mkdtemp(prefix="ex05-")
    os.makedirs(os.path.join(pasta, "andamento"))
    guarda.proteger(pasta)
    funcao = Observadora(modulo, filho, pasta, os.getpid(), encontro=len(entrada), espera=espera)
    try:
        resultado = getattr(mod, pai)(list(entrada), **{parametro: funcao})
        eventos, _ = _Diario(pasta, "eventos", os.getpid()).ler(100_000)
        processos = eventos_de_processos()
    finally:
        shutil.rmtree(pasta, ignore_errors=True)
    simples = type(resultado) in (dict, list, tuple)
    return {"resultado": resultado if simples else None, "tipo": type(resultado).__name__,
            "pid_executor": os.getpid(), "eventos": eventos, "processos": processos}


def contagem_observada(modulo: str, textos: list, espera: float = 25.0) -> dict:
    """``contagem_paralela(textos, contar=Observadora)``: o resultado e o que cada filho fez."""
    return _roteiro(modulo, "contagem_paralela", "contar_palavras", "contar", textos, espera)


def unicos_observados(modulo: str, itens: list, espera: float = 25.0) -> dict:
    """``unicos(itens, anexar=Observadora)``: o resultado e o que cada filho fez."""
    return _roteiro(modulo, "unicos", "anexar_se_ausente", "anexar", itens, espera)


def historico_observado(modulo: str, nomes: list, espera: float = 25.0) -> dict:
    """``historico_de(nomes, registrar=Observadora)``: o resultado e o que cada filho fez."""
    return _roteiro(modulo, "historico_de", "registrar", "registrar", nomes, espera)
