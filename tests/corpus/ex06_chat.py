"""Corpus do exercício 06 (chat com BaseManager): alunos de mentira, com a nota esperada por célula."""

from corpus import Submissao

S, K, P, C, E = "ex06-servidor", "ex06-chave-errada", "ex06-participante", "ex06-conversa", "ex06-encerramento"
TUDO = {S: 2, K: 1, P: 3, C: 2, E: 1}


def _menos(*celulas):
    return {g: (0 if g in celulas else p) for g, p in TUDO.items()}


OUTRA_ESTRUTURA = '''
"""Chat com BaseManager, escrito do meu jeito: helpers, logging no stderr, prints de depuração."""
import logging
import multiprocessing as mp
import queue
import secrets
import sys
from multiprocessing.managers import BaseManager

logging.basicConfig(stream=sys.stderr, level=logging.DEBUG, format="[%(processName)s] %(message)s")
log = logging.getLogger("chat")

HOST = "127.0.0.1"
SAIR = "sair"
_caixas = {}


def caixa_de(nome):
    return _caixas.setdefault(nome, queue.Queue())


class ServidorChat(BaseManager):
    pass


class ClienteChat(BaseManager):
    pass


ServidorChat.register("caixa_de", caixa_de)
ClienteChat.register("caixa_de")


def iniciar_servidor(chave):
    s = ServidorChat((HOST, 0), chave)
    s.start()
    log.debug("servidor em %s", s.address)
    return s


def conectar(endereco, chave):
    c = ClienteChat(tuple(endereco), chave)
    c.connect()
    return c


def eh_sair(mensagem):
    return mensagem.strip().lower() == SAIR


def proxima_mensagem(fonte):
    if callable(fonte):
        return fonte()
    return next(fonte, SAIR)


class Conversa:
    def __init__(self, nome, outro, cliente, prazo, mostrar):
        self.nome, self.outro, self.prazo = nome, outro, prazo
        self.entrada, self.saida = cliente.caixa_de(nome), cliente.caixa_de(outro)
        self.mostrar = mostrar or (lambda linha: None)
        self.linhas = []

    def escrever(self, fonte):
        texto = proxima_mensagem(fonte)
        self.saida.put(texto)
        self.linhas.append(f"{self.nome}: {texto}")
        print("enviei", repr(texto), flush=True)
        return texto

    def receber(self):
        texto = self.entrada.get(timeout=self.prazo)
        self.linhas.append(f"{self.outro}: {texto}")
        self.mostrar(self.linhas[-1])
        print("recebi", repr(texto), file=sys.stderr, flush=True)
        return texto


def participante(nome, outro, endereco, chave, fonte, comeca, prazo=10.0, mostrar=None):
    if not callable(fonte):
        fonte = iter(fonte)
    conversa = Conversa(nome, outro, conectar(endereco, chave), prazo, mostrar)
    passos = [conversa.escrever, conversa.receber] if comeca else [conversa.receber, conversa.escrever]
    while True:
        for passo in passos:
            texto = passo(fonte) if passo == conversa.escrever else passo()
            if eh_sair(texto):
                return conversa.linhas


def _participar(nome, outro, endereco, chave, mensagens, comeca, prazo, resultados):
    resultados.put((nome, participante(nome, outro, endereco, chave, mensagens, comeca, prazo)))


def conversar(mensagens_a, mensagens_b, prazo=10.0, participar=_participar):
    ctx = mp.get_context()
    chave = secrets.token_bytes(24)
    servidor = iniciar_servidor(chave)
    filhos = []
    try:
        resultados = ctx.Queue()
        for nome, outro, msgs, comeca in (("A", "B", mensagens_a, True), ("B", "A", mensagens_b, False)):
            p = ctx.Process(target=participar, args=(nome, outro, servidor.address, chave, list(msgs), comeca, prazo, resultados))
            p.start()
            filhos.append(p)
        transcricoes = {}
        while len(transcricoes) < 2:
            nome, linhas = resultados.get(timeout=2 * prazo)
            transcricoes[nome] = linhas
        return transcricoes
    finally:
        for p in filhos:
            p.join(timeout=prazo)
            if p.is_alive():
                p.terminate()
                p.join()
        servidor.shutdown()
        log.debug("servidor encerrado")
'''

