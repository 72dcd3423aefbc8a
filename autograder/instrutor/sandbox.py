"""O isolamento de cada submissão: um sandbox do bubblewrap (``bwrap``), sem daemon nem Docker.

Tudo o que roda código do aluno (o kernel do notebook e os executores da nota de registro) começa com
o prefixo de :meth:`Sandbox.prefixo`, que põe o processo

- num **namespace de PID próprio**: quando o ``bwrap`` de fora morre, o PID 1 de dentro morre com ele
  (``--die-with-parent``) e o kernel do Linux mata todos os processos do namespace — inclusive os que
  fizeram fork duplo, ``setsid``, trocaram de ambiente ou ignoram sinais;
- numa **rede própria** só com ``lo`` (127.0.0.1): um BaseManager local funciona, nada de fora responde;
- numa **visão do disco** só com o necessário, só leitura (``/usr``, o Python, o venv, o pacote
  ``autograder`` e alguns arquivos de ``/etc``), e a pasta de trabalho copiada para um ``tmpfs`` de
  tamanho limitado: nada de ``source/``, gradebook, outros alunos ou a home do instrutor;
- com **limites** (rlimits, via ``prlimit``) de processos, memória, arquivos abertos, CPU e tamanho de
  arquivo, e um usuário sem privilégios: como root, um uid próprio por sandbox (``setpriv``); como
  usuário comum, o próprio uid dentro de um namespace de usuário.

Sem ``bwrap`` ou sem namespaces (macOS, Windows, um kernel que os proíbe), :func:`motivo_indisponivel`
diz por quê, em português, e o corretor se recusa a corrigir sem ``--sem-isolamento``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import psutil

#: A opção do corretor que aceita corrigir sem isolamento.
OPCAO_SEM_ISOLAMENTO = "--sem-isolamento"
#: Variável que a biblioteca lê para iniciar cada executor dentro do sandbox (JSON do prefixo).
VARIAVEL_EXECUTOR = "AUTOGRADER_EXECUTOR"
#: Onde a pasta de trabalho real aparece (só leitura) dentro do sandbox, antes de ir para o tmpfs.
ENTRADA = "/.entrada"
#: Os uids dos sandboxes quando o corretor roda como root: um por sandbox, sem conta no sistema.
UID_BASE, UID_FAIXA = 200_000, 60_000
#: Variáveis do ambiente que entram no sandbox (o resto fica de fora: tokens, chaves, PYTHONPATH...).
PREFIXOS_DO_AMBIENTE = ("PROCESSOS_", "AUTOGRADER_", "JPY_", "LANG", "LC_", "TZ", "NBGRADER_", "PYTHONHASHSEED")
#: Arquivos de /etc que o Python, o IPython e o matplotlib usam (o resto de /etc fica de fora).
ETC = ("hosts", "passwd", "group", "nsswitch.conf", "localtime", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "fonts", "mime.types")


class SemIsolamento(RuntimeError):
    """Não há como isolar as submissões nesta máquina (a mensagem diz por quê e o que fazer)."""


@dataclass(frozen=True)
class Limites:
    """Os limites de cada sandbox (valores por processo, exceto ``processos`` e os tmpfs)."""

    processos: int = 256  # processos e threads do usuário do sandbox (RLIMIT_NPROC)
    memoria: int = 3 * 2**30  # espaço de endereçamento por processo (RLIMIT_AS)
    arquivos_abertos: int = 1024  # RLIMIT_NOFILE
    cpu: int = 900  # segundos de CPU por processo (RLIMIT_CPU)
    tamanho_arquivo: int = 64 * 2**20  # maior arquivo que se pode escrever (RLIMIT_FSIZE)
    disco: int = 256 * 2**20  # tmpfs da pasta de trabalho
    tmp: int = 128 * 2**20  # tmpfs de /tmp e de /dev/shm (cada um)
    # As pastas graváveis que não são tmpfs (os soquetes do kernel, os diários da nota de registro)
    # ficam no disco de verdade, e a memória vale por processo: a vigia (``VigiaDosLimites``) soma.
    disco_gravavel: int = 64 * 2**20  # o que se escreve, somado, nas pastas graváveis de fora
    memoria_total: int = 3 * 2**30  # memória (PSS) somada dos processos do sandbox (um processo só já pode ter 3 GiB)

    def como_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Sandbox:
    """Um sandbox para o código de UMA submissão (pode iniciar vários processos, cada um com o prefixo).

    ``pasta`` é a pasta de trabalho: dentro do sandbox, o mesmo caminho é um tmpfs com uma cópia dela
    (o que o aluno escreve ali não volta para fora). ``gravaveis`` são pastas montadas com escrita (a
    dos soquetes do kernel); ``leitura``, arquivos ou pastas a mais, só leitura.
    """

    pasta: Path
    gravaveis: list[Path] = field(default_factory=list)
    leitura: list[Path] = field(default_factory=list)
    limites: Limites = field(default_factory=Limites)
    token: str = field(default_factory=lambda: "sbx-" + secrets.token_hex(8))
    uid: int | None = None

    def __post_init__(self):
        if self.uid is None and os.geteuid() == 0:
            self.uid = UID_BASE + secrets.randbelow(UID_FAIXA)

    def preparar(self) -> None:
        """Dá ao usuário do sandbox as pastas graváveis (como root, o uid do sandbox é outro)."""
        if self.uid is None:
            return
        for pasta in self.gravaveis:
            with contextlib.suppress(OSError):
                os.chown(pasta, self.uid, self.uid)

    def ambiente(self, env: dict[str, str] | None = None) -> dict[str, str]:
        """O ambiente de dentro: só variáveis do curso, e casa, temporários e PATH próprios."""
        env = os.environ if env is None else env
        dentro = {k: v for k, v in env.items() if k.startswith(PREFIXOS_DO_AMBIENTE) and k != VARIAVEL_EXECUTOR}
        dentro.update({
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp", "TMPDIR": "/tmp", "MPLCONFIGDIR": "/tmp/.matplotlib", "IPYTHONDIR": "/tmp/.ipython",
            "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "AUTOGRADER_SANDBOX": self.token,
        })
        dentro.setdefault("LANG", "C.UTF-8")
        return dentro

    def prefixo(self, env: dict[str, str] | None = None, vigiar_entrada: bool = False) -> list[str]:
        """O comando que roda ``prefixo + [programa, args...]`` dentro do sandbox, na pasta de trabalho.

        Com ``vigiar_entrada``, a entrada padrão do comando é a vigia do sandbox: quem inicia passa a
        ponta de leitura de um pipe (``stdin=``) e guarda a de escrita enquanto o sandbox deve viver.
        Quando ninguém mais a tem aberta (quem iniciou terminou ou foi morto, até com SIGKILL), a vigia,
        um processo do shell dentro do sandbox, mata todos os processos do namespace. Isso cobre o que o
        ``--die-with-parent`` não cobre: o ``bwrap`` só pede o sinal da morte do pai depois de montar o
        namespace, e um pai morto antes disso deixava o sandbox (um kernel ocioso) vivo para sempre.
        O programa recebe ``/dev/null`` como entrada padrão.
        """
        bwrap = shutil.which("bwrap")
        if not bwrap:
            raise SemIsolamento(motivo_indisponivel() or "bwrap não encontrado")
        pasta = str(Path(self.pasta).resolve())
        cmd = [
            bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv",
        ]
        if self.uid is None:
            cmd += ["--unshare-user", "--disable-userns"]
        for chave, valor in sorted(self.ambiente(env).items()):
            cmd += ["--setenv", chave, valor]
        montagens = _montagens_do_sistema()
        montagens += [("ro", str(p), str(p)) for p in _pastas_do_python()]
        montagens += [("ro", str(Path(p).resolve()), str(Path(p).resolve())) for p in self.leitura]
        montagens += [("rw", str(Path(p).resolve()), str(Path(p).resolve())) for p in self.gravaveis]
        montagens += [
            ("ro", pasta, ENTRADA), ("tmpfs", str(self.limites.disco), pasta),
            ("tmpfs", str(self.limites.tmp), "/tmp"), ("tmpfs", str(self.limites.tmp), "/dev/shm"),
        ]
        cmd += ["--proc", "/proc", "--dev", "/dev", *_montar(montagens), "--chdir", pasta, "--"]
        # A cópia da pasta de trabalho para o tmpfs (o que o aluno escreve fica só no sandbox), feita
        # antes de trocar de usuário, e entregue ao usuário do sandbox.
        # As pastas graváveis de dentro da pasta de trabalho (a .autograder dos executores) são montadas
        # por cima da cópia, e não copiadas.
        internas = [Path(p).resolve().name for p in self.gravaveis if Path(p).resolve().parent == Path(pasta)]
        excluir = "".join(f" ! -name {shlex.quote(nome)}" for nome in internas)
        copia = f"find {ENTRADA} -mindepth 1 -maxdepth 1{excluir} -exec cp -R {{}} . \\; 2>/dev/null"
        if self.uid is not None:
            copia += f"; find . -xdev -exec chown -h {self.uid}:{self.uid} {{}} + 2>/dev/null"
            # O que o processo de fora criou nelas (as pastas de cada executor) passa ao usuário do sandbox.
            copia += "".join(f"; chown -R -h {self.uid}:{self.uid} ./{shlex.quote(nome)} 2>/dev/null" for nome in internas)
        vigia = ""
        if vigiar_entrada:
            # O laço lê até o fim do arquivo (o pipe sem escritor); ``kill -KILL -1`` dentro de um
            # namespace de PID só alcança os processos dele. Como root, a vigia tem outro uid que o
            # aluno, que não pode matá-la. Sem ninguém mais no namespace, o kill falha: nada a dizer.
            # A vigia nasce de um subshell que sai logo: fica filha do PID 1 do sandbox, não do
            # programa (o ipykernel, ao sair, tenta terminar os próprios filhos e não pode com ela).
            vigia = "exec 3<&0 0</dev/null; ( { while read -r _; do :; done; kill -KILL -1 2>/dev/null; } <&3 & ); exec 3<&-; "
        cmd += ["/bin/sh", "-c", vigia + copia + '; exec "$@"', "sandbox"]
        if self.uid is not None:
            cmd += [
                "setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--",
            ]
        lim = self.limites
        cmd += [
            "prlimit", f"--nproc={lim.processos}", f"--as={lim.memoria}", f"--nofile={lim.arquivos_abertos}",
            f"--cpu={lim.cpu}", f"--fsize={lim.tamanho_arquivo}", "--core=0", "--",
        ]
        return cmd

    def variavel_executor(self, env: dict[str, str] | None = None) -> str:
        """O valor de ``AUTOGRADER_EXECUTOR`` para a biblioteca iniciar cada executor neste sandbox."""
        return json.dumps(self.prefixo(env))

    def processos(self) -> list[psutil.Process]:
        """Os processos deste sandbox vistos de fora (o ``bwrap`` de fora e o PID 1 de dentro)."""
        return processos_com(self.token)

    def encerrar(self) -> int:
        """Mata o sandbox: o ``bwrap`` (fora e dentro); o kernel do Linux leva todo o namespace junto."""
        return matar(self.processos())


#: Entradas (arquivos e pastas) que as pastas graváveis de um sandbox podem ter: milhões de arquivos
#: pequenos também enchem o disco, e contá-los todos a cada segundo custaria caro.
MAXIMO_DE_ENTRADAS = 20_000


def tamanho_das_pastas(pastas, maximo_de_entradas: int = MAXIMO_DE_ENTRADAS) -> tuple[int, int]:
    """(bytes dos arquivos, entradas) dentro de ``pastas``, sem seguir links; para de contar depois de
    ``maximo_de_entradas`` (milhões de arquivos pequenos também enchem o disco)."""
    total = entradas = 0
    pendentes = [str(p) for p in pastas]
    while pendentes and entradas <= maximo_de_entradas:
        with contextlib.suppress(OSError), os.scandir(pendentes.pop()) as itens:
            for item in itens:
                entradas += 1
                with contextlib.suppress(OSError):
                    if item.is_dir(follow_symlinks=False):
                        pendentes.append(item.path)
                    elif item.is_file(follow_symlinks=False):
                        total += item.stat(follow_symlinks=False).st_blocks * 512
    return total, entradas


def descendentes(raiz: psutil.Process) -> list[psutil.Process]:
    """Os descendentes de ``raiz``, pelos ``/proc/PID/task/TID/children`` (sem varrer a máquina
    inteira, como ``psutil.Process.children`` faz); sem esses arquivos, pelo psutil."""
    if not os.path.exists(f"/proc/{raiz.pid}/task/{raiz.pid}/children"):
        return raiz.children(recursive=True)
    achados, pendentes, vistos = [], [raiz.pid], {raiz.pid}
    while pendentes:
        pid = pendentes.pop()
        try:
            tarefas = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tarefa in tarefas:
            try:
                with open(f"/proc/{pid}/task/{tarefa}/children", encoding="ascii") as arquivo:
                    filhos = [int(x) for x in arquivo.read().split()]
            except (OSError, ValueError):
                continue
            for filho in filhos:
                if filho not in vistos:
                    vistos.add(filho)
                    pendentes.append(filho)
                    with contextlib.suppress(psutil.Error):
                        achados.append(psutil.Process(filho))
    return achados


def memoria_dos_processos(raizes: list[psutil.Process]) -> int:
    """A memória somada (PSS; RSS sem as páginas de arquivo quando o PSS não pode ser lido) de
    ``raizes`` e de todos os descendentes delas."""
    vistos, total = set(), 0
    for raiz in raizes:
        with contextlib.suppress(psutil.Error):
            for proc in [raiz, *descendentes(raiz)]:
                if proc.pid in vistos:
                    continue
                vistos.add(proc.pid)
                try:
                    total += proc.memory_full_info().pss
                except (psutil.Error, AttributeError, OSError):
                    with contextlib.suppress(psutil.Error):
                        info = proc.memory_info()
                        total += max(0, info.rss - getattr(info, "shared", 0))
    return total


class VigiaDosLimites:
    """Numa thread, a cada ``intervalo`` s: o que o sandbox ``token`` escreveu nas ``pastas`` graváveis
    de fora dos tmpfs e a memória somada dos processos dele. Passou de um limite, chama ``cortar`` (que
    mata o sandbox) uma vez e guarda em ``motivo`` o que foi tentado ("encher o disco (...)")."""

    def __init__(self, token: str, pastas, limites: Limites, cortar, intervalo: float = 1.0):
        self.token, self.pastas, self.limites, self.cortar, self.intervalo = token, list(pastas), limites, cortar, intervalo
        self.motivo: str | None = None
        self._raizes: list[psutil.Process] = []
        self._voltas = 0
        self._parar = threading.Event()
        self._thread = threading.Thread(target=self._vigiar, name="vigia-dos-limites", daemon=True)

    def conferir(self) -> str | None:
        disco, entradas = tamanho_das_pastas(self.pastas)
        if disco > self.limites.disco_gravavel or entradas > MAXIMO_DE_ENTRADAS:
            return (f"encher o disco ({disco / 2**20:.0f} MiB em {entradas} entradas nas pastas graváveis fora do "
                    f"tmpfs; o limite é {self.limites.disco_gravavel / 2**20:.0f} MiB)")
        memoria = memoria_dos_processos(self._raizes_do_sandbox())
        if memoria > self.limites.memoria_total:
            return (f"usar memória além do limite ({memoria / 2**30:.1f} GiB somados nos processos do sandbox; "
                    f"o limite é {self.limites.memoria_total / 2**30:.1f} GiB)")
        return None

    def _raizes_do_sandbox(self) -> list[psutil.Process]:
        """Os ``bwrap`` do sandbox (tudo o que roda nele descende deles). Procurá-los na máquina inteira
        custa ~20 ms com algumas centenas de processos; a vigia guarda os achados e só procura de novo
        quando nenhum deles vive mais (o kernel foi reiniciado) ou a cada 10 voltas (um sandbox novo
        com o mesmo token)."""
        vivas = [raiz for raiz in self._raizes if raiz.is_running()]
        self._voltas += 1
        if not vivas or self._voltas % 10 == 0:
            vivas = processos_com(self.token)
        self._raizes = vivas
        return vivas

    def _vigiar(self) -> None:
        while not self._parar.wait(self.intervalo):
            try:
                motivo = self.conferir()
            except Exception:  # noqa: BLE001 - a vigia nunca derruba a correção
                continue
            if motivo:
                self.motivo = motivo
                self.cortar()
                return

    def __enter__(self) -> VigiaDosLimites:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._parar.set()
        self._thread.join(timeout=30)


def processos_com(texto: str) -> list[psutil.Process]:
    """Os processos da máquina inteira com ``texto`` na linha de comando."""
    achados = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if proc.pid != os.getpid() and texto in " ".join(proc.cmdline()):
                achados.append(proc)
    return achados


def matar(processos: list[psutil.Process]) -> int:
    for proc in processos:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(processos, timeout=5)
    return len(processos)


def _pastas_do_python() -> list[Path]:
    """O Python (base e venv) e o pacote autograder: o que o kernel e o executor importam."""
    import autograder

    pastas = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent.parent}
    pastas.add(Path(autograder.__file__).resolve().parent)
    return sorted(p for p in pastas if not str(p).startswith("/usr/"))


def _montagens_do_sistema() -> list[tuple[str, str, str]]:
    montagens = [("ro", "/usr", "/usr")]
    for nome in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        caminho = Path("/") / nome
        if caminho.is_symlink():
            montagens.append(("link", os.readlink(caminho), str(caminho)))
        elif caminho.is_dir():
            montagens.append(("ro", str(caminho), str(caminho)))
    for nome in ETC:
        caminho = Path("/etc") / nome
        if caminho.exists():
            montagens.append(("ro", str(caminho), str(caminho)))
    return montagens


def _montar(montagens: list[tuple[str, str, str]]) -> list[str]:
    """As opções do bwrap para as montagens, criando antes cada pasta intermediária com 0755
    (o bwrap as cria com 0700, e o usuário do sandbox não conseguiria atravessá-las)."""
    args: list[str] = []
    montados: list[str] = []  # o que vem de fora (binds): o que está embaixo já existe
    criadas: set[str] = {"/", "/proc", "/dev"}

    def coberto(caminho: str) -> bool:
        return any(caminho == m or caminho.startswith(m.rstrip("/") + "/") for m in montados)

    for tipo, origem, destino in sorted(montagens, key=lambda m: m[2].count("/")):
        if coberto(destino) and tipo in ("ro", "link"):
            continue
        partes = Path(destino).parents
        for ancestral in reversed([str(p) for p in partes]):
            if ancestral in criadas or coberto(ancestral):
                continue
            args += ["--perms", "0755", "--dir", ancestral]
            criadas.add(ancestral)
        if tipo == "ro":
            args += ["--ro-bind", origem, destino]
        elif tipo == "rw":
            args += ["--bind", origem, destino]
        elif tipo == "link":
            args += ["--symlink", origem, destino]
        elif tipo == "tmpfs":
            args += ["--size", origem, "--perms", "1777", "--tmpfs", destino]
        if tipo != "tmpfs":
            montados.append(destino)
        criadas.add(destino)
    return args


@functools.lru_cache(maxsize=1)
def motivo_indisponivel() -> str | None:
    """None quando o sandbox funciona nesta máquina; senão, por que não (em português)."""
    if not sys.platform.startswith("linux"):
        return (
            f"este sistema ({sys.platform}) não tem os namespaces do Linux que isolam cada submissão; "
            "corrija numa máquina virtual Linux ou em workers do Dask em Linux (veja o README)"
        )
    if not shutil.which("bwrap"):
        return "o bubblewrap (bwrap) não está instalado: rode 'make sandbox' (ou 'sudo apt-get install bubblewrap')"
    for programa in ("setpriv", "prlimit"):
        if not shutil.which(programa):
            return f"falta o programa {programa} (pacote util-linux)"
    with tempfile.TemporaryDirectory(prefix="sbx-teste-") as tmp:
        caixa = Sandbox(Path(tmp))
        try:
            proc = subprocess.run(
                # Barato: o pacote importa, e o ipykernel (do kernel) está à vista, sem importá-lo.
                [*caixa.prefixo(), sys.executable, "-c",
                 "import importlib.util, autograder; assert importlib.util.find_spec('ipykernel'); print('ok')"],
                capture_output=True, text=True, timeout=120, cwd=tmp,
            )
        except (OSError, subprocess.TimeoutExpired) as erro:
            return f"o bwrap não conseguiu iniciar um processo isolado: {erro}"
        finally:
            caixa.encerrar()
        if proc.returncode != 0 or "ok" not in proc.stdout:
            detalhe = (proc.stderr.strip().splitlines() or ["sem mensagem"])[-1]
            return f"o bwrap não conseguiu criar os namespaces (este kernel os proíbe?): {detalhe}"
    return None


def exigir_isolamento() -> None:
    """Levanta :class:`SemIsolamento` com a mensagem para o instrutor quando não há como isolar."""
    motivo = motivo_indisponivel()
    if motivo:
        raise SemIsolamento(
            f"Não vou corrigir: não consigo isolar o código dos alunos nesta máquina — {motivo}. "
            f"Sem isolamento, o código de cada aluno roda com o seu usuário e pode alterar notas, ler os "
            f"testes ocultos ou deixar processos vivos. Para corrigir mesmo assim, use {OPCAO_SEM_ISOLAMENTO}."
        )
