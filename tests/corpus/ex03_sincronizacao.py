"""Corpus do exercício 03 (Lock, Semaphore, Barrier): lock (2), semáforo (2), barreira (3)."""

from corpus import Submissao

A, B, C = "ex03-lock", "ex03-semaforo", "ex03-barreira"
TUDO = {A: 2, B: 2, C: 3}
NADA = {A: 0, B: 0, C: 0}


def _menos(*celulas):
    return {g: (0 if g in celulas else p) for g, p in TUDO.items()}


SECAO = "    with trava:\n        resultados.put(trabalho(i))"
SEMAFORO = "    with semaforo:\n        resultado = trabalho(i)\n    resultados.put(resultado)"
FASES = "    fase1(x)\n    barreira.wait(timeout=30)\n    resultados.put(fase2(x))"

SUBMISSOES = {
    # ------------------------------------------------------------------ corretas, de outro jeito
    "classe_e_pipes": Submissao("correta", TUDO, descricao="uma classe Trabalhadores, resultados por Pipe, acquire/release explícitos", modulo='''
"""Exercício 03, com uma classe que cria os filhos e um Pipe por filho."""
import multiprocessing as mp


class Trabalhadores:
    def __init__(self, alvo, argumentos):
        self.pares = []
        for args in argumentos:
            receber, enviar = mp.Pipe(duplex=False)
            self.pares.append((mp.Process(target=alvo, args=(*args, enviar)), receber))

    def resultados(self, prazo=60):
        for p, _ in self.pares:
            p.start()
        saida = []
        for p, receber in self.pares:
            if not receber.poll(prazo):
                raise TimeoutError("um filho não respondeu")
            saida.append(receber.recv())
            p.join(prazo)
        return saida


def trabalhar_na_secao(trava, trabalho, i, conexao):
    trava.acquire()
    try:
        r = trabalho(i)
    finally:
        trava.release()
    conexao.send(r)
    conexao.close()


def secao_critica(trava, trabalho, n):
    return Trabalhadores(trabalhar_na_secao, [(trava, trabalho, i) for i in range(n)]).resultados()


def usar_recurso(semaforo, trabalho, i, conexao):
    if not semaforo.acquire(timeout=60):
        raise TimeoutError("semáforo")
    try:
        conexao.send(trabalho(i))
    finally:
        semaforo.release()


def limitar(semaforo, trabalho, n):
    return Trabalhadores(usar_recurso, [(semaforo, trabalho, i) for i in range(n)]).resultados()


def duas_fases(barreira, fase1, fase2, x, conexao):
    fase1(x)
    barreira.wait(30)
    conexao.send(fase2(x))


def fases(barreira, fase1, fase2, valores):
    return Trabalhadores(duas_fases, [(barreira, fase1, fase2, x) for x in valores]).resultados()
'''),
    "logging_e_prints": Submissao("correta", TUDO, descricao="logging no stderr, prints no pai e nos filhos, get_context() padrão", modulo='''
import logging
import os
import sys
import multiprocessing

logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="[%(process)d] %(message)s")
ctx = multiprocessing.get_context()


def _disparar(alvo, lista_de_args):
    fila = ctx.Queue()
    ps = [ctx.Process(target=alvo, args=(*args, fila)) for args in lista_de_args]
    for p in ps:
        p.start()
    logging.info("%d filhos no ar", len(ps))
    saida = [fila.get(timeout=60) for _ in ps]
    for p in ps:
        p.join(timeout=30)
    print("resultados:", saida)
    return saida


def trabalhar_na_secao(trava, trabalho, i, resultados):
    with trava:
        print("filho", os.getpid(), "na seção", flush=True)
        r = trabalho(i)
        print("saindo", file=sys.stderr, flush=True)
    resultados.put(r)


def secao_critica(trava, trabalho, n):
    return _disparar(trabalhar_na_secao, [(trava, trabalho, i) for i in range(n)])


def usar_recurso(semaforo, trabalho, i, resultados):
    logging.info("esperando o semáforo")
    with semaforo:
        resultados.put(trabalho(i))
    logging.info("liberei")


def limitar(semaforo, trabalho, n):
    return _disparar(usar_recurso, [(semaforo, trabalho, i) for i in range(n)])


def duas_fases(barreira, fase1, fase2, x, resultados):
    fase1(x)
    indice = barreira.wait(timeout=30)
    logging.info("passei a barreira (%s)", indice)
    resultados.put(fase2(x))


def fases(barreira, fase1, fase2, valores):
    print("fases com", valores, file=sys.stderr)
    return _disparar(duas_fases, [(barreira, fase1, fase2, x) for x in valores])
'''),
    "tudo_num_so_alvo": Submissao("correta", TUDO, descricao="um único alvo genérico para A e B; barreira com abort se a fase 1 falhar", modulo='''
from multiprocessing import Process, Queue


def _protegido(primitiva, trabalho, i, fila):
    with primitiva:
        valor = trabalho(i)
        fila.put(valor)


def _rodar(primitiva, trabalho, n):
    fila = Queue()
    filhos = []
    for i in range(n):
        p = Process(target=_protegido, args=(primitiva, trabalho, i, fila), daemon=True)
        p.start()
        filhos.append(p)
    valores = []
    while len(valores) < n:
        valores.append(fila.get(timeout=60))
    for p in filhos:
        p.join(timeout=30)
    return valores


def secao_critica(trava, trabalho, n):
    return _rodar(trava, trabalho, n)


def limitar(semaforo, trabalho, n):
    return _rodar(semaforo, trabalho, n)


def duas_fases(barreira, fase1, fase2, x, fila):
    try:
        fase1(x)
    except Exception:
        barreira.abort()
        raise
    barreira.wait(timeout=30)
    fila.put(fase2(x))


def fases(barreira, fase1, fase2, valores):
    fila = Queue()
    filhos = [Process(target=duas_fases, args=(barreira, fase1, fase2, x, fila)) for x in valores]
    [p.start() for p in filhos]
    valores_fase2 = [fila.get(timeout=60) for _ in filhos]
    [p.join(timeout=30) for p in filhos]
    return valores_fase2
'''),
    "saida_enorme_correta": Submissao("patologica", TUDO, descricao="correta, mas imprime megabytes no stdout e no stderr: imprimir não custa nota", trocas=[
        (FASES, "    import sys\n    for _ in range(1500):\n        print('x' * 1000)\n        print('y' * 1000, file=sys.stderr)\n" + FASES),
    ]),
    # ------------------------------------------------------------------ sutilmente erradas
    "trabalho_fora_da_trava": Submissao("sutil", _menos(A), causas={A: r"chamou trabalho sem segurar a trava"}, trocas=[
        (SECAO, "    with trava:\n        pass\n    resultados.put(trabalho(i))"),
    ]),
    "trava_propria": Submissao("sutil", _menos(A), causas={A: r"ninguém adquiriu a trava recebida"}, trocas=[
        ("    resultados = Queue()\n    processos = [Process(target=trabalhar_na_secao, args=(trava,",
         "    from multiprocessing import Lock\n    trava = Lock()\n    resultados = Queue()\n    processos = [Process(target=trabalhar_na_secao, args=(trava,"),
    ]),
    "secao_no_pai": Submissao("sutil", _menos(A), causas={A: r"no próprio processo que chamou secao_critica"}, trocas=[
        ("def secao_critica(trava, trabalho, n):", "def secao_critica(trava, trabalho, n):\n    with trava:\n        return [trabalho(i) for i in range(n)]"),
    ]),
    "resultado_inventado_no_pai": Submissao("sutil", _menos(A), causas={A: r"não ser calculados no pai"}, descricao="os filhos trabalham, mas o pai devolve valores que ele mesmo montou", trocas=[
        ("    saida = [resultados.get(timeout=30) for _ in processos]\n    for p in processos:\n        p.join(timeout=30)\n    return saida",
         "    for p in processos:\n        p.join(timeout=30)\n    import os\n    return [(i, os.getpid()) for i in range(n)]"),
    ]),
    "semaforo_em_fila": Submissao("sutil", _menos(B), causas={B: r"limitar deu join\(\) no processo \d+ antes do start\(\) do processo \d+"}, descricao="join de cada filho antes do start do próximo", trocas=[
        ("    processos = [Process(target=usar_recurso, args=(semaforo, trabalho, i, resultados)) for i in range(n)]\n    for p in processos:\n        p.start()\n    saida = [resultados.get(timeout=60) for _ in processos]",
         "    processos = [Process(target=usar_recurso, args=(semaforo, trabalho, i, resultados)) for i in range(n)]\n    saida = []\n    for p in processos:\n        p.start()\n        saida.append(resultados.get(timeout=60))\n        p.join(timeout=30)"),
    ]),
    "join_com_prazo_antes_do_proximo_start": Submissao("sutil", _menos(B), causas={B: r"limitar deu join\(\) no processo \d+ antes do start\(\) do processo \d+"}, descricao="join(timeout=0.5) de cada filho antes do start do próximo: a função do teste, que espera k chamadas, tornava os filhos simultâneos", trocas=[
        ("    processos = [Process(target=usar_recurso, args=(semaforo, trabalho, i, resultados)) for i in range(n)]\n    for p in processos:\n        p.start()\n",
         "    processos = [Process(target=usar_recurso, args=(semaforo, trabalho, i, resultados)) for i in range(n)]\n    for p in processos:\n        p.start()\n        p.join(timeout=0.5)\n"),
    ]),
    "trabalho_fora_do_semaforo": Submissao("sutil", _menos(B), causas={B: r"chamou trabalho sem segurar o semáforo"}, trocas=[
        (SEMAFORO, "    with semaforo:\n        pass\n    resultados.put(trabalho(i))"),
    ]),
    "lock_no_lugar_do_semaforo": Submissao("sutil", _menos(B), causas={B: r"ninguém adquiriu o semáforo recebido"}, trocas=[
        ("    resultados = Queue()\n    processos = [Process(target=usar_recurso, args=(semaforo,",
         "    from multiprocessing import Lock\n    semaforo = Lock()\n    resultados = Queue()\n    processos = [Process(target=usar_recurso, args=(semaforo,"),
    ]),
    "dorme_ate_um_instante": Submissao("sutil", _menos(C), causas={C: r"ninguém esperou na barreira recebida"}, descricao="em vez da Barrier, todos dormem até um instante combinado", trocas=[
        (FASES, "    import time\n    fase1(x)\n    time.sleep(max(0.0, barreira - time.time()))\n    resultados.put(fase2(x))"),
        ("    processos = [Process(target=duas_fases, args=(barreira, fase1, fase2, x, resultados)) for x in valores]",
         "    import time\n    instante = time.time() + 2.0\n    processos = [Process(target=duas_fases, args=(instante, fase1, fase2, x, resultados)) for x in valores]"),
    ]),
    "barreira_antes_da_fase1": Submissao("sutil", _menos(C), causas={C: r"chegou à barreira antes de terminar a fase 1"}, trocas=[
        (FASES, "    barreira.wait(timeout=30)\n    fase1(x)\n    resultados.put(fase2(x))"),
    ]),
    "fase2_no_pai": Submissao("sutil", _menos(C), causas={C: r"chamada\(s\) de fase2 aconteceram no próprio processo"}, trocas=[
        (FASES, "    fase1(x)\n    barreira.wait(timeout=30)\n    resultados.put(x)"),
        ("def fases(barreira, fase1, fase2, valores):",
         "def fases(barreira, fase1, fase2, valores):\n    return [fase2(x) for x in _fases(barreira, fase1, None, valores)]\n\n\ndef _fases(barreira, fase1, fase2, valores):"),
    ]),
    # ------------------------------------------------------------------ patológicas
    "impasse_falta_um_na_barreira": Submissao("patologica", _menos(C), causas={C: r"ficou bloqueado.*impasse"}, trocas=[
        (FASES, "    fase1(x)\n    barreira.wait()\n    resultados.put(fase2(x))"),
        ("for x in valores]\n    for p in processos:\n        p.start()\n    saida = [resultados.get(timeout=60) for _ in processos]",
         "for x in valores[1:]]\n    for p in processos:\n        p.start()\n    saida = [resultados.get() for _ in processos]"),
    ]),
    "laco_sem_fim_na_secao": Submissao("patologica", _menos(A), causas={A: r"levantou _queue.Empty.*resultados.get"}, trocas=[
        (SECAO, "    with trava:\n        while True:\n            pass"),
    ]),
    "executor_morre": Submissao("patologica", _menos(B), causas={B: r"código de saída 5"}, trocas=[
        ("def limitar(semaforo, trabalho, n):", "def limitar(semaforo, trabalho, n):\n    import os\n    os._exit(5)"),
    ]),
    "sys_exit": Submissao("patologica", _menos(C), causas={C: r"chamou sys\.exit"}, trocas=[
        ("def fases(barreira, fase1, fase2, valores):", "def fases(barreira, fase1, fase2, valores):\n    import sys\n    sys.exit(2)"),
    ]),
    "import_que_trava": Submissao("patologica", NADA, causas={A: r"importar solucao_ex03\.py ficou bloqueado", B: r"importar", C: r"importar"}, trocas=[
        ("from multiprocessing import Process, Queue", "from multiprocessing import Process, Queue\n\nQueue().get()"),
    ]),
    # ------------------------------------------------------------------ trapaças
    "devolve_o_esperado": Submissao("trapaca", NADA, causas={A: r"não chamou a função", B: r"não chamou a função", C: r"não chamou a função"}, modulo='''
import os


def secao_critica(trava, trabalho, n):
    return [(i, os.getpid() + 1 + i) for i in range(n)]


def limitar(semaforo, trabalho, n):
    return [(i, os.getpid() + 1 + i) for i in range(n)]


def fases(barreira, fase1, fase2, valores):
    return [(x, os.getpid() + 1) for x in valores]
'''),
    "troca_o_autograder_e_le_o_source": Submissao("trapaca", NADA, descricao="troca as verificações de autograder e procura a solução no source: o módulo só roda no executor", modulo='''
import glob
import json
import sys

import autograder
from autograder import verificacoes_ex03

for nome in dir(verificacoes_ex03):
    if nome.startswith("conferir"):
        setattr(verificacoes_ex03, nome, lambda *a, **k: None)
autograder.verificar = lambda *a, **k: None
sys.modules["autograder.verificacoes_ex03"] = verificacoes_ex03

_achado = None
for caminho in glob.glob("../../source/ex03_sincronizacao/*.ipynb") + glob.glob("../../release/ex03_sincronizacao/*.ipynb"):
    for celula in json.load(open(caminho))["cells"]:
        texto = "".join(celula["source"])
        if texto.startswith("%%writefile") and "BEGIN SOLUTION" in texto:
            _achado = texto.split("\\n", 1)[1]
if _achado:
    exec(_achado)
else:
    def secao_critica(trava, trabalho, n):
        return [trabalho(i) for i in range(n)]

    def limitar(semaforo, trabalho, n):
        return [trabalho(i) for i in range(n)]

    def fases(barreira, fase1, fase2, valores):
        return [fase2(x) for x in valores]
'''),
}


