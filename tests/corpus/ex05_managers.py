"""Corpus do exercício 05 (managers): alunos de mentira, cada um com a nota esperada por célula."""

from corpus import Submissao

A, B, C = "ex05-contagem", "ex05-unicos", "ex05-historico"
TUDO = {A: 3, B: 2, C: 2}


def _menos(*celulas):
    return {g: (0 if g in celulas else p) for g, p in TUDO.items()}


# ---------------------------------------------------------------------------------------------
# Corretas, escritas de outros jeitos

POOL_E_LOGGING = '''
"""Ex05 com Pool, Counter local e logging (para o stderr)."""
import logging
import sys
from collections import Counter
from multiprocessing import Manager, Pool

logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(process)d %(message)s")
log = logging.getLogger("ex05")


def contar_palavras(texto, contagem, trava):
    parcial = Counter(texto.lower().split())
    log.info("contei %s", dict(parcial))
    with trava:
        for palavra, n in parcial.items():
            contagem[palavra] = contagem.get(palavra, 0) + n


def contagem_paralela(textos, contar=contar_palavras):
    with Manager() as m:
        contagem, trava = m.dict(), m.Lock()
        if textos:
            with Pool(max(2, len(textos))) as pool:
                pool.starmap(contar, [(t, contagem, trava) for t in textos])
        return dict(contagem)


def anexar_se_ausente(lista, trava, item):
    trava.acquire()
    try:
        if lista.count(item) == 0:
            lista.append(item)
    finally:
        trava.release()


def unicos(itens, anexar=anexar_se_ausente):
    with Manager() as m:
        lista, trava = m.list(), m.Lock()
        if itens:
            with Pool(max(2, len(itens))) as pool:
                pool.starmap(anexar, [(lista, trava, i) for i in itens])
        return sorted(lista)


def registrar(historico, trava, nome):
    with trava:
        historico["log"] = historico["log"] + [nome]
    log.info("registrei %s", nome)


def historico_de(nomes, registrar=registrar):
    with Manager() as m:
        historico, trava = m.dict(log=[]), m.Lock()
        if nomes:
            with Pool(max(2, len(nomes))) as pool:
                pool.starmap(registrar, [(historico, trava, n) for n in nomes])
        return sorted(historico["log"])
'''

CLASSES_E_CONTEXTO = '''
"""Ex05 com um contexto explícito (forkserver), uma classe que dirige os filhos e prints."""
import multiprocessing as mp
import sys

CTX = mp.get_context("forkserver")


class Equipe:
    """Começa um processo por tarefa e espera todos."""

    def __init__(self, alvo, tarefas):
        self.processos = [CTX.Process(target=alvo, args=args) for args in tarefas]

    def rodar(self):
        for p in self.processos:
            p.start()
        print(f"{len(self.processos)} processos começaram", flush=True)
        for p in self.processos:
            p.join()
            print(f"processo {p.pid} terminou com {p.exitcode}", file=sys.stderr, flush=True)


def contar_palavras(texto, contagem, trava):
    for palavra in map(str.lower, texto.split()):
        with trava:
            if palavra in contagem:
                contagem[palavra] += 1
            else:
                contagem[palavra] = 1
    print("filho contou:", texto, flush=True)


def contagem_paralela(textos, contar=contar_palavras):
    with CTX.Manager() as m:
        contagem, trava = m.dict(), m.RLock()
        Equipe(contar, [(t, contagem, trava) for t in textos]).rodar()
        return {k: v for k, v in contagem.items()}


def anexar_se_ausente(lista, trava, item):
    with trava:
        presente = item in lista
        if not presente:
            lista.append(item)


def unicos(itens, anexar=anexar_se_ausente):
    with CTX.Manager() as m:
        lista, trava = m.list(), m.Lock()
        Equipe(anexar, [(lista, trava, i) for i in itens]).rodar()
        return sorted(list(lista))


def registrar(historico, trava, nome):
    with trava:
        copia = list(historico["log"])
        copia.append(nome)
        historico.update(log=copia)


def historico_de(nomes, registrar=registrar):
    with CTX.Manager() as m:
        historico, trava = m.dict({"log": []}), m.Lock()
        Equipe(registrar, [(historico, trava, n) for n in nomes]).rodar()
        return sorted(historico["log"])
'''

