"""O lado do executor: o processo que importa o módulo do aluno e chama a função pedida pelo teste.

Roda de dois jeitos, com o mesmo código:

- como filho do ``multiprocessing`` (``fork``, ``spawn`` ou ``forkserver``), no JupyterLab do aluno e
  nas células do notebook corrigidas pelo nbgrader;
- como ``python -m autograder._executor FD`` atrás de um prefixo de isolamento (o sandbox do
  corretor, variável ``AUTOGRADER_EXECUTOR``): o pedido chega pelo stdin e a resposta sai pelo
  descritor ``FD``.

Tudo o que volta ao teste é dado simples: o teste o lê com um unpickler restrito
(:func:`autograder.execucao.carregar_seguro`), nunca com ``pickle.loads``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import multiprocessing
import os
import pickle
import sys
import traceback

#: Variável de ambiente herdada por todos os processos criados pelo código do aluno.
VARIAVEL_MARCA = "AUTOGRADER_MARCA"
#: Variável com o método de início (fork, spawn, forkserver) que o código do aluno também usa.
VARIAVEL_METODO = "PROCESSOS_METODO"
#: Quantos eventos de sondas voltam ao teste, no máximo (o resto é contado, não enviado).
LIMITE_EVENTOS = 200_000
#: Na pasta das sondas: o pid do executor, gravado antes de qualquer código do aluno rodar.
ARQUIVO_PID = "_executor.pid"
#: Na pasta das sondas: "pid sha256" da resposta, gravado pelo executor logo antes de enviá-la.
ARQUIVO_RESPOSTA = "_resposta.sha256"


def _redirecionar_saida(arquivo: str) -> None:
    """stdout e stderr (no nível do descritor: filhos e netos herdam) vão para ``arquivo``; stdin é
    /dev/null, para que um ``input()`` esquecido levante EOFError em vez de esperar para sempre."""
    fd = os.open(arquivo, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    nulo = os.open(os.devnull, os.O_RDONLY)
    sys.stdout.flush() if sys.stdout else None
    sys.stderr.flush() if sys.stderr else None
    os.dup2(nulo, 0)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.close(nulo)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = io.TextIOWrapper(open(1, "wb", buffering=0, closefd=False), encoding="utf-8",  # noqa: SIM115
                                  errors="replace", line_buffering=True, write_through=True)
    sys.stderr = io.TextIOWrapper(open(2, "wb", buffering=0, closefd=False), encoding="utf-8",  # noqa: SIM115
                                  errors="replace", line_buffering=True, write_through=True)
    sys.__stdout__, sys.__stderr__, sys.__stdin__ = sys.stdout, sys.stderr, sys.stdin


def _rastro(tb) -> list[tuple[str, int, str, str]]:
    """Os quadros do traceback que são do aluno: (arquivo, linha, função, código)."""
    ignorar = (os.path.dirname(os.__file__), os.path.dirname(os.path.abspath(__file__)))
    quadros = []
    for quadro in traceback.extract_tb(tb):
        caminho = os.path.abspath(quadro.filename)
        if caminho.startswith(ignorar) or "site-packages" in caminho or quadro.filename.startswith("<frozen"):
            continue
        quadros.append((os.path.basename(quadro.filename), quadro.lineno or 0, quadro.name, (quadro.line or "").strip()))
    return quadros[-6:]


def _ultimo_quadro(tb) -> tuple[str, int, str, str] | None:
    """O último quadro de todos (biblioteca padrão incluída): onde a exceção nasceu."""
    quadros = traceback.extract_tb(tb)
    if not quadros:
        return None
    q = quadros[-1]
    return (os.path.basename(q.filename), q.lineno or 0, q.name, (q.line or "").strip())


def descrever_excecao(erro: BaseException) -> tuple:
    """Uma exceção como dado simples: ("excecao", modulo.Classe, mensagem, rastro do aluno, origem)."""
    classe = type(erro)
    nome = classe.__qualname__ if classe.__module__ in ("builtins", "__main__") else f"{classe.__module__}.{classe.__qualname__}"
    try:
        mensagem = str(erro)
    except Exception:  # noqa: BLE001 - um __str__ do aluno que falha
        mensagem = "<a mensagem da exceção não pôde ser convertida em texto>"
    return ("excecao", nome, mensagem[:2000], _rastro(erro.__traceback__), _ultimo_quadro(erro.__traceback__))


def _importar(pedido: dict):
    pasta = pedido["pasta"]
    if pasta not in sys.path:
        sys.path.insert(0, pasta)
    modulo = pedido["modulo"]
    # Sob fork o executor herda os módulos do processo do teste: o do aluno é sempre lido de novo.
    sys.modules.pop(modulo, None)
    cache = os.path.join(pasta, "__pycache__")
    if os.path.isdir(cache):
        for nome in os.listdir(cache):
            if nome.startswith(modulo + "."):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(cache, nome))
    importlib.invalidate_caches()
    return importlib.import_module(modulo)


def _resolver(pedido: dict):
    """A função pedida: uma referência ao módulo do aluno, ou uma função de módulo confiável."""
    funcao = pedido["funcao"]
    if isinstance(funcao, tuple) and funcao and funcao[0] == "referencia":
        _, modulo, nome = funcao
        mod = _importar({**pedido, "modulo": modulo})
        if not hasattr(mod, nome):
            raise _FaltaNoModulo(modulo, nome)
        return getattr(mod, nome)
    return funcao


class _FaltaNoModulo(Exception):
    def __init__(self, modulo, nome):
        super().__init__(modulo, nome)
        self.modulo, self.nome = modulo, nome


def _forkserver_novo() -> None:
    """Um executor criado por fork herda o estado do forkserver do processo do teste (o pid de um
    servidor que não é filho dele): o primeiro uso do forkserver pelo aluno daria ChildProcessError.
    O executor começa com um forkserver próprio, ainda não iniciado."""
    try:
        from multiprocessing import forkserver
    except ImportError:  # Windows
        return
    novo = forkserver.ForkServer()
    forkserver._forkserver = novo
    for nome in ("ensure_running", "get_inherited_fds", "connect_to_new_process", "set_forkserver_preload"):
        if hasattr(novo, nome):
            setattr(forkserver, nome, getattr(novo, nome))


def executar_pedido(pedido: dict) -> tuple:
    """Executa o pedido e devolve a resposta (uma tupla de dados simples)."""
    from autograder import sondas

    _forkserver_novo()
    os.environ[VARIAVEL_MARCA] = pedido["marca"]
    metodo = pedido.get("metodo")
    if metodo:
        multiprocessing.set_start_method(metodo, force=True)
    _redirecionar_saida(pedido["saida"])
    if pedido.get("tipo") == "importar":
        try:
            mod = _importar(pedido)
        except BaseException as erro:  # noqa: BLE001 - tudo volta ao teste como mensagem
            if isinstance(erro, SyntaxError):
                return ("sintaxe", erro.lineno or 0, str(erro.msg), (erro.text or "").strip())
            return descrever_excecao(erro)
        nomes = {nome: type(valor).__name__ for nome, valor in vars(mod).items() if not nome.startswith("__")}
        return ("ok", nomes, {})
    # A guarda entra antes do módulo do aluno: dali em diante, mexer nas sondas derruba a chamada.
    from autograder import guarda

    trabalho = os.path.dirname(os.path.abspath(pedido["registro"]))
    guarda.instalar(trabalho, os.getpid(), [pedido["registro"], os.path.join(trabalho, guarda.ARQUIVO_MARCA)])
    contexto = sondas.Materializacao(pedido["registro"], os.getpid())
    contexto.vigiar_inicios()
    try:
        funcao = _resolver(pedido)
        args = [contexto.materializar(a) for a in pedido["args"]]
        kwargs = {k: contexto.materializar(v) for k, v in pedido["kwargs"].items()}
        try:
            resultado = funcao(*args, **kwargs)
        finally:
            contexto.marcar_devolucao()
    except _FaltaNoModulo as falta:
        return ("falta", falta.modulo, falta.nome)
    except BaseException as erro:  # noqa: BLE001 - tudo volta ao teste como mensagem
        resposta = descrever_excecao(erro)
        return (*resposta, contexto.coletar(LIMITE_EVENTOS))
    resultado = _simplificar(resultado)
    try:
        pickle.dumps(resultado)
    except Exception as erro:  # noqa: BLE001
        return ("nao_serializavel", type(resultado).__name__, f"{type(erro).__name__}: {erro}", contexto.coletar(LIMITE_EVENTOS))
    return ("ok", resultado, contexto.coletar(LIMITE_EVENTOS))


def _simplificar(valor, profundidade: int = 0):
    """Números e vetores do numpy viram números e listas do Python (o teste só aceita dados simples)."""
    if profundidade > 50:
        return valor
    modulo = type(valor).__module__ or ""
    if modulo.startswith("numpy") and hasattr(valor, "tolist"):
        return valor.tolist()
    if isinstance(valor, list):
        return [_simplificar(v, profundidade + 1) for v in valor]
    if isinstance(valor, tuple) and type(valor) is tuple:
        return tuple(_simplificar(v, profundidade + 1) for v in valor)
    if isinstance(valor, dict) and type(valor) is dict:
        return {_simplificar(k, profundidade + 1): _simplificar(v, profundidade + 1) for k, v in valor.items()}
    return valor


def _empacotar(resposta: tuple) -> bytes:
    try:
        return pickle.dumps(resposta, protocol=4)
    except Exception as erro:  # noqa: BLE001 - o resultado mudou entre a conferência e o envio
        return pickle.dumps(("nao_serializavel", "?", f"{type(erro).__name__}: {erro}", {}), protocol=4)


def _gravar_uma_vez(pedido: dict, nome: str, texto: str) -> None:
    """Cria ``nome`` na pasta das sondas com ``texto``, se ele ainda não existe (a guarda impede o
    código do aluno de criar ou mudar arquivos ali)."""
    pasta = pedido.get("registro")
    if not pasta:
        return
    try:
        fd = os.open(os.path.join(pasta, nome), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return
    try:
        os.write(fd, texto.encode())
    finally:
        os.close(fd)


def _chamado_pela_partida(quadro) -> bool:
    """``quadro`` é o de ``principal_*`` chamado pela partida do executor, e não por código que rodou
    no meio da correção: entre ele e o começo do processo (o ``_bootstrap`` do multiprocessing, ou o
    módulo rodado com ``python -m``) só há quadros da biblioteca padrão — nenhum ``executar_pedido``
    ainda aberto, nenhum código do aluno."""
    from autograder import guarda

    if quadro.f_code not in (principal_multiprocessing.__code__, principal_comando.__code__):
        return False
    partida = multiprocessing.process.BaseProcess._bootstrap.__code__
    quadro = quadro.f_back
    while quadro is not None:
        codigo = quadro.f_code
        if codigo is partida or (codigo.co_name == "<module>" and os.path.abspath(codigo.co_filename) == os.path.abspath(__file__)):
            return True
        if guarda._classe_do_arquivo(codigo.co_filename) != "std":
            return False
        quadro = quadro.f_back
    return False


def _registrar_resposta(pedido: dict, dados: bytes) -> None:
    """Grava "pid sha256" da resposta, para o teste conferir que o que recebeu é o que o executor
    mandou (e não o que o código do aluno escreveu no canal): só quando chamado direto pela partida."""
    if _chamado_pela_partida(sys._getframe(1)):
        _gravar_uma_vez(pedido, ARQUIVO_RESPOSTA, f"{os.getpid()} {hashlib.sha256(dados).hexdigest()}")


def principal_multiprocessing(conexao, pedido: dict) -> None:
    """Alvo do processo executor quando ele é um filho do multiprocessing."""
    _gravar_uma_vez(pedido, ARQUIVO_PID, str(os.getpid()))
    resposta = executar_pedido(pedido)
    dados = _empacotar(resposta)
    _registrar_resposta(pedido, dados)
    conexao.send_bytes(dados)
    conexao.close()


def principal_comando(argv: list[str]) -> int:
    """``python -m autograder._executor FD``: pedido pelo stdin, resposta pelo descritor FD."""
    fd = int(argv[0])
    os.set_inheritable(fd, False)
    pedido = pickle.loads(sys.stdin.buffer.read())  # do teste, que é confiável
    _gravar_uma_vez(pedido, ARQUIVO_PID, str(os.getpid()))
    resposta = executar_pedido(pedido)
    dados = _empacotar(resposta)
    _registrar_resposta(pedido, dados)
    with os.fdopen(fd, "wb") as saida:
        saida.write(len(dados).to_bytes(8, "big") + dados)
    return 0


if __name__ == "__main__":
    sys.exit(principal_comando(sys.argv[1:]))
