"""O sandbox de cada submissão (bubblewrap): namespace de PID, rede só com loopback, visão do disco,
limites, e a recusa clara quando não há como isolar."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest
from apoio import RAIZ

from autograder.instrutor import sandbox
from autograder.instrutor.sandbox import Limites, Sandbox, motivo_indisponivel, processos_com

precisa_do_sandbox = pytest.mark.skipif(motivo_indisponivel() is not None, reason=f"sem sandbox: {motivo_indisponivel()}")


def _rodar(caixa: Sandbox, codigo: str, timeout: float = 60) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([*caixa.prefixo(), sys.executable, "-c", codigo], cwd=caixa.pasta, capture_output=True,
                              text=True, timeout=timeout)
    finally:
        caixa.encerrar()


def _vivos(texto: str) -> list[psutil.Process]:
    """Os processos vivos cujo último argumento é ``texto`` (o neto; não o bwrap nem o pai)."""
    restantes = []
    for proc in processos_com(texto):
        try:
            if proc.cmdline()[-1] == texto and proc.status() != psutil.STATUS_ZOMBIE:
                restantes.append(proc)
        except psutil.Error:
            pass
    return restantes


def _ataque(sinal: str, pai_espera: float) -> str:
    """Fork duplo, setsid e um neto com ambiente vazio que ignora SIGTERM e SIGINT e dorme."""
    return f"""
import os, signal, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execve(sys.executable, [sys.executable, "-c",
                  "import signal, time\\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\\ntime.sleep(300)",
                  {sinal!r}], {{}})
    os._exit(0)