EXECUTOR_E_ANINHADO = '''
"""Ex05 com ProcessPoolExecutor, conferência dupla e uma lista do Manager dentro do dict."""
from concurrent.futures import ProcessPoolExecutor, wait
from multiprocessing import Lock, Manager, Process


def contar_palavras(texto, contagem, trava):
    for palavra in texto.lower().split():
        trava.acquire()
        contagem.update({palavra: contagem.get(palavra, 0) + 1})
        trava.release()


def contagem_paralela(textos, contar=contar_palavras):
    m = Manager()
    try:
        contagem, trava = m.dict(), m.Lock()
        with ProcessPoolExecutor(max_workers=max(2, len(textos) or 1)) as ex:
            futuros = [ex.submit(contar, t, contagem, trava) for t in textos]
            wait(futuros)
            for f in futuros:
                f.result()
        return contagem.copy()
    finally:
        m.shutdown()


def anexar_se_ausente(lista, trava, item):
    if item in lista:  # atalho sem trava: só lê
        return
    with trava:  # conferência dupla: dentro da trava, confere de novo antes de anexar
        if item not in lista:
            lista.append(item)


def unicos(itens, anexar=anexar_se_ausente):
    with Manager() as m:
        lista = m.list()
        trava = Lock()  # um Lock do multiprocessing, herdado pelos filhos
        filhos = [Process(target=anexar, args=(lista, trava, x)) for x in itens]
        [p.start() for p in filhos]
        [p.join() for p in filhos]
        return sorted(lista[:])


def registrar(historico, trava, nome):
    log = historico["log"]  # uma lista do Manager: o append vai ao servidor
    with trava:
        log.append(nome)


def historico_de(nomes, registrar=registrar):
    with Manager() as m:
        historico, trava = m.dict({"log": m.list()}), m.Lock()
        filhos = [Process(target=registrar, args=(historico, trava, n)) for n in nomes]
        for p in filhos:
            p.start()
        for p in filhos:
            p.join()
        return sorted(historico["log"])
'''

EAFP = '''
"""Managers — correta, no estilo EAFP: tenta ler e trata a ausência (KeyError / ValueError)."""

from multiprocessing import Manager, Process


def contar_palavras(texto, contagem, trava):
    for palavra in texto.lower().split():
        with trava:
            try:
                contagem[palavra] = contagem[palavra] + 1
            except KeyError:
                contagem[palavra] = 1


def _todos(alvo, argumentos):
    ps = [Process(target=alvo, args=a) for a in argumentos]
    for p in ps:
        p.start()
    for p in ps:
        p.join()


def contagem_paralela(textos, contar=contar_palavras):
    with Manager() as m:
        contagem, trava = m.dict(), m.Lock()
        _todos(contar, [(t, contagem, trava) for t in textos])
        return dict(contagem)


def anexar_se_ausente(lista, trava, item):
    with trava:
        try:
            lista.index(item)
        except ValueError:
            lista.append(item)


def unicos(itens, anexar=anexar_se_ausente):
    with Manager() as m:
        lista, trava = m.list(), m.Lock()
        _todos(anexar, [(lista, trava, i) for i in itens])
        return sorted(lista)


def registrar(historico, trava, nome):
    with trava:
        log = historico["log"]
        log.append(nome)
        historico["log"] = log


def historico_de(nomes, registrar=registrar):
    with Manager() as m:
        historico, trava = m.dict({"log": []}), m.Lock()
        _todos(registrar, [(historico, trava, n) for n in nomes])
        return sorted(historico["log"])
'''

