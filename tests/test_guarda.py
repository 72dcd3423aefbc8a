"""A guarda dos instrumentos do teste (autograder/guarda.py): um módulo que mexe nas sondas (troca uma
classe, escreve no diário, anota sem passar por uma primitiva, cria marcas de encontro, troca
os.getpid, esconde filhos) falha com "a submissão mexeu nos instrumentos do teste"; um módulo
correto que usa as sondas, escreve os próprios arquivos, tem classes com atributos e usa numpy passa."""

from __future__ import annotations

import textwrap

import pytest

from autograder import FalhaNoFilho, carregar, executar, interpretar, sondas

PRAZO = 60
MENSAGEM = "mexeu nos instrumentos do teste"

CABECALHO = """
import json, os, multiprocessing
from multiprocessing import Process
"""

TRAPACAS = {
    # troca um método de uma classe das sondas ao importar o módulo
    "classe": ("""
from autograder import sondas as _s
_s.FilaSondada.put = lambda self, item, block=True, timeout=None: self._real.put(item)

def f(fila, n):
    for i in range(n):
        fila.put(i)
    return n
""", "FilaSondada.put"),
    # forja eventos escrevendo direto no arquivo do diário, num filho
    "diario": ("""
def _forjar(fila):
    with open(fila._diario.caminho, "a") as arq:
        arq.write(json.dumps({"pid": 1, "op": "get", "t": 0, "no_executor": False}) + "\\n")

def f(fila, n):
    p = Process(target=_forjar, args=(fila,))
    p.start()
    p.join()
    return n
""", "abriu para escrever"),
    # chama o _anotar da sonda direto
    "anotar": ("""
def f(fila, n):
    for i in range(n):
        fila._anotar("put", valor=repr(i))
    return n
""", "_anotar direto"),
    # chama o anotar do diário direto
    "diario_anotar": ("""
def f(fila, n):
    fila._diario.anotar("get", valor="0")
    return n
""", "_Diario.anotar direto"),
    # troca os.getpid para fingir processos
    "getpid": ("""
def f(fila, n):
    real = os.getpid
    try:
        for i in range(n):
            os.getpid = lambda i=i: 100000 + i
            fila.put(i)
    finally:
        os.getpid = real
    return n
""", "trocou os.getpid"),
    # troca um método de uma sonda só no objeto
    "metodo_no_objeto": ("""
def f(fila, n):
    fila.empty = lambda: False
    fila.put(0)
    return n
""", "trocou o método empty"),
}


def _escrever(pasta, nome, corpo):
    (pasta / f"{nome}.py").write_text(CABECALHO + textwrap.dedent(corpo), encoding="utf-8")