FORKSERVER_E_WITH = '''
"""Chat com forkserver explícito, uma função que cria as caixas e with para o servidor."""
import multiprocessing
import queue
import secrets
from multiprocessing.managers import BaseManager

HOST = "127.0.0.1"
SAIR = "sair"
_caixas = {}
CTX = multiprocessing.get_context("forkserver")


def caixa_de(nome):
    if nome not in _caixas:
        _caixas[nome] = queue.Queue()
    return _caixas[nome]


def criar_caixa(nome):
    return caixa_de(nome)


class ServidorChat(BaseManager):
    pass


class ClienteChat(BaseManager):
    pass


ServidorChat.register("caixa_de", callable=criar_caixa)
ClienteChat.register("caixa_de")


def iniciar_servidor(chave):
    servidor = ServidorChat(address=(HOST, 0), authkey=chave)
    servidor.start()
    return servidor


def conectar(endereco, chave):
    cliente = ClienteChat(address=tuple(endereco), authkey=chave)
    cliente.connect()
    return cliente


def eh_sair(mensagem):
    return mensagem.strip().lower() == SAIR


def proxima_mensagem(fonte):
    if callable(fonte):
        return fonte()
    return next(fonte, SAIR)


def participante(nome, outro, endereco, chave, fonte, comeca, prazo=10.0, mostrar=None):
    if not callable(fonte):
        fonte = iter(fonte)
    cliente = conectar(endereco, chave)
    minha, dele = cliente.caixa_de(nome), cliente.caixa_de(outro)
    transcricao = []
    if not comeca:
        recebida = minha.get(timeout=prazo)
        transcricao.append(f"{outro}: {recebida}")
        if mostrar:
            mostrar(transcricao[-1])
        if eh_sair(recebida):
            return transcricao
    while True:
        enviada = proxima_mensagem(fonte)
        dele.put(enviada)
        transcricao.append(f"{nome}: {enviada}")
        if eh_sair(enviada):
            return transcricao
        recebida = minha.get(timeout=prazo)
        transcricao.append(f"{outro}: {recebida}")
        if mostrar:
            mostrar(transcricao[-1])
        if eh_sair(recebida):
            return transcricao


def _participar(nome, outro, endereco, chave, mensagens, comeca, prazo, resultados):
    resultados.put((nome, participante(nome, outro, endereco, chave, mensagens, comeca, prazo)))


def conversar(mensagens_a, mensagens_b, prazo=10.0, participar=_participar):
    chave = secrets.token_bytes(32)
    with ServidorChat(address=(HOST, 0), authkey=chave) as servidor:
        resultados = CTX.Queue()
        a = CTX.Process(target=participar, args=("A", "B", servidor.address, chave, list(mensagens_a), True, prazo, resultados))
        b = CTX.Process(target=participar, args=("B", "A", servidor.address, chave, list(mensagens_b), False, prazo, resultados))
        a.start()
        b.start()
        try:
            primeiro = resultados.get(timeout=prazo * 2)
            segundo = resultados.get(timeout=prazo * 2)
        finally:
            a.join(prazo)
            b.join(prazo)
        return dict([primeiro, segundo])
'''

SEM_PROCESSOS_NA_CONVERSA = [(
    "        for p in processos:\n            p.start()\n        transcricoes = dict(resultados.get(timeout=prazo * 2) for _ in processos)\n"
    "        for p in processos:\n            p.join(timeout=prazo)\n",
    "        import threading\n        linhas = [threading.Thread(target=p._target, args=p._args) for p in processos]\n"
    "        for t in linhas:\n            t.start()\n        transcricoes = dict(resultados.get(timeout=prazo * 2) for _ in processos)\n"
    "        for t in linhas:\n            t.join(timeout=prazo)\n",
)]