POOL_DOIS = '''
"""Managers — um Pool de 2 processos em vez de um processo filho por item."""

from multiprocessing import Manager, Pool


def contar_palavras(texto, contagem, trava):
    for palavra in texto.lower().split():
        with trava:
            contagem[palavra] = contagem.get(palavra, 0) + 1


def contagem_paralela(textos, contar=contar_palavras):
    with Manager() as m:
        contagem, trava = m.dict(), m.Lock()
        if textos:
            with Pool(2) as pool:
                pool.starmap(contar, [(t, contagem, trava) for t in textos], chunksize=1)
        return dict(contagem)


def anexar_se_ausente(lista, trava, item):
    with trava:
        if item not in lista:
            lista.append(item)


def unicos(itens, anexar=anexar_se_ausente):
    with Manager() as m:
        lista, trava = m.list(), m.Lock()
        if itens:
            with Pool(2) as pool:
                pool.starmap(anexar, [(lista, trava, i) for i in itens], chunksize=1)
        return sorted(lista)


def registrar(historico, trava, nome):
    with trava:
        log = historico["log"]
        log.append(nome)
        historico["log"] = log


def historico_de(nomes, registrar=registrar):
    with Manager() as m:
        historico, trava = m.dict({"log": []}), m.Lock()
        if nomes:
            with Pool(2) as pool:
                pool.starmap(registrar, [(historico, trava, n) for n in nomes], chunksize=1)
        return sorted(historico["log"])
'''

SAIDA_ENORME = [(
    "    for palavra in texto.lower().split():\n        with trava:",
    "    import sys\n    print('x' * 2_000_000, flush=True)\n    print('y' * 2_000_000, file=sys.stderr, flush=True)\n"
    "    for palavra in texto.lower().split():\n        with trava:",
)]

# ---------------------------------------------------------------------------------------------

ESPERA_POR_EXITCODE = '''
"""Managers (exercício 05)."""

from multiprocessing import Manager, Process


def contar_palavras(texto, contagem, trava):
    for p in texto.lower().split():
        with trava:
            contagem[p] = contagem.get(p, 0) + 1


def _rodar(alvo, lista_kwargs):
    ps = [Process(target=alvo, kwargs=kw) for kw in lista_kwargs]
    for p in ps:
        p.start()
    for p in ps:
        while p.exitcode is None:
            p.join(timeout=0.05)


def contagem_paralela(textos, contar=contar_palavras):
    with Manager() as m:
        contagem, trava = m.dict(), m.Lock()
        _rodar(contar, [dict(texto=t, contagem=contagem, trava=trava) for t in textos])
        return dict(contagem)


def anexar_se_ausente(lista, trava, item):
    with trava:
        if item not in lista:
            lista.append(item)


def unicos(itens, anexar=anexar_se_ausente):
    with Manager() as m:
        lista, trava = m.list(), m.Lock()
        _rodar(anexar, [dict(lista=lista, trava=trava, item=i) for i in itens])
        return sorted(lista)


def registrar(historico, trava, nome):
    with trava:
        historico["log"] = historico["log"] + [nome]


def historico_de(nomes, registrar=registrar):
    with Manager() as m:
        historico, trava = m.dict({"log": []}), m.Lock()
        _rodar(registrar, [dict(historico=historico, trava=trava, nome=n) for n in nomes])
        return sorted(historico["log"])
'''

# ---------------------------------------------------------------------------------------------
# Parte C: devolve sorted(nomes) sem que os nomes estejam em historico["log"] no Manager (equipe de teste da sessão 7)

_REGISTRAR = '    with trava:\n        log = historico["log"]\n        log.append(nome)\n        historico["log"] = log'
_DEVOLVE_LOG = '        return sorted(historico["log"])'

ARMADILHA_MASCARADA = [
    (_REGISTRAR, '    with trava:\n        historico["log"].append(nome)\n'
                 '        historico["vezes"] = historico.get("vezes", 0) + 1'),
    (_DEVOLVE_LOG, '        print("log no Manager:", historico["log"], flush=True)\n'
                   '        if historico.get("vezes", 0) != len(nomes):\n'
                   '            raise RuntimeError("nem todos registraram")\n'
                   '        return sorted(nomes)'),
]

RABISCO_COM_TRAVA = [
    (_REGISTRAR, '    with trava:\n        historico["rabisco"] = historico.get("rabisco", 0) + 1'),
    (_DEVOLVE_LOG, '        print("log no Manager:", historico["log"], flush=True)\n        return sorted(nomes)'),
]

