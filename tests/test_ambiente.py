"""A primeira execução (ferramentas/ambiente.sh, chamado pelo make): Python velho ou ausente,
ambiente de outro Python, pela metade ou quebrado, Debian sem python3-venv, e só reinstalar quando
algo mudou. Roda o script de verdade num projeto mínimo (sem dependências: o pip não baixa nada
pesado), com Pythons falsos onde é preciso simular um sistema."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from apoio import RAIZ

PYENV = Path("/root/.pyenv/versions")
PYTHON_DO_SISTEMA = shutil.which("python3")


def _pyenv(versao: str) -> str | None:
    """Um Python de verdade de outra versão, se este computador tiver (pyenv)."""
    achados = sorted(PYENV.glob(f"{versao}.*/bin/python3")) if PYENV.is_dir() else []
    return str(achados[-1]) if achados else None


@pytest.fixture
def projeto(tmp_path: Path) -> Path:
    """Um curso mínimo: o script, o configurador do JupyterLab e um pyproject sem dependências."""
    (tmp_path / "ferramentas").mkdir()
    for nome in ("ambiente.sh", "configurar_jupyterlab.py", "curso.mk"):
        shutil.copy2(RAIZ / "ferramentas" / nome, tmp_path / "ferramentas" / nome)
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=77"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "curso-minimo"\nversion = "1.0"\ndependencies = []\n\n'
        '[project.optional-dependencies]\nextra = []\n\n[tool.setuptools]\npackages = []\n',
        encoding="utf-8",
    )
    (tmp_path / "Makefile").write_text("include ferramentas/curso.mk\n.DEFAULT_GOAL := curso\n", encoding="utf-8")
    return tmp_path


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(sys.prefix))
    return env


def preparar(projeto: Path, python: str = "python3", extras: str = "", explicito: bool = True,
             prazo: float = 600) -> subprocess.CompletedProcess:
    """Roda o script como o make o chama; ``explicito``: como se o aluno tivesse escrito PYTHON=.

    O prazo só corta um script travado: sozinho ele leva ~9 s, mas com a suíte ocupando os dois núcleos
    cada chamada chegou a ~170 s (e passou de 300 s com duas suítes na mesma máquina). O script roda numa
    sessão própria: no prazo, o grupo inteiro (o pip, netos do sh) é morto, e nada sobra vivo."""
    env = _env() | {"PYTHON_EXPLICITO": "command" if explicito else ""}
    proc = subprocess.Popen(["sh", "ferramentas/ambiente.sh", python, ".venv", extras], cwd=projeto, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        saida, erro = proc.communicate(timeout=prazo)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, saida, erro)


def _versao_do_venv(projeto: Path) -> str:
    return subprocess.run([str(projeto / ".venv" / "bin" / "python"), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True, timeout=60).stdout.strip()


def _python_falso(pasta: Path, corpo: str) -> str:
    caminho = pasta / "python-falso"
    caminho.write_text(f"#!/bin/sh\nREAL={PYTHON_DO_SISTEMA}\n{corpo}\n", encoding="utf-8")
    caminho.chmod(0o755)
    return str(caminho)


# Um Python 3.8 "de mentira": o de verdade, com sys.version_info trocado.
PYTHON_VELHO = """if [ "$1" = -c ]; then
  exec "$REAL" -c 'import sys; sys.version_info = (3, 8, 18, "final", 0); exec(sys.argv[1])' "$2"
fi
exec "$REAL" "$@\""""

# Debian/Ubuntu sem python3-venv: "python3 -m venv" cria metade do venv (sem pip) e falha.
SEM_ENSUREPIP = """case " $* " in
  *" -m venv --without-pip "*) exec "$REAL" "$@" ;;
  *" -m venv "*)
    for ultimo in "$@"; do :; done
    "$REAL" -m venv --without-pip "$ultimo"
    echo "The virtual environment was not created successfully because ensurepip is not available." >&2
    exit 1 ;;
esac
exec "$REAL" "$@\""""

