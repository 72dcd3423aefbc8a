"""Testes do próprio apoio: a vigilância de processos pega quem fica para trás."""

import subprocess
import sys

import psutil
import pytest
from apoio import vigiar_processos


def test_vigilancia_mata_e_acusa_processo_deixado_vivo():
    with pytest.raises(AssertionError, match="processos deixados vivos"):
        with vigiar_processos(tolerancia=0.5):
            proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert not psutil.pid_exists(proc.pid) or psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE
    proc.wait(timeout=5)


def test_vigilancia_acha_orfao_que_mudou_de_sessao():
    codigo = (
        "import os, subprocess, sys;"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], start_new_session=True);"
        "os._exit(0)"
    )
    with pytest.raises(AssertionError, match="processos deixados vivos"):
        with vigiar_processos(tolerancia=0.5):
            subprocess.run([sys.executable, "-c", codigo], check=True, timeout=30)


def test_vigilancia_aceita_processo_que_terminou():
    with vigiar_processos(tolerancia=0.5):
        subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=30)
