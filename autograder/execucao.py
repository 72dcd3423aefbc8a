"""Roda o código do aluno num processo à parte, com prazo, e traduz cada falha numa mensagem em português.

É o que as células de teste dos exercícios usam. Três garantias:

- **o processo do teste não roda código do aluno**: :func:`carregar` confere a importação num processo
  executor (com prazo) e devolve referências; :func:`rodar_no_filho` chama a função num executor e
  recebe de volta só dados simples, lidos por um unpickler restrito (a lição da aula 08: nunca
  desserialize com pickle o que um processo não confiável manda);
- **o que o código do aluno imprime nunca derruba um teste**: stdout e stderr do executor e de todos
  os seus filhos vão para um arquivo, e a célula mostra um trecho limitado, como informação, no stdout;
- **nada sobrevive**: tudo o que o código do aluno criou (filhos, netos, servidores de managers, até
  os que mudaram de sessão: todos herdam ``AUTOGRADER_MARCA``) é encerrado antes de a função voltar.

Os prazos não decidem nota por sorte: quando nenhum processo do aluno usa CPU, troca um byte ou
dorme (``time.sleep``) durante alguns segundos, nada mais pode acontecer — o teste é cortado na hora,
como impasse, e a mensagem diz onde cada processo estava parado.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import pickle
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from autograder import _executor, guarda, sondas

#: Variável de ambiente que escolhe o método de início (fork, spawn, forkserver) dos testes.
VARIAVEL_METODO = _executor.VARIAVEL_METODO
#: Marca herdada por todos os processos criados pelo código do aluno, para achá-los mesmo órfãos.
VARIAVEL_MARCA = _executor.VARIAVEL_MARCA
#: Com esta variável (JSON: lista com o prefixo de um comando de isolamento), cada executor roda como
#: ``prefixo + [python, "-m", "autograder._executor", FD]`` — o modo do corretor (nota de registro).
VARIAVEL_EXECUTOR = "AUTOGRADER_EXECUTOR"
#: Quanto esperar o processo terminar sozinho depois de devolver o resultado.
PRAZO_PARA_TERMINAR = 5.0
#: Segundos sem nenhum sinal de vida (CPU, bytes lidos/escritos, sono) que caracterizam um impasse.
OCIOSIDADE = 4.0
#: De quanto em quanto tempo a árvore de processos do aluno é percorrida e amostrada (cada volta lê o
#: /proc de todos os processos da máquina: a 20 por segundo, com várias correções ao mesmo tempo, isso
#: era boa parte do CPU de um teste).
INTERVALO_DA_VIGIA = 0.25
#: Quanto da saída do código do aluno a célula mostra (começo e fim).
LIMITE_SAIDA = 3000


class FalhaNoFilho(AssertionError):
    """Uma falha do código do aluno, com a explicação em português (o nbgrader a conta como teste errado)."""


def _metodo() -> str | None:
    metodo = os.environ.get(VARIAVEL_METODO) or None
    if metodo and metodo not in multiprocessing.get_all_start_methods():
        raise FalhaNoFilho(
            f"{VARIAVEL_METODO}={metodo!r} não é um método de início deste sistema; use um de "
            f"{', '.join(multiprocessing.get_all_start_methods())} (ou apague a variável)."
        )
    return metodo


# ---------------------------------------------------------------------------------------------
# Dados simples de volta: o unpickler restrito

_PERMITIDOS = {
    ("builtins", nome) for nome in (
        "set", "frozenset", "complex", "bytearray", "range", "slice", "int", "float", "str", "bytes",
        "list", "dict", "tuple", "bool",
    )
} | {("collections", nome) for nome in ("OrderedDict", "Counter", "defaultdict", "deque")}


class _UnpicklerRestrito(pickle.Unpickler):
    def find_class(self, modulo, nome):
        if (modulo, nome) in _PERMITIDOS:
            return super().find_class(modulo, nome)
        raise _NaoSimples(f"{modulo}.{nome}")


class _NaoSimples(Exception):
    pass


def carregar_seguro(dados: bytes):
    """``pickle.loads`` que só aceita dados simples (números, textos, listas, tuplas, dicionários,
    conjuntos): um objeto qualquer mandado por código não confiável não executa nada aqui."""
    return _UnpicklerRestrito(io.BytesIO(dados)).load()


# ---------------------------------------------------------------------------------------------
# Referências ao módulo do aluno


@dataclass(frozen=True)
class Referencia:
    """``modulo.nome`` do aluno, resolvido só dentro do executor. Chamar roda num executor (prazo 10 s)."""

    modulo: str
    nome: str

    @property
    def __name__(self) -> str:  # as mensagens usam o nome da função
        return self.nome

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True
        return rodar_no_filho(self, *args, prazo=10.0, **kwargs)


class ModuloDoAluno:
    """O que :func:`carregar` devolve: cada atributo é uma :class:`Referencia` ao módulo do aluno."""

    def __init__(self, nome: str, pasta: str, nomes: dict[str, str]):
        self.__dict__["_nome"] = nome
        self.__dict__["_pasta"] = pasta
        self.__dict__["_nomes"] = dict(nomes)

    def __getattr__(self, nome: str):
        __tracebackhide__ = True
        if nome.startswith("__"):
            raise AttributeError(nome)
        if nome not in self._nomes:
            raise FalhaNoFilho(
                f"{self._nome}.py não define {nome}: a função tem de estar no módulo (na célula "
                f"%%writefile {self._nome}.py), com este nome — uma função definida em outra célula do "
                "notebook não existe para os processos filhos."
            )
        return Referencia(self._nome, nome)

    def __setattr__(self, nome, valor):
        raise AttributeError("o módulo do aluno é só para leitura nos testes")

    def __dir__(self):
        return sorted(self._nomes)

    def __repr__(self) -> str:
        return f"<módulo do aluno {self._nome} em {self._pasta}>"


def carregar(nome_modulo: str, prazo: float = 15.0) -> ModuloDoAluno:
    """Confere que ``nome_modulo.py`` (escrito pela célula ``%%writefile``) importa, num executor e
    com prazo, e devolve um :class:`ModuloDoAluno`. Sempre lê o arquivo de novo: se o aluno corrigiu a
    célula e a rodou outra vez, a correção vale. O processo que chama não importa o código do aluno."""
    __tracebackhide__ = True
    pasta = Path.cwd()
    arquivo = pasta / f"{nome_modulo}.py"
    if not arquivo.exists():
        raise FalhaNoFilho(
            f"o módulo {nome_modulo}.py não existe na pasta {pasta}: rode a célula que começa com "
            f"%%writefile {nome_modulo}.py antes dos testes"
        )
    execucao = _rodar({"tipo": "importar", "modulo": nome_modulo}, f"importar {nome_modulo}.py", prazo)
    resposta = execucao.resposta
    if resposta is None:
        if execucao.estourou:
            motivo = (f"ficou bloqueado (impasse: {OCIOSIDADE:g} s sem nenhum sinal de vida){execucao.diagnostico}"
                      if execucao.impasse else f"não terminou em {prazo:g} s")
            raise FalhaNoFilho(
                f"importar {nome_modulo}.py {motivo}.\nO código no "
                "nível do módulo roda ao importar (e de novo em cada filho, com spawn/forkserver): ali só "
                "devem ficar import, constantes, def e class. Ponha o resto dentro de uma função ou de "
                'if __name__ == "__main__":.' + execucao.saida_mostrada()
            )
        if execucao.nao_iniciou is not None:
            raise FalhaNoFilho(_mensagem_nao_iniciou(f"importar {nome_modulo}.py", execucao))
        raise FalhaNoFilho(f"importar {nome_modulo}.py: {_descrever_saida(execucao.codigo_saida)}." + execucao.saida_mostrada())
    if resposta[0] == "sintaxe":
        _, linha, msg, texto = resposta
        raise FalhaNoFilho(f"erro de sintaxe em {nome_modulo}.py, linha {linha}: {msg}\n    {texto}")
    if resposta[0] == "excecao":
        _, classe, mensagem, rastro, _origem = resposta[:5]
        if classe == "NotImplementedError":
            raise FalhaNoFilho(
                f"Exercício ainda não resolvido: {nome_modulo}.py levanta NotImplementedError ao ser importado"
            )
        raise FalhaNoFilho(
            f"importar {nome_modulo}.py falhou: {classe}: {mensagem}\n{_formatar_rastro(rastro)}" + execucao.saida_mostrada()
        )
    return ModuloDoAluno(nome_modulo, str(pasta), resposta[1])


# ---------------------------------------------------------------------------------------------
# Encerrar a árvore de processos


def _ajudantes_do_multiprocessing(proc: psutil.Process) -> bool:
    """O servidor do forkserver e o rastreador de recursos: infraestrutura, não do aluno. Um filho
    que o forkserver criou (fork sem exec) herda a linha de comando do servidor, mas é do aluno: o
    que o distingue é ter um forkserver como pai."""
    try:
        if os.getsid(proc.pid) != os.getsid(0):
            return False  # os ajudantes nunca mudam de sessão; um neto do aluno com setsid, sim
        linha = " ".join(proc.cmdline())
        if "multiprocessing.resource_tracker" in linha:
            return True
        if "multiprocessing.forkserver" not in linha:
            return False
        pai = proc.parent()
        return pai is None or "multiprocessing.forkserver" not in " ".join(pai.cmdline())
    except (psutil.Error, OSError):
        return False


def _descendentes() -> dict[int, psutil.Process]:
    try:
        return {p.pid: p for p in psutil.Process().children(recursive=True)}
    except psutil.Error:
        return {}


def _identidade(caminho: str) -> tuple[int, int] | None:
    try:
        estado = os.stat(caminho)
    except OSError:
        return None
    return (estado.st_dev, estado.st_ino)


def _marcados(marca: str, saida: tuple[int, int] | None = None) -> dict[int, psutil.Process]:
    """Os processos com a marca no ambiente ou com a saída capturada aberta no stdout/stderr.

    O ambiente de ``/proc/PID/environ`` é o do último exec: um processo criado por ``os.fork`` sem
    exec (um neto em outra sessão, por exemplo) não mostra a marca posta pelo executor depois do seu
    próprio exec — mas herda os descritores 1 e 2, que apontam para o arquivo da saída capturada."""
    achados = {}
    for proc in psutil.process_iter():
        if proc.pid == os.getpid():
            continue
        try:
            if saida is not None and saida in (_identidade(f"/proc/{proc.pid}/fd/1"), _identidade(f"/proc/{proc.pid}/fd/2")):
                achados[proc.pid] = proc
            elif proc.environ().get(VARIAVEL_MARCA) == marca:
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


class _Arvore:
    """Acompanha todos os processos que o código do aluno criou, para poder encerrá-los."""

    def __init__(self, marca: str, saida: str | None = None):
        self.marca = marca
        self.saida = saida
        self._identidade_saida = None
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
        self.observar()
        if self._identidade_saida is None and self.saida:
            self._identidade_saida = _identidade(self.saida)
        todos = {**self.vistos, **_marcados(self.marca, self._identidade_saida)}
        todos.pop(excluir, None)
        if not ajudantes:
            todos = {pid: p for pid, p in todos.items() if not _ajudantes_do_multiprocessing(p)}
        return _vivos(todos.values())

    def encerrar(self) -> None:
        processos = self.vivos()
        for proc in processos:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(processos, timeout=5)


# ---------------------------------------------------------------------------------------------
# Impasse: nenhum sinal de vida


# Números das chamadas de sistema em que um processo espera (por arquitetura): dormir, esperar com
# prazo (o argumento de tempo diz se há prazo) ou esperar sem prazo.
_CHAMADAS = {
    "x86_64": {"sono": {35, 230}, "futex": {202}, "poll": {7}, "ppoll": {271}, "select": {23, 270},
               "epoll": {232, 281, 441}},
    "aarch64": {"sono": {101, 115}, "futex": {98}, "poll": set(), "ppoll": {73}, "select": {72},
                "epoll": {22, 441}},
}.get(platform.machine())
_ESPERAS = {
    "futex": "esperando uma trava, um semáforo, uma condição ou uma fila (get/acquire/wait)",
    "pipe_read": "esperando dados num pipe (recv/get)",
    "unix_stream": "esperando dados num soquete (recv/get de um manager)",
    "sk_wait": "esperando dados num soquete (recv/get de um manager)",
    "tcp": "esperando dados num soquete (recv/get de um manager)",
    "poll": "esperando dados (poll/select: um recv/get/wait ou uma conexão)",
    "select": "esperando dados (poll/select: um recv/get/wait ou uma conexão)",
    "wait": "esperando um processo terminar (join)",
    "accept": "esperando uma conexão (accept)",
}


def _ler(caminho: str) -> str:
    try:
        with open(caminho) as arq:
            return arq.read().strip()
    except OSError:
        return ""


def _thread_pode_acordar(pid: int, tid: str) -> bool:
    """A thread dorme (time.sleep) ou espera com prazo? Então ainda pode acontecer algo sozinho.
    Na dúvida (arquitetura desconhecida, /proc ilegível), responde que sim: nunca um falso impasse."""
    if _CHAMADAS is None:
        return True
    if "nanosleep" in _ler(f"/proc/{pid}/task/{tid}/wchan"):
        return True
    campos = _ler(f"/proc/{pid}/task/{tid}/syscall").split()
    if not campos or not campos[0].lstrip("-").isdigit():
        return True  # "running", ou ilegível
    numero = int(campos[0])
    if numero < 0:
        return False  # não está numa chamada de sistema: parada por outro motivo
    args = [int(x, 16) for x in campos[1:7]] if len(campos) >= 7 else [0] * 6
    c = _CHAMADAS
    if numero in c["sono"]:
        return True
    if numero in c["futex"]:
        return args[3] != 0  # ponteiro do prazo
    if numero in c["poll"] or numero in c["epoll"]:
        prazo = args[2] if numero in c["poll"] else args[3]
        return prazo & 0xFFFFFFFF not in (0xFFFFFFFF,)  # -1 = sem prazo
    if numero in c["ppoll"]:
        return args[2] != 0
    if numero in c["select"]:
        return args[4] != 0
    return False  # read, recv, accept, wait4...: sem prazo


def _pode_acordar(pid: int, servidor_de_manager: bool = False) -> bool:
    """Alguma thread do processo dorme ou espera com prazo? No servidor de um Manager, a linha
    principal não conta: ``serve_forever`` espera o ``stop_event`` com prazo de 1 s, em laço, a vida
    inteira do servidor — um impasse que passa por um Manager (um ``get`` de uma fila dele que ninguém
    vai encher) custava o prazo inteiro. As outras threads do servidor (as que atendem os clientes)
    contam como em qualquer processo: um ``get(timeout=...)`` atendido lá ainda pode acordar."""
    try:
        tarefas = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return True
    return any(_thread_pode_acordar(pid, tid) for tid in tarefas if not (servidor_de_manager and tid == str(pid)))


def _onde_espera(proc: psutil.Process) -> str:
    wchan = _ler(f"/proc/{proc.pid}/wchan")
    for chave, texto in _ESPERAS.items():
        if chave in wchan:
            return texto
    return f"parado ({wchan})" if wchan and wchan != "0" else "parado"


class _Vigia:
    """Mede sinais de vida da árvore: CPU, bytes de E/S e sono. Só em Linux (/proc)."""

    def __init__(self, pasta_das_sondas: Path | None = None):
        self.ativo = sys.platform.startswith("linux")
        self.anterior: dict[int, tuple] = {}
        self.ultimo_sinal = time.monotonic()
        self.pasta_das_sondas = pasta_das_sondas

    def servidores_de_manager(self) -> set[int]:
        """Os pids que as sondas marcaram como servidores de Manager (veja sondas.marcar_servidor_de_manager)."""
        if self.pasta_das_sondas is None:
            return set()
        try:
            nomes = os.listdir(self.pasta_das_sondas)
        except OSError:
            return set()
        prefixo = sondas.PREFIXO_SERVIDOR
        return {int(n[len(prefixo):]) for n in nomes if n.startswith(prefixo) and n[len(prefixo):].isdigit()}

    def amostrar(self, processos: list[psutil.Process]) -> None:
        if not self.ativo:
            return
        agora = time.monotonic()
        atual, vivo = {}, False
        servidores = self.servidores_de_manager()
        for proc in processos:
            try:
                with proc.oneshot():
                    estado = proc.status()
                    cpu = proc.cpu_times()
                    io_ = proc.io_counters()
                marca = (cpu.user + cpu.system, io_.read_chars + io_.write_chars)
            except (psutil.Error, OSError, AttributeError):
                vivo = True  # nascendo ou morrendo: é movimento
                continue
            atual[proc.pid] = marca
            if estado not in (psutil.STATUS_SLEEPING, psutil.STATUS_ZOMBIE) or self.anterior.get(proc.pid) != marca:
                vivo = True
            elif _pode_acordar(proc.pid, proc.pid in servidores):
                vivo = True
        if set(atual) != set(self.anterior):
            vivo = True
        self.anterior = atual
        if vivo or not processos:
            self.ultimo_sinal = agora

    def parado_ha(self) -> float:
        return time.monotonic() - self.ultimo_sinal if self.ativo else 0.0


def _onde_espera_o_servidor(pid: int) -> str:
    """Onde está o servidor de um Manager. A linha principal dele só espera o fim (``serve_forever``,
    de segundo em segundo) e não diz nada sobre o programa; quem diz são as threads que atendem os
    clientes: uma parada sem prazo numa trava, fila ou condição é um pedido de um cliente (``get``,
    ``acquire``, ``wait``) preso no servidor; as outras esperam o próximo pedido."""
    try:
        tarefas = [tid for tid in os.listdir(f"/proc/{pid}/task") if tid != str(pid)]
    except OSError:
        return "servidor de um Manager"
    presos = sum(1 for tid in tarefas
                 if "futex" in _ler(f"/proc/{pid}/task/{tid}/wchan") and not _thread_pode_acordar(pid, tid))
    if presos == 1:
        return "um pedido de um processo (get/acquire/wait) parado numa fila, trava ou condição do Manager"
    if presos:
        return f"{presos} pedidos de processos (get/acquire/wait) parados em filas, travas ou condições do Manager"
    return "esperando pedidos (nenhum pedido parado no servidor)"


def _diagnostico(processos: list[psutil.Process], pid_executor: int | None, nome: str,
                 servidores: set[int] = frozenset()) -> str:
    linhas = []
    for proc in processos[:8]:
        try:
            if proc.pid == pid_executor:
                linhas.append(f"    o executor do teste: {_onde_espera(proc)}")
            elif proc.pid in servidores:
                linhas.append(f"    o servidor do Manager (pid {proc.pid}): {_onde_espera_o_servidor(proc.pid)}")
            else:
                linhas.append(f"    o processo {proc.name()} (pid {proc.pid}): {_onde_espera(proc)}")
        except psutil.Error:
            continue
    return ("\nOnde cada processo estava:\n" + "\n".join(linhas)) if linhas else ""


# ---------------------------------------------------------------------------------------------
# Uma execução


@dataclass
class Execucao:
    """O que aconteceu numa chamada: a resposta, a saída capturada e por que terminou."""

    nome: str
    resposta: tuple | None = None
    estourou: bool = False
    impasse: bool = False
    codigo_saida: int | None = None
    saida: str = ""
    saida_bytes: int = 0
    pid_executor: int | None = None
    sobras: int = 0
    diagnostico: str = ""
    segundos: float = 0.0
    sondas: dict = field(default_factory=dict)
    #: Se a saída já foi impressa na célula (por :func:`mostrar_saida`): impressa uma vez só.
    saida_impressa: bool = False
    #: O que a guarda (:mod:`autograder.guarda`) viu o código do aluno fazer com os instrumentos do
    #: teste, ou por que a resposta do executor não confere com os diários das sondas (None: nada).
    adulteracao: str | None = None
    #: Por que a resposta do executor não confere com os diários (veja :func:`sondas_dos_diarios`).
    forjada: str | None = None
    #: O executor terminou antes de chegar ao código do aluno (sem resposta e sem gravar o seu pid):
    #: falha da máquina (o sandbox, o Python), não do aluno. Traz a última linha que ele escreveu.
    nao_iniciou: str | None = None
    #: Quantas vezes o executor foi iniciado (a segunda só quando o primeiro não iniciou).
    tentativas: int = 1

    @property
    def iniciados(self) -> list[dict]:
        """Os processos que o código do aluno iniciou, anotados no momento do ``start()`` (também
        os de Pool, ProcessPoolExecutor e Manager) e de ``os.fork``/``subprocess``: cada um com
        ``pid`` (quem iniciou), ``no_executor``, ``op`` (process, fork, subprocess), ``filho``, ``alvo``.
        Traz também os ``join`` (op ``join``: ``filho``, ``timeout``, ``t0``, ``t``, ``terminou``), as
        entregas a pools (``entregar``) e as esperas por resultados (``esperar_resultado``); cada sonda
        passada a :func:`executar` recebe a mesma lista em ``sonda.processos``
        (:mod:`autograder.esperas` tira dela as regras de ordem).
        Confiável (não depende de amostragem) para os processos iniciados no próprio executor e,
        com fork, nos seus descendentes."""
        return list(self.sondas.get(sondas.DIARIO_DOS_PROCESSOS, ([], None, 0))[0])

    @property
    def resultado(self):
        return self.resposta[1] if self.resposta and self.resposta[0] == "ok" else None

    def saida_mostrada(self) -> str:
        if not self.saida.strip():
            return ""
        cortado = f" (mostrando parte de {self.saida_bytes} bytes)" if self.saida_bytes > len(self.saida.encode()) else ""
        return f"\n--- o que o seu código imprimiu{cortado} ---\n{self.saida.rstrip()}"


def _ler_saida(caminho: Path) -> tuple[str, int]:
    try:
        tamanho = caminho.stat().st_size
    except OSError:
        return "", 0
    with open(caminho, "rb") as arq:
        if tamanho <= LIMITE_SAIDA:
            return arq.read().decode("utf-8", "replace"), tamanho
        comeco = arq.read(LIMITE_SAIDA * 2 // 3).decode("utf-8", "replace")
        arq.seek(tamanho - LIMITE_SAIDA // 3)
        fim = arq.read().decode("utf-8", "replace")
    return f"{comeco}\n[... {tamanho - LIMITE_SAIDA} bytes cortados ...]\n{fim}", tamanho


def _pasta_de_trabalho() -> Path:
    """Onde ficam a saída capturada e os diários das sondas: visível ao executor mesmo no sandbox."""
    if os.environ.get(VARIAVEL_EXECUTOR):
        base = Path.cwd() / ".autograder"
        base.mkdir(exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="exec-", dir=base))
    return Path(tempfile.mkdtemp(prefix="autograder-"))


def _conferir_registro_da_resposta(dados: bytes, pasta: Path) -> str | None:
    """Por que ``dados`` não é a resposta que o executor registrou antes de enviá-la (None: é).

    O executor grava o seu pid antes de qualquer código do aluno rodar, e "pid sha256" da resposta
    logo antes de enviá-la, só quando chamado pela partida do processo (veja
    ``_executor._registrar_resposta``); a guarda impede o código do aluno de escrever nessa pasta.
    Uma resposta escrita no canal pelo código do aluno (sem passar pelo fim do executor) não tem
    registro, ou tem um que não bate."""
    import hashlib

    try:
        pid = (pasta / _executor.ARQUIVO_PID).read_text(encoding="utf-8").strip()
        registro = (pasta / _executor.ARQUIVO_RESPOSTA).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        registro, pid = [], ""
    if registro != [pid, hashlib.sha256(dados).hexdigest()]:
        return "a resposta do executor não é a que ele registrou antes de enviar: resposta forjada"
    return None


def _chave_do_evento(evento) -> str:
    return json.dumps(evento, sort_keys=True, default=repr)


def sondas_dos_diarios(declarado: dict, pasta: Path) -> tuple[dict, str | None]:
    """As sondas como os diários de ``pasta`` as registraram, lidos AQUI, no processo do teste; e por
    que a resposta do executor não confere com eles (None: confere).

    O executor roda o código do aluno, e a resposta que ele manda pode ter sido escrita por esse
    código (achar o canal da resposta subindo a pilha e escrever nele, com processos e eventos
    inventados). Os diários, não: cada processo anota os seus eventos pelas sondas, numa pasta que a
    guarda protege. Por isso os eventos que valem são os dos diários, e um evento da resposta que não
    está no diário da sua sonda denuncia uma resposta forjada. Da resposta só se aproveita o estado
    final de cada sonda (o valor de um Value, o conteúdo de um Array), que só o executor enxerga."""
    limite = _executor.LIMITE_EVENTOS
    reais: dict[str, tuple[list[dict], int]] = {}
    if pasta.is_dir():
        for caminho in pasta.glob("*.jsonl"):
            eventos, total = sondas._ler_diario(str(caminho), limite)
            reais[caminho.stem] = (eventos, total - len(eventos))
    forjada = None
    confiaveis: dict = {ident: (eventos, None, descartados) for ident, (eventos, descartados) in reais.items()}
    for ident, valor in declarado.items():
        if not (isinstance(ident, str) and isinstance(valor, tuple) and len(valor) == 3 and isinstance(valor[0], list)):
            forjada = forjada or f"a resposta do executor traz a sonda {ident!r} num formato que as sondas não produzem"
            continue
        eventos, descartados = reais.get(ident, ([], 0))
        if valor[0] == eventos[: len(valor[0])]:
            # O caso de sempre: o executor leu o mesmo diário, só que antes (um começo dele).
            confiaveis[ident] = (eventos, valor[1], descartados)
            continue
        disponiveis: dict[str, int] = {}
        for evento in eventos:
            chave = _chave_do_evento(evento)
            disponiveis[chave] = disponiveis.get(chave, 0) + 1
        for evento in valor[0]:
            chave = _chave_do_evento(evento)
            if disponiveis.get(chave, 0) <= 0:
                forjada = forjada or (
                    f"a resposta do executor traz eventos que nenhuma sonda anotou (sonda {ident}): resposta forjada")
                break
            disponiveis[chave] -= 1
        confiaveis[ident] = (eventos, valor[1], descartados)
    return _ate_a_devolucao(confiaveis), forjada


def _ate_a_devolucao(sondas_lidas: dict) -> dict:
    """Sem os eventos que o executor anotou depois de a função do aluno voltar (a marca do
    :meth:`sondas.Materializacao.marcar_devolucao`; a última, se houver mais de uma): o ``join`` que o
    ``multiprocessing`` dá nos filhos ao terminar o executor, o que roda ao empacotar o resultado.
    Esses eventos não são do código do aluno e chegam aos diários ou não conforme a pressa de quem
    os lê — com eles, "não deu join no filho" passava numa correção e falhava na outra. Os eventos
    dos filhos ficam todos: o que um filho faz depois da volta ainda é do programa do aluno."""
    processos = sondas_lidas.get(sondas.DIARIO_DOS_PROCESSOS, ([], None, 0))[0]
    marcas = [e.get("t") for e in processos
              if e.get("op") == sondas.MARCA_DA_DEVOLUCAO and e.get("no_executor") is True and isinstance(e.get("t"), int)]
    if not marcas:
        return sondas_lidas
    corte = max(marcas)

    def depois(evento: dict) -> bool:
        if evento.get("no_executor") is not True:
            return False
        return evento.get("op") == sondas.MARCA_DA_DEVOLUCAO or (isinstance(evento.get("t"), int) and evento["t"] > corte)

    return {ident: ([e for e in eventos if not depois(e)], final, descartados)
            for ident, (eventos, final, descartados) in sondas_lidas.items()}


#: Com menos que isto do prazo, um executor que não iniciou não é tentado de novo.
PRAZO_MINIMO_DA_SEGUNDA = 5.0


def _rodar(pedido: dict, nome: str, prazo: float) -> Execucao:
    """Roda um pedido num executor, vigiando a árvore; devolve a Execucao (sem levantar).

    Se o executor termina sem chegar ao código do aluno (numa máquina carregada, o sandbox ou o Python
    podem falhar ao partir), ele é iniciado de novo, uma vez, com o que sobra do prazo: uma falha da
    máquina não tira ponto de ninguém."""
    inicio = time.monotonic()
    execucao = _rodar_uma_vez(pedido, nome, prazo)
    resta = prazo - (time.monotonic() - inicio)
    if execucao.nao_iniciou is not None and resta >= PRAZO_MINIMO_DA_SEGUNDA:
        primeira = execucao
        execucao = _rodar_uma_vez(pedido, nome, resta)
        execucao.tentativas = 2
        execucao.segundos += primeira.segundos
        execucao.saida = primeira.saida + execucao.saida
    return execucao


def _rodar_uma_vez(pedido: dict, nome: str, prazo: float) -> Execucao:
    marca = uuid.uuid4().hex
    trabalho = _pasta_de_trabalho()
    (trabalho / "sondas").mkdir()
    pedido = {
        **pedido,
        "pasta": str(Path.cwd()),
        "marca": marca,
        "metodo": _metodo(),
        "saida": str(trabalho / "saida.txt"),
        "registro": str(trabalho / "sondas"),
    }
    execucao = Execucao(nome=nome)
    arvore = _Arvore(marca, pedido["saida"])
    vigia = _Vigia(trabalho / "sondas")
    inicio = time.monotonic()
    prefixo = os.environ.get(VARIAVEL_EXECUTOR)
    try:
        with warnings_para_stdout():
            if prefixo is not None:
                executor = _ExecutorComando(json.loads(prefixo), pedido)
            else:
                executor = _ExecutorMultiprocessing(pedido)
        execucao.pid_executor = executor.pid
        fim = inicio + prazo
        proxima_vigia = 0.0
        while True:
            # Percorrer a árvore custa ler o /proc da máquina inteira: a cada INTERVALO_DA_VIGIA, e não
            # a cada volta (a resposta continua sendo esperada em fatias de 50 ms).
            vigiar = time.monotonic() >= proxima_vigia
            if vigiar:
                arvore.observar()
            dados = executor.resposta(0.05)
            if dados is not None:
                break
            if not executor.vivo():
                dados = executor.resposta(0.3)
                break
            if time.monotonic() >= fim:
                execucao.estourou = True
                break
            if vigiar:
                vigia.amostrar(arvore.vivos())
                proxima_vigia = time.monotonic() + INTERVALO_DA_VIGIA
                if vigia.parado_ha() >= OCIOSIDADE:
                    execucao.estourou = execucao.impasse = True
                    break
        if execucao.estourou:
            vivos = arvore.vivos(ajudantes=False)
            execucao.diagnostico = _diagnostico(vivos, executor.pid, nome, vigia.servidores_de_manager()) if execucao.impasse else ""
        if dados:
            execucao.forjada = _conferir_registro_da_resposta(dados, trabalho / "sondas")
            try:
                execucao.resposta = carregar_seguro(dados)
            except _NaoSimples as erro:
                execucao.resposta = ("nao_serializavel", str(erro), "não é um dado simples", {})
            except Exception as erro:  # noqa: BLE001 - bytes corrompidos por quem escreveu no canal
                execucao.resposta = ("corrompida", f"{type(erro).__name__}: {erro}")
            if execucao.resposta and execucao.resposta[0] in ("ok", "excecao", "nao_serializavel"):
                declarado = execucao.resposta[-1] if isinstance(execucao.resposta[-1], dict) else {}
                execucao.sondas, forjada = sondas_dos_diarios(declarado, trabalho / "sondas")
                execucao.forjada = execucao.forjada or forjada
            # Depois da resposta, o executor tem de terminar sozinho e sem deixar ninguém vivo.
            executor.esperar(PRAZO_PARA_TERMINAR)
            limite = time.monotonic() + 2.0
            restantes = arvore.vivos(excluir=executor.pid, ajudantes=False)
            while restantes and not executor.vivo() and time.monotonic() < limite:
                time.sleep(0.05)
                restantes = arvore.vivos(excluir=executor.pid, ajudantes=False)
            execucao.sobras = len(restantes) or (1 if executor.vivo() else 0)
        else:
            executor.esperar(0.5)
        execucao.codigo_saida = executor.codigo()
        if not dados and not execucao.estourou and not (trabalho / "sondas" / _executor.ARQUIVO_PID).exists():
            execucao.nao_iniciou = executor.ultima_linha_da_partida()
    finally:
        arvore.encerrar()
        executor_local = locals().get("executor")
        if executor_local is not None:
            executor_local.encerrar()
        execucao.segundos = time.monotonic() - inicio
        execucao.saida, execucao.saida_bytes = _ler_saida(trabalho / "saida.txt")
        execucao.adulteracao = guarda.ler_marca(trabalho) or execucao.forjada
        shutil.rmtree(trabalho, ignore_errors=True)
    return execucao


@contextlib.contextmanager
def warnings_para_stdout():
    """Avisos (DeprecationWarning do fork com threads, no 3.12+) vão para o stdout: num teste, o
    stderr de uma célula conta como falha no nbgrader."""
    import warnings

    anterior = warnings.showwarning

    def mostrar(mensagem, categoria, arquivo, linha, file=None, line=None):
        print(f"aviso: {categoria.__name__}: {mensagem}", file=sys.stdout)

    warnings.showwarning = mostrar
    try:
        yield
    finally:
        warnings.showwarning = anterior


class _ExecutorMultiprocessing:
    def __init__(self, pedido: dict):
        ctx = multiprocessing.get_context(pedido["metodo"])
        if ctx.get_start_method() == "fork":
            # O executor herda o rastreador de recursos do processo do teste (spawn e forkserver já o
            # recebem): sem isso, cada executor começaria o seu, um Python novo (segundos sob carga).
            with contextlib.suppress(Exception):
                from multiprocessing import resource_tracker

                resource_tracker.ensure_running()
        self._receber, enviar = ctx.Pipe(duplex=False)
        self._processo = ctx.Process(target=_executor.principal_multiprocessing, args=(enviar, pedido),
                                     name=f"executor-{pedido.get('modulo') or 'teste'}")
        try:
            self._processo.start()
        except (pickle.PicklingError, AttributeError, TypeError) as erro:
            raise FalhaNoFilho(
                f"não consegui mandar a função ou seus argumentos ao processo filho (pickle): {erro}. "
                "Funções que rodam em filhos precisam estar num módulo, no nível de cima."
            ) from None
        finally:
            enviar.close()
        self.pid = self._processo.pid

    def resposta(self, espera: float) -> bytes | None:
        try:
            if self._receber.poll(espera):
                return self._receber.recv_bytes()
        except (EOFError, OSError):
            return None
        return None

    def vivo(self) -> bool:
        return self._processo.is_alive()

    def esperar(self, prazo: float) -> None:
        self._processo.join(timeout=prazo)

    def codigo(self) -> int | None:
        return self._processo.exitcode

    def ultima_linha_da_partida(self) -> str:
        return ""  # o filho do multiprocessing escreve na saída capturada desde o começo

    def encerrar(self) -> None:
        if self._processo.is_alive():
            self._processo.kill()
        with contextlib.suppress(AssertionError, ValueError):
            self._processo.join(timeout=5)
        self._receber.close()


class _ExecutorComando:
    """O executor atrás de um prefixo de isolamento: ``prefixo + [python, -m, autograder._executor, FD]``."""

    def __init__(self, prefixo: list[str], pedido: dict):
        leitura, escrita = os.pipe()
        os.set_inheritable(escrita, True)
        comando = [*prefixo, sys.executable, "-m", "autograder._executor", str(escrita)]
        # O stderr da partida (o do sandbox, o do Python antes de o executor redirecionar a saída) fica
        # num arquivo ao lado da saída capturada: é a causa, se o executor não iniciar.
        self._partida = Path(pedido["saida"]).with_name("partida.txt")
        try:
            with open(self._partida, "wb") as erros:
                self._processo = subprocess.Popen(
                    comando, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=erros,
                    pass_fds=(escrita,), cwd=pedido["pasta"],
                )
        finally:
            os.close(escrita)
        self.pid = self._processo.pid
        self._leitura = os.fdopen(leitura, "rb", buffering=0)
        self._buffer = b""
        self._fechado = False
        try:
            self._processo.stdin.write(pickle.dumps(pedido))
            self._processo.stdin.close()
        except BrokenPipeError:
            # O executor morreu antes de ler o pedido (o sandbox não partiu): quem espera a resposta vê
            # que ele não iniciou (e o inicia de novo).
            with contextlib.suppress(OSError):
                self._processo.stdin.close()
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as erro:
            self.encerrar()
            raise FalhaNoFilho(f"não consegui mandar a função ou seus argumentos ao executor: {erro}") from None

    def resposta(self, espera: float) -> bytes | None:
        import select

        fim = time.monotonic() + espera
        while not self._fechado:
            restante = max(0.0, fim - time.monotonic())
            prontos, _, _ = select.select([self._leitura], [], [], restante)
            if not prontos:
                break
            pedaco = self._leitura.read(1 << 16)
            if not pedaco:
                self._fechado = True
                break
            self._buffer += pedaco
            if len(self._buffer) >= 8:
                tamanho = int.from_bytes(self._buffer[:8], "big")
                if len(self._buffer) >= 8 + tamanho:
                    return self._buffer[8 : 8 + tamanho]
            if len(self._buffer) > 256 * 1024 * 1024:
                self._fechado = True
                break
        return None

    def vivo(self) -> bool:
        return self._processo.poll() is None

    def esperar(self, prazo: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._processo.wait(timeout=prazo)

    def codigo(self) -> int | None:
        return self._processo.poll()

    def ultima_linha_da_partida(self) -> str:
        try:
            linhas = [x for x in self._partida.read_bytes()[-4000:].decode("utf-8", "replace").splitlines() if x.strip()]
        except OSError:
            linhas = []
        return linhas[-1].strip()[:300] if linhas else ""

    def encerrar(self) -> None:
        if self._processo.poll() is None:
            self._processo.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._processo.wait(timeout=5)
        self._leitura.close()


# ---------------------------------------------------------------------------------------------
# A função que os testes chamam


def _conferir_funcao(funcao) -> None:
    __tracebackhide__ = True
    if isinstance(funcao, Referencia):
        return
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


def _mensagem_nao_iniciou(nome: str, execucao: Execucao) -> str:
    causa = f": {execucao.nao_iniciou}" if execucao.nao_iniciou else ""
    return (f"{nome}: o processo do teste não conseguiu começar, {execucao.tentativas} vez(es) ("
            f"{_descrever_saida(execucao.codigo_saida)}{causa}) — uma falha da máquina que corrige, e não do "
            "seu código, que nem chegou a rodar. Rode a célula de novo; se persistir, avise o professor.")


def _descrever_saida(codigo: int | None) -> str:
    if codigo is None:
        return "o processo não terminou"
    if codigo < 0:
        try:
            nome = signal.Signals(-codigo).name
        except ValueError:  # um sinal sem nome no Python (os de tempo real, por exemplo)
            nome = str(-codigo)
        return f"o processo morreu pelo sinal {nome} (código de saída {codigo})"
    return f"o processo terminou de repente com código de saída {codigo} (os._exit? sys.exit?)"


#: Explicações calculadas a partir do tipo da exceção (só acrescentam; a mensagem real vem antes).
_EXPLICACOES = {
    "_queue.Empty": "um get(timeout=...) esperou o prazo inteiro e a fila continuou vazia: ninguém pôs o "
                    "item esperado (ou o pôs em outra fila)",
    "queue.Empty": "um get(timeout=...) esperou o prazo inteiro e a fila continuou vazia: ninguém pôs o "
                   "item esperado (ou o pôs em outra fila)",
    "queue.Full": "um put numa fila cheia esperou o prazo inteiro",
    "EOFError": "a leitura encontrou o fim: o outro lado fechou a conexão (ou não havia entrada para input())",
    "BrokenPipeError": "o outro lado do pipe/conexão já tinha fechado",
    "TimeoutError": "uma espera com prazo terminou sem o que esperava",
    "threading.BrokenBarrierError": "a barreira foi quebrada: alguém desistiu (prazo) ou não chegou",
    "multiprocessing.context.AuthenticationError": "a chave (authkey) não confere",
    "ConnectionRefusedError": "não há servidor escutando nesse endereço",
    "RecursionError": "recursão sem fim",
    "NameError": "um nome usado no módulo não existe nele — uma função definida numa célula do notebook "
                 "não existe para o módulo nem para os processos filhos",
    "PicklingError": "um objeto não pôde ir para outro processo por pickle",
    "_pickle.PicklingError": "um objeto não pôde ir para outro processo por pickle (função de célula? lambda?)",
}


def _formatar_rastro(rastro) -> str:
    return "\n".join(f"    {arq}, linha {linha}, em {func}: {codigo}" for arq, linha, func, codigo in rastro)


def _texto_da_excecao(nome: str, resposta: tuple) -> str:
    _, classe, mensagem, rastro, origem = resposta[:5]
    if classe == "NotImplementedError" and (not mensagem or "não resolvido" in mensagem or mensagem == "Exercício ainda não resolvido"):
        onde = f"\n{_formatar_rastro(rastro)}" if rastro else ""
        return ("Exercício ainda não resolvido: o código chegou a um raise NotImplementedError. Escreva sua "
                f"solução no lugar dele e rode a célula %%writefile de novo.{onde}")
    if classe == "SystemExit":
        return f"{nome} chamou sys.exit({mensagem}): uma função chamada pelo teste deve devolver o resultado, não encerrar o processo." + (
            f"\n{_formatar_rastro(rastro)}" if rastro else "")
    texto = f"{nome} levantou {classe}"
    if mensagem:
        texto += f": {mensagem}"
    else:
        onde = rastro[-1] if rastro else origem
        if onde:
            texto += f" (sem mensagem), na chamada {onde[3] or '?'} ({onde[0]}, linha {onde[1]})"
        else:
            texto += " (sem mensagem)"
    explicacao = _EXPLICACOES.get(classe) or _EXPLICACOES.get(classe.rsplit(".", 1)[-1])
    if explicacao:
        texto += f"\n  → {explicacao}."
    if rastro:
        texto += f"\n{_formatar_rastro(rastro)}"
    return texto


def executar(funcao, *args, prazo: float = 5.0, **kwargs) -> Execucao:
    """Roda ``funcao(*args, **kwargs)`` num executor e devolve a :class:`Execucao` (sem levantar por
    falhas do aluno: quem chama decide). As sondas em ``args``/``kwargs`` voltam preenchidas."""
    __tracebackhide__ = True
    _conferir_funcao(funcao)
    nome = getattr(funcao, "__name__", None) or getattr(funcao, "nome", None) or repr(funcao)
    alvo = ("referencia", funcao.modulo, funcao.nome) if isinstance(funcao, Referencia) else funcao
    pedido = {"tipo": "chamar", "funcao": alvo, "args": list(args), "kwargs": dict(kwargs),
              "modulo": funcao.modulo if isinstance(funcao, Referencia) else None}
    execucao = _rodar(pedido, nome, prazo)
    if execucao.adulteracao:
        mostrar_saida(execucao)
        motivo = execucao.adulteracao.splitlines()[0]
        raise FalhaNoFilho(f"a submissão mexeu nos instrumentos do teste ({motivo}): esta parte não vale pontos.")
    for sonda in sondas.sondas_em([args, kwargs]):
        eventos, final, descartados = execucao.sondas.get(sonda.ident, ([], None, 0))
        sonda._preencher(eventos, final, descartados)
        sonda.processos = execucao.iniciados
    return execucao


def rodar_no_filho(funcao, *args, prazo: float = 5.0, **kwargs):
    """Roda ``funcao(*args, **kwargs)`` num processo executor e devolve o que ela devolver.

    Levanta :class:`FalhaNoFilho` com uma explicação em português, calculada do que aconteceu: a
    exceção (com as linhas do aluno), um impasse (e onde cada processo esperava), o prazo estourado,
    o processo que morreu, um resultado que não é dado simples, processos deixados vivos. O que o
    código imprimiu aparece no stdout da célula, limitado. Nada do que ele criou sobrevive.
    """
    __tracebackhide__ = True
    execucao = executar(funcao, *args, prazo=prazo, **kwargs)
    mostrar_saida(execucao)
    return interpretar(execucao, prazo)


def mostrar_saida(execucao: Execucao) -> None:
    """Imprime no stdout da célula o que o código do aluno imprimiu (limitado), uma vez por execução."""
    if execucao.saida_impressa:
        return
    execucao.saida_impressa = True
    texto = execucao.saida_mostrada()
    if texto:
        print(texto.lstrip("\n"), file=sys.stdout, flush=True)


def interpretar(execucao: Execucao, prazo: float):
    """O resultado da execução, ou a :class:`FalhaNoFilho` que explica o que deu errado. Antes, mostra
    o que o código imprimiu (se ninguém mostrou ainda): a saída aparece abaixo do teste, passe ou não."""
    __tracebackhide__ = True
    mostrar_saida(execucao)
    nome, resposta = execucao.nome, execucao.resposta
    sobras = (f"\n  (além disso, {execucao.sobras} processo(s) criados pelo código ficaram vivos e foram "
              "encerrados pelo teste)") if execucao.sobras else ""
    if resposta is None:
        if execucao.impasse:
            raise FalhaNoFilho(
                f"{nome} ficou bloqueado: durante {OCIOSIDADE:g} s nenhum processo usou CPU, trocou dados ou "
                "dormiu — um impasse (alguém espera por algo que ninguém vai fazer: um get/recv/join/acquire/"
                f"wait que nunca é atendido).{execucao.diagnostico}"
            )
        if execucao.estourou:
            raise FalhaNoFilho(
                f"{nome} não terminou em {prazo:g} s. Os processos continuavam trabalhando (usando CPU ou "
                "dormindo): um laço sem fim, ou trabalho demais para o prazo?"
            )
        if execucao.nao_iniciou is not None:
            raise FalhaNoFilho(_mensagem_nao_iniciou(nome, execucao))
        raise FalhaNoFilho(f"{nome}: {_descrever_saida(execucao.codigo_saida)} antes de devolver um resultado.")
    tipo = resposta[0]
    if tipo == "falta":
        raise FalhaNoFilho(
            f"{resposta[1]}.py não define {resposta[2]}: a função tem de estar no módulo (na célula "
            f"%%writefile), com este nome."
        )
    if tipo == "excecao":
        raise FalhaNoFilho(_texto_da_excecao(nome, resposta) + sobras)
    if tipo == "nao_serializavel":
        raise FalhaNoFilho(
            f"{nome} devolveu um objeto que não é dado simples ({resposta[1]}: {resposta[2]}). "
            "Devolva dados simples: números, strings, listas, dicionários, tuplas." + sobras
        )
    if tipo != "ok":
        raise FalhaNoFilho(f"{nome}: a resposta do processo chegou corrompida ({resposta[1:]}).")
    if execucao.sobras:
        raise FalhaNoFilho(
            f"{nome} devolveu o resultado, mas deixou {execucao.sobras} processo(s) vivo(s) ao terminar: "
            "faltou join() (ou terminate()) nos processos que você criou, ou shutdown() num manager?"
        )
    return resposta[1]


def verificar_igual(obtido, esperado, dica: str = "") -> None:
    """Falha com 'esperava X, recebi Y' (e a dica) quando os dois diferem."""
    __tracebackhide__ = True
    if obtido != esperado:
        raise FalhaNoFilho(f"esperava {esperado!r}, recebi {obtido!r}" + (f": {dica}" if dica else ""))


def verificar(condicao: bool, mensagem: str) -> None:
    """Falha com ``mensagem`` quando ``condicao`` é falsa."""
    __tracebackhide__ = True
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
    # Só olha um IPython que já está carregado: importá-lo custa ~0,2 s em cada filho spawn/forkserver
    # que importa o autograder (as sondas viajam para os filhos do aluno), e sem ele não há shell.
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return
    shell = ipython.get_ipython()
    # Só se ninguém mais instalou um tratador (set_custom_exc aceita um só).
    if shell is not None and not getattr(shell, "custom_exceptions", ()):
        shell.set_custom_exc((FalhaNoFilho,), _mostrar_falha)


_instalar_no_ipython()
