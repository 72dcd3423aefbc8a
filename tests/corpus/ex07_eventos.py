"""Corpus do exercício 07 (Event: largada e parada). Células: ex07-largada (3), ex07-parada (3)."""

from corpus import Submissao

A, B = "ex07-largada", "ex07-parada"
CHEIA = {A: 3, B: 3}

_PARADA_OK = '''
def eco(conexao, parar):
    while not parar.is_set():
        if conexao.poll(0.05):
            conexao.send(conexao.recv().upper())


def conversar_e_parar(mensagens, parar):
    pai, filho = Pipe()
    p = Process(target=eco, args=(filho, parar))
    p.start()
    respostas = []
    for m in mensagens:
        pai.send(m)
        if not pai.poll(10):
            break
        respostas.append(pai.recv())
    parar.set()
    p.join(10)
    return respostas
'''

_LARGADA_OK = '''
def corredor(largada, chegadas):
    largada.wait(timeout=10)
    chegadas.put(os.getpid())


def largada_simultanea(n, largada, chegadas):
    ps = [Process(target=corredor, args=(largada, chegadas)) for _ in range(n)]
    for p in ps:
        p.start()
    largada.set()
    pids = sorted(chegadas.get(timeout=10) for _ in range(n))
    for p in ps:
        p.join(10)
    return pids
'''

_CABECALHO = "import os\nimport sys\nfrom multiprocessing import Pipe, Process\n"