# Parte C: o filho pega a trava e termina sem soltá-la, achando que terminar o processo a solta. A trava
# mora no servidor do Manager: o primeiro filho registra e sai com ela; os outros esperam para sempre no
# acquire, e o pai, no join (impasse).
SAI_COM_A_TRAVA = [(_REGISTRAR, '    trava.acquire()  # quando o processo termina, a trava é solta\n'
                                '    log = historico["log"]\n    log.append(nome)\n    historico["log"] = log')]

PREPREENCHE_THREADS = '''
"""Managers (exercício 05)."""

import threading
from multiprocessing import Manager, Process


def contar_palavras(texto, contagem, trava):
    for p in texto.lower().split():
        with trava:
            contagem[p] = contagem.get(p, 0) + 1


def contagem_paralela(textos, contar=contar_palavras):
    with Manager() as m:
        contagem, trava = m.dict(), m.Lock()
        ts = [threading.Thread(target=contar, args=(t, contagem, trava)) for t in textos]
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=60)
        return dict(contagem)


def anexar_se_ausente(lista, trava, item):
    with trava:
        if item not in lista:
            lista.append(item)


def unicos(itens, anexar=anexar_se_ausente):
    with Manager() as m:
        lista, trava = m.list(sorted(set(itens))), m.Lock()
        ps = [Process(target=anexar, args=(lista, trava, x)) for x in itens]
        for p in ps:
            p.start()
        for p in ps:
            p.join(timeout=60)
        return sorted(lista)


def registrar(historico, trava, nome):
    with trava:
        historico["nomes"] = historico.get("nomes", []) + [nome]


def historico_de(nomes, registrar=registrar):
    with Manager() as m:
        historico, trava = m.dict({"log": []}), m.Lock()
        ps = [Process(target=registrar, args=(historico, trava, n)) for n in nomes]
        for p in ps:
            p.start()
        for p in ps:
            p.join(timeout=60)
        return sorted(nomes)
'''

LOG_COM_PID = [("        log = historico[\"log\"]\n        log.append(nome)\n        historico[\"log\"] = log",
                "        import os\n        log = historico[\"log\"]\n        log.append(f\"{nome}@{os.getpid()}\")\n"
                "        historico[\"log\"] = log"),
               ("        return sorted(historico[\"log\"])", "        return sorted(nomes)")]