time.sleep({pai_espera})
"""


def _esperar_neto(sinal: str, prazo: float = 30) -> list[psutil.Process]:
    fim = time.monotonic() + prazo
    while time.monotonic() < fim and not _vivos(sinal):
        time.sleep(0.1)
    return _vivos(sinal)


@precisa_do_sandbox
@pytest.mark.parametrize("quem_acaba", ["o corretor mata o sandbox", "o processo principal sai"])
def test_fork_duplo_setsid_e_ambiente_limpo_morrem_com_o_sandbox(tmp_path: Path, quem_acaba: str):
    sinal = "neto-" + uuid.uuid4().hex
    caixa = Sandbox(tmp_path)
    # quando o processo principal sai por conta própria, o neto tem de ser visto (e examinado) antes:
    # 10 s de vida para o principal, folga para o bwrap e dois pythons nascerem numa máquina ocupada
    pai_espera = 120 if quem_acaba == "o corretor mata o sandbox" else 10
    proc = subprocess.Popen([*caixa.prefixo(), sys.executable, "-c", _ataque(sinal, pai_espera)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        neto = _esperar_neto(sinal)
        assert neto, "o neto deveria estar vivo enquanto o sandbox existe"
        assert neto[0].environ() == {}, "o neto trocou para um ambiente vazio (nenhuma marca o acharia)"
        assert neto[0].ppid() != proc.pid and neto[0].terminal() is None
        if quem_acaba == "o corretor mata o sandbox":
            assert caixa.encerrar() >= 1
        else:
            assert proc.wait(timeout=60) == 0  # o namespace acaba quando o processo principal sai
        psutil.wait_procs(neto, timeout=10)
        assert _vivos(sinal) == [], "o neto sobreviveu ao fim do sandbox"
        proc.wait(timeout=10)
    finally:
        caixa.encerrar()
        proc.kill()
        proc.wait(timeout=10)


@precisa_do_sandbox
def test_a_vigia_mata_o_sandbox_quando_a_escrita_fecha_mesmo_com_o_pai_vivo(tmp_path: Path):
    """O ``--die-with-parent`` só vale depois que o bwrap monta o namespace: um corretor morto antes
    disso deixava o sandbox vivo. A vigia não depende do pai: sem ninguém com a escrita do pipe da
    entrada, tudo no sandbox morre (o neto com fork duplo, setsid e sinais ignorados também), enquanto
    o pai do bwrap (este processo) continua vivo — foi a vigia, não o sinal da morte do pai."""
    sinal = "neto-" + uuid.uuid4().hex
    caixa = Sandbox(tmp_path)
    leitura, escrita = os.pipe()
    try:
        proc = subprocess.Popen([*caixa.prefixo(vigiar_entrada=True), sys.executable, "-c", _ataque(sinal, 300)],
                                cwd=tmp_path, stdin=leitura, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        os.close(leitura)
    try:
        neto = _esperar_neto(sinal)
        assert neto, "o neto deveria estar vivo enquanto o sandbox existe"
        time.sleep(0.5)
        assert proc.poll() is None and _vivos(sinal), "com a escrita aberta, o sandbox continua vivo"
        os.close(escrita)
        escrita = None
        proc.wait(timeout=30)
        psutil.wait_procs(neto, timeout=10)
        assert _vivos(sinal) == [], "o neto sobreviveu à vigia"
        assert processos_com(caixa.token) == [], "o sandbox sobreviveu à vigia"
    finally:
        if escrita is not None:
            os.close(escrita)
        caixa.encerrar()
        proc.kill()
        proc.wait(timeout=10)


@precisa_do_sandbox
def test_com_a_vigia_o_programa_le_a_entrada_vazia_e_nao_tem_filhos(tmp_path: Path):
    """O programa no sandbox não recebe o pipe da vigia: a entrada dele é /dev/null (ler não tira
    nada da vigia nem trava esperando). A vigia não é filha dele: o ipykernel, ao sair, tenta
    terminar os próprios filhos, e uma vigia filha (de outro uid) enchia o log de AccessDenied."""
    leitura, escrita = os.pipe()
    caixa = Sandbox(tmp_path)
    try:
        r = subprocess.run([*caixa.prefixo(vigiar_entrada=True), sys.executable, "-c",
                            "import os, sys, psutil; print(repr(sys.stdin.read()), os.readlink('/proc/self/fd/0'), "
                            "len(psutil.Process().children()))"],
                           cwd=tmp_path, stdin=leitura, capture_output=True, text=True, timeout=60)
    finally:
        os.close(leitura)
        os.close(escrita)
        caixa.encerrar()
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["''", "/dev/null", "0"]


@precisa_do_sandbox
def test_kernel_no_sandbox_morre_sem_a_escrita_da_vigia(tmp_path: Path):
    """O kernel do ``KernelIsolado`` tem a vigia na entrada, com a escrita só no processo do corretor:
    fechá-la (o que a morte do corretor faz, em qualquer momento da partida) mata o kernel no sandbox."""
    from autograder.instrutor.kernel_isolado import KernelIsolado

    soquetes = Path(tempfile.mkdtemp(prefix="k"))  # soquetes Unix: caminho curto
    trabalho = tmp_path / "trabalho"
    trabalho.mkdir()
    token = "sbx-" + uuid.uuid4().hex

    async def roteiro():
        km = KernelIsolado(kernel_name="python3", transport="ipc", ip=str(soquetes / "k"))
        km.isolamento = {"soquetes": str(soquetes), "token": token, "limites": {}}
        await km.start_kernel(cwd=str(trabalho))
        try:
            assert await km.is_alive() and processos_com(token), "o kernel deveria ter iniciado no sandbox"
            assert km._vigia is not None
            km._fechar_vigia()
            fim = time.monotonic() + 30
            while time.monotonic() < fim and (await km.is_alive() or processos_com(token)):
                await asyncio.sleep(0.1)
            assert not await km.is_alive(), "o kernel sobreviveu à vigia"
            assert processos_com(token) == [], "o sandbox do kernel sobreviveu à vigia"
        finally:
            await km.shutdown_kernel(now=True)  # também fecha a vigia e apaga os arquivos do kernel

    try:
        asyncio.run(roteiro())
    finally:
        sandbox.matar(processos_com(token))
        import shutil

        shutil.rmtree(soquetes, ignore_errors=True)


@precisa_do_sandbox
def test_rede_so_com_loopback_proprio(tmp_path: Path):
    # Um servidor no 127.0.0.1 DESTA máquina: de dentro do sandbox, o 127.0.0.1 é outro.
    servidor = socket.create_server(("127.0.0.1", 0))
    porta = servidor.getsockname()[1]
    try:
        r = _rodar(Sandbox(tmp_path), f"""
