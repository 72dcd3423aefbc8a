"""Verifica se este computador consegue rodar o curso e diz, em português, o que corrigir.

Uso: ``python notebooks/verificar_ambiente.py`` (ou ``make verificar``), ou o notebook
``00-Verifique-seu-Ambiente.ipynb``.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from importlib import metadata

PACOTES = {
    "jupyterlab": "JupyterLab",
    "nbgrader": "nbgrader (correção dos exercícios)",
    "nbclient": "nbclient",
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
        return False, f"{PACOTES[modulo]}: não encontrado ({type(erro).__name__}) — rode 'make instalar' ou use o environment.yml"
    try:
        versao = metadata.version("processos-em-python" if modulo == "autograder" else modulo)
    except metadata.PackageNotFoundError:
        versao = "?"
    return True, f"{PACOTES[modulo]} {versao}"


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
    resultados += [verificar_pacote(m) for m in PACOTES]
    resultados.append(verificar_idioma())
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
