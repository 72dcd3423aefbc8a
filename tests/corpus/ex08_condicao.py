"""Corpus do exercício 08 (Condition: buffer limitado). Células: ex08-fila (3), ex08-espera (3), ex08-processos (4)."""

from corpus import Submissao

A, B, C = "ex08-fila", "ex08-espera", "ex08-processos"
CHEIA = {A: 3, B: 3, C: 4}

# Trechos da solução de referência que as variantes trocam.
_PREDICADO_CHEIO = "self.condicao.wait_for(lambda: self.quantos() < self.capacidade, timeout=prazo)"
_PREDICADO_VAZIO = "self.condicao.wait_for(lambda: self.quantos() > 0, timeout=prazo)"

_CABECALHO = '''import os
import sys
import time
from multiprocessing import Process, Queue

PRAZO = 10.0
'''

_BUFFER_OK = '''
class BufferLimitado:
    def __init__(self, condicao, itens, inicio, quantidade):
        self.condicao, self.itens, self.inicio, self.quantidade = condicao, itens, inicio, quantidade
        self.capacidade = len(itens)

    def quantos(self):
        with self.condicao:
            return self.quantidade.value

    def colocar(self, item, prazo=PRAZO):
        with self.condicao:
            if not self.condicao.wait_for(lambda: self.quantidade.value < self.capacidade, timeout=prazo):
                raise TimeoutError("cheio")
            self.itens[(self.inicio.value + self.quantidade.value) % self.capacidade] = item
            self.quantidade.value += 1
            self.condicao.notify_all()

    def retirar(self, prazo=PRAZO):
        with self.condicao:
            if not self.condicao.wait_for(lambda: self.quantidade.value > 0, timeout=prazo):
                raise TimeoutError("vazio")
            item = self.itens[self.inicio.value]
            self.inicio.value = (self.inicio.value + 1) % self.capacidade
            self.quantidade.value -= 1
            self.condicao.notify_all()
            return item
'''

_PROCESSOS_OK = '''
def produtor(buffer, lote):
    for item in lote:
        buffer.colocar(item)


def consumidor(buffer, quantos, resultados):
    for _ in range(quantos):
        resultados.put(buffer.retirar())


def produzir_e_consumir(lotes, n_consumidores, condicao, itens, inicio, quantidade):
    buffer = BufferLimitado(condicao, itens, inicio, quantidade)
    total = sum(len(lote) for lote in lotes)
    resultados = Queue()
    ps = [Process(target=produtor, args=(buffer, lote)) for lote in lotes]
    ps += [Process(target=consumidor, args=(buffer, total // n_consumidores + (i < total % n_consumidores), resultados))
           for i in range(n_consumidores)]
    for p in ps:
        p.start()
    saida = [resultados.get(timeout=PRAZO) for _ in range(total)]
    for p in ps:
        p.join(PRAZO)
    return saida
'''