# Parte C sem try/finally: o shutdown só no caminho feliz (sem_finally, get_sem_prazo_em_a).
SEM_FINALLY = [("    try:\n        resultados = Queue()", "    if True:\n        resultados = Queue()"),
               ("        return transcricoes\n    finally:\n        servidor.shutdown()",
                "        servidor.shutdown()\n        return transcricoes")]

# Parte B: só quem começa recebendo (B) lê com prazo; quem começa escrevendo (A) lê com get() sem prazo
# (equipe de teste da sessão 7). Parte C sem try/finally.
GET_SEM_PRAZO_EM_A = [("            mensagem = minha.get(timeout=prazo)",
                       "            mensagem = minha.get() if comeca else minha.get(timeout=prazo)")] + SEM_FINALLY

# Parte B de outro jeito: um objeto por participante, turnos contados (par/ímpar), fonte como
# functools.partial(next, ...), queue.Empty pego e convertido em fim de conversa com aviso; Parte C com
# spawn explícito, ExitStack (join e depois shutdown) e TimeoutError quando as transcrições não chegam.
CLASSE_E_TURNOS = '''
"""Chat entre dois processos por um BaseManager — do meu jeito: cada lado é um objeto Participante,
os turnos são contados (par/ímpar), e quem espera demais avisa e encerra a conversa."""

import contextlib
import functools
import itertools
import multiprocessing
import queue
import secrets
import sys
import time
from multiprocessing.managers import BaseManager

HOST = "127.0.0.1"
SAIR = "sair"
BYTES_DA_CHAVE = 32

_caixas = {}


def caixa_de(nome):
    try:
        return _caixas[nome]
    except KeyError:
        _caixas[nome] = queue.Queue()
        return _caixas[nome]


class ServidorChat(BaseManager):
    """O processo que guarda as caixas de entrada."""


class ClienteChat(BaseManager):
    """O lado de quem conversa: só pede caixas pelo nome."""


ServidorChat.register("caixa_de", caixa_de)
ClienteChat.register("caixa_de")


def iniciar_servidor(chave):
    servidor = ServidorChat((HOST, 0), bytes(chave))
    servidor.start()
    host, porta = servidor.address
    print(f"[servidor] no ar em {host}:{porta}", flush=True)
    return servidor


def conectar(endereco, chave):
    host, porta = endereco
    cliente = ClienteChat((host, int(porta)), bytes(chave))
    cliente.connect()
    return cliente


def eh_sair(mensagem):
    return mensagem.strip().lower() == SAIR


def proxima_mensagem(fonte):
    if callable(fonte):
        return fonte()
    return next(fonte, SAIR)


class Participante:
    """Um lado da conversa: fala na caixa do outro, ouve a própria, um turno de cada vez."""

    def __init__(self, nome, outro, cliente, prazo, mostrar=None):
        self.nome = nome
        self.outro = outro
        self.prazo = prazo
        self.mostrar = mostrar
        self.entrada = cliente.caixa_de(nome)
        self.saida = cliente.caixa_de(outro)
        self.transcricao = []

    def _anotar(self, quem, mensagem):
        linha = f"{quem}: {mensagem}"
        self.transcricao.append(linha)
        return linha

    def falar(self, pedir):
        mensagem = pedir()
        self.saida.put(mensagem)
        self._anotar(self.nome, mensagem)
        return mensagem

    def ouvir(self):
        mensagem = self.entrada.get(block=True, timeout=self.prazo)
        linha = self._anotar(self.outro, mensagem)
        if self.mostrar is not None:
            self.mostrar(linha)
        return mensagem

    def conversar(self, pedir, comeca):
        for turno in itertools.count():
            minha_vez = (turno % 2 == 0) == bool(comeca)
            try:
                mensagem = self.falar(pedir) if minha_vez else self.ouvir()
            except queue.Empty:
                print(f"[{self.nome}] {self.outro} ficou {self.prazo:g} s sem responder; encerro a conversa.",
                      file=sys.stderr, flush=True)
                break
            if eh_sair(mensagem):
                print(f"[{self.nome}] fim da conversa depois de {turno + 1} turno(s).", flush=True)
                break
        return self.transcricao


def participante(nome, outro, endereco, chave, fonte, comeca, prazo=10.0, mostrar=None):
    pedir = fonte if callable(fonte) else functools.partial(next, iter(fonte), SAIR)
    cliente = conectar(endereco, chave)
    print(f"[{nome}] conectado; {'começo escrevendo' if comeca else 'espero ' + outro}.", flush=True)
    return Participante(nome, outro, cliente, prazo, mostrar).conversar(pedir, comeca)


def _participar(nome, outro, endereco, chave, mensagens, comeca, prazo, resultados):
    resultados.put((nome, participante(nome, outro, endereco, chave, mensagens, comeca, prazo)))


def _esperar_todos(processos, prazo):
    for p in processos:
        p.join(timeout=prazo)
        if p.is_alive():
            print(f"[conversa] {p.name} não terminou em {prazo:g} s; encerro-o.", file=sys.stderr, flush=True)
            p.terminate()
            p.join()


def conversar(mensagens_a, mensagens_b, prazo=10.0, participar=_participar):
    ctx = multiprocessing.get_context("spawn")
    with contextlib.ExitStack() as pilha:
        chave = secrets.token_bytes(BYTES_DA_CHAVE)
        servidor = iniciar_servidor(chave)
        pilha.callback(servidor.shutdown)  # roda por último: os participantes são esperados antes
        resultados = ctx.Queue()
        iniciados = []
        pilha.callback(_esperar_todos, iniciados, prazo)
        lados = (("A", "B", mensagens_a, True), ("B", "A", mensagens_b, False))
        for nome, outro, mensagens, comeca in lados:
            p = ctx.Process(target=participar, name=f"participante-{nome}",
                            args=(nome, outro, servidor.address, chave, list(mensagens), comeca, prazo, resultados))
            p.start()
            iniciados.append(p)
        transcricoes = {}
        limite = time.monotonic() + 2 * prazo
        while len(transcricoes) < len(lados):
            try:
                nome, linhas = resultados.get(timeout=max(0.0, limite - time.monotonic()))
            except queue.Empty:
                faltam = sorted({n for n, *_ in lados} - set(transcricoes))
                raise TimeoutError(f"as transcrições de {', '.join(faltam)} não chegaram em {2 * prazo:g} s") from None
            transcricoes[nome] = linhas
        return transcricoes


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Chat entre dois processos por um BaseManager.")
    sub = parser.add_subparsers(dest="comando", required=True)
    sub.add_parser("servidor")
    par = sub.add_parser("participante")
    par.add_argument("nome", choices=["A", "B"])
    par.add_argument("--porta", type=int, required=True)
    par.add_argument("--chave", required=True)
    args = parser.parse_args(argv)
    if args.comando == "servidor":
        chave = secrets.token_bytes(BYTES_DA_CHAVE)
        servidor = iniciar_servidor(chave)
        print(f"Chave: {chave.hex()}", flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            servidor.shutdown()
        return 0
    outro = "B" if args.nome == "A" else "A"
    participante(args.nome, outro, (HOST, args.porta), bytes.fromhex(args.chave),
                 lambda: input(f"{args.nome}> "), comeca=args.nome == "A", prazo=3600, mostrar=print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

SUBMISSOES = {
    "referencia": Submissao("correta", dict(TUDO), descricao="a solução do source"),
    "outra_estrutura": Submissao("correta", dict(TUDO), modulo=OUTRA_ESTRUTURA,
                                 descricao="classe Conversa, setdefault, logging e prints no stdout e stderr, join e "
                                           "shutdown no finally"),
    "forkserver_e_with": Submissao("correta", dict(TUDO), modulo=FORKSERVER_E_WITH,
                                   descricao="get_context('forkserver'), função de módulo que embrulha caixa_de, "
                                             "with ServidorChat(...) na conversa"),
    "saida_enorme": Submissao(
        "patologica", dict(TUDO), trocas=[("    cliente = conectar(endereco, chave)\n    minha, dele",
                                           "    print('z' * 3_000_000, file=sys.stderr, flush=True)\n"
                                           "    cliente = conectar(endereco, chave)\n    minha, dele")],
        descricao="cada participante imprime 3 MB no stderr: imprimir não custa ponto"),
    # --- sutilmente erradas ----------------------------------------------------------------------
    "lambda_registrada": Submissao(
        "sutil", _menos(S, K, P, C, E), trocas=[('ServidorChat.register("caixa_de", callable=caixa_de)',
                                                 'ServidorChat.register("caixa_de", callable=lambda nome: caixa_de(nome))')],
        causas={S: "lambda", K: "pickle", P: "pickle", C: "pickle", E: "não subiu.*pickle"},
        descricao="registro com lambda: o servidor (sempre com spawn nos testes) não sobe, com qualquer método"),
    "porta_fixa": Submissao(
        "sutil", _menos(S), trocas=[("servidor = ServidorChat(address=(HOST, 0), authkey=chave)",
                                     "import os\n    servidor = ServidorChat(address=(HOST, 21000 + os.getpid() % 1000), authkey=chave)")],
        # Abaixo das portas efêmeras do Linux (32768–60999): uma porta fixa ali pode estar em uso por
        # uma conexão qualquer da máquina, e a conversa (que ganha os pontos) falharia por acaso.
        causas={S: "porta fixa|porta 0"}, descricao="porta fixa (fora das efêmeras; não a 50000)"),
    "escuta_em_tudo": Submissao(
        "sutil", _menos(S), trocas=[("servidor = ServidorChat(address=(HOST, 0), authkey=chave)",
                                     "servidor = ServidorChat(address=(\"0.0.0.0\", 0), authkey=chave)")],
        causas={S: "0.0.0.0.*só na própria máquina"}, descricao="escuta em todas as interfaces"),
    "chave_ignorada": Submissao(
        "sutil", _menos(K, C), trocas=[("servidor = ServidorChat(address=(HOST, 0), authkey=chave)",
                                     "servidor = ServidorChat(address=(HOST, 0))"),
                                    ("cliente = ClienteChat(address=tuple(endereco), authkey=chave)",
                                     "cliente = ClienteChat(address=tuple(endereco))")],
        causas={K: "iniciar_servidor ignora a chave", C: "chave de 0 byte"}, descricao="nem servidor nem cliente usam a chave"),
    "caixa_nova": Submissao(
        "sutil", {S: 0, K: 1, P: 0, C: 0, E: 1},
        trocas=[("    if nome not in _caixas:\n        _caixas[nome] = queue.Queue()\n    return _caixas[nome]",
                 "    return queue.Queue()")],
        causas={S: "SEMPRE a mesma fila", P: "Empty", C: "Empty"}, descricao="uma fila nova a cada caixa_de"),
    "sem_mostrar": Submissao(
        "sutil", _menos(P), trocas=[("            mostrar(transcricao[-1])\n", "")],
        causas={P: r"mostrou \[\], mas recebeu"}, descricao="não mostra o que recebe"),
    "mostra_no_fim": Submissao(
        "sutil", _menos(P), trocas=[("            mostrar(transcricao[-1])\n", ""),
                                    ("        if eh_sair(mensagem):\n            return transcricao\n        vez_de_escrever",
                                     "        if eh_sair(mensagem):\n            for linha in transcricao:\n"
                                     "                if not linha.startswith(nome + ':'):\n                    mostrar(linha)\n"
                                     "            return transcricao\n        vez_de_escrever")],
        causas={P: "antes de mostrar a linha"}, descricao="mostra tudo só no fim"),
    "threads_na_conversa": Submissao(
        "sutil", _menos(C), trocas=SEM_PROCESSOS_NA_CONVERSA,
        causas={C: "não num processo filho"}, descricao="participantes em threads, não processos"),
    "sem_join": Submissao(
        "sutil", _menos(C), trocas=[("        for p in processos:\n            p.join(timeout=prazo)\n", "")],
        causas={C: r"não tinham sido esperados com join\(\)"}, descricao="não espera os processos"),
    "sem_finally": Submissao(
        "sutil", _menos(E), trocas=SEM_FINALLY,
        causas={E: "shutdown\\(\\) num finally"}, descricao="shutdown só no caminho feliz"),
    "chave_fixa": Submissao(
        "sutil", _menos(C), trocas=[("    chave = secrets.token_bytes(32)\n    servidor = iniciar_servidor(chave)\n    try:",
                                     "    chave = b'uma-chave-bem-comprida-e-fixa'\n    servidor = iniciar_servidor(chave)\n    try:")],
        causas={C: "MESMA chave"}, descricao="a mesma chave em toda conversa"),
    "chave_do_modulo": Submissao(
        "sutil", _menos(C), trocas=[('_caixas = {}\n', '_caixas = {}\n_CHAVE = secrets.token_bytes(32)\n'),
                                    ("    chave = secrets.token_bytes(32)\n    servidor = iniciar_servidor(chave)\n    try:", "    chave = _CHAVE\n    servidor = iniciar_servidor(chave)\n    try:")],
        causas={C: "MESMA chave"},
        descricao="uma chave aleatória por import do módulo, não por conversa (o teste conversa duas vezes no mesmo processo)"),
    "conversa_em_tudo": Submissao(
        "sutil", _menos(C), trocas=[("    chave = secrets.token_bytes(32)\n    servidor = iniciar_servidor(chave)\n    try:",
                                     "    chave = secrets.token_bytes(32)\n    servidor = ServidorChat(address=('0.0.0.0', 0), authkey=chave)\n"
                                     "    servidor.start()\n    try:")],
        causas={C: r"escuta em \('0\.0\.0\.0'.*127\.0\.0\.1"},
        descricao="conversar sobe o próprio servidor em 0.0.0.0 (iniciar_servidor está certa)"),
    "conversa_porta_fixa": Submissao(
        "sutil", _menos(C), trocas=[("    chave = secrets.token_bytes(32)\n    servidor = iniciar_servidor(chave)\n    try:",
                                     "    import os\n    chave = secrets.token_bytes(32)\n"
                                     "    servidor = ServidorChat(address=(HOST, 22000 + os.getpid() % 1000), authkey=chave)\n"
                                     "    servidor.start()\n    try:")],
        causas={C: "pediu o endereço.*porta 0"},
        descricao="conversar sobe o próprio servidor numa porta fixa (fora das efêmeras)"),
    "get_sem_prazo": Submissao(
        "sutil", _menos(P), trocas=[("            mensagem = minha.get(timeout=prazo)", "            mensagem = minha.get()")],
        causas={P: "o get não tem prazo"}, descricao="participante lê a própria caixa com get() sem prazo"),
    # --- patológicas -----------------------------------------------------------------------------
    "conversa_morre": Submissao(
        "patologica", _menos(C, E), trocas=[("    chave = secrets.token_bytes(32)\n    servidor = iniciar_servidor(chave)\n    try:",
                                             "    import os\n    os._exit(4)\n    chave = secrets.token_bytes(32)\n"
                                             "    servidor = iniciar_servidor(chave)\n    try:")],
        causas={C: "código de saída 4", E: "código de saída 4"}, descricao="os._exit no pai da conversa"),
    "import_sai": Submissao(
        "patologica", {S: 0, K: 0, P: 0, C: 0, E: 0}, trocas=[('HOST = "127.0.0.1"\n', 'HOST = "127.0.0.1"\nsys.exit(1)\n')],
        causas={S: "importar solucao_ex06.py"}, descricao="sys.exit ao importar"),
    # --- trapaças --------------------------------------------------------------------------------
    "valores_fixos_e_autograder": Submissao(
        "trapaca", {S: 0, K: 0, P: 0, C: 0, E: 0}, modulo='''