MEXEU = "mexeu nos instrumentos do teste"

# A guarda dos instrumentos do teste (autograder/guarda.py): anota no diário da trava, chamando o _anotar da sonda direto, posses que não aconteceram.
SUBMISSOES["trapaca_anota_posse_falsa"] = Submissao(
    "trapaca", {A: 0, B: 2, C: 3}, modulo=r'''
"""Sincronização entre processos (exercício 03)."""

from multiprocessing import Process, Queue


def trabalhar_na_secao(trava, trabalho, i, resultados):
    """TRAPAÇA: anota posse da trava no diário da sonda, sem travar de verdade."""
    anotar = getattr(trava, "_anotar", None)
    if anotar:
        anotar("adquirir")
    r = trabalho(i)
    if anotar:
        anotar("liberar")
    resultados.put(r)


def secao_critica(trava, trabalho, n):
    """Parte A (pai): ``n`` filhos rodam ``trabalhar_na_secao``; devolve os ``n`` resultados."""
    resultados = Queue()
    processos = [Process(target=trabalhar_na_secao, args=(trava, trabalho, i, resultados)) for i in range(n)]
    for p in processos:
        p.start()
    saida = [resultados.get(timeout=30) for _ in processos]
    for p in processos:
        p.join(timeout=30)
    return saida


def usar_recurso(semaforo, trabalho, i, resultados):
    """Parte B (filho): segurando o ``semaforo``, chama ``trabalho(i)`` e põe o resultado em
    ``resultados``."""
    with semaforo:
        resultado = trabalho(i)
    resultados.put(resultado)


def limitar(semaforo, trabalho, n):
    """Parte B (pai): ``n`` filhos rodam ``usar_recurso`` ao mesmo tempo; devolve os ``n``
    resultados."""
    resultados = Queue()
    processos = [Process(target=usar_recurso, args=(semaforo, trabalho, i, resultados)) for i in range(n)]
    for p in processos:
        p.start()
    saida = [resultados.get(timeout=60) for _ in processos]
    for p in processos:
        p.join(timeout=30)
    return saida


def duas_fases(barreira, fase1, fase2, x, resultados):
    """Parte C (filho): ``fase1(x)``, espera na ``barreira`` (com prazo), ``fase2(x)``; põe o
    resultado da fase 2 em ``resultados``."""
    fase1(x)
    barreira.wait(timeout=30)
    resultados.put(fase2(x))


def fases(barreira, fase1, fase2, valores):
    """Parte C (pai): um filho por valor de ``valores``, todos com a mesma ``barreira``; devolve
    os resultados da fase 2."""
    resultados = Queue()
    processos = [Process(target=duas_fases, args=(barreira, fase1, fase2, x, resultados)) for x in valores]
    for p in processos:
        p.start()
    saida = [resultados.get(timeout=60) for _ in processos]
    for p in processos:
        p.join(timeout=30)
    return saida
    ### END SOLUTION
''',
    causas={A: MEXEU},
    descricao="anota no diário da trava, chamando o _anotar da sonda direto, posses que não aconteceram",
)
