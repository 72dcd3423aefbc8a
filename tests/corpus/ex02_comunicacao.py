"""Corpus do exercício 02 (Pipe e Queue): 7 pontos em três células.

A = ex02-quadrados (2), B = ex02-fila (3), C = ex02-pipeline (2).
"""

from textwrap import dedent

from corpus import Submissao

A, B, C = "ex02-quadrados", "ex02-fila", "ex02-pipeline"


def notas(a=2.0, b=3.0, c=2.0):
    return {A: a, B: b, C: c}


ZERO = notas(0.0, 0.0, 0.0)

_NAO_FEITO = '''
FIM = None


def quadrados(con):
    raise NotImplementedError


def pedir_quadrados(numeros, alvo=quadrados):
    raise NotImplementedError


def produtor(fila, itens, consumidores):
    raise NotImplementedError


def consumidor(fila, resultados):
    raise NotImplementedError


def somar_com_fila(itens, consumidores, fila, resultados):
    raise NotImplementedError


def maiusculas(entrada, saida):
    raise NotImplementedError


def tamanhos(entrada, resultados):
    raise NotImplementedError


def dois_estagios(palavras, entrada, meio, resultados):
    raise NotImplementedError
'''

SUBMISSOES = {
    # ---------------------------------------------------------------- corretas, de outro jeito
    "logging_e_classes": Submissao(
        tipo="correta",
        notas=notas(),
        descricao="logging (stderr) no pai e nos filhos, Process com subclasse, get_context() sem argumento, laços com while True/break",
        modulo=dedent('''
            """Exercício 02, com logging."""
            import logging
            import multiprocessing as mp

            logging.basicConfig(level=logging.INFO, format="[%(processName)s] %(message)s")
            log = logging.getLogger(__name__)

            FIM = None


            def quadrados(con):
                lista = con.recv()
                log.info("recebi %s", lista)
                con.send([x ** 2 for x in lista])
                con.close()


            def pedir_quadrados(numeros, alvo=quadrados):
                ctx = mp.get_context()
                meu, dele = ctx.Pipe(duplex=True)
                filho = ctx.Process(target=alvo, args=(dele,), name="quadrador")
                filho.start()
                meu.send(list(numeros))
                if not meu.poll(20):
                    raise TimeoutError("sem resposta do filho")
                resposta = meu.recv()
                filho.join(20)
                log.warning("filho terminou: %s", filho.exitcode)
                return resposta


            class Produtor(mp.Process):
                def __init__(self, fila, itens, consumidores):
                    super().__init__(name="produtor")
                    self.fila, self.itens, self.consumidores = fila, list(itens), consumidores

                def run(self):
                    produtor(self.fila, self.itens, self.consumidores)


            def produtor(fila, itens, consumidores):
                for item in itens:
                    fila.put(item)
                for _ in range(consumidores):
                    fila.put(FIM)
                log.info("produtor acabou")


            def consumidor(fila, resultados):
                soma = 0
                while True:
                    item = fila.get(timeout=20)
                    if item is FIM:
                        break
                    soma += item
                log.info("parcial %d", soma)
                resultados.put(soma)


            def somar_com_fila(itens, consumidores, fila, resultados):
                cons = [mp.Process(target=consumidor, args=(fila, resultados)) for _ in range(consumidores)]
                prod = Produtor(fila, itens, consumidores)
                for p in [prod, *cons]:
                    p.start()
                prod.join(20)  # o produtor não põe nada em resultados: pode ser esperado antes
                parciais = [resultados.get(timeout=20) for _ in cons]
                for p in cons:
                    p.join(20)
                log.info("parciais %s", parciais)
                return sum(parciais)


            def maiusculas(entrada, saida):
                while True:
                    palavra = entrada.get(timeout=20)
                    if palavra is FIM:
                        saida.put(FIM)
                        return
                    saida.put(palavra.upper())


            def tamanhos(entrada, resultados):
                pares = []
                while True:
                    palavra = entrada.get(timeout=20)
                    if palavra is FIM:
                        break
                    pares.append((palavra, len(palavra)))
                resultados.put(pares)


            def dois_estagios(palavras, entrada, meio, resultados):
                e1 = mp.Process(target=maiusculas, args=(entrada, meio))
                e2 = mp.Process(target=tamanhos, args=(meio, resultados))
                e1.start()
                e2.start()
                for p in palavras:
                    entrada.put(p)
                entrada.put(FIM)
                saida = resultados.get(timeout=20)
                e1.join(20)
                e2.join(20)
                log.info("pipeline: %s", saida)
                return saida
        '''),
    ),
    "prints_e_iter_sentinela": Submissao(
        tipo="correta",
        notas=notas(),
        descricao="prints no stdout e no stderr, iter(fila.get, FIM), Pipe() padrão, estágios iniciados depois de alimentar a entrada",
        modulo=dedent('''
            """Exercício 02."""
            import sys
            from functools import partial
            from multiprocessing import Pipe, Process

            FIM = None


            def quadrados(con):
                print("filho: esperando a lista")
                numeros = con.recv()
                print("filho: calculando", file=sys.stderr)
                con.send(list(map(lambda n: n * n, numeros)))
                con.close()


            def pedir_quadrados(numeros, alvo=quadrados):
                a, b = Pipe()
                p = Process(target=alvo, args=(b,))
                p.start()
                a.send(list(numeros))
                ok = a.poll(15)
                resultado = a.recv() if ok else None
                p.join(15)
                print("pai: resposta", resultado, file=sys.stderr)
                return resultado


            def produtor(fila, itens, consumidores):
                for i in itens:
                    fila.put(i)
                for _ in range(consumidores):
                    fila.put(FIM)


            def consumidor(fila, resultados):
                resultados.put(sum(iter(partial(fila.get, timeout=15), FIM)))


            def somar_com_fila(itens, consumidores, fila, resultados):
                trabalhadores = [Process(target=consumidor, args=(fila, resultados)) for _ in range(consumidores)]
                for t in trabalhadores:
                    t.start()
                prod = Process(target=produtor, args=(fila, list(itens), consumidores))
                prod.start()
                total = 0
                for _ in range(consumidores):
                    total += resultados.get(timeout=15)
                for t in trabalhadores + [prod]:
                    t.join(15)
                print("total:", total)
                return total


            def maiusculas(entrada, saida):
                for palavra in iter(partial(entrada.get, timeout=15), FIM):
                    saida.put(palavra.upper())
                saida.put(FIM)


            def tamanhos(entrada, resultados):
                resultados.put([(p, len(p)) for p in iter(partial(entrada.get, timeout=15), FIM)])


            def dois_estagios(palavras, entrada, meio, resultados):
                for p in palavras:
                    entrada.put(p)
                entrada.put(FIM)
                estagios = [Process(target=maiusculas, args=(entrada, meio)),
                            Process(target=tamanhos, args=(meio, resultados))]
                for e in estagios:
                    e.start()
                pares = resultados.get(timeout=15)
                for e in estagios:
                    e.join(15)
                return pares
        '''),
    ),
    "listas_em_vez_de_tuplas": Submissao(
        tipo="correta",
        notas=notas(),
        descricao="a referência com pares [palavra, tamanho] em listas e o produtor iniciado antes dos consumidores",
        trocas=[("        pares.append((palavra, len(palavra)))\n", "        pares.append([palavra, len(palavra)])\n"),
                ("    processos = [Process(target=consumidor, args=(fila, resultados)) for _ in range(consumidores)]\n"
                 "    processos.append(Process(target=produtor, args=(fila, list(itens), consumidores)))\n",
                 "    processos = [Process(target=produtor, args=(fila, list(itens), consumidores))]\n"
                 "    processos += [Process(target=consumidor, args=(fila, resultados)) for _ in range(consumidores)]\n")],
    ),
    # ---------------------------------------------------------------- sutilmente erradas
    "quadrados_no_pai": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"o alvo recebido nunca foi chamado"},
        descricao="pedir_quadrados calcula no pai, sem filho nem Pipe",
        trocas=[("    pai, filho = Pipe()\n", "    return [n * n for n in numeros]\n    pai, filho = Pipe()\n")],
    ),
    "ignora_o_alvo": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"o alvo recebido nunca foi chamado"},
        descricao="inicia sempre quadrados, ignorando o parâmetro alvo",
        trocas=[("    p = Process(target=alvo, args=(filho,))", "    p = Process(target=quadrados, args=(filho,))")],
    ),
    "sem_join_no_pipe": Submissao(
        tipo="sutil",
        notas=notas(a=0.0),
        causas={A: r"não deu join no filho"},
        descricao="devolve a resposta sem esperar o filho",
        trocas=[("    resposta = pai.recv()\n    p.join(timeout=10)\n", "    resposta = pai.recv()\n")],
    ),
    "consumidor_com_empty": Submissao(
        tipo="sutil",
        notas=notas(b=0.0),
        causas={B: r"chamou empty\(\) na fila fila"},
        descricao="o consumidor para quando a fila parece vazia (e ainda consome o FIM)",
        trocas=[(
            "    soma = 0\n    while (item := fila.get(timeout=10)) is not FIM:\n        soma += item\n",
            "    import time\n    time.sleep(0.5)\n    soma = 0\n    while not fila.empty():\n        item = fila.get(timeout=10)\n        if item is not FIM:\n            soma += item\n",
        )],
    ),
    "produtor_no_pai": Submissao(
        tipo="sutil",
        notas=notas(b=0.0),
        causas={B: r"o próprio processo que chamou pôs itens na fila"},
        descricao="o pai põe os itens e os FIM, sem processo produtor",
        trocas=[("    processos.append(Process(target=produtor, args=(fila, list(itens), consumidores)))\n", ""),
                ("    total = sum(resultados.get(timeout=10) for _ in range(consumidores))\n",
                 "    produtor(fila, list(itens), consumidores)\n    total = sum(resultados.get(timeout=10) for _ in range(consumidores))\n")],
    ),
    "join_antes_das_somas": Submissao(
        tipo="sutil",
        notas=notas(b=0.0),
        causas={B: r"deu join no processo \d+ quando ainda faltava ler 2 item\(ns\) da fila"},
        descricao="espera os consumidores (join com prazo) e só depois lê as somas parciais",
        trocas=[(
            "    total = sum(resultados.get(timeout=10) for _ in range(consumidores))\n    for p in processos:\n        p.join(timeout=10)\n",
            "    for p in processos:\n        p.join(timeout=10)\n    total = sum(resultados.get(timeout=10) for _ in range(consumidores))\n",
        )],
    ),
    "intercala_get_e_join": Submissao(
        tipo="sutil",
        notas=notas(b=0.0),
        causas={B: r"deu join no processo \d+ quando ainda faltava ler 1 item\(ns\) da fila: leia primeiro TODOS"},
        descricao="lê UMA soma e já dá join no consumidor i (a soma lida pode ser de outro): passava ou não conforme a ordem",
        trocas=[(
            "    total = sum(resultados.get(timeout=10) for _ in range(consumidores))\n    for p in processos:\n        p.join(timeout=10)\n",
            "    total = 0\n    for p in processos[:consumidores]:\n        total += resultados.get(timeout=10)\n        p.join(timeout=10)\n"
            "    processos[-1].join(timeout=10)\n",
        )],
    ),
    "um_fim_so": Submissao(
        tipo="sutil",
        notas=notas(b=0.0),
        causas={B: r"esperava um produtor só"},
        descricao="o produtor põe um FIM só, e cada consumidor que o recebe devolve-o à fila",
        trocas=[("    for _ in range(consumidores):\n        fila.put(FIM)\n", "    fila.put(FIM)\n"),
                ("    resultados.put(soma)\n\n\ndef somar", "    fila.put(FIM)\n    resultados.put(soma)\n\n\ndef somar")],
    ),
    "pipeline_num_processo_so": Submissao(
        tipo="sutil",
        notas=notas(c=0.0),
        causas={C: r"o mesmo processo|0 processo\(s\) leu da fila meio|leu da fila meio"},
        descricao="um processo só faz os dois estágios (maiúsculas e tamanhos)",
        trocas=[(
            "    estagios = [Process(target=maiusculas, args=(entrada, meio)), Process(target=tamanhos, args=(meio, resultados))]\n",
            "    estagios = [Process(target=_os_dois, args=(entrada, meio, resultados))]\n",
        ), (
            "def dois_estagios(", "def _os_dois(entrada, meio, resultados):\n    pares = []\n"
            "    while (palavra := entrada.get(timeout=10)) is not FIM:\n        pares.append((palavra.upper(), len(palavra)))\n"
            "    resultados.put(pares)\n\n\ndef dois_estagios(",
        )],
    ),
    "estagio2_sem_esperar_o_fim": Submissao(
        tipo="sutil",
        notas=notas(c=0.0),
        causas={C: r"sem nunca receber o FIM|FIM repassado"},
        descricao="o estágio 1 não repassa o FIM; o estágio 2 para quando um get com prazo curto dá Empty",
        trocas=[("        saida.put(palavra.upper())\n    saida.put(FIM)\n", "        saida.put(palavra.upper())\n"),
                ("    pares = []\n    while (palavra := entrada.get(timeout=10)) is not FIM:\n        pares.append((palavra, len(palavra)))\n",
                 "    import queue\n    pares = []\n    while True:\n        try:\n            palavra = entrada.get(timeout=1)\n        except queue.Empty:\n            break\n        pares.append((palavra, len(palavra)))\n")],
    ),
    "estagio2_ordena_por_tamanho": Submissao(
        tipo="sutil",
        notas=notas(c=0.0),
        causas={C: r"BANANA.*esperava|esperava.*BANANA"},
        descricao="o estágio 2 ordena os pares por tamanho (com [\"ping\", \"pong!\"] e [] a ordem já é essa)",
        trocas=[("    resultados.put(pares)\n", "    resultados.put(sorted(pares, key=lambda p: p[1]))\n")],
    ),
    # ---------------------------------------------------------------- patológicas
    "consumidor_sem_fim": Submissao(
        tipo="patologica",
        notas=notas(b=0.0),
        causas={B: r"não terminou em|ficou bloqueado|Empty"},
        trocas=[("        soma += item\n", "        soma += item\n        while True:\n            pass\n")],
    ),
    "impasse_join_antes_de_enviar": Submissao(
        tipo="patologica",
        notas=notas(a=0.0),
        causas={A: r"ficou bloqueado.*impasse"},
        trocas=[("    p.start()\n    pai.send(list(numeros))", "    p.start()\n    p.join()\n    pai.send(list(numeros))")],
    ),
    "estagio_morre": Submissao(
        tipo="patologica",
        notas=notas(c=0.0),
        causas={C: r"Empty|ficou bloqueado|não terminou"},
        descricao="o estágio 1 morre com os._exit no meio do caminho",
        trocas=[("        saida.put(palavra.upper())\n", "        import os\n        os._exit(7)\n")],
    ),
    "saida_enorme": Submissao(
        tipo="patologica",
        notas=notas(),
        descricao="cada consumidor imprime 3 MB no stdout e no stderr",
        trocas=[("    resultados.put(soma)\n", "    import sys\n    print('c' * 3_000_000)\n    print('e' * 3_000_000, file=sys.stderr)\n    resultados.put(soma)\n")],
    ),
    "import_que_nao_termina": Submissao(
        tipo="patologica",
        notas=ZERO,
        causas={A: r"importar solucao_ex02.py ficou bloqueado", B: r"importar solucao_ex02.py ficou bloqueado",
                C: r"importar solucao_ex02.py ficou bloqueado"},
        trocas=[("from multiprocessing import Pipe, Process\n", "from multiprocessing import Pipe, Process\nimport threading\nthreading.Event().wait()\n")],
    ),
    # ---------------------------------------------------------------- trapaças
    "respostas_fixas": Submissao(
        tipo="trapaca",
        notas=ZERO,
        descricao="devolve os valores dos testes visíveis sem processos",
        modulo=dedent('''
            FIM = None


            def quadrados(con):
                pass


            def pedir_quadrados(numeros, alvo=None):
                return [1, 4, 9, 16, 25]


            def produtor(fila, itens, consumidores):
                pass


            def consumidor(fila, resultados):
                pass


            def somar_com_fila(itens, consumidores, fila, resultados):
                return {100: 5050, 50: 350}.get(len(itens), 0)


            def maiusculas(entrada, saida):
                pass


            def tamanhos(entrada, resultados):
                pass


            def dois_estagios(palavras, entrada, meio, resultados):
                return [("PING", 4), ("PONG!", 5)] if palavras else []
        '''),
    ),
    "troca_as_verificacoes": Submissao(
        tipo="trapaca",
        notas=ZERO,
        descricao="troca as funções de verificação e sys.modules['autograder'] de dentro do módulo",
        modulo='import sys, types\nimport autograder.verificacoes_ex02 as v\nfor n in dir(v):\n    if n.startswith("conferir"):\n        setattr(v, n, lambda *a, **k: None)\nsys.modules["autograder"] = types.ModuleType("autograder")\n' + _NAO_FEITO,
    ),
}