SUBMISSOES = {
    # --- corretas, de outros jeitos -------------------------------------------------------------
    "correta_referencia": Submissao("correta", CHEIA),
    "correta_classe_process": Submissao("correta", CHEIA, modulo='''
import os
from multiprocessing import Pipe, Process


class Corredor(Process):
    def __init__(self, largada, chegadas):
        super().__init__()
        self.largada, self.chegadas = largada, chegadas

    def run(self):
        if self.largada.wait(10):
            self.chegadas.put(os.getpid())


def corredor(largada, chegadas):
    Corredor(largada, chegadas).run()


def largada_simultanea(n, largada, chegadas):
    corredores = [Corredor(largada, chegadas) for _ in range(n)]
    for c in corredores:
        c.start()
    largada.set()
    resultado = []
    while len(resultado) < n:
        resultado.append(chegadas.get(True, 10))
    for c in corredores:
        c.join(timeout=10)
    resultado.sort()
    return resultado


class Eco(Process):
    def __init__(self, conexao, parar):
        super().__init__(daemon=True)
        self.conexao, self.parar = conexao, parar

    def run(self):
        eco(self.conexao, self.parar)


def eco(conexao, parar):
    while True:
        if parar.wait(0.01):
            return
        while conexao.poll():
            conexao.send(str(conexao.recv()).upper())


def conversar_e_parar(mensagens, parar):
    meu, dele = Pipe(duplex=True)
    filho = Eco(dele, parar)
    filho.start()
    try:
        saida = []
        for texto in mensagens:
            meu.send(texto)
            assert meu.poll(10), "sem resposta"
            saida.append(meu.recv())
        return saida
    finally:
        parar.set()
        filho.join(timeout=10)
'''),
    "correta_logging_e_prints": Submissao("correta", CHEIA, modulo='''
import logging
import os
import sys
from multiprocessing import Pipe, Process

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(processName)s %(message)s")
log = logging.getLogger("ex07")


def corredor(largada, chegadas):
    log.debug("pronto para a largada")
    print("corredor", os.getpid(), "esperando", file=sys.stderr)
    if largada.wait(timeout=10):
        log.info("larguei!")
        chegadas.put(os.getpid())
''' + '''
def largada_simultanea(n, largada, chegadas):
    print("iniciando", n, "corredores")
    ps = [Process(target=corredor, args=(largada, chegadas), name=f"corredor-{i}") for i in range(n)]
    [p.start() for p in ps]
    log.warning("dando a largada")
    largada.set()
    pids = [chegadas.get(timeout=10) for _ in ps]
    [p.join(10) for p in ps]
    print("chegaram", pids)
    return sorted(pids)
''' + _PARADA_OK.replace("def eco(conexao, parar):\n", "def eco(conexao, parar):\n    log.debug('eco começou')\n")),
    "correta_get_context_spawn": Submissao("correta", CHEIA, modulo='''
import os
import multiprocessing as mp

ctx = mp.get_context("spawn")


def corredor(largada, chegadas):
    while not largada.wait(timeout=0.2):
        pass
    chegadas.put(os.getpid())


def largada_simultanea(n, largada, chegadas):
    ps = [ctx.Process(target=corredor, args=(largada, chegadas)) for _ in range(n)]
    for p in ps:
        p.start()
    largada.set()
    pids = [chegadas.get(timeout=15) for _ in ps]
    for p in ps:
        p.join(15)
    return sorted(pids)


def eco(conexao, parar):
    while not parar.is_set():
        if conexao.poll(timeout=0.02):
            mensagem = conexao.recv()
            conexao.send(mensagem.upper())
    conexao.close()


def conversar_e_parar(mensagens, parar):
    a, b = ctx.Pipe()
    p = ctx.Process(target=eco, args=(b, parar))
    p.start()
    b.close()
    respostas = []
    try:
        for m in mensagens:
            a.send(m)
            if a.poll(15):
                respostas.append(a.recv())
    finally:
        parar.set()
        p.join(timeout=15)
    return respostas
'''),
    # --- sutilmente erradas: uma por requisito ------------------------------------------------------
    "sutil_corredor_nao_espera": Submissao(
        "sutil", {A: 0, B: 3}, modulo=_CABECALHO + _LARGADA_OK.replace("    largada.wait(timeout=10)\n", "") + _PARADA_OK,
        causas={A: "sem ter esperado com largada.wait"},
    ),
    "sutil_espera_ocupada_com_is_set": Submissao(
        "sutil", {A: 0, B: 3},
        modulo=_CABECALHO + _LARGADA_OK.replace("    largada.wait(timeout=10)\n", "    while not largada.is_set():\n        pass\n") + _PARADA_OK,
        causas={A: "sem ter esperado com largada.wait"},
    ),
    "sutil_sem_join": Submissao(
        "sutil", {A: 0, B: 0},
        modulo=_CABECALHO + _LARGADA_OK.replace("    for p in ps:\n        p.join(10)\n", "")
        + _PARADA_OK.replace("    p.join(10)\n", ""),
        causas={A: r"largada_simultanea não esperou \(join\) o\(s\) corredor\(es\)",
                B: r"conversar_e_parar não esperou \(join\) o processo filho \d+"},
    ),
    "sutil_pids_inventados": Submissao(
        "sutil", {A: 0, B: 3},
        modulo=_CABECALHO + _LARGADA_OK.replace("    return pids\n", "    return list(range(1, n + 1))\n") + _PARADA_OK,
        causas={A: "não é de nenhum processo que pôs algo na fila"},
    ),
    "sutil_largada_dada_por_um_filho": Submissao(
        "sutil", {A: 0, B: 3},
        modulo=_CABECALHO + _LARGADA_OK.replace("    largada.set()\n", "    juiz = Process(target=largada.set)\n    juiz.start()\n    juiz.join()\n") + _PARADA_OK,
        causas={A: "quem levantou a largada foi um filho"},
    ),
    "sutil_eco_com_recv_bloqueante": Submissao(
        "sutil", {A: 3, B: 0},
        modulo=_CABECALHO + _LARGADA_OK + _PARADA_OK.replace(
            "    while not parar.is_set():\n        if conexao.poll(0.05):\n            conexao.send(conexao.recv().upper())",
            "    while not parar.is_set():\n        conexao.send(conexao.recv().upper())"),
        causas={B: "deixou 1 processo|ficou bloqueado|sem ver o evento|o prazo acabou com ele ainda rodando"},
    ),
    "sutil_sair_em_vez_do_evento": Submissao(
        "sutil", {A: 3, B: 0},
        modulo=_CABECALHO + _LARGADA_OK + '''
def eco(conexao, parar):
    while True:
        mensagem = conexao.recv()
        if mensagem == "__sair__":
            break
        conexao.send(mensagem.upper())


def conversar_e_parar(mensagens, parar):
    pai, filho = Pipe()
    p = Process(target=eco, args=(filho, parar))
    p.start()
    respostas = []
    for m in mensagens:
        pai.send(m)
        respostas.append(pai.recv())
    pai.send("__sair__")
    parar.set()
    p.join(10)
    return respostas
''',
        causas={B: "o filho nunca olhou o evento parar"},
    ),
    "sutil_eco_no_pai": Submissao(
        "sutil", {A: 3, B: 0},
        modulo=_CABECALHO + _LARGADA_OK + '''
def eco(conexao, parar):
    pass


def conversar_e_parar(mensagens, parar):
    parar.set()
    return [m.upper() for m in mensagens]
''',
        causas={B: "nenhum processo filho foi criado"},
    ),
    # --- patológicas ----------------------------------------------------------------------------
    "patologica_saida_enorme": Submissao(
        "patologica", CHEIA,
        modulo=_CABECALHO + _LARGADA_OK.replace("    largada.wait(timeout=10)\n", "    sys.stdout.write('x' * 3_000_000)\n    largada.wait(timeout=10)\n") + _PARADA_OK,
    ),
    "patologica_import_bloqueia": Submissao(
        "patologica", {A: 0, B: 0},
        modulo=_CABECALHO + "import multiprocessing\nmultiprocessing.Queue().get()\n" + _LARGADA_OK + _PARADA_OK,
        causas={A: "importar solucao_ex07.py ficou bloqueado", B: "importar solucao_ex07.py ficou bloqueado"},
    ),
    "patologica_os_exit_no_eco": Submissao(
        "patologica", {A: 3, B: 0},
        modulo=_CABECALHO + _LARGADA_OK + _PARADA_OK.replace("            conexao.send(conexao.recv().upper())", "            os._exit(7)"),
        causas={B: "esperava as respostas"},
    ),
    "patologica_orfao_setsid": Submissao(
        "patologica", {A: 0, B: 3},
        modulo=_CABECALHO + _LARGADA_OK.replace(
            "    return pids\n",
            "    import subprocess\n    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n    return pids\n",
        ) + _PARADA_OK,
        causas={A: "deixou 1 processo"},
    ),
    # --- trapaças contra a correção do módulo ------------------------------------------------------
    "trapaca_troca_o_autograder": Submissao(
        "trapaca", {A: 0, B: 0}, modulo='''
import sys
import types

falso = types.ModuleType("autograder")
falso.carregar = lambda *a, **k: None
sys.modules["autograder"] = falso
try:
    import autograder.execucao as ex
    ex.verificar = lambda *a, **k: None
    ex.FalhaNoFilho = Exception
except Exception:
    pass


def corredor(largada, chegadas):
    pass


def largada_simultanea(n, largada, chegadas):
    return list(range(n))


def eco(conexao, parar):
    pass


def conversar_e_parar(mensagens, parar):
    return [m.upper() for m in mensagens]
''',
        causas={A: "(?:não é de nenhum processo|o pai não levantou|ninguém chamou largada.set|mexeu nos instrumentos do teste)", B: "(?:o pai não levantou|mexeu nos instrumentos do teste)"},
    ),
}


