"""Corpus do exercício 01 (processos e pools): 7 pontos em três células.

A = ex01-iniciar-processos (2), B = ex01-dividir (2), C = ex01-soma-paralela (3).
"""

from textwrap import dedent

from corpus import Submissao

A, B, C = "ex01-iniciar-processos", "ex01-dividir", "ex01-soma-paralela"


def notas(a=2.0, b=2.0, c=3.0):
    return {A: a, B: b, C: c}


ZERO = notas(0.0, 0.0, 0.0)

# Partes que um aluno de mentira resolveu certo, para compor módulos inteiros.
_REPORTAR = '''
import os
from multiprocessing import current_process


def _reportar(fila):
    """(dada) Roda em cada filho: informa pid e nome do processo pela fila."""
    fila.put((os.getpid(), current_process().name))
'''

_A_CERTA = '''
def iniciar_processos(n, fila):
    from multiprocessing import Process
    ps = [Process(target=_reportar, args=(fila,)) for _ in range(n)]
    for p in ps:
        p.start()
    lidos = [fila.get(timeout=20) for _ in range(n)]
    for p in ps:
        p.join(timeout=20)
    return sorted(pid for pid, _ in lidos)
'''

_B_CERTA = '''
def dividir(inicio, fim, k):
    base, resto = divmod(fim - inicio, k)
    pedacos, a = [], inicio
    for i in range(k):
        b = a + base + (1 if i < resto else 0)
        pedacos.append((a, b))
        a = b
    return pedacos
'''

_C_CERTA = '''
def soma_de_quadrados(inicio, fim):
    return sum(i * i for i in range(inicio, fim))


def soma_paralela(n, k, parcela=soma_de_quadrados):
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=k) as ex:
        futuros = [ex.submit(parcela, a, b) for a, b in dividir(0, n, k)]
        return sum(f.result() for f in futuros)
'''


def modulo(*partes: str) -> str:
    return dedent('"""Exercício 01."""\n') + "".join(partes)


ESPERA_POR_EXITCODE = '''
"""Processos e pools (exercício 01)."""

import os
from multiprocessing import Pool, Process, current_process


def _reportar(fila):
    fila.put((os.getpid(), current_process().name))


def iniciar_processos(n, fila):
    procs = [Process(target=_reportar, args=(fila,)) for _ in range(n)]
    for p in procs:
        p.start()
    pids = set()
    for _ in range(n):
        pid, _nome = fila.get(timeout=15)
        pids.add(pid)
    for p in procs:
        while p.exitcode is None:
            p.join(timeout=0.05)
    return sorted(pids)


def dividir(inicio, fim, k):
    q, r = divmod(fim - inicio, k)
    comeco = (k - r) // 2                  # o resto fica nos pedaços do meio
    tamanhos = [q + (comeco <= j < comeco + r) for j in range(k)]
    out, a = [], inicio
    for t in tamanhos:
        out.append((a, a + t))
        a += t
    return out


def soma_de_quadrados(inicio, fim):
    s = 0
    for i in range(inicio, fim):
        s += i * i
    return s


def _aplicar(tarefa):
    funcao, a, b = tarefa
    return funcao(a, b)


def soma_paralela(n, k, parcela=soma_de_quadrados):
    tarefas = [(parcela, a, b) for a, b in dividir(0, n, k)]
    with Pool(k) as pool:
        return sum(pool.imap_unordered(_aplicar, tarefas))
'''