import queue, socket
from multiprocessing.managers import BaseManager
class Gerente(BaseManager):
    pass
Gerente.register("fila", callable=queue.Queue)
g = Gerente(address=("127.0.0.1", 0), authkey=b"chave")
g.start()
cliente = Gerente(address=g.address, authkey=b"chave")
cliente.connect()
print("manager", cliente.fila().qsize())
g.shutdown()
for alvo in [("127.0.0.1", {porta}), ("1.1.1.1", 80)]:
    try:
        socket.create_connection(alvo, timeout=3)
        print("conectou", alvo)
    except OSError as erro:
        print("falhou", alvo[0], erro.errno)
""")
    finally:
        servidor.close()
    assert r.returncode == 0, r.stderr
    assert "manager 0" in r.stdout
    assert "conectou" not in r.stdout
    assert "falhou 127.0.0.1 111" in r.stdout  # recusada: ninguém escuta no loopback do sandbox
    assert "falhou 1.1.1.1 101" in r.stdout  # rede inalcançável


@precisa_do_sandbox
def test_disco_so_leitura_sem_source_sem_home_e_pasta_de_trabalho_descartavel(tmp_path: Path):
    trabalho = tmp_path / "trabalho"
    trabalho.mkdir()
    (trabalho / "solucao_ex01.py").write_text("X = 1\n")
    segredo = tmp_path / "gradebook.db"
    segredo.write_text("notas")
    r = _rodar(Sandbox(trabalho), f"""
import os, sys
from pathlib import Path
print("modulo", open("solucao_ex01.py").read().strip())
for caminho in [{str(RAIZ / "source")!r}, {str(segredo)!r}, {str(Path.home() / ".bashrc")!r}, "/etc/shadow"]:
    print("existe" if os.path.exists(caminho) else "ausente", caminho)
for caminho in ["/usr/trapaca", sys.prefix + "/trapaca", {str(segredo)!r}]:
    try:
        open(caminho, "w").write("x")
        print("escreveu", caminho)
    except OSError as erro:
        print("negado", erro.strerror)
open("novo.txt", "w").write("só no sandbox")
print("uid", os.getuid())
""")
    assert r.returncode == 0, r.stderr
    assert "modulo X = 1" in r.stdout
    assert "existe" not in r.stdout and "escreveu" not in r.stdout
    assert "negado Read-only file system" in r.stdout
    assert segredo.read_text() == "notas"
    assert sorted(p.name for p in trabalho.iterdir()) == ["solucao_ex01.py"], "o que o aluno escreve não volta para fora"
    uid = int(r.stdout.split("uid ")[1].split()[0])
    assert uid != 0, "nunca root dentro do sandbox"


@precisa_do_sandbox
def test_limites_de_processos_arquivo_disco_e_memoria(tmp_path: Path):
    limites = Limites(processos=40, tamanho_arquivo=2 * 2**20, disco=8 * 2**20, memoria=1 * 2**30, arquivos_abertos=64)
    r = _rodar(Sandbox(tmp_path, limites=limites), """
import os, time
filhos = []
try:
    for _ in range(200):
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        filhos.append(pid)
except OSError as erro:
    print("processos", len(filhos), erro.strerror)
for pid in filhos:
    os.kill(pid, 9)
try:
    open("grande", "wb").write(b"x" * (3 * 2**20))
except OSError as erro:
    print("arquivo", erro.strerror)
try:
    for i in range(10):
        open(f"p{i}", "wb").write(b"x" * (2 * 2**20 - 1))
except OSError as erro:
    print("disco", erro.strerror)
try:
    b = bytearray(2 * 2**30)
except MemoryError:
    print("memoria MemoryError")
abertos = []
try:
    for _ in range(200):
        abertos.append(open("/dev/null"))
except OSError as erro:
    print("abertos", len(abertos), erro.strerror)