# ... e sem o pip do sistema nem o virtualenv.
SEM_ENSUREPIP_NEM_PIP = SEM_ENSUREPIP.replace(
    "case \" $* \" in", "case \" $* \" in\n  *\" -m pip \"*|*\" -m virtualenv \"*) echo 'No module named pip' >&2; exit 1 ;;"
)


@pytest.mark.parametrize("tipo", ["falso", "3.9 de verdade"])
def test_python_velho_diz_como_indicar_outro(projeto: Path, tmp_path: Path, tipo: str):
    if tipo == "falso":
        python = _python_falso(tmp_path, PYTHON_VELHO)
    else:
        python = _pyenv("3.9")
        if not python:
            pytest.skip("sem um Python 3.9 neste computador")
    proc = subprocess.run(["make", "--no-print-directory", "curso", f"PYTHON={python}"], cwd=projeto, env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Este curso precisa de Python 3.10 ou mais novo" in proc.stderr, proc.stderr
    assert "make curso PYTHON=python3." in proc.stderr, proc.stderr
    assert "AssertionError" not in proc.stderr + proc.stdout
    assert not (projeto / ".venv").exists()


def test_python_ausente(projeto: Path):
    proc = preparar(projeto, python="python-que-nao-existe")
    assert proc.returncode == 1 and "Não encontrei o Python 'python-que-nao-existe'" in proc.stderr
    assert "PYTHON=" in proc.stderr


@pytest.mark.timeout(1800)
def test_cria_uma_vez_e_so_reinstala_quando_algo_muda(projeto: Path):
    primeira = preparar(projeto)
    assert primeira.returncode == 0, primeira.stdout + primeira.stderr
    assert "Ambiente pronto" in primeira.stdout
    assert "Editable installation" not in primeira.stdout + primeira.stderr
    segunda = preparar(projeto)
    assert segunda.returncode == 0 and segunda.stdout == "", segunda.stdout  # nada a fazer, nada dito
    # Pedir um extra que falta instala; depois, sem extra, nada a fazer (o extra continua).
    com_extra = preparar(projeto, extras="extra")
    assert "extras: extra" in com_extra.stdout, com_extra.stdout + com_extra.stderr
    assert preparar(projeto).stdout == ""
    # Mudar as dependências reinstala (levando os extras já instalados).
    with open(projeto / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write("\n# mudou\n")
    mudou = preparar(projeto)
    assert "Instalando" in mudou.stdout and "extras: extra" in mudou.stdout, mudou.stdout
    assert "refazê-lo" not in mudou.stdout  # o venv em si continua


@pytest.mark.timeout(3 * 600 + 120)
def test_venv_de_outro_python_e_refeito(projeto: Path):
    assert preparar(projeto).returncode == 0
    outro = _pyenv("3.12") or _pyenv("3.13") or _pyenv("3.10")
    if outro is None:  # sem outro Python: finge que o venv veio de outro
        (projeto / ".venv" / ".python-do-curso").write_text("/usr/bin/python3.10 3.10 gil\n")
        outro = "python3"
    proc = preparar(projeto, python=outro)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "foi criado com outro Python" in proc.stdout and "refazê-lo do zero" in proc.stdout
    esperado = subprocess.run([outro, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True,
                              text=True, env=_env(), timeout=60).stdout.strip()
    assert _versao_do_venv(projeto) == esperado
    # Depois, sem PYTHON= (make curso puro), vale o Python que criou o venv: nada é refeito.
    if outro != "python3":
        sem_python = preparar(projeto, explicito=False)
        assert sem_python.returncode == 0 and sem_python.stdout == "", sem_python.stdout + sem_python.stderr
        assert _versao_do_venv(projeto) == esperado


@pytest.mark.timeout(3 * 600 + 120)
def test_venv_pela_metade_ou_quebrado_e_refeito(projeto: Path):
    # Pela metade: o venv existe mas a instalação nunca terminou (sem a marca do Python).
    subprocess.run([PYTHON_DO_SISTEMA, "-m", "venv", "--without-pip", str(projeto / ".venv")], check=True, timeout=120)
    proc = preparar(projeto)
    assert proc.returncode == 0 and "ficou pela metade" in proc.stdout, proc.stdout + proc.stderr
    # Quebrado: o pip dele sumiu.
    for pip in (projeto / ".venv" / "lib").glob("python3*/site-packages/pip"):
        shutil.rmtree(pip)
    proc = preparar(projeto)
    assert proc.returncode == 0 and "está quebrado" in proc.stdout, proc.stdout + proc.stderr
    assert subprocess.run([str(projeto / ".venv" / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, timeout=60).returncode == 0
    # Restos de uma remoção interrompida (sem pyvenv.cfg): refeito também.
    (projeto / ".venv" / "pyvenv.cfg").unlink()
    proc = preparar(projeto)
    assert proc.returncode == 0 and "incompleto" in proc.stdout, proc.stdout + proc.stderr


def test_pasta_que_nao_e_venv_nunca_e_apagada(projeto: Path):
    (projeto / ".venv").mkdir()
    (projeto / ".venv" / "meu-trabalho.ipynb").write_text("{}")
    proc = preparar(projeto)
    assert proc.returncode == 1 and "não vou apagá-la" in proc.stderr
    assert (projeto / ".venv" / "meu-trabalho.ipynb").exists()


def test_debian_sem_python3_venv_usa_o_pip_do_sistema(projeto: Path, tmp_path: Path):
    python = _python_falso(tmp_path, SEM_ENSUREPIP)
    proc = preparar(projeto, python=python)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "criei o venv sem pip e instalei nele o pip deste computador" in proc.stdout
    assert "externally-managed" not in proc.stderr and "--user" not in proc.stdout
    assert subprocess.run([str(projeto / ".venv" / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, timeout=60).returncode == 0


def test_debian_sem_python3_venv_nem_pip_nomeia_o_pacote(projeto: Path, tmp_path: Path):
    python = _python_falso(tmp_path, SEM_ENSUREPIP_NEM_PIP)
    proc = preparar(projeto, python=python)
    assert proc.returncode == 1
    if shutil.which("apt-get"):
        menor = subprocess.run([PYTHON_DO_SISTEMA, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True, timeout=60).stdout.strip()
        assert f"sudo apt install python{menor}-venv" in proc.stderr, proc.stderr
    assert not (projeto / ".venv").exists(), "o venv pela metade não pode ficar para trás"


def test_dois_makes_ao_mesmo_tempo_nao_se_atropelam(projeto: Path):
    (projeto / ".venv.trava").mkdir()
    (projeto / ".venv.trava" / "pid").write_text(str(os.getpid()))  # um "make" vivo: este processo
    proc = preparar(projeto)
    assert proc.returncode == 1 and "Outro 'make' está preparando o ambiente" in proc.stderr
    (projeto / ".venv.trava" / "pid").write_text("999999999")  # um make que morreu: a trava é retomada
    assert preparar(projeto).returncode == 0
    assert not (projeto / ".venv.trava").exists()


def test_make_curso_abre_o_sumario_com_ipc_e_cada_comando_instala_seus_extras():
    def simular(*args: str) -> str:
        return subprocess.run(["make", "-n", "--no-print-directory", *args], cwd=RAIZ, capture_output=True, text=True, timeout=60).stdout

    curso = simular("curso")
    assert "--LabApp.default_url=/lab/tree/notebooks/00-Indice.ipynb" in curso and "--KernelManager.transport=ipc" in curso
    assert 'ambiente.sh "python3" ".venv" ""' in curso  # o aluno: nenhum extra
    assert '".venv" "teste,instrutor,livro"' in simular("teste", "-o", "navegador")
    assert '".venv" "instrutor"' in simular("instrutor")
    assert '".venv" "livro"' in simular("livro")
    assert 'ambiente.sh "python3.12" ".venv" ""' in simular("curso", "PYTHON=python3.12")
