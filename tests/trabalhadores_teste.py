"""Funções de módulo que os testes da biblioteca autograder rodam em processos filhos."""

import multiprocessing
import os
import time


def dobro(x):
    return 2 * x


def meu_pid():
    return os.getpid()


def divide(a, b):
    return a / b


def nao_resolvido():
    raise NotImplementedError()


def laco_sem_fim():
    while True:
        time.sleep(0.01)


def impasse():
    fila = multiprocessing.Queue()
    return fila.get()  # ninguém põe nada: espera para sempre


def morre(codigo):
    os._exit(codigo)


def mata_a_si_mesmo():
    os.kill(os.getpid(), 9)


def neto_eterno(arquivo=None):
    p = multiprocessing.Process(target=time.sleep, args=(600,))
    p.start()
    if arquivo:  # o teste confere depois que este neto morreu (ele pode ficar órfão, fora da árvore do teste)
        with open(arquivo, "w") as saida:
            saida.write(str(p.pid))
    return p.pid  # devolve sem join: o filho de teste não consegue terminar


def neto_daemon_orfao():
    """Cria um neto que sai da sessão e continua vivo depois que o filho termina."""
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    return p.pid


def manager_esquecido():
    m = multiprocessing.Manager()
    lista = m.list([1, 2, 3])
    return list(lista)  # sem shutdown: o finalizador do manager deve encerrá-lo


def devolve_lock():
    return multiprocessing.Lock()


def cria_e_espera_filhos(n):
    filhos = [multiprocessing.Process(target=time.sleep, args=(0.1,)) for _ in range(n)]
    for p in filhos:
        p.start()
    for p in filhos:
        p.join()
    return [p.exitcode for p in filhos]