""", timeout=90)
    assert r.returncode == 0, r.stderr
    processos = int(r.stdout.split("processos ")[1].split()[0])
    assert processos < 40 and "Resource temporarily unavailable" in r.stdout
    assert "arquivo File too large" in r.stdout
    assert "disco No space left on device" in r.stdout
    assert "memoria MemoryError" in r.stdout
    assert "abertos" in r.stdout and int(r.stdout.split("abertos ")[1].split()[0]) < 64


@precisa_do_sandbox
def test_o_prefixo_do_executor_roda_um_processo_no_sandbox_como_a_biblioteca_fara(tmp_path: Path):
    """A biblioteca inicia cada executor como ``json.loads(AUTOGRADER_EXECUTOR) + [python, -m, ...]``."""
    (tmp_path / "solucao_ex01.py").write_text("import os\ndef quem():\n    return os.getuid(), os.getcwd()\n")
    caixa = Sandbox(tmp_path)
    prefixo = json.loads(caixa.variavel_executor({"PROCESSOS_METODO": "spawn", "SEGREDO": "x"}))
    assert Path(prefixo[0]).name == "bwrap"
    try:
        r = subprocess.run([*prefixo, sys.executable, "-c",
                            "import os, solucao_ex01; print(solucao_ex01.quem(), os.environ.get('PROCESSOS_METODO'), os.environ.get('SEGREDO'))"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60)
    finally:
        caixa.encerrar()
    assert r.returncode == 0, r.stderr
    assert f"'{tmp_path.resolve()}')" in r.stdout
    assert r.stdout.strip().endswith("spawn None"), "só as variáveis do curso entram no sandbox"


def test_sem_bwrap_o_motivo_diz_como_instalar(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda nome: None)
    sandbox.motivo_indisponivel.cache_clear()
    try:
        motivo = sandbox.motivo_indisponivel()
    finally:
        monkeypatch.undo()
        sandbox.motivo_indisponivel.cache_clear()
    assert "bubblewrap" in motivo and "make sandbox" in motivo


def test_fora_do_linux_o_motivo_aponta_vm_ou_dask(monkeypatch):
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    sandbox.motivo_indisponivel.cache_clear()
    try:
        motivo = sandbox.motivo_indisponivel()
        with pytest.raises(sandbox.SemIsolamento, match="--sem-isolamento"):
            sandbox.exigir_isolamento()
    finally:
        monkeypatch.undo()
        sandbox.motivo_indisponivel.cache_clear()
    assert "darwin" in motivo and "máquina virtual Linux" in motivo and "Dask" in motivo


@precisa_do_sandbox
@pytest.mark.lento
def test_bench_mede_com_e_sem_sandbox_na_mesma_execucao(capsys):
    from autograder.instrutor import bench

    assert bench.main(["--n", "2", "--jobs", "2", "--cursos", "chat", "--tambem-sem-sandbox"]) == 0
    saida = capsys.readouterr().out
    linhas = [linha for linha in saida.splitlines() if linha.startswith("corrigir -j 2")]
    assert len(linhas) == 2, saida
    assert "sem sandbox" in linhas[0] and "sem sandbox" not in linhas[1], saida
    assert all(linha.endswith("idênticas") for linha in linhas), saida
    assert "custo do sandbox (-j 2)" in saida


_ENCHE = {
    # 4 MiB por arquivo (abaixo do limite por arquivo), um atrás do outro, na pasta gravável de fora.
    "disco": """
import sys, time
for i in range(40):
    with open(f"{sys.argv[1]}/lixo{i}.bin", "wb") as arq:
        arq.write(b"x" * (4 * 2**20))
    time.sleep(0.05)
time.sleep(60)
""",
    # Três processos com 300 MiB cada (abaixo do limite por processo), ao mesmo tempo.
    "memoria": """
import os, time
for _ in range(3):
    if os.fork() == 0:
        dados = b"x" * (300 * 2**20)
        time.sleep(60)
        os._exit(0)
time.sleep(60)
""",
    # Quem fica dentro dos limites: 8 MiB escritos, 100 MiB num processo, e termina sozinho.
    "dentro": """
