"""Corpus do exercício 09 (pools). Células: ex09-chegada (3), ex09-excecoes (2), ex09-quebra (2), ex09-lotes (3)."""

from corpus import Submissao, forja

A, B, C, D = "ex09-chegada", "ex09-excecoes", "ex09-quebra", "ex09-lotes"
CHEIA = {A: 3, B: 2, C: 2, D: 3}

# Trechos da solução de referência que as variantes trocam.
_MAP_COM_CHUNKSIZE = "executor.map(tarefa, argumentos, chunksize=lote, timeout=PRAZO)"
_RECOLHER = '''            try:
                resultados[x] = futuro.result()
            except Exception as erro:
                falhas[x] = f"{type(erro).__name__}: {erro}"
'''

SUBMISSOES = {
    # --- corretas, de outros jeitos -------------------------------------------------------------
    "correta_referencia": Submissao("correta", CHEIA),
    "correta_pool_com_callbacks_e_imap": Submissao("correta", CHEIA, modulo='''
import sys
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, wait

PRAZO = 30


def em_ordem_de_chegada(tarefa, argumentos, processos, ao_chegar):
    chegadas = []

    def guardar(x):
        def ao_terminar(resultado):  # roda no pai, na thread de resultados do Pool
            ao_chegar(x, resultado)
            chegadas.append((x, resultado))
        return ao_terminar

    with multiprocessing.Pool(processos) as pool:
        pendentes = [pool.apply_async(tarefa, (x,), callback=guardar(x)) for x in argumentos]
        for p in pendentes:
            p.get(timeout=PRAZO)
        print("chegaram", len(chegadas), "resultados", file=sys.stderr)
    return chegadas


def processar_todos(tarefa, argumentos, processos):
    resultados, falhas = {}, {}
    with ProcessPoolExecutor(processos) as ex:
        futuros = [(x, ex.submit(tarefa, x)) for x in argumentos]
        wait([f for _, f in futuros], timeout=PRAZO)
        for x, f in futuros:
            erro = f.exception(timeout=0)
            if erro is None:
                resultados[x] = f.result()
            else:
                falhas[x] = type(erro).__name__ + ": " + str(erro)
    print("falhas:", falhas, file=sys.stderr)
    return resultados, falhas


def em_lotes(tarefa, argumentos, processos, lote):
    with multiprocessing.Pool(processos) as pool:
        return list(pool.imap(tarefa, argumentos, chunksize=lote))
'''),
    "correta_first_completed_e_logging": Submissao("correta", CHEIA, modulo='''
import logging
import multiprocessing as mp
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(processName)s %(message)s")
log = logging.getLogger("ex09")


def em_ordem_de_chegada(tarefa, argumentos, processos, ao_chegar):
    saida = []
    with ProcessPoolExecutor(max_workers=processos, mp_context=mp.get_context("spawn")) as ex:
        qual = {ex.submit(tarefa, x): x for x in argumentos}
        pendentes = set(qual)
        while pendentes:
            prontos, pendentes = wait(pendentes, timeout=30, return_when=FIRST_COMPLETED)
            if not prontos:
                raise TimeoutError("nenhuma tarefa terminou em 30 s")
            for f in prontos:
                log.info("chegou %s", qual[f])
                ao_chegar(qual[f], f.result())
                saida.append((qual[f], f.result()))
    return saida


def processar_todos(tarefa, argumentos, processos):
    ok, ruins = {}, {}
    ex = ProcessPoolExecutor(processos)
    try:
        futuros = {x: ex.submit(tarefa, x) for x in argumentos}
        for x, f in futuros.items():
            erro = f.exception(timeout=30)
            if erro is not None:
                log.warning("a tarefa %s falhou: %r", x, erro)
                ruins[x] = f"{erro.__class__.__name__}: {erro}"
            else:
                ok[x] = f.result()
    finally:
        ex.shutdown(wait=True)
    return ok, ruins


def em_lotes(tarefa, argumentos, processos, lote):
    ctx = mp.get_context("spawn")
    with ctx.Pool(processos) as pool:
        r = pool.map_async(tarefa, argumentos, chunksize=lote)
        valores = r.get(timeout=30)
    log.info("%d resultados", len(valores))
    return valores
'''),
    "correta_imap_unordered_e_lotes_a_mao": Submissao("correta", CHEIA, modulo='''
import os
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool


def _com_x(par):
    tarefa, x = par
    print(f"[{os.getpid()}] calculando {x}", flush=True)
    return x, tarefa(x)


def em_ordem_de_chegada(tarefa, argumentos, processos, ao_chegar):
    lista = []
    with multiprocessing.Pool(processes=processos) as pool:
        for x, r in pool.imap_unordered(_com_x, [(tarefa, x) for x in argumentos]):
            ao_chegar(x, r)
            lista.append((x, r))
    return lista


def processar_todos(tarefa, argumentos, processos):
    resultados, falhas = {}, {}
    with ProcessPoolExecutor(processos, mp_context=multiprocessing.get_context("forkserver")) as ex:
        qual = {ex.submit(tarefa, x): x for x in argumentos}
        for f in as_completed(qual, timeout=30):
            try:
                resultados[qual[f]] = f.result()
            except BrokenProcessPool as e:
                falhas[qual[f]] = f"BrokenProcessPool: {e}"
            except Exception as e:
                falhas[qual[f]] = f"{type(e).__name__}: {e}"
    return resultados, falhas


def _lote(tarefa, grupo):
    print(f"[{os.getpid()}] lote {grupo}", flush=True)
    return [tarefa(x) for x in grupo]


def em_lotes(tarefa, argumentos, processos, lote):
    grupos = [argumentos[i:i + lote] for i in range(0, len(argumentos), lote)]
    with ProcessPoolExecutor(processos, mp_context=multiprocessing.get_context("forkserver")) as ex:
        futuros = [ex.submit(_lote, tarefa, g) for g in grupos]
        return [r for f in futuros for r in f.result(timeout=30)]
'''),
    # --- sutilmente erradas: uma por requisito ------------------------------------------------------
    "sutil_map_na_ordem_de_envio": Submissao(
        "sutil", {A: 0, B: 2, C: 2, D: 3},
        trocas=[('''        futuros = {executor.submit(tarefa, x): x for x in argumentos}
        for futuro in as_completed(futuros, timeout=PRAZO):
            x = futuros[futuro]
            resultado = futuro.result()
            ao_chegar(x, resultado)''', '''        for x, resultado in zip(argumentos, executor.map(tarefa, argumentos, timeout=PRAZO)):
            ao_chegar(x, resultado)''')],
        causas={A: r"a tarefa lenta x=40 foi esperada pelo pai antes das que já tinham terminado"},
        descricao="map devolve na ordem de envio: o pai espera a lenta antes das prontas",
    ),
    "sutil_ao_chegar_no_fim": Submissao(
        "sutil", {A: 0, B: 2, C: 2, D: 3},
        trocas=[('''            resultado = futuro.result()
            ao_chegar(x, resultado)
            chegadas.append((x, resultado))
    return chegadas''', '''            chegadas.append((x, futuro.result()))
    for x, resultado in chegadas:
        ao_chegar(x, resultado)
    return chegadas''')],
        causas={A: r"o pai só chamou ao_chegar para elas depois que a lenta terminou"},
        descricao="as_completed certo, mas ao_chegar só depois de tudo",
    ),
    "sutil_threads_em_vez_de_processos": Submissao(
        "sutil", {A: 0, B: 2, C: 2, D: 3},
        trocas=[("from concurrent.futures import ProcessPoolExecutor, as_completed",
                 "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed"),
                ('''    chegadas = []
    with ProcessPoolExecutor(max_workers=processos) as executor:''', '''    chegadas = []
    with ThreadPoolExecutor(max_workers=processos) as executor:''')],
        causas={A: "rodou no próprio processo que chamou"},
    ),
    "sutil_um_trabalhador_a_mais": Submissao(
        "sutil", {A: 0, B: 2, C: 2, D: 3},
        trocas=[('''    chegadas = []
    with ProcessPoolExecutor(max_workers=processos) as executor:''', '''    chegadas = []
    with ProcessPoolExecutor(max_workers=processos + 1) as executor:''')],
        causas={A: r"o pool tem 3 trabalhadores; o enunciado pede 2"},
        descricao="ProcessPoolExecutor(processos + 1): os trabalhadores nascem sob demanda, e o a mais nem sempre roda tarefa",
    ),
    "sutil_pool_um_a_mais": Submissao(
        "sutil", {A: 0, B: 2, C: 2, D: 3},
        trocas=[("from concurrent.futures import ProcessPoolExecutor, as_completed",
                 "from concurrent.futures import ProcessPoolExecutor, as_completed\nfrom multiprocessing import Pool"),
                ('''    chegadas = []
    with ProcessPoolExecutor(max_workers=processos) as executor:
        futuros = {executor.submit(tarefa, x): x for x in argumentos}
        for futuro in as_completed(futuros, timeout=PRAZO):
            x = futuros[futuro]
            resultado = futuro.result()
            ao_chegar(x, resultado)
            chegadas.append((x, resultado))
    return chegadas''', '''    chegadas = []
    with Pool(processos + 1) as pool:
        for x, resultado in pool.imap_unordered(_par, [(tarefa, x) for x in argumentos]):
            ao_chegar(x, resultado)
            chegadas.append((x, resultado))
    return chegadas


def _par(tarefa_e_x):
    tarefa, x = tarefa_e_x
    return x, tarefa(x)''')],
        causas={A: r"o pool tem 3 trabalhadores; o enunciado pede 2"},
        descricao="Pool(processos + 1) com imap_unordered",
    ),
    "sutil_map_perde_resultados": Submissao(
        "sutil", {A: 3, B: 0, C: 2, D: 3},
        trocas=[('''        futuros = {executor.submit(tarefa, x): x for x in argumentos}
        for futuro in as_completed(futuros, timeout=PRAZO):
            x = futuros[futuro]
''' + _RECOLHER, '''        resultados_em_ordem = executor.map(tarefa, argumentos, timeout=PRAZO)
        for i, x in enumerate(argumentos):
            try:
                resultados[x] = next(resultados_em_ordem)
            except Exception as erro:
                for y in argumentos[i:]:  # o map parou: o resto não veio
                    falhas[y] = f"{type(erro).__name__}: {erro}"
                break
''')],
        causas={B: r"o resultado da tarefa x=4 se perdeu"},
        descricao="Executor.map levanta a primeira exceção e descarta o resto (no pool quebrado, ninguém perde nada)",
    ),
    "sutil_falha_sem_o_tipo": Submissao(
        "sutil", {A: 3, B: 0, C: 0, D: 3},
        trocas=[('falhas[x] = f"{type(erro).__name__}: {erro}"', "falhas[x] = str(erro)")],
        causas={B: r"falhas\[3\] é 'não sei tratar o 3': diga o tipo e a mensagem",
                C: "devia dizer BrokenProcessPool"},
        descricao="o texto da falha sem o tipo da exceção (o mesmo requisito nas partes B e C)",
    ),
    "sutil_tenta_de_novo": Submissao(
        "sutil", {A: 3, B: 0, C: 2, D: 3},
        trocas=[("from concurrent.futures import ProcessPoolExecutor, as_completed",
                 "from concurrent.futures import ProcessPoolExecutor, as_completed\n"
                 "from concurrent.futures.process import BrokenProcessPool"),
                (_RECOLHER, '''            try:
                resultados[x] = futuro.result()
            except BrokenProcessPool as erro:
                falhas[x] = f"{type(erro).__name__}: {erro}"
            except Exception:
                try:  # mais uma chance
                    resultados[x] = executor.submit(tarefa, x).result(timeout=PRAZO)
                except Exception as erro:
                    falhas[x] = f"{type(erro).__name__}: {erro}"
''')],
        causas={B: r"x=3 foi entregue 2 vezes"},
    ),
    "sutil_deixa_subir_o_pool_quebrado": Submissao(
        "sutil", {A: 3, B: 2, C: 0, D: 3},
        trocas=[("from concurrent.futures import ProcessPoolExecutor, as_completed",
                 "from concurrent.futures import ProcessPoolExecutor, as_completed\n"
                 "from concurrent.futures.process import BrokenProcessPool"),
                (_RECOLHER, '''            try:
                resultados[x] = futuro.result()
            except BrokenProcessPool:
                raise  # sem pool não há o que fazer
            except Exception as erro:
                falhas[x] = f"{type(erro).__name__}: {erro}"
''')],
        causas={C: "levantou BrokenProcessPool.*também vão para falhas"},
    ),
    "sutil_descarta_tudo_quando_quebra": Submissao(
        "sutil", {A: 3, B: 2, C: 0, D: 3},
        trocas=[("from concurrent.futures import ProcessPoolExecutor, as_completed",
                 "from concurrent.futures import ProcessPoolExecutor, as_completed\n"
                 "from concurrent.futures.process import BrokenProcessPool"),
                (_RECOLHER, '''            try:
                resultados[x] = futuro.result()
            except BrokenProcessPool as erro:
                return {}, {y: f"BrokenProcessPool: {erro}" for y in argumentos}
            except Exception as erro:
                falhas[x] = f"{type(erro).__name__}: {erro}"
''')],
        causas={C: r"o resultado da tarefa x=1 se perdeu.*antes de o trabalhador morrer"},
    ),
    "sutil_sem_chunksize": Submissao(
        "sutil", {A: 3, B: 2, C: 2, D: 0},
        trocas=[(_MAP_COM_CHUNKSIZE, "executor.map(tarefa, argumentos, timeout=PRAZO)")],
        causas={D: r"o lote \[100, 101, 102, 103\] foi dividido entre trabalhadores diferentes"},
    ),
    "sutil_chunksize_do_pool_map": Submissao(
        "sutil", {A: 3, B: 2, C: 2, D: 0},
        trocas=[("from concurrent.futures import ProcessPoolExecutor, as_completed",
                 "import multiprocessing\nfrom concurrent.futures import ProcessPoolExecutor, as_completed"),
                ('''    with ProcessPoolExecutor(max_workers=processos) as executor:
        return list(''' + _MAP_COM_CHUNKSIZE + ")", '''    with multiprocessing.Pool(processos) as pool:
        return pool.map(tarefa, argumentos)  # o Pool escolhe o chunksize''')],
        causas={D: "foi dividido entre trabalhadores diferentes"},
    ),
    "sutil_lotes_maiores": Submissao(
        "sutil", {A: 3, B: 2, C: 2, D: 0},
        trocas=[(_MAP_COM_CHUNKSIZE, "executor.map(tarefa, argumentos, chunksize=2 * lote, timeout=PRAZO)")],
        causas={D: r"o lote que começa em x=104 não começou enquanto o lote de x=100 rodava"},
    ),
    "sutil_ordena_os_resultados": Submissao(
        "sutil", {A: 3, B: 2, C: 2, D: 0},
        trocas=[("        return list(" + _MAP_COM_CHUNKSIZE + ")", "        return sorted(" + _MAP_COM_CHUNKSIZE + ")")],
        causas={D: "fora da ordem dos argumentos"},
    ),
    # --- patológicas ----------------------------------------------------------------------------
    "patologica_saida_enorme": Submissao(
        "patologica", CHEIA,
        trocas=[("def em_lotes(tarefa, argumentos, processos, lote):\n",
                 "def _grita(x):\n    import sys\n    sys.stderr.write('y' * 1_000_000)\n    return x\n\n\n"
                 "def em_lotes(tarefa, argumentos, processos, lote):\n    print('x' * 2_000_000)\n"
                 "    with ProcessPoolExecutor(2) as ex:\n        list(ex.map(_grita, range(2)))\n")],
    ),
    "patologica_import_bloqueia": Submissao(
        "patologica", {A: 0, B: 0, C: 0, D: 0},
        trocas=[("PRAZO = 30.0\n", "PRAZO = 30.0\nimport multiprocessing\nmultiprocessing.Queue().get()\n")],
        causas={A: "importar solucao_ex09.py ficou bloqueado", B: "importar solucao_ex09.py ficou bloqueado",
                C: "importar solucao_ex09.py ficou bloqueado", D: "importar solucao_ex09.py ficou bloqueado"},
    ),
    "patologica_impasse_na_fila": Submissao(
        "patologica", {A: 3, B: 2, C: 2, D: 0},
        trocas=[('''    with ProcessPoolExecutor(max_workers=processos) as executor:
        return list(''' + _MAP_COM_CHUNKSIZE + ")", '''    import multiprocessing
    fila = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=_trabalhar, args=(tarefa, argumentos[i::processos], fila))
          for i in range(processos)]
    for p in ps:
        p.start()
    valores = dict(fila.get() for _ in range(len(argumentos) + 1))  # um a mais: espera para sempre
    for p in ps:
        p.join()
    return [valores[x] for x in argumentos]


def _trabalhar(tarefa, xs, fila):
    for x in xs:
        fila.put((x, tarefa(x)))''')],
        causas={D: "ficou bloqueado"},
    ),
    "patologica_orfao_setsid": Submissao(
        "patologica", {A: 3, B: 2, C: 2, D: 0},
        trocas=[("        return list(" + _MAP_COM_CHUNKSIZE + ")",
                 "        valores = list(" + _MAP_COM_CHUNKSIZE + ")\n"
                 "    import os\n    import time\n"
                 "    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n            time.sleep(60)\n"
                 "        os._exit(0)\n    return valores")],
        causas={D: r"deixou \d+ processo\(s\) vivo"},
        descricao="um neto em outra sessão (double fork + setsid) que dorme depois que a função volta",
    ),
    # --- trapaças contra a correção do módulo ------------------------------------------------------
    "trapaca_troca_o_autograder_e_valores_fixos": Submissao(
        "trapaca", {A: 0, B: 0, C: 0, D: 0}, modulo='''
import sys
import types

falso = types.ModuleType("autograder")
falso.carregar = lambda *a, **k: None
sys.modules["autograder"] = falso
sys.modules["autograder.verificacoes_ex09"] = falso
try:
    import autograder.execucao as ex
    ex.interpretar = lambda *a, **k: None
    ex.FalhaNoFilho = Exception
except Exception:
    pass


def em_ordem_de_chegada(tarefa, argumentos, processos, ao_chegar):
    rapidos = sorted(argumentos, key=lambda x: x > 30)
    for x in rapidos:
        ao_chegar(x, x * x)
    return [(x, x * x) for x in rapidos]


def processar_todos(tarefa, argumentos, processos):
    return {x: x * x for x in argumentos if x != 3}, {3: "ValueError: não sei tratar o 3"}


def em_lotes(tarefa, argumentos, processos, lote):
    return [x * x for x in argumentos]
''',
        causas={A: "(?:a tarefa do teste nunca foi chamada|mexeu nos instrumentos do teste)", B: "(?:a tarefa do teste nunca foi chamada|mexeu nos instrumentos do teste)",
                C: "(?:a tarefa do teste nunca foi chamada|mexeu nos instrumentos do teste)", D: "(?:a tarefa do teste nunca foi chamada|mexeu nos instrumentos do teste)"},
    ),
    "trapaca_libera_a_lenta_antes": Submissao(
        "trapaca", {A: 0, B: 2, C: 2, D: 3},
        trocas=[('''        futuros = {executor.submit(tarefa, x): x for x in argumentos}
        for futuro in as_completed(futuros, timeout=PRAZO):
            x = futuros[futuro]
            resultado = futuro.result()
            ao_chegar(x, resultado)''', '''        for x in argumentos:  # "avisa" antes: a lenta acha que todos chegaram
            ao_chegar(x, x * x)
        for x, resultado in zip(argumentos, executor.map(tarefa, argumentos, timeout=PRAZO)):''')],
        causas={A: r"ao_chegar\(40, \.\.\.\) foi chamado antes de a tarefa x=40 terminar"},
    ),
    "trapaca_le_o_enunciado": Submissao(
        "trapaca", {A: 0, B: 0, C: 0, D: 0}, modulo='''
import glob
import json
import os


def _procurar_o_enunciado():
    pastas = [os.getcwd(), *(os.path.dirname(os.getcwd().rsplit("/", i)[0]) for i in range(1, 4))]
    for padrao in [os.path.join(p, "source", "ex09_pools", "*.ipynb") for p in pastas] + ["../*/ex09_pools*.ipynb"]:
        for caminho in glob.glob(padrao):
            try:
                return json.load(open(caminho, encoding="utf-8"))
            except (OSError, ValueError):
                continue
    return None


ENUNCIADO = _procurar_o_enunciado()
CONTA = (0, 3, 1) if ENUNCIADO and "conta=(0, 3, 1)" in json.dumps(ENUNCIADO) else (1, 0, 0)


def _conta(x):
    return CONTA[0] * x * x + CONTA[1] * x + CONTA[2]


def em_ordem_de_chegada(tarefa, argumentos, processos, ao_chegar):
    saida = [(x, _conta(x)) for x in argumentos[1:] + argumentos[:1]]
    for x, r in saida:
        ao_chegar(x, r)
    return saida


def processar_todos(tarefa, argumentos, processos):
    return {x: _conta(x) for x in argumentos}, {}


def em_lotes(tarefa, argumentos, processos, lote):
    print("pid", os.getpid())
    return [_conta(x) for x in argumentos]
''',
        causas={A: "a tarefa do teste nunca foi chamada", B: "a tarefa do teste nunca foi chamada",
                C: "a tarefa do teste nunca foi chamada", D: "a tarefa do teste nunca foi chamada"},
    ),
}


