"""Roteiros do exercício 06 (chat com BaseManager): rodam no executor do teste, importam o módulo do
aluno pelo nome e devolvem só dados simples sobre o que aconteceu — o endereço que o servidor PEDIU
(não só o que ganhou), a chave, se o servidor foi encerrado, quais processos ficaram sem ``join``, o
que cada participante mostrou e quando. As conferências ficam em :mod:`autograder.verificacoes_ex06`.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import secrets
import threading
import time
from multiprocessing import process as _processo
from multiprocessing.managers import BaseManager, State

from autograder import _executor, guarda
from autograder.sondas import _curto, _Diario


def _modulo(nome: str):
    return _executor._importar({"pasta": os.getcwd(), "modulo": nome})


def _erro(erro: BaseException) -> str:
    return f"{type(erro).__module__}.{type(erro).__qualname__}: {erro}".removeprefix("builtins.")


class _Observador:
    """Anota cada BaseManager criado (endereço pedido, chave) e iniciado, neste processo."""

    def __init__(self):
        self.criados: list[dict] = []
        self.iniciados: list[BaseManager] = []
        self.pedidos: list[dict] = []
        self.falhas: list[str] = []
        #: Quantas chamadas de iniciar_servidor estão em andamento, e os servidores que elas subiram.
        self.em_iniciar = 0
        self.via_iniciar: set[int] = set()

    def __enter__(self):
        observador = self
        self._init, self._start = BaseManager.__init__, BaseManager.start
        init_original, start_original = self._init, self._start

        def init(gerente, address=None, authkey=None, *args, **kwargs):
            chave = authkey if isinstance(authkey, (bytes, bytearray)) else None
            observador.criados.append({
                "classe": type(gerente).__name__, "pedido": repr(address),
                "porta_pedida": address[1] if isinstance(address, tuple) and len(address) == 2 else None,
                "chave": hashlib.sha256(chave).hexdigest()[:16] if chave else None,
                "tamanho_chave": len(chave) if chave else 0,
            })
            if not args and kwargs.get("ctx") is None:
                # O processo do servidor sempre nasce por spawn, com qualquer método dos testes: o registro
                # viaja por pickle (uma lambda falha sempre, não só com spawn), e a nota não muda com o método.
                kwargs["ctx"] = multiprocessing.get_context("spawn")
            init_original(gerente, address, authkey, *args, **kwargs)

        def start(gerente, *args, **kwargs):
            pedido = getattr(gerente, "_address", None)
            par = isinstance(pedido, tuple) and len(pedido) == 2
            observador.pedidos.append({
                "classe": type(gerente).__name__, "pedido": repr(pedido),
                "host_pedido": pedido[0] if par else None, "porta_pedida": pedido[1] if par else None,
                "via_iniciar_servidor": observador.em_iniciar > 0,
            })
            try:
                resposta = start_original(gerente, *args, **kwargs)
            except BaseException as erro:
                observador.falhas.append(_erro(erro))
                raise
            observador.iniciados.append(gerente)
            if observador.em_iniciar > 0:
                observador.via_iniciar.add(id(gerente))
            return resposta

        BaseManager.__init__, BaseManager.start = init, start
        return self

    def __exit__(self, *exc):
        BaseManager.__init__, BaseManager.start = self._init, self._start

    def servidores(self) -> list[dict]:
        estado = []
        for gerente in self.iniciados:
            processo = getattr(gerente, "_process", None)
            endereco = gerente.address
            estado.append({
                "classe": type(gerente).__name__, "endereco": repr(endereco),
                "host": endereco[0] if isinstance(endereco, tuple) and len(endereco) == 2 else None,
                "via_iniciar_servidor": id(gerente) in self.via_iniciar,
                "encerrado": gerente._state.value == State.SHUTDOWN,
                "vivo": bool(processo is not None and processo.is_alive()),
            })
        return estado

    def encerrar_sobras(self) -> None:
        for gerente in self.iniciados:
            if gerente._state.value != State.SHUTDOWN:
                try:
                    gerente.shutdown()
                except Exception:  # noqa: BLE001,S110 - limpeza do teste
                    pass


# ---------------------------------------------------------------------------------------------
# Parte A: o servidor


def servidor_observado(modulo: str) -> dict:
    """Sobe DOIS servidores do aluno ao mesmo tempo, com spawn (como no Windows e no macOS: o registro
    viaja por pickle), e faz uma mensagem passar de um cliente a outro pela mesma caixa."""
    resposta: dict = {"erro": None}
    with _Observador() as obs:
        chat = _modulo(modulo)
        try:
            chaves = [secrets.token_bytes(32), secrets.token_bytes(32)]
            servidores = []
            for chave in chaves:
                try:
                    servidores.append(chat.iniciar_servidor(chave))
                except Exception as erro:  # noqa: BLE001 - vira mensagem
                    resposta["erro"] = _erro(erro)
                    resposta["etapa"] = f"subir o {'primeiro' if not servidores else 'segundo'} servidor"
                    break
            resposta["enderecos"] = [list(s.address) if isinstance(s.address, tuple) else repr(s.address)
                                     for s in servidores]
            registro = getattr(type(servidores[0]), "_registry", {}) if servidores else {}
            alvo = registro.get("caixa_de", (None,))[0]
            resposta["registro"] = {nome: _curto(valor[0]) for nome, valor in registro.items()}
            resposta["alvo_lambda"] = bool(alvo is not None and "<lambda>" in getattr(alvo, "__qualname__", ""))
            if servidores and resposta["erro"] is None:
                try:
                    um = chat.conectar(servidores[0].address, chaves[0])
                    outro = chat.conectar(servidores[0].address, chaves[0])
                    um.caixa_de("A").put("teste")
                    resposta["eco"] = outro.caixa_de("A").get(timeout=5)
                except Exception as erro:  # noqa: BLE001
                    resposta["erro"] = _erro(erro)
                    resposta["etapa"] = "conectar dois clientes e passar uma mensagem pela caixa de A"
            resposta["criados"] = obs.criados
            resposta["pedidos"] = obs.pedidos
        finally:
            for servidor in locals().get("servidores", []):
                try:
                    servidor.shutdown()
                except Exception:  # noqa: BLE001,S110
                    pass
    return resposta


def chave_errada(modulo: str) -> str:
    """Tenta conectar ao servidor do aluno com uma chave errada; diz o que aconteceu."""
    with _Observador():
        chat = _modulo(modulo)
        servidor = chat.iniciar_servidor(secrets.token_bytes(32))
    try:
        chat.conectar(servidor.address, b"abc")
        return "conectou"
    except Exception as erro:  # noqa: BLE001 - o teste compara o nome da exceção
        return type(erro).__name__
    finally:
        servidor.shutdown()


def chaves_erradas(modulo: str) -> dict:
    """Sobe o servidor do aluno com uma chave aleatória; confere que um cliente do próprio teste, com
    ESSA chave, conecta (senão o servidor ignora a chave recebida), e tenta ``conectar`` do aluno com
    duas chaves erradas: uma curta (b"abc") e uma do tamanho normal (32 bytes aleatórios)."""
    with _Observador():
        chat = _modulo(modulo)
        chave = secrets.token_bytes(32)
        servidor = chat.iniciar_servidor(chave)
    resposta: dict = {}
    try:
        try:
            BaseManager(address=tuple(servidor.address), authkey=chave).connect()
            resposta["chave_certa"] = "conectou"
        except Exception as erro:  # noqa: BLE001 - vira dado
            resposta["chave_certa"] = type(erro).__name__
        for rotulo, errada in (("b'abc'", b"abc"), ("32 bytes aleatórios", secrets.token_bytes(32))):
            try:
                chat.conectar(servidor.address, errada)
                resposta[rotulo] = "conectou"
            except Exception as erro:  # noqa: BLE001 - o teste compara o nome da exceção
                resposta[rotulo] = type(erro).__name__
    finally:
        servidor.shutdown()
    return resposta


# ---------------------------------------------------------------------------------------------
# Parte B: dois participantes, em duas threads deste processo


def participantes_observados(modulo: str, mensagens_a: list, mensagens_b: list, prazo: float = 3.0) -> dict:
    """Roda ``participante`` para A (que começa) e B, com fontes e ``mostrar`` que anotam, em ordem
    global, cada mensagem pedida e cada linha mostrada."""
    with _Observador():
        chat = _modulo(modulo)
        chave = secrets.token_bytes(32)
        servidor = chat.iniciar_servidor(chave)
    eventos: list[tuple] = []
    trava = threading.Lock()
    resultados: dict = {}

    def anotar(*evento):
        with trava:
            eventos.append(evento)

    def fonte_de(nome, mensagens):
        pendentes = list(mensagens)

        def fonte():
            mensagem = pendentes.pop(0) if pendentes else "sair"
            anotar(nome, "fonte", mensagem)
            return mensagem
        return fonte

    def mostrar_de(nome):
        def mostrar(linha):
            anotar(nome, "mostrar", str(linha))
        return mostrar

    def rodar(nome, outro, mensagens, comeca):
        try:
            resultados[nome] = chat.participante(nome, outro, servidor.address, chave, fonte_de(nome, mensagens),
                                                 comeca, prazo, mostrar=mostrar_de(nome))
        except Exception as erro:  # noqa: BLE001
            resultados[nome] = f"erro: {_erro(erro)}"

    try:
        linhas = [threading.Thread(target=rodar, args=("A", "B", mensagens_a, True), daemon=True),
                  threading.Thread(target=rodar, args=("B", "A", mensagens_b, False), daemon=True)]
        for t in linhas:
            t.start()
        for t in linhas:
            t.join(timeout=prazo * 4)
        return {"transcricoes": resultados, "eventos": [list(e) for e in eventos],
                "terminaram": [not t.is_alive() for t in linhas]}
    finally:
        servidor.shutdown()


def participante_sem_resposta(modulo: str, prazo: float = 1.0, janela: float = 20.0, nome: str = "B") -> dict:
    """Roda só um participante, com ``prazo``, e ninguém responde. ``nome="B"``: B começa recebendo e
    ninguém escreve na caixa dele. ``nome="A"``: A começa escrevendo, põe a primeira mensagem ("oi") na
    caixa de B, e B nunca responde. Com ``get(timeout=prazo)``, ele termina (devolvendo ou levantando)
    logo depois do prazo; sem prazo, fica esperando para sempre — o teste espera ``janela`` segundos
    (muito mais que o prazo) e desiste. Assim o get de cada lado da conversa é conferido."""
    with _Observador():
        chat = _modulo(modulo)
        chave = secrets.token_bytes(32)
        servidor = chat.iniciar_servidor(chave)
    comeca = nome == "A"
    outro, fonte = ("B", ["oi"]) if comeca else ("A", ["nunca"])
    resposta: dict = {"prazo": prazo, "janela": janela, "nome": nome, "outro": outro, "primeira": fonte[0]}

    def rodar():
        try:
            resposta["resultado"] = _curto(chat.participante(nome, outro, servidor.address, chave, list(fonte), comeca,
                                                             prazo))
        except Exception as erro:  # noqa: BLE001 - terminar levantando (queue.Empty...) também vale
            resposta["erro"] = _erro(erro)

    try:
        linha = threading.Thread(target=rodar, daemon=True)
        inicio = time.monotonic()
        linha.start()
        linha.join(janela)
        resposta["terminou"] = not linha.is_alive()
        resposta["segundos"] = round(time.monotonic() - inicio, 1)
        return resposta
    finally:
        servidor.shutdown()


# ---------------------------------------------------------------------------------------------
# Parte C: a conversa em dois processos


class ParticipanteObservado:
    """O alvo que o teste entrega a ``conversar`` no lugar de ``_participar``: anota o processo e
    roda o ``_participar`` do aluno — ou, com ``falhar``, levanta um erro sem devolver transcrição
    (um participante que cai)."""

    def __init__(self, modulo: str, pasta: str, pid_executor: int, falhar: bool):
        self.modulo, self.pasta, self.pid_executor, self.falhar = modulo, pasta, pid_executor, falhar

    def __repr__(self) -> str:
        return "<função _participar (sonda do teste)>"

    def __setstate__(self, estado):
        self.__dict__.update(estado)
        guarda.instalar_no_filho(executor=self.pid_executor, pastas=[self.pasta])

    def __call__(self, nome, *args, **kwargs):
        _Diario(self.pasta, "participantes", self.pid_executor).anotar("participar", nome=_curto(nome))
        if self.falhar:
            raise ConnectionResetError(f"o teste derrubou o participante {nome} de propósito")
        import importlib
        import sys

        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        modulo = sys.modules.get(self.modulo) or importlib.import_module(self.modulo)
        return modulo._participar(nome, *args, **kwargs)


def conversa_observada(modulo: str, mensagens_a: list, mensagens_b: list, prazo: float = 3.0,
                       falhar: bool = False, espera: float = 30.0) -> dict:
    """``conversar(a, b, prazo, participar=ParticipanteObservado)``, vigiado: quem rodou os
    participantes, que servidores subiram (endereço pedido, chave), se foram encerrados, e quais
    processos filhos ficaram sem ``join`` quando ``conversar`` terminou."""
    obs = _conversa(modulo, None, mensagens_a, mensagens_b, prazo, falhar, espera)
    obs.pop("_modulo")
    return obs


def conversas_no_mesmo_processo(modulo: str, conversas: list, prazo: float = 3.0, espera: float = 30.0) -> list[dict]:
    """Várias conversas (``[(mensagens_a, mensagens_b), ...]``), uma depois da outra, no MESMO processo,
    com o módulo do aluno importado uma vez só — como um programa que conversa várias vezes."""
    resultados, chat = [], None
    for mensagens_a, mensagens_b in conversas:
        obs = _conversa(modulo, chat, mensagens_a, mensagens_b, prazo, False, espera)
        chat = obs.pop("_modulo")
        resultados.append(obs)
    return resultados


def _conversa(modulo: str, chat, mensagens_a: list, mensagens_b: list, prazo: float, falhar: bool,
              espera: float) -> dict:
    import tempfile

    servidores_de = _Observador.servidores  # antes do módulo do aluno: ele não troca o que o teste usa
    pasta = tempfile.mkdtemp(prefix="ex06-")
    guarda.proteger(pasta)
    participar = ParticipanteObservado(modulo, pasta, os.getpid(), falhar)
    resposta: dict = {"resultado": None, "erro": None, "terminou": False}
    antes = set(_processo._children)

    def rodar():
        try:
            resposta["resultado"] = chat.conversar(list(mensagens_a), list(mensagens_b), prazo, participar=participar)
        except BaseException as erro:  # noqa: BLE001 - vira dado
            resposta["erro"] = _erro(erro)
        finally:
            resposta["terminou"] = True

    with _Observador() as obs:
        if chat is None:
            chat = _modulo(modulo)
        # Os servidores que conversar sobe por iniciar_servidor já têm nota na Parte A; a Parte C confere
        # o endereço só dos que ela sobe por outro caminho (e não cobra duas vezes o mesmo erro).
        iniciar_original = getattr(chat, "iniciar_servidor", None)
        if callable(iniciar_original):
            def iniciar_servidor(*args, **kwargs):
                obs.em_iniciar += 1
                try:
                    return iniciar_original(*args, **kwargs)
                finally:
                    obs.em_iniciar -= 1
            chat.iniciar_servidor = iniciar_servidor
        linha = threading.Thread(target=rodar, daemon=True)
        inicio = time.monotonic()
        linha.start()
        linha.join(espera)
        resposta["segundos"] = round(time.monotonic() - inicio, 1)
        servidores_do_aluno = {id(getattr(g, "_process", None)) for g in obs.iniciados}
        resposta["sem_join"] = [
            {"nome": p.name, "vivo": p.is_alive()} for p in list(_processo._children)
            if p not in antes and id(p) not in servidores_do_aluno
        ]
        resposta["servidores"] = servidores_de(obs)
        resposta["criados"] = obs.criados
        resposta["pedidos"] = obs.pedidos
        resposta["falhas"] = obs.falhas
        resposta["participantes"], _ = _Diario(pasta, "participantes", os.getpid()).ler(100)
        resposta["pid_executor"] = os.getpid()
        obs.encerrar_sobras()
        if callable(iniciar_original):
            chat.iniciar_servidor = iniciar_original
    if not isinstance(resposta["resultado"], dict):
        resposta["tipo"] = type(resposta["resultado"]).__name__
        resposta["resultado"] = None if resposta["resultado"] is None else _curto(resposta["resultado"])
    resposta["_modulo"] = chat
    return resposta