import sys, time
open(f"{sys.argv[1]}/pouco.bin", "wb").write(b"x" * (8 * 2**20))
dados = b"x" * (100 * 2**20)
time.sleep(3)
""",
}


@precisa_do_sandbox
@pytest.mark.parametrize("caso", list(_ENCHE))
def test_a_vigia_soma_o_disco_gravavel_e_a_memoria_do_sandbox_e_corta(tmp_path: Path, caso: str):
    """Os limites do sandbox valem por processo e por arquivo; o disco gravável de fora dos tmpfs (a
    pasta dos soquetes do kernel, os diários) e a memória somada de todos os processos, só a vigia
    vê: passou do limite, o sandbox é encerrado e o motivo diz o que foi tentado."""
    from autograder.instrutor.sandbox import VigiaDosLimites

    trabalho, fora = tmp_path / "trabalho", tmp_path / "fora"
    trabalho.mkdir()
    fora.mkdir()
    limites = Limites(disco_gravavel=32 * 2**20, memoria_total=600 * 2**20)
    caixa = Sandbox(trabalho, gravaveis=[fora], limites=limites)
    caixa.preparar()  # a pasta gravável passa a ser do usuário do sandbox
    cortes = []
    proc = subprocess.Popen([*caixa.prefixo(), sys.executable, "-c", _ENCHE[caso], str(fora)], cwd=trabalho)
    inicio = time.monotonic()
    try:
        with VigiaDosLimites(caixa.token, [fora], limites, lambda: (cortes.append(time.monotonic()), caixa.encerrar()),
                             intervalo=0.2) as vigia:
            proc.wait(timeout=90)
            duracao = time.monotonic() - inicio
    finally:
        caixa.encerrar()
        proc.wait(timeout=10)
    if caso == "dentro":
        assert (proc.returncode, cortes, vigia.motivo) == (0, [], None)
        return
    assert len(cortes) == 1 and cortes[0] - inicio < 40, (cortes, vigia.motivo)
    assert duracao < 45  # o sandbox morreu no corte, e não depois dos 60 s de sono do código
    esperado = {"disco": "encher o disco (", "memoria": "usar memória além do limite ("}[caso]
    assert vigia.motivo.startswith(esperado), vigia.motivo
    assert not processos_com(caixa.token)


def test_descendentes_pelo_proc_sao_os_mesmos_do_psutil():
    """A vigia dos limites acha os processos do sandbox pelos arquivos ``children`` do /proc (barato);
    eles têm de ser os mesmos que o psutil acha varrendo a máquina: netos, bisnetos e os filhos de
    outras threads."""
    from autograder.instrutor.sandbox import descendentes

    arvore = (
        "import subprocess, sys, threading, time\n"
        "neto = [sys.executable, '-c', 'import subprocess, sys, time; "
        "subprocess.Popen([sys.executable, \"-c\", \"import time; time.sleep(60)\"]); time.sleep(60)']\n"
        "subprocess.Popen(neto)\n"
        "threading.Thread(target=lambda: subprocess.Popen(['sleep', '60'])).start()\n"
        "print('pronto', flush=True); time.sleep(60)\n"
    )
    raiz = subprocess.Popen([sys.executable, "-c", arvore], stdout=subprocess.PIPE, text=True)
    try:
        assert raiz.stdout.readline().strip() == "pronto"
        processo = psutil.Process(raiz.pid)
        fim = time.monotonic() + 30
        while len(processo.children(recursive=True)) < 3 and time.monotonic() < fim:
            time.sleep(0.1)
        esperados = {p.pid for p in processo.children(recursive=True)}
        assert len(esperados) == 3
        assert {p.pid for p in descendentes(processo)} == esperados
    finally:
        # Só a árvore deste teste: o pytest tem filhos que vivem até o fim (o forkserver, o rastreador).
        arvore_viva = [psutil.Process(raiz.pid), *psutil.Process(raiz.pid).children(recursive=True)]
        for proc in arvore_viva:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        raiz.wait(timeout=10)
        psutil.wait_procs(arvore_viva, timeout=5)