MEXEU = "mexeu nos instrumentos do teste"

# A guarda dos instrumentos do teste (autograder/guarda.py): cria as marcas de chegada e de início na pasta da tarefa do teste, fingindo a ordem pedida.
SUBMISSOES["trapaca_marcas_falsas"] = Submissao(
    "trapaca", {A: 0, B: 2, C: 2, D: 0}, modulo=r'''
"""Pools: as_completed, exceções e chunksize (exercício 09)."""

from concurrent.futures import ProcessPoolExecutor, as_completed

#: Prazo (segundos) de toda espera.
PRAZO = 30.0


def em_ordem_de_chegada(tarefa, argumentos, processos, ao_chegar):
    """Parte A: entrega ``tarefa(x)`` de cada ``x`` de ``argumentos`` a um pool de ``processos``
    trabalhadores (todas antes de esperar qualquer resultado) e, à medida que cada uma TERMINA, chama
    ``ao_chegar(x, resultado)`` no pai. Devolve a lista dos pares ``(x, resultado)`` na ordem em que
    chegaram. Dica: ``submit`` e ``as_completed(futuros, timeout=PRAZO)``."""
    ### BEGIN SOLUTION
    _marcar_tudo(tarefa, argumentos, ("chegou",))
    chegadas = []
    with ProcessPoolExecutor(max_workers=processos) as executor:
        for x, resultado in zip(argumentos, executor.map(tarefa, argumentos, timeout=PRAZO)):  # ordem de envio
            ao_chegar(x, resultado)
            chegadas.append((x, resultado))
    return chegadas


def _marcar_tudo(tarefa, argumentos, prefixos):
    """Cria de antemão as marcas que as tarefas "lentas" esperam (pasta da sonda)."""
    import hashlib
    import os
    pasta = getattr(tarefa, "_pasta", None)
    if not pasta:
        return
    for p in prefixos:
        for x in argumentos:
            nome = f"{p}-{hashlib.sha1(repr(x).encode()).hexdigest()[:16]}"
            open(os.path.join(pasta, nome), "w").close()
    ### END SOLUTION


def processar_todos(tarefa, argumentos, processos):
    """Partes B e C: roda ``tarefa(x)`` de cada ``x`` num ``ProcessPoolExecutor`` de ``processos``
    trabalhadores, cada argumento entregue uma vez só, e devolve o par ``(resultados, falhas)``:
    ``resultados[x]`` é o que ``tarefa(x)`` devolveu; ``falhas[x]`` é um texto com o tipo e a
    mensagem da exceção da tarefa ``x`` (por exemplo ``"ValueError: não sei tratar o 3"``). Toda
    tarefa aparece em um dos dois."""
    ### BEGIN SOLUTION
    resultados, falhas = {}, {}
    with ProcessPoolExecutor(max_workers=processos) as executor:
        futuros = {executor.submit(tarefa, x): x for x in argumentos}
        for futuro in as_completed(futuros, timeout=PRAZO):
            x = futuros[futuro]
            try:
                resultados[x] = futuro.result()
            except Exception as erro:
                falhas[x] = f"{type(erro).__name__}: {erro}"
    return resultados, falhas
    ### END SOLUTION


def em_lotes(tarefa, argumentos, processos, lote):
    """Parte D: calcula ``tarefa(x)`` de cada ``x`` num pool de ``processos`` trabalhadores,
    mandando os argumentos em lotes de ``lote`` (``chunksize``), e devolve a lista dos resultados na
    ordem dos argumentos."""
    ### BEGIN SOLUTION
    _marcar_tudo(tarefa, argumentos, ("inicio",))
    with ProcessPoolExecutor(max_workers=processos) as executor:
        return list(executor.map(tarefa, argumentos, chunksize=2 * lote, timeout=PRAZO))
    ### END SOLUTION
''',
    causas={A: MEXEU, D: MEXEU},
    descricao="cria as marcas de chegada e de início na pasta da tarefa do teste, fingindo a ordem pedida",
)


