"""Corpus do exercício 04 (Value, Array e corridas): contador (3), fatias (2), soma e subtração (2)."""

from corpus import Submissao, forja

A, B, C = "ex04-contador", "ex04-fatias", "ex04-subtracao"
TUDO = {A: 3, B: 2, C: 2}
NADA = {A: 0, B: 0, C: 0}


def _menos(*celulas):
    return {g: (0 if g in celulas else p) for g, p in TUDO.items()}


FATIA_COM_SLICE = '''
"""Memória compartilhada com Value e Array (exercício 04)."""

from multiprocessing import Process


def incrementar(contador, vezes):
    with contador.get_lock():
        for _ in range(vezes):
            contador.value += 1


def contar(contador, processos, vezes):
    ps = [Process(target=incrementar, args=(contador, vezes)) for _ in range(processos)]
    for p in ps:
        p.start()
    for p in reversed(ps):
        p.join()
    return contador.value


def preencher(vet, inicio, fim):
    vet[inicio:fim] = [i * i for i in range(inicio, fim)]


def quadrados_compartilhados(vet, k):
    n = len(vet)
    ps = [Process(target=preencher, args=(vet, j * n // k, (j + 1) * n // k)) for j in range(k)]
    for p in ps:
        p.start()
    for p in reversed(ps):
        p.join()
    return vet[:]


def soma(vet, vezes):
    for a in range(len(vet)):
        for _ in range(vezes):
            with vet.get_lock():
                vet[a] += 1


def subtracao(vet, vezes):
    with vet.get_lock():
        for a in range(len(vet)):
            for _ in range(vezes):
                vet[a] -= 1


def soma_e_subtracao(vet, vezes, somar=soma, subtrair=subtracao):
    a = Process(target=somar, args=(vet, vezes))
    b = Process(target=subtrair, args=(vet, vezes))
    a.start()
    b.start()
    b.join()
    a.join()
    return list(vet)
'''

ESPERA_COM_IS_ALIVE = '''
"""Memória compartilhada com Value e Array (exercício 04)."""

from multiprocessing import Process


def incrementar(contador, vezes):
    with contador.get_lock():
        for _ in range(vezes):
            contador.value += 1


def contar(contador, processos, vezes):
    ps = [Process(target=incrementar, args=(contador, vezes)) for _ in range(processos)]
    for p in ps:
        p.start()
    for p in ps:
        while p.is_alive():
            p.join(timeout=0.1)
    return contador.value


def preencher(vet, inicio, fim):
    for i in range(inicio, fim):
        vet[i] = i * i


def quadrados_compartilhados(vet, k):
    n = len(vet)
    ps = [Process(target=preencher, args=(vet, j * n // k, (j + 1) * n // k)) for j in range(k)]
    for p in ps:
        p.start()
    for p in ps:
        while p.is_alive():
            p.join(timeout=0.1)
    return list(vet)


def soma(vet, vezes):
    for a in range(len(vet)):
        for _ in range(vezes):
            with vet.get_lock():
                vet[a] += 1


def subtracao(vet, vezes):
    with vet.get_lock():
        for a in range(len(vet)):
            for _ in range(vezes):
                vet[a] -= 1


def soma_e_subtracao(vet, vezes, somar=soma, subtrair=subtracao):
    a = Process(target=somar, args=(vet, vezes))
    b = Process(target=subtrair, args=(vet, vezes))
    a.start()
    b.start()
    for p in (a, b):
        while p.is_alive():
            p.join(timeout=0.1)
    return list(vet)
'''