import autograder
import autograder.verificacoes_ex06 as v

for _nome in dir(v):
    if _nome.startswith("conferir") or _nome == "mesma_chave":
        setattr(v, _nome, lambda *a, **k: None)
autograder.verificar = autograder.verificar_igual = lambda *a, **k: None

def iniciar_servidor(chave):
    raise NotImplementedError

def conectar(endereco, chave):
    raise NotImplementedError

def participante(nome, outro, endereco, chave, fonte, comeca, prazo=10.0, mostrar=None):
    return ["A: oi", "B: olá", "A: sair"]

def _participar(*args):
    pass

def conversar(mensagens_a, mensagens_b, prazo=10.0, participar=_participar):
    linhas = ["A: Olá, pong", "B: Olá, ping", "A: Como está seu dia?", "B: Tudo tranquilo", "A: sair"]
    return {"A": linhas, "B": linhas}
''', descricao="valores esperados fixos e conferências trocadas de dentro do módulo (só no executor)"),
    "le_o_source": Submissao(
        "trapaca", {S: 0, K: 0, P: 0, C: 0, E: 0}, modulo='''
import json
import os

for _caminho in ("../../source/ex06_chat/ex06_chat.ipynb", "../source/ex06_chat/ex06_chat.ipynb"):
    if os.path.exists(_caminho):
        exec("".join(json.load(open(_caminho))["cells"][1]["source"]).split("\\n", 1)[1])
        break
