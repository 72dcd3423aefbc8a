"""Roda o código do aluno num processo filho, com prazo, e traduz cada falha numa mensagem em português.

É o que as células de teste dos exercícios usam. Tudo o que o código do aluno cria (filhos, netos,
servidores de managers) é encerrado antes de a função voltar, aconteça o que acontecer.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import pickle
import signal
import sys
import time
import traceback
import uuid
from pathlib import Path

import psutil

#: Variável de ambiente que escolhe o método de início (fork, spawn, forkserver) dos testes.
VARIAVEL_METODO = "PROCESSOS_METODO"
#: Marca herdada por todos os processos criados pelo código do aluno, para achá-los mesmo órfãos.
VARIAVEL_MARCA = "AUTOGRADER_MARCA"
#: Quanto esperar o processo terminar sozinho depois de devolver o resultado.
PRAZO_PARA_TERMINAR = 3.0


class FalhaNoFilho(AssertionError):
    """Uma falha do código do aluno, com a explicação em português (o nbgrader a conta como teste errado)."""


def _metodo() -> str | None:
    metodo = os.environ.get(VARIAVEL_METODO) or None
    if metodo and metodo not in multiprocessing.get_all_start_methods():
        raise ValueError(f"{VARIAVEL_METODO}={metodo!r} não existe neste sistema")
    return metodo


# ---------------------------------------------------------------------------------------------
# Carregar o módulo do aluno


def carregar(nome_modulo: str):
    """Importa (ou reimporta) o módulo que o aluno escreveu com ``%%writefile``.

    Sempre lê o arquivo de novo: se o aluno corrigiu a célula e a rodou outra vez, a correção vale.
    """
    __tracebackhide__ = True  # o IPython não mostra este quadro ao aluno
    pasta = Path.cwd()
    arquivo = pasta / f"{nome_modulo}.py"
    if not arquivo.exists():
        raise FalhaNoFilho(
            f"o módulo {nome_modulo}.py não existe na pasta {pasta}: rode a célula que começa com "
            f"%%writefile {nome_modulo}.py antes dos testes"
        )
    if str(pasta) not in sys.path:
        sys.path.insert(0, str(pasta))
    # Um .pyc antigo com o mesmo tamanho e segundo de modificação seria reaproveitado: apagamos.
    for velho in (pasta / "__pycache__").glob(f"{nome_modulo}.*.pyc"):
        with contextlib.suppress(OSError):
            velho.unlink()
    importlib.invalidate_caches()
    try:
        if nome_modulo in sys.modules:
            return importlib.reload(sys.modules[nome_modulo])
        return importlib.import_module(nome_modulo)
    except SyntaxError as erro:
        raise FalhaNoFilho(
            f"erro de sintaxe em {nome_modulo}.py, linha {erro.lineno}: {erro.msg}\n    {(erro.text or '').strip()}"
        ) from None
    except NotImplementedError:
        raise FalhaNoFilho(
            f"Exercício ainda não resolvido: {nome_modulo}.py levanta NotImplementedError ao ser importado"
        ) from None
    except Exception as erro:  # noqa: BLE001 - qualquer erro ao importar é do aluno
        raise FalhaNoFilho(
            f"importar {nome_modulo}.py falhou: {type(erro).__name__}: {erro}\n{_rastro(erro.__traceback__)}"
        ) from None


# ---------------------------------------------------------------------------------------------
# O que roda no filho


def _executar(conexao, funcao, args, kwargs, marca) -> None:
    os.environ[VARIAVEL_MARCA] = marca
    try:
        resultado = funcao(*args, **kwargs)
    except BaseException as erro:  # noqa: BLE001 - tudo volta ao pai como mensagem
        conexao.send(("excecao", type(erro).__name__, str(erro), _rastro(erro.__traceback__)))
        return
    try:
        conexao.send(("ok", resultado))
    except Exception as erro:  # noqa: BLE001
        conexao.send(("nao_serializavel", type(resultado).__name__, f"{type(erro).__name__}: {erro}"))


def _rastro(tb) -> str:
    """As linhas do traceback que são do aluno (sem a biblioteca padrão nem este módulo)."""
    ignorar = (os.path.dirname(os.__file__), os.path.dirname(__file__), "site-packages")
    linhas = []
    for quadro in traceback.extract_tb(tb):
        if quadro.filename.startswith(ignorar) or "site-packages" in quadro.filename:
            continue
        nome = os.path.basename(quadro.filename)
        linhas.append(f"    {nome}, linha {quadro.lineno}, em {quadro.name}: {(quadro.line or '').strip()}")
    return "\n".join(linhas[-6:])


# ---------------------------------------------------------------------------------------------
# Encerrar a árvore de processos


def _ajudantes_do_multiprocessing(proc: psutil.Process) -> bool:
    """O servidor do forkserver e o rastreador de recursos deste processo: infraestrutura, não do aluno."""
    try:
        linha = " ".join(proc.cmdline())
    except psutil.Error:
        return False
    return "multiprocessing.resource_tracker" in linha or "multiprocessing.forkserver" in linha


def _descendentes() -> dict[int, psutil.Process]:
    try:
        return {p.pid: p for p in psutil.Process().children(recursive=True)}
    except psutil.Error:
        return {}


def _marcados(marca: str) -> dict[int, psutil.Process]:
    achados = {}
    for proc in psutil.process_iter():
        try:
            if proc.pid != os.getpid() and proc.environ().get(VARIAVEL_MARCA) == marca:
                achados[proc.pid] = proc
        except (psutil.Error, OSError):
            continue
    return achados


def _vivos(processos) -> list[psutil.Process]:
    restantes = []
    for proc in processos:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                restantes.append(proc)
        except psutil.Error:
            continue
    return restantes


def _encerrar(processos) -> None:
    processos = list(processos)
    for proc in processos:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(processos, timeout=5)


class _Arvore:
    """Acompanha todos os processos que o código do aluno criou, para poder encerrá-los."""

    def __init__(self, marca: str):
        self.marca = marca
        self.antes = set(_descendentes())
        self.vistos: dict[int, psutil.Process] = {}

    def observar(self) -> None:
        for pid, proc in _descendentes().items():
            if pid not in self.antes and pid not in self.vistos and not self._ajudante_nosso(proc):
                self.vistos[pid] = proc

    def _ajudante_nosso(self, proc: psutil.Process) -> bool:
        """Forkserver/rastreador do processo que chama (e não do aluno): existem entre testes."""
        try:
            return proc.ppid() == os.getpid() and _ajudantes_do_multiprocessing(proc)
        except psutil.Error:
            return False

    def vivos(self, excluir: int | None = None, ajudantes: bool = True) -> list[psutil.Process]:
        """Os processos do aluno ainda vivos; ``ajudantes=False`` ignora forkservers e rastreadores
        de recursos criados por ele (eles terminam sozinhos logo depois do processo que os criou)."""
        self.observar()
        todos = {**self.vistos, **_marcados(self.marca)}
        todos.pop(excluir, None)
        if not ajudantes:
            todos = {pid: p for pid, p in todos.items() if not _ajudantes_do_multiprocessing(p)}
        return _vivos(todos.values())

    def encerrar(self) -> None:
        _encerrar(self.vivos())


# ---------------------------------------------------------------------------------------------
# A função que os testes chamam


def _conferir_serializavel(funcao) -> None:
    __tracebackhide__ = True  # o IPython não mostra este quadro ao aluno
    nome = getattr(funcao, "__qualname__", repr(funcao))
    modulo = getattr(funcao, "__module__", None)
    if "<lambda>" in nome:
        raise FalhaNoFilho(
            "uma lambda não pode rodar num processo filho: com spawn/forkserver o filho recebe a função "
            "por pickle, pelo nome, e uma lambda não tem nome. Escreva uma função com def no módulo."
        )
    if modulo == "__main__":
        raise FalhaNoFilho(
            f"a função {nome} foi definida numa célula do notebook, não no módulo: com spawn/forkserver "
            "o processo filho não consegue importá-la (pickle guarda só módulo + nome). Coloque-a na "
            "célula %%writefile do seu módulo."
        )
    if "<locals>" in nome:
        raise FalhaNoFilho(
            f"a função {nome} foi definida dentro de outra função: o processo filho não consegue "
            "importá-la. Defina-a no nível do módulo."
        )


def _descrever_saida(codigo: int | None) -> str:
    if codigo is None:
        return "o processo não terminou"
    if codigo < 0:
        try:
            nome = signal.Signals(-codigo).name
        except ValueError:
            nome = f"sinal {-codigo}"
        return f"o processo morreu pelo sinal {nome} (código de saída {codigo})"
    return f"o processo terminou de repente com código de saída {codigo} (os._exit? sys.exit?)"


def rodar_no_filho(funcao, *args, prazo: float = 5.0, **kwargs):
    """Roda ``funcao(*args, **kwargs)`` num processo filho e devolve o que ela devolver.

    Levanta :class:`FalhaNoFilho` com uma explicação em português quando a função levanta uma
    exceção, passa de ``prazo`` segundos ("travou"), mata o processo, não pode ir ao filho por pickle
    ou deixa processos vivos ao terminar. Nada que ela criou sobrevive a esta chamada.
    """
    __tracebackhide__ = True  # o IPython não mostra este quadro ao aluno
    _conferir_serializavel(funcao)
    nome = getattr(funcao, "__name__", repr(funcao))
    ctx = multiprocessing.get_context(_metodo())
    marca = uuid.uuid4().hex
    arvore = _Arvore(marca)
    receber, enviar = ctx.Pipe(duplex=False)
    processo = ctx.Process(target=_executar, args=(enviar, funcao, args, kwargs, marca), name=f"teste-{nome}")
    try:
        try:
            processo.start()
        except (pickle.PicklingError, AttributeError, TypeError) as erro:
            raise FalhaNoFilho(
                f"não consegui mandar {nome} ou seus argumentos ao processo filho (pickle): {erro}. "
                "Funções que rodam em filhos precisam estar no módulo, no nível de cima."
            ) from None
        enviar.close()
        resposta, estourou = _esperar_resposta(processo, receber, arvore, prazo)
        if resposta is None:
            if estourou:
                raise FalhaNoFilho(
                    f"{nome} travou: não terminou em {prazo:g} s. Provavelmente um impasse (dois lados "
                    "esperando um pelo outro: um get/recv/join/acquire que nunca é atendido) ou um laço sem fim."
                )
            processo.join(timeout=5)
            raise FalhaNoFilho(f"{nome}: {_descrever_saida(processo.exitcode)} antes de devolver um resultado.")
        _conferir_fim(processo, arvore, nome)
        return _interpretar(resposta, nome)
    finally:
        arvore.encerrar()
        if processo.is_alive():
            processo.kill()
        with contextlib.suppress(AssertionError, ValueError):
            processo.join(timeout=5)
        receber.close()


def _esperar_resposta(processo, receber, arvore: _Arvore, prazo: float):
    """Devolve (resposta, estourou_o_prazo); resposta é None quando nada chegou."""
    __tracebackhide__ = True  # o IPython não mostra este quadro ao aluno
    fim = time.monotonic() + prazo
    while True:
        arvore.observar()
        restante = fim - time.monotonic()
        if restante <= 0:
            return None, True
        try:
            if receber.poll(min(0.05, restante)):
                return receber.recv(), False
        except (EOFError, OSError):
            return None, False  # o filho fechou o pipe: terminou sem responder
        if not processo.is_alive():
            # O filho morreu; se escreveu algo antes, ainda está no pipe.
            try:
                return (receber.recv() if receber.poll(0.2) else None), False
            except (EOFError, OSError):
                return None, False


def _conferir_fim(processo, arvore: _Arvore, nome: str) -> None:
    """Depois da resposta, o processo tem de terminar sozinho e sem deixar ninguém vivo."""
    __tracebackhide__ = True  # o IPython não mostra este quadro ao aluno
    processo.join(timeout=PRAZO_PARA_TERMINAR)
    # Os que estão terminando (um servidor de manager encerrado pelo finalizador) têm um instante.
    fim = time.monotonic() + 2.0
    restantes = arvore.vivos(excluir=processo.pid, ajudantes=False)
    while restantes and not processo.is_alive() and time.monotonic() < fim:
        time.sleep(0.05)
        restantes = arvore.vivos(excluir=processo.pid, ajudantes=False)
    if processo.is_alive() or restantes:
        quantos = len(restantes)
        raise FalhaNoFilho(
            f"{nome} devolveu o resultado, mas deixou {quantos} processo(s) vivo(s) ao terminar: "
            "faltou join() (ou terminate()) nos processos que você criou, ou shutdown() num manager?"
        )


def _interpretar(resposta, nome: str):
    __tracebackhide__ = True  # o IPython não mostra este quadro ao aluno
    tipo = resposta[0]
    if tipo == "ok":
        return resposta[1]
    if tipo == "nao_serializavel":
        raise FalhaNoFilho(
            f"{nome} devolveu um {resposta[1]}, que não pode voltar ao processo do teste ({resposta[2]}). "
            "Devolva dados simples: números, strings, listas, dicionários, tuplas."
        )
    _, classe, mensagem, rastro = resposta
    if classe == "NotImplementedError":
        onde = f"\n{rastro}" if rastro else ""
        raise FalhaNoFilho(
            "Exercício ainda não resolvido: o código chegou a um raise NotImplementedError. Escreva sua "
            f"solução no lugar dele e rode a célula %%writefile de novo.{onde}"
        )
    texto = f"{nome} levantou {classe}: {mensagem}"
    if rastro:
        texto += f"\n{rastro}"
    raise FalhaNoFilho(texto)


def verificar_igual(obtido, esperado, dica: str = "") -> None:
    """Falha com 'esperava X, recebi Y' (e a dica) quando os dois diferem."""
    __tracebackhide__ = True  # o IPython não mostra este quadro ao aluno
    if obtido != esperado:
        raise FalhaNoFilho(f"esperava {esperado!r}, recebi {obtido!r}" + (f": {dica}" if dica else ""))


def verificar(condicao: bool, mensagem: str) -> None:
    """Falha com ``mensagem`` quando ``condicao`` é falsa."""
    __tracebackhide__ = True  # o IPython não mostra este quadro ao aluno
    if not condicao:
        raise FalhaNoFilho(mensagem)


def _rastro_do_aluno(tb):
    """Corta o rastro no primeiro quadro desta biblioteca: o aluno vê as linhas dele e a mensagem."""
    pasta = os.path.dirname(os.path.abspath(__file__))
    anterior, atual = None, tb
    while atual is not None:
        if os.path.dirname(os.path.abspath(atual.tb_frame.f_code.co_filename)) == pasta and anterior is not None:
            anterior.tb_next = None
            break
        anterior, atual = atual, atual.tb_next
    return tb


def _mostrar_falha(shell, etype, valor, tb, tb_offset=None):
    """No IPython/Jupyter: FalhaNoFilho aparece sem os quadros internos da biblioteca (continua um
    erro da célula, que o nbgrader conta como teste que falhou)."""
    shell.showtraceback((etype, valor, _rastro_do_aluno(tb)), tb_offset=tb_offset)


def _instalar_no_ipython() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # fora do Jupyter
        return
    shell = get_ipython()
    # Só se ninguém mais instalou um tratador (set_custom_exc aceita um só).
    if shell is not None and not getattr(shell, "custom_exceptions", ()):
        shell.set_custom_exc((FalhaNoFilho,), _mostrar_falha)


_instalar_no_ipython()