# A resposta do executor forjada (tests/corpus/forja.py): nenhum processo criado; a resposta "ok", os
# processos e os eventos das sondas inventados e escritos direto no canal do executor. Valem os diários.
SUBMISSOES["trapaca_resposta_forjada"] = Submissao(
    "trapaca", {g: 0 for g in CHEIA}, modulo=forja.modulo("ex09"), causas={g: forja.CAUSA for g in CHEIA},
    descricao="sobe a pilha até o canal da resposta do executor e escreve ali processos e eventos inventados",
)


# Equipe de alunos da sessão 7: multiprocessing.dummy (threads com a API do Pool) em tudo. Na parte C, a
# tarefa do teste que encerra o trabalhador (os._exit) derruba o próprio processo: a mensagem diz isso.
SUBMISSOES["pool_de_threads_dummy"] = Submissao(
    "trapaca", {A: 0, B: 0, C: 0, D: 0}, modulo='''
"""Pools: as_completed, exceções e chunksize (exercício 09)."""

from multiprocessing.dummy import Pool

PRAZO = 30.0


def _par(tarefa_x):
    tarefa, x = tarefa_x
    return x, tarefa(x)


def em_ordem_de_chegada(tarefa, argumentos, processos, ao_chegar):
    saida = []
    with Pool(processos) as p:
        for x, r in p.imap_unordered(_par, [(tarefa, x) for x in argumentos]):
            ao_chegar(x, r)
            saida.append((x, r))
    return saida


def processar_todos(tarefa, argumentos, processos):
    resultados, falhas = {}, {}
    with Pool(processos) as p:
        rs = {x: p.apply_async(tarefa, (x,)) for x in argumentos}
        for x, ar in rs.items():
            try:
                resultados[x] = ar.get(timeout=PRAZO)
            except Exception as e:  # noqa: BLE001
                falhas[x] = f"{type(e).__name__}: {e}"
    return resultados, falhas


def em_lotes(tarefa, argumentos, processos, lote):
    with Pool(processos) as p:
        return list(p.imap(tarefa, argumentos, chunksize=lote))
''',
    causas={A: r"rodou no próprio processo", B: r"rodou no próprio processo",
            C: r"morreu de repente \(código de saída 1\).*pool de PROCESSOS", D: r"rodou no próprio processo"},
    descricao="multiprocessing.dummy.Pool: threads, nenhum processo trabalhador",
)
