"""Verifica se este computador consegue rodar o curso e diz, em português, o que corrigir.

Uso: ``python notebooks/verificar_ambiente.py`` (ou ``make verificar``), ou o notebook
``00-Verifique-seu-Ambiente.ipynb``.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import subprocess
import sys
import sysconfig
from importlib import metadata

PACOTES = {
    "jupyterlab": "JupyterLab",
    "ipykernel": "ipykernel (o kernel Python do Jupyter)",
    "matplotlib": "matplotlib (gráficos)",
    "numpy": "NumPy",
    "psutil": "psutil (inspeção de processos)",
    "autograder": "autograder (a biblioteca de testes do curso)",
}


def pid_do_filho(_: object = None) -> tuple[int, int]:
    """Roda no processo filho: devolve (pid do filho, pid do pai)."""
    return os.getpid(), os.getppid()


def verificar_python() -> tuple[bool, str]:
    v = sys.version_info
    ok = v >= (3, 10)
    return ok, f"Python {v.major}.{v.minor}.{v.micro}" + ("" if ok else " — o curso precisa de 3.10 ou mais novo")


def verificar_pacote(modulo: str) -> tuple[bool, str]:
    try:
        importlib.import_module(modulo)
    except Exception as erro:  # noqa: BLE001 - qualquer falha de import é um problema do ambiente
        return False, f"{PACOTES[modulo]}: não encontrado ({type(erro).__name__}) — rode 'make curso' (ou 'make instalar') ou use o environment.yml"
    try:
        versao = metadata.version("processos-em-python" if modulo == "autograder" else modulo)
    except metadata.PackageNotFoundError:
        versao = "?"
    return True, f"{PACOTES[modulo]} {versao}"


def verificar_free_threading() -> tuple[bool, str]:
    """Informativo: este Python é uma compilação free-threaded (sem o GIL, PEP 703)?"""
    if not sysconfig.get_config_var("Py_GIL_DISABLED"):
        return True, (
            "Python com o GIL (a compilação padrão): threads não rodam código Python ao mesmo tempo; "
            "para usar vários núcleos, o curso usa processos"
        )
    gil_ligado = getattr(sys, "_is_gil_enabled", lambda: True)()
    estado = "mas o GIL está LIGADO neste processo (PYTHON_GIL=1 ou um módulo que o exige)" if gil_ligado else "e o GIL está desligado"
    return True, (
        f"Python free-threaded (compilado sem o GIL), {estado}: threads podem rodar código Python "
        "em paralelo; o curso usa processos mesmo assim (memória isolada, outros computadores)"
    )


def verificar_metodo_de_inicio(prazo: float = 60.0) -> tuple[bool, str]:
    """Informativo: o método de início padrão deste sistema, perguntado a um Python novo (perguntar
    a este fixaria o método neste processo)."""
    codigo = "import multiprocessing; print(multiprocessing.get_start_method())"
    try:
        proc = subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, timeout=prazo)
    except (OSError, subprocess.TimeoutExpired) as erro:
        return False, f"não consegui perguntar o método de início padrão: {type(erro).__name__}: {erro}"
    padrao = proc.stdout.strip()
    if proc.returncode != 0 or not padrao:
        return False, f"não consegui perguntar o método de início padrão: {proc.stderr.strip()[-300:]}"
    texto = f"método de início de processos padrão aqui: {padrao}"
    escolhido = os.environ.get("PROCESSOS_METODO")
    if escolhido:
        texto += f" (PROCESSOS_METODO={escolhido} escolhe outro para os testes dos exercícios)"
    return True, texto


def verificar_idioma() -> tuple[bool, str]:
    try:
        importlib.import_module("jupyterlab_language_pack_pt_BR")
    except ImportError:
        return False, "pacote de idioma pt-BR do JupyterLab ausente (jupyterlab-language-pack-pt-br)"
    return True, "pacote de idioma pt-BR do JupyterLab instalado"


def verificar_processo_filho(prazo: float = 60.0) -> tuple[bool, str]:
    """Inicia um processo filho de verdade com spawn (o método do Windows e do macOS)."""
    ctx = multiprocessing.get_context("spawn")
    try:
        with ctx.Pool(1) as pool:
            pid, ppid = pool.apply_async(pid_do_filho).get(timeout=prazo)
    except Exception as erro:  # noqa: BLE001
        return False, f"não consegui iniciar um processo filho com spawn: {type(erro).__name__}: {erro}"
    if pid == os.getpid():
        return False, "o 'filho' rodou no mesmo processo"
    return True, f"processo filho com spawn: pid {pid} (o deste é {os.getpid()}); métodos disponíveis: {', '.join(multiprocessing.get_all_start_methods())}"


def verificar_tudo() -> list[tuple[bool, str]]:
    resultados = [verificar_python()]
    resultados += [verificar_free_threading()]
    resultados += [verificar_pacote(m) for m in PACOTES]
    resultados.append(verificar_idioma())
    resultados.append(verificar_metodo_de_inicio())
    resultados.append(verificar_processo_filho())
    return resultados


def relatorio(resultados: list[tuple[bool, str]]) -> str:
    linhas = [("✔ " if ok else "✘ ") + texto for ok, texto in resultados]
    if all(ok for ok, _ in resultados):
        linhas.append("\nTudo certo: este ambiente roda o curso.")
    else:
        linhas.append(f"\nFalta corrigir {sum(not ok for ok, _ in resultados)} item(ns) marcados com ✘.")
    return "\n".join(linhas)


if __name__ == "__main__":
    resultados = verificar_tudo()
    print(relatorio(resultados))
    sys.exit(0 if all(ok for ok, _ in resultados) else 1)