SUBMISSOES = {
    # --- corretas, de outros jeitos -------------------------------------------------------------
    "correta_referencia": Submissao("correta", CHEIA),
    "correta_wait_em_laco_e_marcador": Submissao("correta", CHEIA, modulo='''
import logging
import sys
import time
from multiprocessing import Process, Queue

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(processName)s %(message)s")
log = logging.getLogger("ex08")
FIM = -1


class BufferLimitado:
    """Buffer circular; espera com wait() num laço, contando o prazo à mão."""

    def __init__(self, condicao, itens, inicio, quantidade):
        self.c = condicao
        self.itens = itens
        self.ini = inicio
        self.n = quantidade

    def quantos(self):
        with self.c:
            return self.n.value

    def _esperar(self, pode, prazo):
        limite = time.monotonic() + prazo
        while not pode():
            restante = limite - time.monotonic()
            if restante <= 0:
                raise TimeoutError("o prazo acabou")
            self.c.wait(restante)

    def colocar(self, item, prazo=10):
        with self.c:
            self._esperar(lambda: self.n.value < len(self.itens), prazo)
            self.itens[(self.ini.value + self.n.value) % len(self.itens)] = item
            self.n.value = self.n.value + 1
            self.c.notify_all()
        log.debug("coloquei %s", item)

    def retirar(self, prazo=10):
        with self.c:
            self._esperar(lambda: self.n.value > 0, prazo)
            posicao = self.ini.value
            item = self.itens[posicao]
            self.ini.value = (posicao + 1) % len(self.itens)
            self.n.value = self.n.value - 1
            self.c.notify_all()
        print("retirei", item, file=sys.stderr)
        return item


def produtor(buffer, lote):
    for item in lote:
        buffer.colocar(item)


def consumidor(buffer, resultados):
    while True:
        item = buffer.retirar()
        if item == FIM:
            break
        resultados.put(item)
    resultados.put(None)


def produzir_e_consumir(lotes, n_consumidores, condicao, itens, inicio, quantidade):
    buffer = BufferLimitado(condicao, itens, inicio, quantidade)
    resultados = Queue()
    produtores = [Process(target=produtor, args=(buffer, lote), name=f"produtor-{i}") for i, lote in enumerate(lotes)]
    consumidores = [Process(target=consumidor, args=(buffer, resultados), name=f"consumidor-{i}") for i in range(n_consumidores)]
    for p in produtores + consumidores:
        p.start()
    for p in produtores:
        p.join(timeout=10)
    for _ in consumidores:
        buffer.colocar(FIM)
    retirados, terminaram = [], 0
    while terminaram < n_consumidores:
        item = resultados.get(timeout=10)
        if item is None:
            terminaram += 1
        else:
            retirados.append(item)
    for p in consumidores:
        p.join(timeout=10)
    print("retirados:", retirados)
    return retirados
'''),
    "correta_classes_process_spawn": Submissao("correta", CHEIA, modulo='''
import multiprocessing as mp
import os

ctx = mp.get_context("spawn")


class BufferLimitado:
    def __init__(self, condicao, itens, inicio, quantidade):
        self.condicao = condicao
        self.itens = itens
        self.inicio = inicio
        self.quantidade = quantidade

    @property
    def capacidade(self):
        return len(self.itens)

    def quantos(self):
        with self.condicao:
            return self.quantidade.value

    def cheio(self):
        with self.condicao:  # RLock: pode ser chamada com a trava segura
            return self.quantos() == self.capacidade

    def vazio(self):
        with self.condicao:
            return self.quantos() == 0

    def colocar(self, item, prazo=10.0):
        with self.condicao:
            if not self.condicao.wait_for(lambda: not self.cheio(), prazo):
                raise TimeoutError
            self.itens[(self.inicio.value + self.quantidade.value) % self.capacidade] = item
            self.quantidade.value += 1
            self.condicao.notify_all()

    def retirar(self, prazo=10.0):
        with self.condicao:
            if not self.condicao.wait_for(lambda: not self.vazio(), prazo):
                raise TimeoutError
            valor = self.itens[self.inicio.value]
            self.inicio.value = (self.inicio.value + 1) % self.capacidade
            self.quantidade.value -= 1
            self.condicao.notify_all()
        return valor


class Produtor(ctx.Process):
    def __init__(self, buffer, lote):
        super().__init__()
        self.buffer, self.lote = buffer, lote

    def run(self):
        print("produtor", os.getpid(), "com", len(self.lote), "itens")
        for x in self.lote:
            self.buffer.colocar(x)


class Consumidor(ctx.Process):
    def __init__(self, buffer, quantos, saida):
        super().__init__()
        self.buffer, self.quantos, self.saida = buffer, quantos, saida

    def run(self):
        self.saida.put([self.buffer.retirar() for _ in range(self.quantos)])


def produtor(buffer, lote):
    Produtor(buffer, lote).run()


def consumidor(buffer, quantos, resultados):
    Consumidor(buffer, quantos, resultados).run()


def produzir_e_consumir(lotes, n_consumidores, condicao, itens, inicio, quantidade):
    buffer = BufferLimitado(condicao, itens, inicio, quantidade)
    total = sum(map(len, lotes))
    cotas = [total // n_consumidores] * n_consumidores
    for i in range(total % n_consumidores):
        cotas[i] += 1
    saida = ctx.Queue()
    todos = [Produtor(buffer, lote) for lote in lotes] + [Consumidor(buffer, k, saida) for k in cotas]
    for p in todos:
        p.start()
    retirados = []
    for _ in cotas:
        retirados.extend(saida.get(timeout=20))
    for p in todos:
        p.join(timeout=20)
    return retirados
'''),
    "correta_forkserver_e_dicionario": Submissao("correta", CHEIA, modulo='''
import multiprocessing

ctx = multiprocessing.get_context("forkserver")


class BufferLimitado:
    def __init__(self, condicao, itens, inicio, quantidade):
        self.partes = {"c": condicao, "itens": itens, "inicio": inicio, "n": quantidade}

    def quantos(self):
        p = self.partes
        with p["c"]:
            return p["n"].value

    def colocar(self, item, prazo=10.0):
        p = self.partes
        cap = len(p["itens"])
        with p["c"]:
            ok = p["c"].wait_for(lambda: p["n"].value != cap, timeout=prazo)
            if not ok:
                raise TimeoutError(f"sem vaga em {prazo} s")
            n = p["n"].value
            p["itens"][(p["inicio"].value + n) % cap] = item
            p["n"].value = n + 1
            p["c"].notify_all()

    def retirar(self, prazo=10.0):
        p = self.partes
        cap = len(p["itens"])
        with p["c"]:
            if not p["c"].wait_for(lambda: p["n"].value, timeout=prazo):
                raise TimeoutError(f"nada em {prazo} s")
            i = p["inicio"].value
            p["inicio"].value = (i + 1) % cap
            p["n"].value -= 1
            item = p["itens"][i]
            p["c"].notify_all()
            return item


def produtor(buffer, lote):
    list(map(buffer.colocar, lote))


def consumidor(buffer, quantos, resultados):
    for _ in range(quantos):
        resultados.put(buffer.retirar())


def produzir_e_consumir(lotes, n_consumidores, condicao, itens, inicio, quantidade):
    b = BufferLimitado(condicao, itens, inicio, quantidade)
    total = sum(len(l) for l in lotes)
    fila = ctx.Queue()
    cotas = [len(range(i, total, n_consumidores)) for i in range(n_consumidores)]
    processos = [ctx.Process(target=consumidor, args=(b, k, fila)) for k in cotas]
    processos += [ctx.Process(target=produtor, args=(b, l)) for l in lotes]
    try:
        for p in processos:
            p.start()
        return [fila.get(True, 15) for _ in range(total)]
    finally:
        for p in processos:
            p.join(15)
'''),
    # --- sutilmente erradas: uma por requisito ------------------------------------------------------
    "sutil_quantos_sem_trava": Submissao(
        "sutil", {A: 0, B: 3, C: 4},
        modulo=_CABECALHO + _BUFFER_OK.replace(
            "        with self.condicao:\n            return self.quantidade.value", "        return self.quantidade.value") + _PROCESSOS_OK,
        causas={A: "leu quantidade.value sem segurar a condição"},
    ),
    "sutil_notify_fora_da_condicao": Submissao(
        "sutil", {A: 0, B: 0, C: 0},
        trocas=[("            self.quantidade.value += 1\n            self.condicao.notify_all()",
                 "            self.quantidade.value += 1\n        self.condicao.notify_all()")],
        causas={A: r"condicao\.notify_all\(\) sem segurar a condição .*dentro de 'with condicao:'",
                B: r"condicao\.notify_all\(\) sem segurar a condição",
                C: r"o processo filho \d+ chamou condicao\.notify_all\(\) sem segurar a condição"},
        descricao="avisa depois de sair do with: o Condition recusa ('lock is not owned'), explicado em português",
    ),
    "sutil_pai_olha_o_buffer_sem_trava": Submissao(
        "sutil", {A: 3, B: 3, C: 0},
        modulo=_CABECALHO + _BUFFER_OK + _PROCESSOS_OK.replace(
            "    return saida\n", "    print('sobrou no buffer:', buffer.quantidade.value)\n    return saida\n"),
        causas={C: r"o pai \(pid \d+\) leu quantidade.value sem segurar a condição"},
    ),
    "sutil_espera_ocupada": Submissao(
        "sutil", {A: 3, B: 0, C: 4},
        modulo=_CABECALHO + '''
class BufferLimitado:
    def __init__(self, condicao, itens, inicio, quantidade):
        self.condicao, self.itens, self.inicio, self.quantidade = condicao, itens, inicio, quantidade

    def quantos(self):
        with self.condicao:
            return self.quantidade.value

    def colocar(self, item, prazo=PRAZO):
        limite = time.monotonic() + prazo
        while True:
            with self.condicao:
                if self.quantidade.value < len(self.itens):
                    self.itens[(self.inicio.value + self.quantidade.value) % len(self.itens)] = item
                    self.quantidade.value += 1
                    self.condicao.notify_all()
                    return
            if time.monotonic() > limite:
                raise TimeoutError
            time.sleep(0.01)

    def retirar(self, prazo=PRAZO):
        limite = time.monotonic() + prazo
        while True:
            with self.condicao:
                if self.quantidade.value > 0:
                    item = self.itens[self.inicio.value]
                    self.inicio.value = (self.inicio.value + 1) % len(self.itens)
                    self.quantidade.value -= 1
                    self.condicao.notify_all()
                    return item
            if time.monotonic() > limite:
                raise TimeoutError
            time.sleep(0.01)
''' + _PROCESSOS_OK,
        causas={B: "sem esperar na condição|espera ocupada"},
    ),
    "sutil_sem_aviso": Submissao(
        "sutil", {A: 3, B: 0, C: 4},
        modulo=_CABECALHO + _BUFFER_OK.replace("            self.condicao.notify_all()\n", "").replace(
            "if not self.condicao.wait_for(lambda: self.quantidade.value < self.capacidade, timeout=prazo):",
            "if not self._esperar(lambda: self.quantidade.value < self.capacidade, prazo):").replace(
            "if not self.condicao.wait_for(lambda: self.quantidade.value > 0, timeout=prazo):",
            "if not self._esperar(lambda: self.quantidade.value > 0, prazo):") + '''
    def _esperar(self, predicado, prazo):
        limite = time.monotonic() + prazo
        while not predicado():
            if time.monotonic() > limite:
                return False
            self.condicao.wait(0.05)  # acorda sozinho de tempos em tempos: ninguém avisa
        return True
''' + _PROCESSOS_OK,
        causas={B: "não avisou ninguém"},
    ),
    "sutil_aviso_perdido": Submissao(
        # Confere o buffer numa posse da trava e espera noutra: o aviso que chega no meio se perde. Antes,
        # só perdia a parte C quando a corrida acontecia (1 em 10); agora o teste vê a espera sem olhar.
        "sutil", {A: 3, B: 0, C: 0},
        modulo=_CABECALHO + _BUFFER_OK.replace(
            "        with self.condicao:\n            if not self.condicao.wait_for(lambda: self.quantidade.value < self.capacidade, timeout=prazo):\n"
            "                raise TimeoutError(\"cheio\")\n",
            "        limite = time.monotonic() + prazo\n"
            "        while self.quantos() >= self.capacidade:\n"
            "            if time.monotonic() >= limite:\n"
            "                raise TimeoutError(\"cheio\")\n"
            "            with self.condicao:\n"
            "                self.condicao.wait(max(0.0, limite - time.monotonic()))\n"
            "        with self.condicao:\n").replace(
            "        with self.condicao:\n            if not self.condicao.wait_for(lambda: self.quantidade.value > 0, timeout=prazo):\n"
            "                raise TimeoutError(\"vazio\")\n",
            "        limite = time.monotonic() + prazo\n"
            "        while self.quantos() <= 0:\n"
            "            if time.monotonic() >= limite:\n"
            "                raise TimeoutError(\"vazio\")\n"
            "            with self.condicao:\n"
            "                self.condicao.wait(max(0.0, limite - time.monotonic()))\n"
            "        with self.condicao:\n") + _PROCESSOS_OK,
        causas={B: "sem olhar o buffer na mesma posse da trava", C: "sem olhar o buffer na mesma posse da trava"},
    ),
    "sutil_if_em_vez_de_laco": Submissao(
        # Espera com if (uma vez) em vez de while: acordado por notify_all junto com outro produtor, coloca
        # sem conferir de novo e estoura a capacidade — visto sempre na parte B (dois filhos esperando, uma
        # vaga só) e na C (o teste avisa sem abrir vaga, com o produtor dela esperando). Antes, a C dependia
        # de a corrida acontecer na produção de verdade: sob carga, com forkserver, chegou a tirar 4/4.
        # A mensagem nomeia a causa (acordou com a condição falsa), não os itens repetidos.
        "sutil", {A: 3, B: 0, C: 0},
        modulo=_CABECALHO + _BUFFER_OK.replace(
            "            if not self.condicao.wait_for(lambda: self.quantidade.value < self.capacidade, timeout=prazo):\n"
            "                raise TimeoutError(\"cheio\")\n",
            "            if self.quantidade.value >= self.capacidade:\n"
            "                if not self.condicao.wait(prazo):\n"
            "                    raise TimeoutError(\"cheio\")\n").replace(
            "            if not self.condicao.wait_for(lambda: self.quantidade.value > 0, timeout=prazo):\n"
            "                raise TimeoutError(\"vazio\")\n",
            "            if self.quantidade.value <= 0:\n"
            "                if not self.condicao.wait(prazo):\n"
            "                    raise TimeoutError(\"vazio\")\n") + _PROCESSOS_OK,
        causas={B: "acordou os dois e os dois seguiram",
                C: r"sem abrir vaga .* acordou com a condição falsa e seguiu sem conferir o buffer de novo"},
    ),
    "sutil_ignora_o_prazo": Submissao(
        "sutil", {A: 3, B: 0, C: 4},
        modulo=_CABECALHO + _BUFFER_OK.replace(", timeout=prazo)", ")") + _PROCESSOS_OK,
        causas={B: "ficou bloqueado para sempre"},
    ),
    "sutil_notify_um_so": Submissao(
        "sutil", {A: 3, B: 0, C: 0},
        modulo=_CABECALHO.replace("PRAZO = 10.0", "PRAZO = 3.0") + _BUFFER_OK.replace("notify_all()", "notify()") + _PROCESSOS_OK,
        causas={B: r"avisou com condicao\.notify\(\), que acorda UM só", C: r"chamou condicao.notify\(\)"},
    ),
    "sutil_pilha_em_vez_de_fila": Submissao(
        "sutil", {A: 0, B: 3, C: 4},
        modulo=_CABECALHO + _BUFFER_OK.replace(
            "            item = self.itens[self.inicio.value]\n            self.inicio.value = (self.inicio.value + 1) % self.capacidade\n",
            "            item = self.itens[(self.inicio.value + self.quantidade.value - 1) % self.capacidade]\n") + _PROCESSOS_OK,
        causas={A: r"retirar\(\) devolveu .*FIFO"},
    ),
    "sutil_pai_consome": Submissao(
        "sutil", {A: 3, B: 3, C: 0},
        modulo=_CABECALHO + _BUFFER_OK + _PROCESSOS_OK.replace(
            "    saida = [resultados.get(timeout=PRAZO) for _ in range(total)]\n",
            "    saida = [buffer.retirar() for _ in range(total)]\n").replace(
            "range(n_consumidores)]", "range(0)]"),
        causas={C: "o próprio pai retirou"},
    ),
    "sutil_um_produtor_so": Submissao(
        "sutil", {A: 3, B: 3, C: 0},
        modulo=_CABECALHO + _BUFFER_OK + _PROCESSOS_OK.replace(
            "    ps = [Process(target=produtor, args=(buffer, lote)) for lote in lotes]\n",
            "    ps = [Process(target=produtor, args=(buffer, [x for lote in lotes for x in lote]))]\n"),
        causas={C: "cada produtor coloca um lote inteiro"},
    ),
    # --- patológicas ----------------------------------------------------------------------------
    "patologica_saida_enorme": Submissao(
        "patologica", CHEIA,
        modulo=_CABECALHO + _BUFFER_OK + _PROCESSOS_OK.replace(
            "    for item in lote:\n", "    sys.stdout.write('x' * 3_000_000)\n    for item in lote:\n"),
    ),
    "patologica_import_bloqueia": Submissao(
        "patologica", {A: 0, B: 0, C: 0},
        modulo=_CABECALHO + "import multiprocessing\nmultiprocessing.Queue().get()\n" + _BUFFER_OK + _PROCESSOS_OK,
        causas={A: "importar solucao_ex08.py ficou bloqueado", B: "importar solucao_ex08.py ficou bloqueado",
                C: "importar solucao_ex08.py ficou bloqueado"},
    ),
    "patologica_consumidor_morre": Submissao(
        "patologica", {A: 3, B: 3, C: 0},
        modulo=_CABECALHO + _BUFFER_OK + _PROCESSOS_OK.replace(
            "        resultados.put(buffer.retirar())\n", "        resultados.put(buffer.retirar())\n        os._exit(3)\n").replace(
            "resultados.get(timeout=PRAZO)", "resultados.get(timeout=2)"),
        causas={C: "Empty"},
    ),
    "patologica_espera_o_produtor_antes_de_consumir": Submissao(
        "patologica", {A: 3, B: 0, C: 0},
        modulo=_CABECALHO + _BUFFER_OK.replace(", timeout=prazo)", ")") + _PROCESSOS_OK.replace(
            "    for p in ps:\n        p.start()\n",
            "    for p in ps[:len(lotes)]:\n        p.start()\n    for p in ps[:len(lotes)]:\n        p.join()\n"
            "    for p in ps[len(lotes):]:\n        p.start()\n"),
        causas={B: "ficou bloqueado", C: "ficou bloqueado"},
    ),
    # --- trapaças contra a correção do módulo ------------------------------------------------------
    "trapaca_troca_o_autograder": Submissao(
        "trapaca", {A: 0, B: 0, C: 0}, modulo='''
import sys
import types

falso = types.ModuleType("autograder")
falso.carregar = lambda *a, **k: None
sys.modules["autograder"] = falso
sys.modules["autograder.verificacoes_ex08"] = falso
try:
    import autograder.execucao as ex
    ex.interpretar = lambda *a, **k: None
    ex.FalhaNoFilho = Exception
except Exception:
    pass


class BufferLimitado:
    def __init__(self, *partes):
        self.fila = []

    def quantos(self):
        return len(self.fila)

    def colocar(self, item, prazo=10):
        self.fila.append(item)

    def retirar(self, prazo=10):
        return self.fila.pop(0)


def produzir_e_consumir(lotes, n_consumidores, *partes):
    return [x for lote in lotes for x in lote]
''',
        causas={A: "(?:ninguém escreveu em quantidade|mexeu nos instrumentos do teste)", C: "(?:nenhum processo produtor colocou|mexeu nos instrumentos do teste)"},
    ),
    "trapaca_lista_comum_e_timeout_imediato": Submissao(
        "trapaca", {A: 0, B: 0, C: 0}, modulo='''
class BufferLimitado:
    def __init__(self, condicao, itens, inicio, quantidade):
        self.fila, self.cap = [], len(itens)

    def quantos(self):
        return len(self.fila)

    def colocar(self, item, prazo=10):
        if len(self.fila) == self.cap:
            raise TimeoutError
        self.fila.append(item)

    def retirar(self, prazo=10):
        if not self.fila:
            raise TimeoutError
        return self.fila.pop(0)


def produzir_e_consumir(lotes, n_consumidores, condicao, itens, inicio, quantidade):
    return sorted(x for lote in lotes for x in lote)
''',
        causas={A: "ninguém escreveu em quantidade", B: "sem esperar na condição", C: "nenhum processo produtor colocou"},
    ),
}


