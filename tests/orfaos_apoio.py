"""Processos que escapam da árvore do pytest, para os testes da vigilância (tests/test_apoio.py).

Cada função devolve (ou grava em ``arquivo``) o pid de quem ficou vivo. Só usa a biblioteca padrão:
os filhos do forkserver importam este módulo."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def neto_por_fork_duplo(arquivo: str, segundos: float = 60) -> None:
    """Fork duplo sem exec: o neto muda de sessão, o filho sai e o neto fica órfão (o pai dele
    passa a ser o init). Grava o pid do neto em ``arquivo`` e volta quando o filho já saiu."""
    leitura, escrita = os.pipe()
    filho = os.fork()
    if filho == 0:
        try:
            if os.fork() == 0:
                os.setsid()
                os.write(escrita, str(os.getpid()).encode())
                os.close(escrita)
                time.sleep(segundos)
        finally:
            os._exit(0)
    os.close(escrita)
    neto = os.read(leitura, 32).decode()
    os.close(leitura)
    os.waitpid(filho, 0)
    with open(arquivo, "w", encoding="utf-8") as saida:
        saida.write(neto)


def orfao_com_exec(arquivo: str) -> None:
    """Um processo novo (exec) em outra sessão que o chamador não espera: órfão quando ele sai."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    with open(arquivo, "w", encoding="utf-8") as saida:
        saida.write(str(proc.pid))


def dorme(segundos: float) -> None:
    time.sleep(segundos)