@pytest.fixture
def na_pasta(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("metodo", ["fork", "spawn"])
@pytest.mark.parametrize("caso", sorted(TRAPACAS))
def test_trapaca_nas_sondas_falha_com_a_mensagem(caso, metodo, na_pasta, monkeypatch):
    monkeypatch.setenv("PROCESSOS_METODO", metodo)
    corpo, causa = TRAPACAS[caso]
    _escrever(na_pasta, f"trapaca_{caso}", corpo)
    mod = carregar(f"trapaca_{caso}")
    fila = sondas.Queue()
    with pytest.raises(FalhaNoFilho) as erro:
        executar(mod.f, fila, 3, prazo=PRAZO)
    texto = str(erro.value)
    assert MENSAGEM in texto and "não vale pontos" in texto, texto
    assert causa in texto, texto


@pytest.mark.parametrize("metodo", ["fork", "spawn", "forkserver"])
def test_marcas_falsas_no_encontro(metodo, na_pasta, monkeypatch):
    """Criar marcas na pasta do encontro de uma Funcao (fingir chamadas em paralelo) é visto."""
    import trabalhadores_teste as t

    monkeypatch.setenv("PROCESSOS_METODO", metodo)
    _escrever(na_pasta, "marcas", """
def f(funcao, k):
    for i in range(k):
        open(os.path.join(funcao._pasta, f"falsa-{i}"), "w").close()
    return [funcao(i) for i in range(k)]
""")
    mod = carregar("marcas")
    funcao = sondas.Funcao(t.quadrado, encontro=2, espera=5)
    with pytest.raises(FalhaNoFilho, match=MENSAGEM):
        executar(mod.f, funcao, 2, prazo=PRAZO)


def test_filho_escondido_de_children(na_pasta, monkeypatch):
    monkeypatch.setenv("PROCESSOS_METODO", "fork")
    _escrever(na_pasta, "escondido", """
import time
import multiprocessing.process as _mpp

def f(fila, n):
    p = Process(target=time.sleep, args=(0.2,))
    p.start()
    _mpp._children.discard(p)
    fila.put(n)
    return n
""")
    mod = carregar("escondido")
    with pytest.raises(FalhaNoFilho, match=MENSAGEM + r".*lista de filhos"):
        executar(mod.f, sondas.Queue(), 1, prazo=PRAZO)


def test_valor_da_condicao_com_segura_trocado(na_pasta, monkeypatch):
    """O achado do ex08: ValorDaCondicao._segura trocado ao importar (todo acesso pareceria protegido)."""
    from autograder import sondas_ex08

    monkeypatch.setenv("PROCESSOS_METODO", "spawn")
    _escrever(na_pasta, "segura", """
try:
    from autograder import sondas_ex08 as _s
    _s.ValorDaCondicao._segura = lambda self: True
except Exception:
    pass

def _mexer(valor):
    valor.value += 1

def f(valor):
    p = Process(target=_mexer, args=(valor,))
    p.start()
    p.join()
    return valor.value
""")
    mod = carregar("segura")
    condicao = sondas_ex08.Condition()
    with pytest.raises(FalhaNoFilho, match=MENSAGEM + r".*ValorDaCondicao\._segura"):
        executar(mod.f, sondas_ex08.Value("i", 0, condicao), prazo=PRAZO)


@pytest.mark.parametrize("metodo", ["fork", "spawn", "forkserver"])
def test_codigo_correto_que_usa_de_tudo_passa(metodo, na_pasta, monkeypatch):
    """Nada de falso positivo: filhos, Pool, trava, fila, arquivos próprios, classes com atributos
    (também trocados depois), logging, pickle, numpy e o próprio autograder importado."""
    monkeypatch.setenv("PROCESSOS_METODO", metodo)
    _escrever(na_pasta, "legitimo", """
import logging, pickle, tempfile, shutil
import numpy as np
import autograder

logging.basicConfig(level=logging.INFO)


class Contador:
    limite = 3

    def __init__(self):
        self.total = 0


Contador.limite = 4  # atributo de classe do aluno


def _trabalhar(fila, valor, i):
    with valor.get_lock():
        valor.value += 1
    fila.put(i * i)


def _dobro(x):
    return 2 * x


def f(fila, valor, n):
    pasta = tempfile.mkdtemp()
    with open(os.path.join(pasta, "notas.txt"), "w") as arq:
        arq.write("ok")
    os.rename(os.path.join(pasta, "notas.txt"), os.path.join(pasta, "n.txt"))
    shutil.rmtree(pasta)
    with open("meu_arquivo.txt", "w") as arq:
        arq.write(pickle.dumps(Contador()).hex())
    logging.getLogger("aluno").info("começando")
    c = Contador()
    c.total = int(np.arange(n).sum())
    processos = [Process(target=_trabalhar, args=(fila, valor, i)) for i in range(n)]
    for p in processos:
        p.start()
    itens = sorted(fila.get(timeout=30) for _ in processos)
    for p in processos:
        p.join()
    with multiprocessing.Pool(2) as pool:
        dobros = pool.map(_dobro, range(n))
    return [itens, dobros, c.total, Contador.limite, fila.empty()]
""")
    mod = carregar("legitimo")
    fila, valor = sondas.Queue(), sondas.Value("i", 0)
    execucao = executar(mod.f, fila, valor, 3, prazo=PRAZO)
    assert execucao.adulteracao is None
    assert interpretar(execucao, PRAZO) == [[0, 1, 4], [0, 2, 4], 3, 4, True]
    assert fila.contar("put") == 3 and fila.contar("get") == 3 and valor.final == 3
    assert valor.sem_trava() == []


def test_sonda_construida_pelo_aluno_com_o_diario_de_outra(na_pasta, monkeypatch):
    """Uma TravaSondada feita pelo aluno com o diário da fila anotaria posses que não aconteceram."""
    monkeypatch.setenv("PROCESSOS_METODO", "fork")
    _escrever(na_pasta, "construida", """
from autograder import sondas as _s

def f(fila, n):
    trava = _s.TravaSondada(fila._diario, multiprocessing.Lock(), False)
    with trava:
        pass
    return n
""")
    mod = carregar("construida")
    with pytest.raises(FalhaNoFilho, match=MENSAGEM + r".*construiu um objeto das sondas"):
        executar(mod.f, sondas.Queue(), 1, prazo=PRAZO)


def test_outro_programa_com_a_pasta_das_sondas(na_pasta, monkeypatch):
    """Um python novo (sem a guarda) que recebe o caminho do diário para escrever nele."""
    monkeypatch.setenv("PROCESSOS_METODO", "fork")
    _escrever(na_pasta, "comando", """
import subprocess, sys

def f(fila, n):
    subprocess.run([sys.executable, "-c", "import sys; open(sys.argv[1], 'a').write('')", fila._diario.caminho])
    return n
""")
    mod = carregar("comando")
    with pytest.raises(FalhaNoFilho, match=MENSAGEM + r".*outro programa"):
        executar(mod.f, sondas.Queue(), 1, prazo=PRAZO)