SUBMISSOES = {
    "fatias_por_atribuicao_com_k_maior": Submissao(
        "correta", dict(TUDO), modulo=FATIA_COM_SLICE,
        descricao="vet[a:b] = [...], k processos mesmo com k > n (os extras atribuem uma fatia vazia)"),
    "espera_com_is_alive": Submissao(
        "correta", dict(TUDO), modulo=ESPERA_COM_IS_ALIVE,
        descricao="while p.is_alive(): p.join(0.1) — um filho que já acabou é recolhido pelo is_alive, sem join"),
    # ------------------------------------------------------------------ corretas, de outro jeito
    "classe_e_contexto": Submissao("correta", TUDO, descricao="classe Equipe, get_context() (o método padrão), acquire/release", modulo='''
"""Exercício 04 — feito com uma classe que cuida dos processos."""
import multiprocessing as mp

CTX = mp.get_context()  # o método padrão: o Value do teste foi criado nele


class Equipe:
    def __init__(self, alvos):
        self.processos = [CTX.Process(target=f, args=a) for f, a in alvos]

    def rodar(self):
        for p in self.processos:
            p.start()
        for p in self.processos:
            p.join(timeout=60)


def incrementar(contador, vezes):
    trava = contador.get_lock()
    for _ in range(vezes):
        trava.acquire()
        try:
            contador.value = contador.value + 1
        finally:
            trava.release()


def contar(contador, processos, vezes):
    Equipe([(incrementar, (contador, vezes))] * processos).rodar()
    return contador.value


def preencher(vet, inicio, fim):
    for i in range(inicio, fim):
        vet[i] = i ** 2


def quadrados_compartilhados(vet, k):
    n = len(vet)
    base, resto = divmod(n, k)
    alvos, inicio = [], 0
    for j in range(k):
        tamanho = base + (1 if j < resto else 0)
        if tamanho:
            alvos.append((preencher, (vet, inicio, inicio + tamanho)))
        inicio += tamanho
    Equipe(alvos).rodar()
    return [vet[i] for i in range(n)]


def soma(vet, vezes):
    for a in range(len(vet)):
        for _ in range(vezes):
            with vet.get_lock():
                vet[a] += 1


def subtracao(vet, vezes):
    for a in range(len(vet)):
        for _ in range(vezes):
            with vet.get_lock():
                vet[a] = vet[a] - 1


def soma_e_subtracao(vet, vezes, somar=soma, subtrair=subtracao):
    Equipe([(somar, (vet, vezes)), (subtrair, (vet, vezes))]).rodar()
    return list(vet)
'''),
    "logging_e_prints": Submissao("correta", TUDO, descricao="logging no stderr, prints no pai e nos filhos, resto no último pedaço", modulo='''
import logging
import os
import sys
from multiprocessing import Process

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(process)d %(message)s")
log = logging.getLogger("ex04")


def incrementar(contador, vezes):
    log.debug("filho %s vai somar %s vezes", os.getpid(), vezes)
    for _ in range(vezes):
        with contador.get_lock():
            contador.value += 1
    print("filho", os.getpid(), "terminou", flush=True)


def contar(contador, processos, vezes):
    ps = []
    for _ in range(processos):
        p = Process(target=incrementar, args=(contador, vezes))
        p.start()
        ps.append(p)
    for p in ps:
        p.join(60)
        log.info("juntei %s (código %s)", p.pid, p.exitcode)
    total = contador.value
    print("total:", total)
    print("depuração no stderr", file=sys.stderr)
    return total


def preencher(vet, inicio, fim):
    print(f"[{os.getpid()}] fatia {inicio}:{fim}", file=sys.stderr)
    for i in range(inicio, fim):
        vet[i] = i * i


def quadrados_compartilhados(vet, k):
    n = len(vet)
    k = min(k, n)
    tam = n // k
    limites = [(j * tam, (j + 1) * tam if j < k - 1 else n) for j in range(k)]
    ps = [Process(target=preencher, args=(vet, a, b)) for a, b in limites if b > a]
    for p in ps:
        p.start()
    for p in ps:
        p.join(60)
    return vet[:]


def soma(vet, vezes):
    for a in range(len(vet)):
        for _ in range(vezes):
            with vet.get_lock():
                vet[a] += 1


def subtracao(vet, vezes):
    log.warning("subtraindo em %s", os.getpid())
    for a in range(len(vet)):
        for _ in range(vezes):
            with vet.get_lock():
                vet[a] -= 1


def soma_e_subtracao(vet, vezes, somar=soma, subtrair=subtracao):
    a = Process(target=somar, args=(vet, vezes))
    b = Process(target=subtrair, args=(vet, vezes))
    a.start(); b.start()
    a.join(60); b.join(60)
    log.info("vet = %s", vet[:])
    return vet[:]
'''),
    "contexto_padrao_e_fatias_em_bloco": Submissao("correta", TUDO, descricao="multiprocessing.get_context(None), escrita por fatia vet[a:b] = ..., trava em volta do laço inteiro", modulo='''
import multiprocessing

ctx = multiprocessing.get_context(None)


def incrementar(contador, vezes):
    # uma posse da trava para todas as somas deste filho: sem corrida (e mais rápido)
    with contador.get_lock():
        for _ in range(vezes):
            contador.value += 1


def _iniciar_e_esperar(processos):
    for p in processos:
        p.start()
    for p in processos:
        p.join(timeout=60)


def contar(contador, processos, vezes):
    _iniciar_e_esperar([ctx.Process(target=incrementar, args=(contador, vezes)) for _ in range(processos)])
    with contador.get_lock():
        return contador.value


def preencher(vet, inicio, fim):
    vet[inicio:fim] = [i * i for i in range(inicio, fim)]


def quadrados_compartilhados(vet, k):
    n = len(vet)
    cortes = sorted({round(j * n / k) for j in range(k + 1)})
    _iniciar_e_esperar([ctx.Process(target=preencher, args=(vet, a, b)) for a, b in zip(cortes, cortes[1:])])
    return list(vet)


def soma(vet, vezes):
    for a in range(len(vet)):
        for _ in range(vezes):
            with vet.get_lock():
                vet[a] += 1


def subtracao(vet, vezes):
    trava = vet.get_lock()
    for a in range(len(vet)):
        for _ in range(vezes):
            with trava:
                atual = vet[a]
                vet[a] = atual - 1


def soma_e_subtracao(vet, vezes, somar=soma, subtrair=subtracao):
    _iniciar_e_esperar([ctx.Process(target=f, args=(vet, vezes)) for f in (somar, subtrair)])
    return list(vet)
'''),
    "saida_enorme_correta": Submissao("patologica", TUDO, descricao="correta, mas os filhos imprimem megabytes: imprimir não custa nota", trocas=[
        ("    for i in range(inicio, fim):\n        vet[i] = i * i",
         "    import sys\n    for _ in range(2000):\n        print('x' * 1000)\n        print('y' * 500, file=sys.stderr)\n    for i in range(inicio, fim):\n        vet[i] = i * i"),
    ]),
    # ------------------------------------------------------------------ sutilmente erradas
    "sem_trava": Submissao("sutil", _menos(A), causas={A: r"processo filho \d+ leu e escreveu contador\.value sem segurar contador\.get_lock\(\) \(300 vezes\)"},
                           trocas=[("        with contador.get_lock():\n            contador.value += 1", "        contador.value += 1")]),
    "trava_em_duas_posses": Submissao("sutil", _menos(A), causas={A: r"soltou a trava e só então escreveu"}, trocas=[
        ("        with contador.get_lock():\n            contador.value += 1",
         "        with contador.get_lock():\n            atual = contador.value\n        with contador.get_lock():\n            contador.value = atual + 1"),
    ]),
    "contador_no_pai": Submissao("sutil", _menos(A), causas={A: r"nenhum processo filho escreveu em contador\.value.*próprio processo"}, trocas=[
        ("    filhos = [Process(target=incrementar, args=(contador, vezes)) for _ in range(processos)]\n    for p in filhos:\n        p.start()\n    for p in filhos:\n        p.join(timeout=60)\n    return contador.value",
         "    for _ in range(processos):\n        incrementar(contador, vezes)\n    return contador.value"),
    ]),
    "le_antes_do_join": Submissao("sutil", _menos(A), causas={A: r"contar leu contador\.value antes do join\(\) no\(s\) processo\(s\) filho\(s\) \d+"}, trocas=[
        ("    for p in filhos:\n        p.start()\n    for p in filhos:\n        p.join(timeout=60)\n    return contador.value",
         "    for p in filhos:\n        p.start()\n    total = contador.value\n    for p in filhos:\n        p.join(timeout=60)\n    return total"),
    ]),
    "sleep_no_lugar_do_join": Submissao("sutil", _menos(A), causas={A: r"contar não esperou \(join\) o\(s\) processo\(s\) filho\(s\) \d+"},
                                        descricao="dorme 3 s em vez de dar join e lê o contador", trocas=[
        ("    for p in filhos:\n        p.start()\n    for p in filhos:\n        p.join(timeout=60)\n    return contador.value",
         "    import time\n    for p in filhos:\n        p.start()\n    time.sleep(3)\n    return contador.value"),
    ]),
    "espera_ocupada_sem_join": Submissao("sutil", _menos(A), causas={A: r"contar não esperou \(join\) o\(s\) processo\(s\) filho\(s\) \d+"},
                                         descricao="espera (dormindo em fatias) o contador chegar ao total, sem join", trocas=[
        ("    for p in filhos:\n        p.start()\n    for p in filhos:\n        p.join(timeout=60)\n    return contador.value",
         "    import time\n    for p in filhos:\n        p.start()\n    while contador.value < processos * vezes:\n        time.sleep(0.01)\n    return contador.value"),
    ]),
    "fatias_com_sleep_curto": Submissao("sutil", _menos(B), causas={B: r"quadrados_compartilhados não esperou \(join\) o\(s\) processo\(s\) filho\(s\) \d+"},
                                        descricao="dorme 0,3 s em vez de dar join e lê o Array", trocas=[
        ("    filhos = [Process(target=preencher, args=(vet, a, b)) for a, b in fatias if a < b]\n    for p in filhos:\n        p.start()\n    for p in filhos:\n        p.join(timeout=60)\n",
         "    filhos = [Process(target=preencher, args=(vet, a, b)) for a, b in fatias if a < b]\n    import time\n    for p in filhos:\n        p.start()\n    time.sleep(0.3)\n"),
    ]),
    "join_com_prazo_antes_do_segundo_start": Submissao("sutil", _menos(C), causas={C: r"soma_e_subtracao deu join\(\) no processo \d+ antes do start\(\) do processo \d+"},
                                                       descricao="join(timeout=1) no primeiro filho antes do start do segundo: a função do teste, que espera a outra, os tornava simultâneos", trocas=[
        ("    filhos = [Process(target=somar, args=(vet, vezes)), Process(target=subtrair, args=(vet, vezes))]\n    for p in filhos:\n        p.start()\n",
         "    filhos = [Process(target=somar, args=(vet, vezes)), Process(target=subtrair, args=(vet, vezes))]\n    for p in filhos:\n        p.start()\n        p.join(timeout=1.0)\n"),
    ]),
    "um_filho_faz_tudo": Submissao("sutil", _menos(A), causas={A: r"esperava 4 processo\(s\) filho\(s\) diferentes escrevendo em contador\.value, e vi 1"}, trocas=[
        ("    filhos = [Process(target=incrementar, args=(contador, vezes)) for _ in range(processos)]",
         "    filhos = [Process(target=incrementar, args=(contador, vezes * processos))]"),
    ]),
    "fatias_intercaladas": Submissao("sutil", _menos(B), causas={B: r"escreveu nas posições \[[\d, ]+\].*contígua"}, trocas=[
        ("    for i in range(inicio, fim):\n        vet[i] = i * i", "    for i in range(inicio, len(vet), fim):\n        vet[i] = i * i"),
        ("    fatias = [(n * j // k, n * (j + 1) // k) for j in range(k)]", "    fatias = [(j, k) for j in range(min(k, n))]"),
    ]),
    "fatias_no_pai": Submissao("sutil", _menos(B), causas={B: r"nenhum processo filho escreveu em vet"}, trocas=[
        ("    filhos = [Process(target=preencher, args=(vet, a, b)) for a, b in fatias if a < b]",
         "    for a, b in fatias:\n        preencher(vet, a, b)\n    filhos = []"),
    ]),
    "fatias_sobrepostas": Submissao("sutil", _menos(B), causas={B: r"escreveram os dois em vet\[\d+\].*disjuntas"}, trocas=[
        ("    fatias = [(n * j // k, n * (j + 1) // k) for j in range(k)]", "    fatias = [(max(0, n * j // k - 1), n * (j + 1) // k) for j in range(k)]"),
    ]),
    "subtracao_sem_trava": Submissao("sutil", _menos(C), causas={C: r"processo filho \d+ leu e escreveu vet\[i\] sem segurar vet\.get_lock\(\)"}, trocas=[
        ("            with vet.get_lock():\n                vet[a] -= 1", "            vet[a] -= 1"),
    ]),
    "subtracao_com_outra_trava": Submissao("sutil", _menos(C), causas={C: r"sem segurar vet\.get_lock\(\)"}, descricao="cada função com a sua trava: não se excluem", trocas=[
        ("from multiprocessing import Process", "from multiprocessing import Lock, Process\n\nTRAVA = Lock()"),
        ("            with vet.get_lock():\n                vet[a] -= 1", "            with TRAVA:\n                vet[a] -= 1"),
    ]),
    "soma_e_subtracao_em_sequencia": Submissao("sutil", _menos(C), causas={C: r"soma_e_subtracao deu join\(\) no processo \d+ antes do start\(\) do processo \d+"}, trocas=[
        ("    filhos = [Process(target=somar, args=(vet, vezes)), Process(target=subtrair, args=(vet, vezes))]\n    for p in filhos:\n        p.start()\n    for p in filhos:\n        p.join(timeout=60)",
         "    for f in (somar, subtrair):\n        p = Process(target=f, args=(vet, vezes))\n        p.start()\n        p.join(timeout=60)"),
    ]),
    "ignora_somar_e_subtrair": Submissao("sutil", _menos(C), causas={C: r"não chamou as funções recebidas em somar e subtrair"}, trocas=[
        ("    filhos = [Process(target=somar, args=(vet, vezes)), Process(target=subtrair, args=(vet, vezes))]",
         "    filhos = [Process(target=soma, args=(vet, vezes)), Process(target=subtracao, args=(vet, vezes))]"),
    ]),
    # ------------------------------------------------------------------ patológicas
    "impasse_pai_segura_a_trava": Submissao("patologica", _menos(A), causas={A: r"ficou bloqueado.*impasse"}, trocas=[
        ("    for p in filhos:\n        p.join(timeout=60)\n    return contador.value",
         "    with contador.get_lock():\n        for p in filhos:\n            p.join()\n    return contador.value"),
    ]),
    "laco_sem_fim": Submissao("patologica", _menos(B), causas={B: r"não terminou em 30 s"}, trocas=[
        ("    for i in range(inicio, fim):\n        vet[i] = i * i", "    while True:\n        pass"),
    ]),
    "filho_morre": Submissao("patologica", _menos(C), causas={C: r"sem segurar|nenhum processo filho|esperava 2"}, descricao="o filho da subtração morre com os._exit antes de mexer no Array", trocas=[
        ("    for a in range(len(vet)):\n        for _ in range(vezes):\n            with vet.get_lock():\n                vet[a] -= 1",
         "    import os\n    os._exit(3)"),
    ]),
    "executor_morre": Submissao("patologica", _menos(A), causas={A: r"código de saída 7"}, trocas=[
        ("    for p in filhos:\n        p.join(timeout=60)\n    return contador.value",
         "    for p in filhos:\n        p.join(timeout=60)\n    import os\n    os._exit(7)"),
    ]),
    "sys_exit": Submissao("patologica", _menos(C), causas={C: r"chamou sys\.exit"}, trocas=[
        ("def soma_e_subtracao(vet, vezes, somar=soma, subtrair=subtracao):", "def soma_e_subtracao(vet, vezes, somar=soma, subtrair=subtracao):\n    import sys\n    sys.exit(0)"),
    ]),
    "import_que_trava": Submissao("patologica", NADA, causas={A: r"importar solucao_ex04\.py ficou bloqueado", B: r"importar", C: r"importar"}, trocas=[
        ("from multiprocessing import Process", "from multiprocessing import Process, Queue\n\nQueue().get()"),
    ]),
    # ------------------------------------------------------------------ trapaças
    "devolve_o_esperado": Submissao("trapaca", NADA, causas={A: r"nenhum processo filho|não usou", B: r"não usou|nenhum processo filho", C: r"não usou|nenhum processo filho"}, modulo='''
def contar(contador, processos, vezes):
    return processos * vezes


def quadrados_compartilhados(vet, k):
    return [i * i for i in range(len(vet))]


def soma(vet, vezes):
    pass


def subtracao(vet, vezes):
    pass


def soma_e_subtracao(vet, vezes, somar=soma, subtrair=subtracao):
    return [0] * len(vet)
'''),
    "troca_o_autograder_e_le_o_source": Submissao("trapaca", NADA, descricao="troca funções de autograder e procura a solução no source: o módulo só roda no executor", modulo='''
import glob
import json
import os
import sys

import autograder
from autograder import verificacoes_ex04

for nome in dir(verificacoes_ex04):
    if nome.startswith("conferir"):
        setattr(verificacoes_ex04, nome, lambda *a, **k: None)
autograder.verificar = lambda *a, **k: None
sys.modules["autograder.verificacoes_ex04"] = verificacoes_ex04

_achado = None
for caminho in glob.glob("../../source/ex04_memoria/*.ipynb") + glob.glob("../../release/ex04_memoria/*.ipynb"):
    for celula in json.load(open(caminho))["cells"]:
        texto = "".join(celula["source"])
        if texto.startswith("%%writefile") and "BEGIN SOLUTION" in texto:
            _achado = texto.split("\\n", 1)[1]
if _achado:
    exec(_achado)
else:
    def contar(contador, processos, vezes):
        contador.value = processos * vezes
        return contador.value

    def quadrados_compartilhados(vet, k):
        for i in range(len(vet)):
            vet[i] = i * i
        return list(vet)

    def soma_e_subtracao(vet, vezes, somar=None, subtrair=None):
        return list(vet)
'''),
}


# A resposta do executor forjada (tests/corpus/forja.py): nenhum processo criado; a resposta "ok", os
# processos e os eventos das sondas inventados e escritos direto no canal do executor. Valem os diários.
SUBMISSOES["trapaca_resposta_forjada"] = Submissao(
    "trapaca", {g: 0 for g in TUDO}, modulo=forja.modulo("ex04"), causas={g: forja.CAUSA for g in TUDO},
    descricao="sobe a pilha até o canal da resposta do executor e escreve ali processos e eventos inventados",
)