SUBMISSOES = {
    "espera_por_exitcode": Submissao(
        "correta", dict(TUDO), modulo=ESPERA_POR_EXITCODE,
        descricao="while p.exitcode is None: p.join(0.05) — o filho que já acabou não recebe join"),
    "referencia": Submissao("correta", dict(TUDO), descricao="a solução do source"),
    "pool_e_logging": Submissao("correta", dict(TUDO), modulo=POOL_E_LOGGING,
                                descricao="Pool.starmap, Counter local somado dentro da trava, logging no stderr"),
    "classes_e_forkserver": Submissao("correta", dict(TUDO), modulo=CLASSES_E_CONTEXTO,
                                      descricao="get_context('forkserver'), classe, RLock, += no proxy, prints"),
    "executor_e_aninhado": Submissao("correta", dict(TUDO), modulo=EXECUTOR_E_ANINHADO,
                                     descricao="ProcessPoolExecutor, update, conferência dupla, Lock do "
                                               "multiprocessing, lista do Manager aninhada"),
    "eafp": Submissao("correta", dict(TUDO), modulo=EAFP,
                      descricao="try/except KeyError e lista.index/except ValueError dentro da trava: a "
                                "leitura que levanta também é leitura"),
    "saida_enorme": Submissao("patologica", dict(TUDO), trocas=SAIDA_ENORME,
                              descricao="cada filho imprime 4 MB (stdout e stderr): imprimir não custa ponto"),
    # --- sutilmente erradas: uma por requisito -----------------------------------------------
    "sem_processos": Submissao(
        "sutil", _menos(A), trocas=[(
            "    with Manager() as m:\n        contagem, trava = m.dict(), m.Lock()\n"
            "        processos = [Process(target=contar, args=(t, contagem, trava)) for t in textos]",
            "    from collections import Counter\n    return dict(Counter(p for t in textos for p in t.lower().split()))\n"
            "    with Manager() as m:\n        contagem, trava = m.dict(), m.Lock()\n"
            "        processos = [Process(target=contar, args=(t, contagem, trava)) for t in textos]")],
        causas={A: "nenhum processo chamou a função contar"}, descricao="a contagem feita no pai, sem filhos"),
    "ignora_o_parametro": Submissao(
        "sutil", _menos(A), trocas=[("Process(target=contar, args=(t, contagem, trava))",
                                     "Process(target=contar_palavras, args=(t, contagem, trava))")],
        causas={A: "nenhum processo chamou a função contar"}, descricao="roda contar_palavras, não o parâmetro contar"),
    "sem_trava_a": Submissao(
        "sutil", _menos(A), trocas=[("        with trava:\n            contagem[palavra] = contagem.get(palavra, 0) + 1",
                                     "        contagem[palavra] = contagem.get(palavra, 0) + 1")],
        causas={A: r"escreveu em contagem\['\w+'\] \(\[\]=\) sem segurar a trava"}, descricao="contar sem trava"),
    "sequencial": Submissao(
        "sutil", _menos(A), trocas=[("        for p in processos:\n            p.start()\n        for p in processos:\n"
                                     "            p.join()\n        return dict(contagem)",
                                     "        for p in processos:\n            p.start()\n            p.join()\n"
                                     "        return dict(contagem)")],
        causas={A: "nunca estiveram em andamento ao mesmo tempo"}, descricao="start e join no mesmo laço"),
    "sleep_no_lugar_do_join": Submissao(
        "sutil", {A: 0, B: 0, C: 0}, trocas=[("        for p in processos:\n            p.join()\n",
                                              "        import time\n        time.sleep(3)\n")],
        causas={A: r"contagem_paralela não esperou \(join\)", B: r"unicos não esperou \(join\)",
                C: r"historico_de não esperou \(join\)"},
        descricao="dorme 3 s em vez de esperar (join) os filhos"),
    "dict_comum": Submissao(
        "sutil", _menos(A), trocas=[("contagem, trava = m.dict(), m.Lock()", "contagem, trava = {}, m.Lock()")],
        causas={A: "receberam em contagem um dict comum"}, descricao="um dict comum no lugar do m.dict()"),
    "confere_fora_da_trava": Submissao(
        "sutil", _menos(B), trocas=[("    with trava:\n        if item not in lista:\n            lista.append(item)",
                                     "    if item not in lista:\n        with trava:\n            lista.append(item)")],
        causas={B: "leu lista sem segurar a trava e depois escreveu"}, descricao="confere fora da trava, anexa dentro"),
    "trava_por_filho": Submissao(
        "sutil", _menos(B), trocas=[("processos = [Process(target=anexar, args=(lista, trava, i)) for i in itens]",
                                     "processos = [Process(target=anexar, args=(lista, m.Lock(), i)) for i in itens]")],
        causas={B: "cada filho recebeu uma trava diferente"}, descricao="uma trava nova para cada filho"),
    "anexa_sempre_e_deduplica_no_pai": Submissao(
        "sutil", _menos(B), trocas=[("        if item not in lista:\n            lista.append(item)",
                                     "        lista.append(item)"),
                                    ("        return sorted(lista)", "        return sorted(set(lista))")],
        causas={B: "escreveu em lista \\(append\\) sem ter lido antes"}, descricao="anexa tudo e tira repetidos no pai"),
    "pool_de_dois": Submissao(
        "sutil", {A: 0, B: 0, C: 0}, modulo=POOL_DOIS,
        causas={A: "rodaram em só 2 processo", B: "rodaram em só 2 processo", C: "rodaram em só 2 processo"},
        descricao="Pool(2).starmap: dois processos para todos os itens, não um filho por item"),
    "aninhada_sem_trava": Submissao(
        "sutil", _menos(C), trocas=[("    with trava:\n        log = historico[\"log\"]\n        log.append(nome)\n"
                                     "        historico[\"log\"] = log",
                                     "    historico[\"log\"].append(nome)"),
                                    ("historico, trava = m.dict({\"log\": []}), m.Lock()",
                                     "historico, trava = m.dict({\"log\": m.list()}), m.Lock()")],
        causas={C: r"escreveu em historico\['log'\] \(append\) sem segurar a trava"},
        descricao="uma lista do Manager aninhada, append nela sem a trava"),
    "append_na_copia": Submissao(
        "sutil", _menos(C), trocas=[("        log = historico[\"log\"]\n        log.append(nome)\n        historico[\"log\"] = log",
                                     "        historico[\"log\"].append(nome)")],
        causas={C: "CÓPIA da lista"}, descricao="a armadilha: append na cópia"),
    "duas_posses": Submissao(
        "sutil", _menos(C), trocas=[("    with trava:\n        log = historico[\"log\"]\n        log.append(nome)\n"
                                     "        historico[\"log\"] = log",
                                     "    with trava:\n        log = historico[\"log\"]\n    log.append(nome)\n"
                                     "    with trava:\n        historico[\"log\"] = log")],
        causas={C: "soltou-a, e escreveu"}, descricao="lê numa posse da trava e escreve em outra"),
    "trava_de_thread": Submissao(
        "sutil", _menos(C), trocas=[("historico, trava = m.dict({\"log\": []}), m.Lock()",
                                     "import threading\n        historico, trava = m.dict({\"log\": []}), threading.Lock()")],
        causas={C: "thread.lock|não é compartilhad"}, descricao="threading.Lock no lugar da trava do Manager"),
    # --- patológicas ---------------------------------------------------------------------------
    "impasse": Submissao(
        "patologica", _menos(B), trocas=[("    with trava:\n        if item not in lista:",
                                          "    trava.acquire()\n    with trava:\n        if item not in lista:")],
        causas={B: "pediu-a de novo.*bloqueado para sempre"}, descricao="pega a trava (não reentrante) duas vezes"),
    "filho_morre": Submissao(
        "patologica", _menos(A), trocas=[("    for palavra in texto.lower().split():\n        with trava:",
                                          "    import os\n    os._exit(3)\n    for palavra in texto.lower().split():\n        with trava:")],
        causas={A: "esperava"}, descricao="os._exit nos filhos"),
    "sys_exit": Submissao(
        "patologica", _menos(C), trocas=[("    with Manager() as m:\n        historico, trava",
                                          "    import sys\n    sys.exit(0)\n    with Manager() as m:\n        historico, trava")],
        causas={C: r"chamou sys.exit"}, descricao="sys.exit no pai"),
    "orfao": Submissao(
        "patologica", _menos(C), trocas=[("        return sorted(historico[\"log\"])",
                                          "        import subprocess, sys\n"
                                          "        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'], start_new_session=True)\n"
                                          "        return sorted(historico[\"log\"])")],
        causas={C: "processo\\(s\\) vivo"}, descricao="um processo em outra sessão (setsid), que dorme"),
    "import_nao_termina": Submissao(
        "patologica", {A: 0, B: 0, C: 0}, trocas=[("from multiprocessing import Manager, Process\n",
                                                   "from multiprocessing import Manager, Process\nimport time\nwhile True:\n    time.sleep(1)\n")],
        causas={A: "importar solucao_ex05.py", B: "importar solucao_ex05.py", C: "importar solucao_ex05.py"},
        descricao="o import dorme para sempre"),
    # --- trapaças --------------------------------------------------------------------------------
    "valores_fixos": Submissao(
        "trapaca", {A: 0, B: 0, C: 0}, modulo='''
from multiprocessing import Manager, Process

def contar_palavras(texto, contagem, trava):
    pass

def contagem_paralela(textos, contar=contar_palavras):
    return {"o": 3, "rato": 2, "roeu": 1, "a": 1, "roupa": 1, "do": 1, "rei": 2}

def anexar_se_ausente(lista, trava, item):
    pass

def unicos(itens, anexar=anexar_se_ausente):
    return sorted(set(itens))

def registrar(historico, trava, nome):
    pass

def historico_de(nomes, registrar=registrar):
    return sorted(nomes)
''', descricao="devolve os valores esperados, sem processos"),
    "mexe_no_autograder": Submissao(
        "trapaca", {A: 0, B: 0, C: 0}, modulo='''
import sys
from collections import Counter

import autograder
import autograder.verificacoes_ex05 as v

for nome in dir(v):
    if nome.startswith("conferir"):
        setattr(v, nome, lambda *a, **k: None)
autograder.verificar = autograder.verificar_igual = lambda *a, **k: None
sys.modules["autograder.verificacoes_ex05"] = v

def contar_palavras(texto, contagem, trava):
    pass

def contagem_paralela(textos, contar=contar_palavras):
    return dict(Counter(p for t in textos for p in t.lower().split()))

def anexar_se_ausente(lista, trava, item):
    pass

def unicos(itens, anexar=anexar_se_ausente):
    return sorted(set(itens))

def registrar(historico, trava, nome):
    pass

def historico_de(nomes, registrar=registrar):
    return sorted(nomes)
''', descricao="troca as conferências do autograder de dentro do módulo (só no executor)"),
    "le_o_source": Submissao(
        "trapaca", {A: 0, B: 0, C: 0}, modulo='''
import json
import os
from collections import Counter

_solucao = {}
for caminho in ("../../source/ex05_managers/ex05_managers.ipynb", "../source/ex05_managers/ex05_managers.ipynb",
                "source/ex05_managers/ex05_managers.ipynb"):
    if os.path.exists(caminho):
        celula = json.load(open(caminho))["cells"][1]
        exec("".join(celula["source"]).split("\\n", 1)[1], _solucao)
        break

def contar_palavras(texto, contagem, trava):
    return _solucao["contar_palavras"](texto, contagem, trava) if _solucao else None

def contagem_paralela(textos, contar=contar_palavras):
    if _solucao:
        return _solucao["contagem_paralela"](textos, contar)
    return dict(Counter(p for t in textos for p in t.lower().split()))

def anexar_se_ausente(lista, trava, item):
    pass

def unicos(itens, anexar=anexar_se_ausente):
    return sorted(set(itens))

def registrar(historico, trava, nome):
    pass

def historico_de(nomes, registrar=registrar):
    return sorted(nomes)
''', descricao="procura o notebook do instrutor em ../../source e, sem achar, calcula no pai"),
    # --- parte C (sessão 7): o devolvido tem de ser o que os filhos deixaram em historico["log"];
    # no fim do dicionário, fora da amostra do corretor completo
    "armadilha_mascarada": Submissao(
        "sutil", _menos(C), trocas=ARMADILHA_MASCARADA,
        causas={C: r"leu historico\['log'\], que devolve uma CÓPIA da lista, e não reatribuiu a chave "
                   r"\(escreveu só em historico\['vezes'\]\): o append foi feito na cópia"},
        descricao="append na cópia de historico['log'] (a armadilha), historico['vezes'] += 1 com a trava "
                  "e sorted(nomes) no pai"),
    "rabisco_com_trava": Submissao(
        "trapaca", _menos(C), trocas=RABISCO_COM_TRAVA,
        causas={C: r"não escreveu em historico\['log'\] \(escreveu só em historico\['rabisco'\]\)"},
        descricao="registrar só conta historico['rabisco'] com a trava; o pai devolve sorted(nomes)"),
    "prepreenche_e_threads": Submissao(
        "trapaca", {A: 0, B: 0, C: 0}, modulo=PREPREENCHE_THREADS,
        causas={A: "rodaram no próprio processo que chamou contagem_paralela",
                B: "não é o que os filhos anexaram",
                C: r"não escreveu em historico\['log'\] \(escreveu só em historico\['nomes'\]\)"},
        descricao="A em threads; B com a lista já preenchida pelo pai; C escreve em historico['nomes'] e "
                  "devolve sorted(nomes)"),
    "log_com_pid": Submissao(
        "sutil", _menos(C), trocas=LOG_COM_PID,
        causas={C: r"não é o que os filhos deixaram em historico\['log'\] no Manager — lá ficou \['\w+@\d+'"},
        descricao="os filhos registram nome@pid em historico['log'] e o pai devolve sorted(nomes)"),
    # --- sessão 8 -------------------------------------------------------------------------------
    "sai_com_a_trava": Submissao(
        "patologica", _menos(C), trocas=SAI_COM_A_TRAVA,
        causas={C: r"registrar terminou segurando a trava no processo \d+ .*um acquire\(\) sem o release\(\)"},
        descricao="registrar pega a trava e o filho termina sem soltá-la: os outros filhos esperam no acquire "
                  "e o pai no join, para sempre"),
}