else:
    def conversar(mensagens_a, mensagens_b, prazo=10.0, participar=None):
        linhas = ["A: Olá, pong", "B: Olá, ping", "A: Como está seu dia?", "B: Tudo tranquilo", "A: sair"]
        return {"A": linhas, "B": linhas}

    def iniciar_servidor(chave):
        raise NotImplementedError

    def conectar(endereco, chave):
        raise NotImplementedError

    def participante(*args, **kwargs):
        raise NotImplementedError
''', descricao="procura a solução em ../../source e, sem achar, devolve valores fixos"),
    "servidor_com_chave_fixa": Submissao(
        "trapaca", _menos(K, C),
        trocas=[('_caixas = {}\n', '_caixas = {}\n_FIXA = b"chave-fixa-do-chat-0123456789abc"\n'),
                ("servidor = ServidorChat(address=(HOST, 0), authkey=chave)",
                 "servidor = ServidorChat(address=(HOST, 0), authkey=_FIXA)"),
                ("    cliente = ClienteChat(address=tuple(endereco), authkey=chave)",
                 "    if len(chave) < 16:\n        from multiprocessing import AuthenticationError\n"
                 "        raise AuthenticationError('digest received was wrong')\n"
                 "    cliente = ClienteChat(address=tuple(endereco), authkey=_FIXA)")],
        causas={K: "iniciar_servidor ignora a chave", C: "MESMA chave"},
        descricao="o servidor ignora a chave e usa uma fixa; conectar finge recusar chaves curtas"),
    # --- sessão 7; no fim do dicionário, fora da amostra do corretor completo ---------------------
    "get_sem_prazo_em_a": Submissao(
        "sutil", _menos(P, E), trocas=GET_SEM_PRAZO_EM_A,
        causas={P: r"A começou escrevendo, com prazo=1 s, pôs 'oi' na caixa de B, e B nunca respondeu: 20 s depois, "
                   r"A ainda esperava na própria caixa — o get não tem prazo",
                E: r"ainda no ar: encerre-o com shutdown\(\) num finally"},
        descricao="só B lê com get(timeout=prazo); A, que começa, lê com get() sem prazo; conversar sem try/finally"),
    # --- sessão 8 -------------------------------------------------------------------------------
    "classe_e_turnos": Submissao(
        "correta", dict(TUDO), modulo=CLASSE_E_TURNOS,
        descricao="classe Participante com falar/ouvir, turnos por itertools.count (par/ímpar), fonte com "
                  "functools.partial(next, ...), queue.Empty vira fim de conversa com aviso; conversar com spawn "
                  "explícito, ExitStack e TimeoutError; prints para o usuário"),
}
