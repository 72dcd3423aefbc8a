"""Corpus do exercício 10 (memória compartilhada com nome). Células: ex10-fatia (3), ex10-paralelo (4),
ex10-ciclo (3)."""

from corpus import Submissao, forja

A, B, C = "ex10-fatia", "ex10-paralelo", "ex10-ciclo"
CHEIA = {A: 3, B: 4, C: 3}

_CABECALHO = '''import os
import sys
from multiprocessing import Process
from multiprocessing.shared_memory import SharedMemory

import numpy as np

PRAZO = 30
'''

_FATIA_OK = '''

def preencher_fatia(nome, n, inicio, fim):
    shm = SharedMemory(name=nome)
    try:
        v = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        for i in range(inicio, fim):
            v[i] = i * i
        del v
    finally:
        shm.close()
'''

_PAI_OK = '''

def fatias(n, k):
    base, resto = divmod(n, k)
    inicio = 0
    for j in range(k):
        fim = inicio + base + (1 if j < resto else 0)
        yield inicio, fim
        inicio = fim


def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    shm = SharedMemory(create=True, size=8 * n)
    try:
        filhos = [Process(target=preencher, args=(shm.name, n, a, b)) for a, b in fatias(n, processos)]
        for p in filhos:
            p.start()
        for p in filhos:
            p.join(PRAZO)
        if any(p.exitcode != 0 for p in filhos):
            raise RuntimeError("algum filho falhou")
        v = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        resultado = [float(x) for x in v]
        del v
        return resultado
    finally:
        shm.close()
        shm.unlink()
'''

_REF = _CABECALHO + _FATIA_OK + _PAI_OK