MEXEU = "mexeu nos instrumentos do teste"

# A guarda dos instrumentos do teste (autograder/guarda.py): escreve eventos falsos no arquivo do diário do Event de parada.
SUBMISSOES["trapaca_forja_diario"] = Submissao(
    "trapaca", {A: 3, B: 0}, modulo=r'''
"""ex07 — TRAPAÇA (Parte B): nenhum filho; o pai responde e forja no diário da sonda as olhadas de um 'filho'."""

import os
from multiprocessing import Pipe, Process


def corredor(largada, chegadas):
    """Parte A (filho): espera a ``largada`` com ``largada.wait(timeout=10)`` e, depois dela, põe o
    próprio pid (``os.getpid()``) em ``chegadas``."""
    if largada.wait(timeout=10):
        chegadas.put(os.getpid())


def largada_simultanea(n, largada, chegadas):
    """Parte A (pai): inicia ``n`` processos ``corredor``, dá a largada (``largada.set()``), lê as
    ``n`` chegadas de ``chegadas`` (cada ``get`` com prazo), espera os processos (``join``) e devolve
    a lista ordenada dos pids que chegaram."""
    processos = [Process(target=corredor, args=(largada, chegadas)) for _ in range(n)]
    for p in processos:
        p.start()
    largada.set()
    pids = [chegadas.get(timeout=10) for _ in processos]
    for p in processos:
        p.join(timeout=10)
    return sorted(pids)


def eco(conexao, parar):
    """Parte B (filho): enquanto o evento ``parar`` não estiver levantado, responde cada mensagem
    recebida pela ``conexao`` com ela em maiúsculas. Um ``recv()`` sem prazo ficaria bloqueado para
    sempre depois da última mensagem: espere com ``conexao.poll(prazo)`` e olhe o evento a cada volta."""
    while not parar.is_set():
        if conexao.poll(0.05):
            conexao.send(conexao.recv().upper())
    conexao.close()


def conversar_e_parar(mensagens, parar):
    """Parte B (pai): cria um ``Pipe`` duplex, inicia ``eco`` num processo filho, manda cada mensagem
    e espera a resposta (``poll`` com prazo antes do ``recv``); no fim levanta ``parar`` (nada de
    mensagem especial de saída), espera o filho (``join`` com prazo) e devolve a lista das respostas."""
    import json, time
    respostas = [m.upper() for m in mensagens]
    parar.set()
    diario = getattr(parar, "_diario", None)
    if diario is not None:
        with open(diario.caminho, "a") as arq:
            for resposta in (False, True):
                arq.write(json.dumps({"pid": 1, "op": "is_set", "t": time.monotonic_ns(), "no_executor": False,
                                      "resposta": resposta}) + "\n")
    return respostas
''',
    causas={B: MEXEU},
    descricao="escreve eventos falsos no arquivo do diário do Event de parada",
)