MEXEU = "mexeu nos instrumentos do teste"

# A guarda dos instrumentos do teste (autograder/guarda.py): troca ValorDaCondicao._segura ao importar: todo acesso pareceria feito com a condição segura.
SUBMISSOES["trapaca_segura_sempre"] = Submissao(
    "trapaca", {A: 0, B: 0, C: 0}, modulo=r'''
"""Condition: produtor e consumidor com buffer limitado (exercício 08)."""

import os

try:  # "ajuste" das sondas do teste: todo acesso parece protegido
    from autograder import sondas_ex08 as _s
    _s.ValorDaCondicao._segura = lambda self: True
    _s.ArrayDaCondicao._segura = lambda self: True
except Exception:
    pass
from multiprocessing import Process, Queue

#: Prazo padrão (segundos) de toda espera.
PRAZO = 10.0


class BufferLimitado:
    """Fila de capacidade fixa em memória compartilhada (buffer circular), protegida por ``condicao``.

    ``itens`` (Array): as posições; ``inicio`` (Value): o índice do mais antigo; ``quantidade`` (Value):
    quantos há. ``capacidade = len(itens)``. Toda leitura e escrita dos três acontece dentro de
    ``with self.condicao:``.
    """

    def __init__(self, condicao, itens, inicio, quantidade):
        ### BEGIN SOLUTION
        self.condicao = condicao
        self.itens = itens
        self.inicio = inicio
        self.quantidade = quantidade
        self.capacidade = len(itens)
        ### END SOLUTION

    def quantos(self):
        """Parte A: quantos itens há agora (lidos com a condição segura)."""
        ### BEGIN SOLUTION
        return self.quantidade.value  # sem a condição!
        ### END SOLUTION

    def colocar(self, item, prazo=PRAZO):
        """Partes A e B: põe ``item`` no fim da fila. Com o buffer cheio, espera na condição (com
        ``prazo``) até haver vaga; se o prazo acabar, levanta ``TimeoutError`` sem mudar nada. Depois de
        colocar, avisa quem espera com ``self.condicao.notify_all()``."""
        ### BEGIN SOLUTION
        with self.condicao:
            if not self.condicao.wait_for(lambda: self.quantos() < self.capacidade, timeout=prazo):
                raise TimeoutError(f"o buffer continuou cheio por {prazo} s")
            fim = (self.inicio.value + self.quantidade.value) % self.capacidade
            self.itens[fim] = item
            self.quantidade.value += 1
            self.condicao.notify_all()
        ### END SOLUTION

    def retirar(self, prazo=PRAZO):
        """Partes A e B: tira e devolve o item mais antigo. Com o buffer vazio, espera na condição (com
        ``prazo``) até haver item; se o prazo acabar, levanta ``TimeoutError`` sem mudar nada. Depois de
        retirar, avisa quem espera com ``self.condicao.notify_all()``."""
        ### BEGIN SOLUTION
        with self.condicao:
            if not self.condicao.wait_for(lambda: self.quantos() > 0, timeout=prazo):
                raise TimeoutError(f"o buffer continuou vazio por {prazo} s")
            i = self.inicio.value
            item = self.itens[i]
            self.inicio.value = (i + 1) % self.capacidade
            self.quantidade.value -= 1
            self.condicao.notify_all()
            return item
        ### END SOLUTION


def produtor(buffer, lote):
    """Parte C (filho): coloca cada item do ``lote`` no ``buffer``, na ordem."""
    ### BEGIN SOLUTION
    for item in lote:
        buffer.colocar(item)
    ### END SOLUTION


def consumidor(buffer, quantos, resultados):
    """Parte C (filho): retira ``quantos`` itens do ``buffer`` e põe cada um na fila ``resultados``.
    (Pode mudar esta função: outro jeito de saber quando parar é o pai colocar um -1 por consumidor
    depois que os produtores terminarem.)"""
    ### BEGIN SOLUTION
    for _ in range(quantos):
        resultados.put(buffer.retirar())
    ### END SOLUTION


def produzir_e_consumir(lotes, n_consumidores, condicao, itens, inicio, quantidade):
    """Parte C (pai): cria o ``BufferLimitado``, inicia um processo ``produtor`` por lote e
    ``n_consumidores`` processos consumidores, recolhe os itens retirados (cada ``get`` com prazo),
    espera todos os processos (``join`` com prazo) e devolve a lista dos itens retirados, em qualquer
    ordem."""
    ### BEGIN SOLUTION
    buffer = BufferLimitado(condicao, itens, inicio, quantidade)
    total = sum(len(lote) for lote in lotes)
    resultados = Queue()
    produtores = [Process(target=produtor, args=(buffer, lote)) for lote in lotes]
    base, resto = divmod(total, n_consumidores)
    consumidores = [Process(target=consumidor, args=(buffer, base + (i < resto), resultados))
                    for i in range(n_consumidores)]
    for p in produtores + consumidores:
        p.start()
    retirados = [resultados.get(timeout=PRAZO) for _ in range(total)]
    for p in produtores + consumidores:
        p.join(timeout=PRAZO)
    return retirados
    ### END SOLUTION
''',
    causas={A: MEXEU, B: MEXEU, C: MEXEU},
    descricao="troca ValorDaCondicao._segura ao importar: todo acesso pareceria feito com a condição segura",
)