SUBMISSOES = {
    # --- corretas, de outros jeitos -------------------------------------------------------------
    "correta_referencia": Submissao("correta", CHEIA),
    "correta_memoryview_e_forkserver": Submissao("correta", CHEIA, modulo='''
import multiprocessing as mp
import struct
from multiprocessing import shared_memory

CTX = mp.get_context("forkserver")


def preencher_fatia(nome, n, inicio, fim):
    bloco = shared_memory.SharedMemory(nome)
    try:
        numeros = bloco.buf.cast("d")
        for i in range(inicio, fim):
            numeros[i] = float(i) ** 2
        numeros.release()
    finally:
        bloco.close()


def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    bloco = shared_memory.SharedMemory(create=True, size=n * 8)
    try:
        passo = -(-n // processos)  # teto: o último pedaço fica menor
        trabalhos = []
        for k in range(processos):
            a, b = min(n, k * passo), min(n, (k + 1) * passo)
            trabalhos.append(CTX.Process(target=preencher, args=(bloco.name, n, a, b), name=f"fatia-{k}"))
        for t in trabalhos:
            t.start()
        for t in trabalhos:
            t.join(timeout=60)
        ruins = [t.name for t in trabalhos if t.exitcode]
        if ruins:
            raise RuntimeError(f"falharam: {ruins}")
        return [struct.unpack_from("d", bloco.buf, 8 * i)[0] for i in range(n)]
    finally:
        bloco.close()
        bloco.unlink()
'''),
    "correta_pool_e_logging": Submissao("correta", CHEIA, modulo='''
import logging
import sys
from multiprocessing import Pool
from multiprocessing.shared_memory import SharedMemory

import numpy as np

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(processName)s %(levelname)s %(message)s")
log = logging.getLogger("ex10")


def preencher_fatia(nome, n, inicio, fim):
    log.debug("fatia %d..%d", inicio, fim)
    shm = SharedMemory(name=nome)
    vet = np.ndarray(n, dtype="f8", buffer=shm.buf)
    vet[inicio:fim] = [i * i for i in range(inicio, fim)]
    del vet
    shm.close()
    print("filho escreveu", inicio, fim)


def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    shm = SharedMemory(create=True, size=n * 8)
    log.info("bloco %s criado", shm.name)
    try:
        cortes = np.linspace(0, n, processos + 1).astype(int).tolist()
        tarefas = [(shm.name, n, cortes[j], cortes[j + 1]) for j in range(processos)]
        with Pool(processos) as pool:
            pool.starmap(preencher, tarefas, chunksize=1)
        vet = np.ndarray(n, dtype="f8", buffer=shm.buf)
        copia = vet.copy()
        del vet
        return copia.tolist()
    finally:
        shm.close()
        shm.unlink()
        log.info("bloco destruído")
'''),
    "correta_executor_e_classe": Submissao("correta", CHEIA, modulo='''
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.shared_memory import SharedMemory

import numpy as np


class Bloco:
    """Cria e destrói um bloco de floats; o with garante close e unlink."""

    def __init__(self, n):
        self.n = n
        self.shm = SharedMemory(create=True, size=max(8, 8 * n))

    @property
    def nome(self):
        return self.shm.name

    def copia(self):
        vista = np.ndarray((self.n,), np.float64, self.shm.buf)
        valores = list(map(float, vista))
        del vista
        return valores

    def __enter__(self):
        return self

    def __exit__(self, *erro):
        self.shm.close()
        self.shm.unlink()


def preencher_fatia(nome, n, inicio, fim):
    anexo = SharedMemory(name=nome)
    try:
        np.ndarray((n,), np.float64, anexo.buf)[inicio:fim] = np.square(np.arange(inicio, fim, dtype=float))
    finally:
        anexo.close()


def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    with Bloco(n) as bloco:
        limites = [round(j * n / processos) for j in range(processos + 1)]
        with ProcessPoolExecutor(max_workers=processos) as ex:
            futuros = [ex.submit(preencher, bloco.nome, n, a, b) for a, b in zip(limites, limites[1:])]
            for f in futuros:
                f.result(timeout=60)
        return bloco.copia()
'''),
    "correta_shareablelist_de_situacao": Submissao("correta", CHEIA, modulo='''
from multiprocessing import Process
from multiprocessing.shared_memory import ShareableList, SharedMemory

import numpy as np


def preencher_fatia(nome, n, inicio, fim):
    shm = SharedMemory(name=nome)
    try:
        a = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        a[inicio:fim] = np.arange(inicio, fim) ** 2
        del a
    finally:
        shm.close()


def _filho(preencher, nome, n, inicio, fim, nome_situacao, j):
    preencher(nome, n, inicio, fim)
    situacao = ShareableList(name=nome_situacao)
    situacao[j] = True
    situacao.shm.close()


def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    shm = SharedMemory(create=True, size=8 * n)
    situacao = ShareableList([False] * processos)
    try:
        tam = n // processos
        limites = [j * tam for j in range(processos)] + [n]
        ps = [Process(target=_filho, args=(preencher, shm.name, n, limites[j], limites[j + 1], situacao.shm.name, j))
              for j in range(processos)]
        for p in ps:
            p.start()
        for p in ps:
            p.join(30)
        if not all(situacao):
            raise RuntimeError(f"nem todos os filhos terminaram: {list(situacao)}")
        a = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        try:
            return a.tolist()
        finally:
            del a
    finally:
        situacao.shm.close()
        situacao.shm.unlink()
        shm.close()
        shm.unlink()
'''),
    # --- sutilmente erradas: uma por requisito --------------------------------------------------
    "sutil_escreve_o_vetor_inteiro": Submissao(
        "sutil", {A: 0, B: 4, C: 3},
        modulo=_REF.replace("        for i in range(inicio, fim):\n            v[i] = i * i\n",
                            "        v[:] = np.arange(n, dtype=np.float64) ** 2  # mais rápido que o laço\n"),
        causas={A: "fora da fatia"},
    ),
    "sutil_filho_faz_unlink": Submissao(
        "sutil", {A: 0, B: 4, C: 3},
        modulo=_REF.replace("    finally:\n        shm.close()\n\n\ndef fatias",
                            "    finally:\n        shm.close()\n        shm.unlink()\n\n\ndef fatias"),
        causas={A: "destruiu o bloco \\(unlink\\)"},
    ),
    "sutil_pai_preenche_sem_processos": Submissao(
        "sutil", {A: 3, B: 0, C: 3},
        modulo=_REF.replace(
            "        filhos = [Process(target=preencher, args=(shm.name, n, a, b)) for a, b in fatias(n, processos)]\n"
            "        for p in filhos:\n            p.start()\n        for p in filhos:\n            p.join(PRAZO)\n"
            "        if any(p.exitcode != 0 for p in filhos):\n            raise RuntimeError(\"algum filho falhou\")\n",
            "        for a, b in fatias(n, processos):  # processos são caros; aqui é rápido\n"
            "            preencher(shm.name, n, a, b)\n"),
        causas={B: "o próprio pai chamou preencher"},
    ),
    "sutil_um_filho_de_cada_vez": Submissao(
        "sutil", {A: 3, B: 0, C: 3},
        modulo=_REF.replace("        for p in filhos:\n            p.start()\n        for p in filhos:\n            p.join(PRAZO)\n",
                            "        for p in filhos:\n            p.start()\n            p.join(PRAZO)\n"),
        causas={B: "não rodaram ao mesmo tempo"},
    ),
    "sutil_fatias_se_sobrepoem": Submissao(
        "sutil", {A: 3, B: 0, C: 3},
        modulo=_REF.replace("        yield inicio, fim\n", "        yield max(0, inicio - 1), fim\n"),
        causas={B: "se sobrepõem"},
    ),
    "sutil_resultado_pela_fila": Submissao(
        "sutil", {A: 3, B: 0, C: 3},
        modulo=_CABECALHO + "from multiprocessing import Queue\n" + _FATIA_OK + '''

def _filho(preencher, nome, n, a, b, fila):
    preencher(nome, n, a, b)
    fila.put([(i, float(i * i)) for i in range(a, b)])


def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    shm = SharedMemory(create=True, size=8 * n)
    fila = Queue()
    try:
        passo = n / processos
        limites = [int(j * passo) for j in range(processos)] + [n]
        filhos = [Process(target=_filho, args=(preencher, shm.name, n, limites[j], limites[j + 1], fila))
                  for j in range(processos)]
        for p in filhos:
            p.start()
        for p in filhos:
            p.join(PRAZO)
        if any(p.exitcode != 0 for p in filhos):
            raise RuntimeError("algum filho falhou")
        resultado = [0.0] * n
        for _ in filhos:
            for i, valor in fila.get(timeout=5):
                resultado[i] = valor
        return resultado
    finally:
        shm.close()
        shm.unlink()
''',
        causas={B: "calculado à parte, não o que ficou no bloco"},
    ),
    "sutil_sem_unlink": Submissao(
        "sutil", {A: 3, B: 4, C: 0},
        modulo=_REF.replace("        shm.close()\n        shm.unlink()\n", "        shm.close()  # o sistema limpa no fim\n"),
        causas={C: "continua existindo.*quem cria o bloco faz unlink"},
    ),
    "sutil_sem_finally": Submissao(
        "sutil", {A: 3, B: 4, C: 0},
        modulo=_CABECALHO + _FATIA_OK + '''

def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    shm = SharedMemory(create=True, size=8 * n)
    limites = [n * j // processos for j in range(processos + 1)]
    filhos = [Process(target=preencher, args=(shm.name, n, limites[j], limites[j + 1])) for j in range(processos)]
    for p in filhos:
        p.start()
    for p in filhos:
        p.join(PRAZO)
    if any(p.exitcode != 0 for p in filhos):
        raise RuntimeError("algum filho falhou")
    v = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
    resultado = v.tolist()
    del v
    shm.close()
    shm.unlink()
    return resultado
''',
        causas={C: "com um filho que falha.*num finally"},
    ),
    "sutil_cada_filho_faz_unlink": Submissao(
        "sutil", {A: 3, B: 4, C: 0},
        modulo=_CABECALHO + _FATIA_OK + '''

def _filho(preencher, nome, n, a, b):
    meu = SharedMemory(name=nome)
    try:
        preencher(nome, n, a, b)
    finally:
        meu.close()
        try:
            meu.unlink()  # quem terminar primeiro limpa
        except FileNotFoundError:
            pass


def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    shm = SharedMemory(create=True, size=8 * n)
    try:
        limites = [n * j // processos for j in range(processos + 1)]
        filhos = [Process(target=_filho, args=(preencher, shm.name, n, limites[j], limites[j + 1])) for j in range(processos)]
        for p in filhos:
            p.start()
        for p in filhos:
            p.join(PRAZO)
        if any(p.exitcode != 0 for p in filhos):
            raise RuntimeError("algum filho falhou")
        v = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        resultado = v.tolist()
        del v
        return resultado
    finally:
        shm.close()
''',
        causas={C: "o processo filho \\d+ fez unlink"},
    ),
    "sutil_unlink_duas_vezes": Submissao(
        "sutil", {A: 3, B: 4, C: 0},
        modulo=_REF.replace(
            "        resultado = [float(x) for x in v]\n        del v\n",
            "        resultado = [float(x) for x in v]\n        del v\n        shm.close()\n        shm.unlink()\n").replace(
            "    finally:\n        shm.close()\n        shm.unlink()\n",
            "    finally:\n        shm.close()\n        try:\n            shm.unlink()\n        except FileNotFoundError:\n"
            "            pass  # já destruído no caminho normal\n"),
        causas={C: "chamou unlink 2 vezes"},
    ),
    "sutil_nao_confere_o_exitcode": Submissao(
        "sutil", {A: 3, B: 4, C: 0},
        modulo=_REF.replace("        if any(p.exitcode != 0 for p in filhos):\n            raise RuntimeError(\"algum filho falhou\")\n", ""),
        causas={C: "voltou normalmente"},
    ),
    "sutil_levanta_sem_esperar_todos": Submissao(
        # Desiste no primeiro filho que falhou: os outros nem são esperados, e o finally destrói o bloco
        # com eles trabalhando. O preencher do teste segura os outros filhos até o bloco sumir.
        "sutil", {A: 3, B: 4, C: 0},
        modulo=_REF.replace(
            "        for p in filhos:\n            p.join(PRAZO)\n        if any(p.exitcode != 0 for p in filhos):\n"
            "            raise RuntimeError(\"algum filho falhou\")\n",
            "        for p in filhos:\n            p.join(PRAZO)\n            if p.exitcode != 0:\n"
            "                raise RuntimeError(f\"o filho {p.pid} falhou\")\n"),
        causas={C: "com um filho ainda trabalhando.*sem esperar todos os filhos"},
    ),
    "sutil_outra_excecao": Submissao(
        "sutil", {A: 3, B: 4, C: 0},
        modulo=_REF.replace('raise RuntimeError("algum filho falhou")', 'raise ChildProcessError("algum filho falhou")'),
        causas={C: "levantou ChildProcessError; o enunciado pede RuntimeError"},
    ),
    # --- patológicas ----------------------------------------------------------------------------
    "patologica_le_pela_view_depois_do_close": Submissao(
        "patologica", {A: 3, B: 0, C: 0},
        modulo=_CABECALHO + _FATIA_OK + '''

def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    shm = SharedMemory(create=True, size=8 * n)
    v = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
    try:
        limites = [n * j // processos for j in range(processos + 1)]
        filhos = [Process(target=preencher, args=(shm.name, n, limites[j], limites[j + 1])) for j in range(processos)]
        for p in filhos:
            p.start()
        for p in filhos:
            p.join(PRAZO)
        if any(p.exitcode != 0 for p in filhos):
            raise RuntimeError("algum filho falhou")
    finally:
        shm.close()
        shm.unlink()
    return v.tolist()  # a view sobreviveu ao close: a memória não existe mais
''',
        causas={B: "SIGSEGV", C: "SIGSEGV"},
    ),
    "patologica_filhos_esperam_um_evento_que_nao_vem": Submissao(
        "patologica", {A: 3, B: 0, C: 0},
        modulo=_CABECALHO + "from multiprocessing import Event\n" + _FATIA_OK + '''

def _filho(largada, preencher, nome, n, a, b):
    largada.wait()
    preencher(nome, n, a, b)


def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    shm = SharedMemory(create=True, size=8 * n)
    largada = Event()
    try:
        limites = [n * j // processos for j in range(processos + 1)]
        filhos = [Process(target=_filho, args=(largada, preencher, shm.name, n, limites[j], limites[j + 1]))
                  for j in range(processos)]
        for p in filhos:
            p.start()
        for p in filhos:
            p.join()
        largada.set()  # tarde demais: os filhos esperam por ele e o pai espera pelos filhos
        v = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        resultado = v.tolist()
        del v
        return resultado
    finally:
        shm.close()
        shm.unlink()
''',
        causas={B: "ficou bloqueado", C: "ficou bloqueado"},
    ),
    "patologica_import_bloqueia": Submissao(
        "patologica", {A: 0, B: 0, C: 0},
        modulo=_CABECALHO + "import threading\nthreading.Event().wait()\n" + _FATIA_OK + _PAI_OK,
        causas={A: "importar solucao_ex10.py ficou bloqueado", B: "importar solucao_ex10.py ficou bloqueado",
                C: "importar solucao_ex10.py ficou bloqueado"},
    ),
    "patologica_saida_enorme": Submissao(
        "patologica", CHEIA,
        modulo=_REF.replace("    shm = SharedMemory(name=nome)\n", "    sys.stdout.write('x' * 2_000_000)\n    shm = SharedMemory(name=nome)\n"),
    ),
    # --- trapaças contra a correção do módulo ------------------------------------------------------
    "trapaca_valores_fixos": Submissao(
        "trapaca", {A: 3, B: 0, C: 0},
        modulo=_CABECALHO + _FATIA_OK + '''

def quadrados_em_paralelo(n, processos, preencher=preencher_fatia):
    return [float(i * i) for i in range(n)]
''',
        causas={B: "não chamou o preencher", C: "não criou nenhum bloco"},
    ),
    "trapaca_troca_o_autograder": Submissao(
        "trapaca", {A: 0, B: 0, C: 0}, modulo='''
import sys
import types

falso = types.ModuleType("autograder")
for nome in ("verificacoes_ex10", "sondas_ex10", "cenarios_ex10", "execucao"):
    sys.modules["autograder." + nome] = falso
sys.modules["autograder"] = falso
try:
    import autograder.verificacoes_ex10 as v
    v.verificar_fatias = v.verificar_paralelo = v.verificar_ciclo = lambda *a, **k: None
except Exception:
    pass


def preencher_fatia(nome, n, inicio, fim):
    return None


def quadrados_em_paralelo(n, processos, preencher=None):
    return [float(i * i) for i in range(n)]
''',
    ),
}


# A resposta do executor forjada (tests/corpus/forja.py): nenhum processo criado; a resposta "ok", os
# processos e os eventos das sondas inventados e escritos direto no canal do executor. Valem os diários.
SUBMISSOES["trapaca_resposta_forjada"] = Submissao(
    "trapaca", {g: 0 for g in CHEIA}, modulo=forja.modulo("ex10"), causas={g: forja.CAUSA for g in CHEIA},
    descricao="sobe a pilha até o canal da resposta do executor e escreve ali processos e eventos inventados",
)