SUBMISSOES = {
    # ---------------------------------------------------------------- corretas, de outro jeito
    "espera_por_exitcode": Submissao(
        tipo="correta",
        notas=notas(),
        modulo=ESPERA_POR_EXITCODE,
        descricao="lê os n itens e espera cada filho com while p.exitcode is None: p.join(0.05) (o filho que já "
                  "acabou é recolhido pelo exitcode, sem join)",
    ),
    "classes_pool_e_prints": Submissao(
        tipo="correta",
        notas=notas(),
        descricao="Process com subclasse e run(), resto nos primeiros pedaços, multiprocessing.Pool.starmap, prints no pai e nos filhos (stdout e stderr)",
        modulo=dedent('''
            """Exercício 01 — minha versão com classes."""
            import os
            import sys
            from multiprocessing import Pool, Process, current_process


            def _reportar(fila):
                fila.put((os.getpid(), current_process().name))


            class Reporter(Process):
                def __init__(self, fila):
                    super().__init__()
                    self.fila = fila

                def run(self):
                    print("filho", os.getpid(), "começando")
                    print("aviso no stderr do filho", file=sys.stderr)
                    _reportar(self.fila)


            def iniciar_processos(n, fila):
                filhos = [Reporter(fila) for _ in range(n)]
                for f in filhos:
                    f.start()
                resultado = []
                for _ in filhos:
                    pid, nome = fila.get(timeout=30)
                    print(f"recebi {pid} ({nome})")
                    resultado.append(pid)
                for f in filhos:
                    f.join(30)
                print("pai: terminei", file=sys.stderr)
                return sorted(resultado)


            def dividir(inicio, fim, k):
                tamanho, sobra = divmod(fim - inicio, k)
                limites = [inicio]
                for i in range(k):
                    limites.append(limites[-1] + tamanho + (i < sobra))
                return list(zip(limites[:-1], limites[1:]))


            def soma_de_quadrados(inicio, fim):
                total = 0
                for i in range(inicio, fim):
                    total += i * i
                return total


            def soma_paralela(n, k, parcela=soma_de_quadrados):
                with Pool(processes=k) as pool:
                    parciais = pool.starmap(parcela, dividir(0, n, k))
                print("parciais:", parciais, file=sys.stderr)
                return sum(parciais)
        '''),
    ),
    "logging_no_stderr": Submissao(
        tipo="correta",
        notas=notas(),
        descricao="logging (stderr) no pai e nos filhos, resto nos ÚLTIMOS pedaços, ProcessPoolExecutor.map com dois iteráveis",
        modulo=dedent('''
            """Exercício 01 com logging."""
            import logging
            import os
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import Process, current_process

            logging.basicConfig(level=logging.DEBUG, format="%(processName)s %(levelname)s %(message)s")
            log = logging.getLogger("ex01")


            def _reportar(fila):
                log.info("filho %s reportando", os.getpid())
                fila.put((os.getpid(), current_process().name))


            def iniciar_processos(n, fila):
                processos = []
                for i in range(n):
                    p = Process(target=_reportar, args=(fila,), name=f"trabalhador-{i}")
                    p.start()
                    processos.append(p)
                pids = []
                while len(pids) < n:
                    pid, nome = fila.get(timeout=30)
                    log.debug("chegou %s de %s", pid, nome)
                    pids.append(pid)
                for p in processos:
                    p.join(timeout=30)
                    log.warning("%s terminou com %s", p.name, p.exitcode)
                return sorted(pids)


            def dividir(inicio, fim, k):
                """O resto fica com os últimos pedaços."""
                base, resto = divmod(fim - inicio, k)
                tamanhos = [base] * (k - resto) + [base + 1] * resto
                pedacos, a = [], inicio
                for t in tamanhos:
                    pedacos.append((a, a + t))
                    a += t
                return pedacos


            def soma_de_quadrados(inicio, fim):
                log.info("somando [%d, %d)", inicio, fim)
                return sum(x * x for x in range(inicio, fim))


            def soma_paralela(n, k, parcela=soma_de_quadrados):
                pedacos = dividir(0, n, k)
                with ProcessPoolExecutor(k) as ex:
                    total = sum(ex.map(parcela, [a for a, _ in pedacos], [b for _, b in pedacos]))
                log.error("total %d", total)
                return total
        '''),
    ),
    "get_context_e_forkserver": Submissao(
        tipo="correta",
        notas=notas(),
        descricao="get_context() sem argumento na parte A, pool com forkserver explícito e as_completed na parte C, dividir com accumulate",
        modulo=dedent('''
            """Exercício 01."""
            import itertools
            import multiprocessing as mp
            import os
            from concurrent.futures import ProcessPoolExecutor, as_completed


            def _reportar(fila):
                fila.put((os.getpid(), mp.current_process().name))


            def iniciar_processos(n, fila):
                ctx = mp.get_context()
                procs = [ctx.Process(target=_reportar, args=(fila,), daemon=True) for _ in range(n)]
                for p in procs:
                    p.start()
                itens = [fila.get(True, 30) for _ in procs]
                for p in procs:
                    p.join(30)
                return sorted(i[0] for i in itens)


            def dividir(inicio, fim, k):
                q, r = divmod(fim - inicio, k)
                cortes = list(itertools.accumulate([inicio] + [q + (1 if i >= k - r else 0) for i in range(k)]))
                return [(cortes[i], cortes[i + 1]) for i in range(k)]


            def soma_de_quadrados(inicio, fim):
                # fórmula fechada: soma de i² em [0, m) = (m-1)m(2m-1)/6
                def s(m):
                    return (m - 1) * m * (2 * m - 1) // 6 if m > 0 else 0
                return s(fim) - s(inicio)


            def soma_paralela(n, k, parcela=soma_de_quadrados):
                contexto = mp.get_context("forkserver")
                with ProcessPoolExecutor(max_workers=k, mp_context=contexto) as pool:
                    futs = {pool.submit(parcela, a, b): (a, b) for a, b in dividir(0, n, k)}
                    return sum(f.result() for f in as_completed(futs))
        '''),
    ),
    "resto_nos_ultimos_da_referencia": Submissao(
        tipo="correta",
        notas=notas(),
        descricao="a referência com o resto dado aos últimos pedaços: dividir(5, 7, 4) == [(5, 5), (5, 5), (5, 6), (6, 7)]",
        trocas=[(
            "    total = fim - inicio\n    return [(inicio + total * i // k, inicio + total * (i + 1) // k) for i in range(k)]\n",
            "    base, resto = divmod(fim - inicio, k)\n"
            "    inicios = [inicio + i * base + max(0, i - (k - resto)) for i in range(k + 1)]\n"
            "    return [(inicios[i], inicios[i + 1]) for i in range(k)]\n",
        )],
    ),
    # ---------------------------------------------------------------- sutilmente erradas
    "pids_inventados": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"os filhos que puseram itens na fila têm os pids"},
        descricao="lê a fila, mas devolve pids calculados (os do pai + 1, + 2...)",
        modulo=modulo(_REPORTAR, '''
def iniciar_processos(n, fila):
    from multiprocessing import Process
    ps = [Process(target=_reportar, args=(fila,)) for _ in range(n)]
    for p in ps:
        p.start()
    for _ in range(n):
        fila.get(timeout=20)
    for p in ps:
        p.join(timeout=20)
    return [os.getpid() + i + 1 for i in range(n)]
''', _B_CERTA, _C_CERTA),
    ),
    "sem_processos_na_parte_a": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"o próprio processo que chamou iniciar_processos pôs"},
        descricao="chama _reportar no próprio processo, n vezes",
        modulo=modulo(_REPORTAR, '''
def iniciar_processos(n, fila):
    for _ in range(n):
        _reportar(fila)
    return sorted(fila.get(timeout=5)[0] for _ in range(n))
''', _B_CERTA, _C_CERTA),
    ),
    "pids_dos_objetos_sem_ler_a_fila": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"o pai leu 0 item\(ns\) da fila"},
        descricao="devolve p.pid dos objetos Process sem ler o que os filhos informaram",
        modulo=modulo(_REPORTAR, '''
def iniciar_processos(n, fila):
    from multiprocessing import Process
    ps = [Process(target=_reportar, args=(fila,)) for _ in range(n)]
    for p in ps:
        p.start()
    for p in ps:
        p.join(timeout=20)
    return sorted(p.pid for p in ps)
''', _B_CERTA, _C_CERTA),
    ),
    "empty_para_saber_quando_parar": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"chamou empty\(\)"},
        descricao="espera com empty() até ter n itens",
        trocas=[(
            "    pids = [fila.get(timeout=10)[0] for _ in processos]\n",
            "    pids = []\n    while len(pids) < n:\n        if not fila.empty():\n            pids.append(fila.get()[0])\n",
        )],
    ),
    "join_antes_de_ler": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"deu join no processo \d+ quando ainda faltava ler 3 item\(ns\) da fila"},
        descricao="dá join (com prazo) em cada filho e só depois lê a fila",
        trocas=[(
            "    pids = [fila.get(timeout=10)[0] for _ in processos]\n    for p in processos:\n        p.join(timeout=10)\n",
            "    for p in processos:\n        p.join(timeout=10)\n    pids = [fila.get(timeout=10)[0] for _ in processos]\n",
        )],
    ),
    "intercala_get_e_join": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"deu join no processo \d+ quando ainda faltava ler 2 item\(ns\) da fila: leia primeiro TODOS"},
        descricao="lê UM item e já dá join no filho i (o item pode ser de outro filho): passava ou não conforme a ordem dos put",
        trocas=[(
            "    pids = [fila.get(timeout=10)[0] for _ in processos]\n    for p in processos:\n        p.join(timeout=10)\n",
            "    pids = []\n    for p in processos:\n        pids.append(fila.get(timeout=10)[0])\n        p.join(timeout=10)\n",
        )],
    ),
    "dividir_com_barra": Submissao(
        tipo="sutil",
        notas=notas(b=0.0, c=0.0),
        causas={B: r"os limites devem ser inteiros", C: r"range|float|inteiro|integer"},
        descricao="dividir com / (limites fracionários); a soma paralela, que usa dividir, quebra junto",
        trocas=[("total * i // k", "total * i / k"), ("total * (i + 1) // k", "total * (i + 1) / k")],
    ),
    "resto_todo_no_ultimo": Submissao(
        tipo="sutil",
        notas=notas(b=0.0),
        causas={B: r"diferir de no máximo 1"},
        descricao="pedaços de tamanho (fim-inicio)//k e o resto todo no último: passa nos casos visíveis",
        trocas=[(
            "    total = fim - inicio\n    return [(inicio + total * i // k, inicio + total * (i + 1) // k) for i in range(k)]\n",
            "    t = (fim - inicio) // k\n    return [(inicio + i * t, inicio + (i + 1) * t if i < k - 1 else fim) for i in range(k)]\n",
        )],
    ),
    "soma_sequencial": Submissao(
        tipo="sutil",
        notas=notas(c=0.0),
        causas={C: r"no próprio processo que chamou soma_paralela \(uma soma sequencial\)"},
        descricao="soma_paralela soma as parcelas no próprio processo",
        trocas=[(
            "    with ProcessPoolExecutor(max_workers=k) as executor:\n        futuros = [executor.submit(parcela, a, b) for a, b in dividir(0, n, k)]\n        return sum(f.result() for f in futuros)\n",
            "    return sum(parcela(a, b) for a, b in dividir(0, n, k))\n",
        )],
    ),
    "ignora_a_parcela": Submissao(
        tipo="sutil",
        notas=notas(c=0.0),
        causas={C: r"a parcela recebida nunca foi chamada"},
        descricao="o pool calcula soma_de_quadrados direto, ignorando o parâmetro",
        trocas=[("executor.submit(parcela, a, b)", "executor.submit(soma_de_quadrados, a, b)")],
    ),
    "um_pedaco_por_vez": Submissao(
        tipo="sutil",
        notas=notas(c=0.0),
        causas={C: r"o pai esperou um resultado \(result\(\) de um pedaço ainda em andamento\) antes de entregar ao pool todos os 2 pedaços"},
        descricao="espera o result() de cada pedaço antes de entregar o próximo (pool, mas sem paralelismo)",
        trocas=[(
            "        futuros = [executor.submit(parcela, a, b) for a, b in dividir(0, n, k)]\n        return sum(f.result() for f in futuros)\n",
            "        return sum(executor.submit(parcela, a, b).result() for a, b in dividir(0, n, k))\n",
        )],
    ),
    "espera_cada_resultado_com_prazo": Submissao(
        tipo="sutil",
        notas=notas(c=0.0),
        causas={C: r"o pai esperou um resultado \(wait\(\) de um pedaço ainda em andamento\) antes de entregar ao pool todos"},
        descricao="wait([f], timeout=0.5) em cada pedaço antes de entregar o próximo: a parcela do teste, que espera as k, tornava as chamadas simultâneas",
        trocas=[
            ("from concurrent.futures import ProcessPoolExecutor\n", "from concurrent.futures import ProcessPoolExecutor, wait\n"),
            ("        futuros = [executor.submit(parcela, a, b) for a, b in dividir(0, n, k)]\n",
             "        futuros = []\n        for a, b in dividir(0, n, k):\n            futuros.append(executor.submit(parcela, a, b))\n"
             "            wait([futuros[-1]], timeout=0.5)\n"),
        ],
    ),
    # ---------------------------------------------------------------- patológicas
    "laco_sem_fim_na_parcela": Submissao(
        tipo="patologica",
        notas=notas(c=0.0),
        causas={C: r"não terminou em"},
        trocas=[("    return sum(i * i for i in range(inicio, fim))\n", "    while True:\n        pass\n")],
    ),
    "impasse_le_um_a_mais": Submissao(
        tipo="patologica",
        notas=notas(a=0.0),
        causas={A: r"ficou bloqueado.*impasse"},
        trocas=[("    pids = [fila.get(timeout=10)[0] for _ in processos]\n", "    pids = [fila.get()[0] for _ in range(n + 1)]\n")],
    ),
    "os_exit_no_dividir": Submissao(
        tipo="patologica",
        notas=notas(b=0.0, c=0.0),
        causas={B: r"código de saída 3", C: r"código de saída 3"},
        trocas=[("    total = fim - inicio\n", "    os._exit(3)\n    total = fim - inicio\n")],
    ),
    "sys_exit_na_parte_a": Submissao(
        tipo="patologica",
        notas=notas(a=0.0),
        causas={A: r"sys.exit"},
        trocas=[("    for p in processos:\n        p.start()\n", "    import sys\n    sys.exit(0)\n")],
    ),
    "saida_enorme_nos_filhos": Submissao(
        tipo="patologica",
        notas=notas(),
        descricao="cada filho imprime 4 MB no stdout e no stderr: a saída é cortada e não tira ponto",
        trocas=[(
            'def _reportar(fila):\n    """(dada) Roda em cada filho: informa pid e nome do processo pela fila."""\n',
            'def _reportar(fila):\n    """(dada) Roda em cada filho: informa pid e nome do processo pela fila."""\n'
            '    import sys\n    sys.stdout.write("x" * 4_000_000 + "\\n")\n    sys.stderr.write("y" * 4_000_000 + "\\n")\n',
        )],
    ),
    "orfao_com_setsid": Submissao(
        tipo="patologica",
        notas=notas(a=0.0),
        causas={A: r"processo\(s\) vivo"},
        descricao="um neto em outra sessão (double fork + setsid) que dorme depois que a função volta",
        trocas=[(
            "    return sorted(pids)\n",
            "    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n            import time\n            time.sleep(60)\n        os._exit(0)\n"
            "    return sorted(pids)\n",
        )],
    ),
    "import_que_nao_termina": Submissao(
        tipo="patologica",
        notas=ZERO,
        causas={A: r"importar solucao_ex01.py ficou bloqueado", B: r"importar solucao_ex01.py ficou bloqueado",
                C: r"importar solucao_ex01.py ficou bloqueado"},
        trocas=[("import os\n", "import os\nimport threading\nthreading.Event().wait()\n")],
    ),
    # ---------------------------------------------------------------- trapaças
    "respostas_fixas": Submissao(
        tipo="trapaca",
        notas=ZERO,
        descricao="devolve os valores dos testes visíveis sem calcular nada",
        modulo=modulo('''
import os


def _reportar(fila):
    pass


def iniciar_processos(n, fila):
    return [os.getpid() + 1 + i for i in range(n)]


_CONHECIDOS = {(0, 10, 3): [(0, 3), (3, 6), (6, 10)],
               (0, 50_000_000, 8): [(i * 6_250_000, (i + 1) * 6_250_000) for i in range(8)]}


def dividir(inicio, fim, k):
    return _CONHECIDOS.get((inicio, fim, k), [(inicio, fim)])


def soma_de_quadrados(inicio, fim):
    return 14


def soma_paralela(n, k, parcela=None):
    return {1000: 332833500, 10: 285}.get(n, 0)
'''),
    ),
    "le_o_source_do_curso": Submissao(
        tipo="trapaca",
        notas=ZERO,
        descricao="procura o notebook do instrutor (../../source, ../source, release) e executa a solução dele",
        modulo=modulo('''
import glob
import json
import os

_achado = {}
for padrao in ("../../source/ex01_processos/*.ipynb", "../source/ex01_processos/*.ipynb",
               "../../../source/ex01_processos/*.ipynb", "../../release/ex01_processos/*.ipynb"):
    for caminho in glob.glob(padrao):
        try:
            nb = json.load(open(caminho, encoding="utf-8"))
            for c in nb["cells"]:
                texto = "".join(c["source"])
                if texto.startswith("%%writefile"):
                    exec(texto.split("\\n", 1)[1].replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), _achado)
        except Exception:
            pass

globals().update({k: v for k, v in _achado.items() if not k.startswith("__")})
if "iniciar_processos" not in globals():
    def iniciar_processos(n, fila):
        raise NotImplementedError
    def dividir(inicio, fim, k):
        raise NotImplementedError
    def soma_de_quadrados(inicio, fim):
        raise NotImplementedError
    def soma_paralela(n, k, parcela=None):
        raise NotImplementedError
'''),
    ),
    "troca_o_autograder": Submissao(
        tipo="trapaca",
        notas=ZERO,
        descricao="troca sys.modules['autograder'] e as funções de verificação de dentro do módulo (que só roda no executor)",
        modulo=modulo('''
import sys
import types

import autograder
import autograder.verificacoes_ex01 as v

falso = types.ModuleType("autograder")
falso.carregar = lambda nome: None
falso.rodar_no_filho = lambda *a, **k: None
falso.verificar = falso.verificar_igual = lambda *a, **k: None
sys.modules["autograder"] = falso
for nome in dir(v):
    if nome.startswith("conferir"):
        setattr(v, nome, lambda *a, **k: None)
autograder.rodar_no_filho = lambda *a, **k: 14
autograder.verificar_igual = lambda *a, **k: None


def iniciar_processos(n, fila):
    raise NotImplementedError


def dividir(inicio, fim, k):
    raise NotImplementedError


def soma_de_quadrados(inicio, fim):
    raise NotImplementedError


def soma_paralela(n, k, parcela=None):
    raise NotImplementedError
'''),
    ),
    "objeto_que_executa_ao_desserializar": Submissao(
        tipo="trapaca",
        notas=notas(a=0.0),
        causas={A: r"não é dado simples"},
        descricao="iniciar_processos devolve um objeto cujo unpickle rodaria os.system no processo do teste",
        trocas=[(
            "    return sorted(pids)\n",
            "    class Resultado:\n        def __reduce__(self):\n            return (os.system, ('touch /tmp/ex01_pwned',))\n"
            "    return Resultado()\n",
        )],
    ),
}
