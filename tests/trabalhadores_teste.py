"""Funções de módulo que os testes da biblioteca autograder rodam em processos filhos."""

import multiprocessing
import os
import time


def dobro(x):
    return 2 * x


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


def mata_a_si_mesmo(sinal=9):
    os.kill(os.getpid(), sinal)


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


def imprime_muito(n_bytes):
    """Imprime no stdout e no stderr, no processo e num filho."""
    import sys

    print("linha do stdout")
    print("linha do stderr", file=sys.stderr)
    p = multiprocessing.Process(target=_imprime_filho, args=(n_bytes,))
    p.start()
    p.join()
    return "ok"


def _imprime_filho(n_bytes):
    import sys

    sys.stderr.write("x" * n_bytes + "\nfim do filho\n")


def dorme_e_devolve(segundos):
    """Um processo lento mas correto: um filho dorme e o pai espera (join)."""
    p = multiprocessing.Process(target=time.sleep, args=(segundos,))
    p.start()
    p.join()
    return segundos


def espera_com_prazo(segundos):
    """Espera numa fila vazia COM prazo: não é impasse, termina sozinho (levanta Empty)."""
    return multiprocessing.Queue().get(timeout=segundos)


def impasse_pelo_manager():
    """Um impasse que passa por um Manager: o get de uma fila dele que ninguém vai encher. Fora o
    servidor acordando sozinho de segundo em segundo, ninguém dá sinal de vida."""
    with multiprocessing.Manager() as gerente:
        return gerente.Queue().get()


def _dorme_e_poe(fila, segundos):
    time.sleep(segundos)
    fila.put(segundos)


def dorme_e_poe_pelo_manager(segundos):
    """Lento mas correto, por um Manager: o pai espera sem prazo um get que um filho atende depois de
    dormir ``segundos`` (dormir é progresso)."""
    with multiprocessing.Manager() as gerente:
        fila = gerente.Queue()
        p = multiprocessing.Process(target=_dorme_e_poe, args=(fila, segundos))
        p.start()
        valor = fila.get()
        p.join()
        return valor


def espera_com_prazo_pelo_manager(segundos):
    """Espera COM prazo numa fila de um Manager (a espera acontece numa thread do servidor): não é impasse."""
    with multiprocessing.Manager() as gerente:
        return gerente.Queue().get(timeout=segundos)


def excecao_sem_mensagem():
    import queue

    raise queue.Empty


def excecao_com_neto_vivo():
    multiprocessing.Process(target=time.sleep, args=(600,)).start()
    raise ValueError("deu errado")


def devolve_objeto():
    return Objeto()


class Objeto:
    def __reduce__(self):
        return (os.system, ("echo pickle executou > /dev/null",))


def sai_com_sys_exit():
    import sys

    sys.exit(3)


def incrementa(contador, vezes, com_trava):
    for _ in range(vezes):
        if com_trava:
            with contador.get_lock():
                contador.value += 1
        else:
            contador.value += 1


def incrementadores(contador, processos, vezes, com_trava):
    filhos = [multiprocessing.Process(target=incrementa, args=(contador, vezes, com_trava)) for _ in range(processos)]
    for p in filhos:
        p.start()
    for p in filhos:
        p.join()


def usa_barreira(barreira, esperas):
    filhos = [multiprocessing.Process(target=_espera_e_passa, args=(barreira, e)) for e in esperas]
    for p in filhos:
        p.start()
    for p in filhos:
        p.join()


def _espera_e_passa(barreira, espera):
    time.sleep(espera)
    barreira.wait(timeout=10)


def usa_fila(fila, usar_empty):
    fila.put(1)
    time.sleep(0.2)
    if usar_empty:
        fila.empty()
    return fila.get(timeout=5)


def pool_chama(funcao, k):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=k) as executor:
        return sorted(executor.map(funcao, range(k)))


def sequencial_chama(funcao, k):
    return sorted(funcao(i) for i in range(k))


def quadrado(x):
    return x * x


def devolve_numpy():
    import numpy as np

    return {"soma": np.int64(6), "vetor": np.arange(3)}


def incrementa_com_contexto(contador, metodo):
    """Usa a sonda do teste com processos de outro contexto (get_context)."""
    ctx = multiprocessing.get_context(metodo)
    p = ctx.Process(target=incrementa, args=(contador, 10, True))
    p.start()
    p.join()
    return contador.value


def levanta_com_filho_olhando(evento, atraso, esperar):
    """O pai levanta ``evento`` logo depois de iniciar um filho que só olha o evento ``atraso`` s
    depois de nascer (com ``is_set()``, ou com ``wait`` se ``esperar``); devolve o que o filho viu."""
    fila = multiprocessing.Queue()
    p = multiprocessing.Process(target=_olha_uma_vez, args=(evento, atraso, esperar, fila))
    p.start()
    evento.set()
    visto = fila.get(timeout=20)
    p.join(timeout=10)
    return visto


def _olha_uma_vez(evento, atraso, esperar, fila):
    time.sleep(atraso)
    fila.put(evento.wait(10) if esperar else evento.is_set())


def levanta_sozinho(evento):
    evento.set()
    return evento.is_set()


def join_antes_do_proximo_start(n):
    """Start, join com prazo curto, start do próximo (errado: em fila); no fim, join em todos."""
    filhos = []
    for _ in range(n):
        p = multiprocessing.Process(target=time.sleep, args=(0.3,))
        p.start()
        p.join(timeout=0.05)
        filhos.append(p)
    for p in filhos:
        p.join()
    return [p.pid for p in filhos]


def sem_join(n):
    filhos = [multiprocessing.Process(target=time.sleep, args=(0.05,)) for _ in range(n)]
    for p in filhos:
        p.start()
    time.sleep(0.5)
    return [p.pid for p in filhos]


def espera_cada_um(funcao, k):
    """Entrega um pedaço, espera (com prazo, num gerador para o wait) e só então entrega o próximo."""
    from concurrent.futures import ProcessPoolExecutor, as_completed, wait

    with ProcessPoolExecutor(max_workers=k) as executor:
        futuros = []
        for i in range(k):
            futuros.append(executor.submit(funcao, i))
            wait((f for f in futuros[-1:]), timeout=0.05)
        return sorted(f.result() for f in as_completed(f for f in futuros))


def join_em_laco():
    """Espera com join(timeout=0.02) num laço: o filho é esperado (o último join volta com ele terminado)."""
    p = multiprocessing.Process(target=time.sleep, args=(0.3,))
    p.start()
    while p.exitcode is None:
        p.join(timeout=0.02)
    return p.pid


def espera_com_is_alive(n):
    """Filhos que já acabaram quando o pai chega neles: ``while p.is_alive(): p.join(0.1)`` não dá join
    nenhum (o is_alive os recolhe), mas o pai viu cada um terminado antes de devolver."""
    filhos = [multiprocessing.Process(target=time.sleep, args=(0.01,)) for _ in range(n)]
    for p in filhos:
        p.start()
    while any(p._popen.poll() is None for p in filhos):  # sem is_alive/exitcode: espera sem recolher
        time.sleep(0.02)
    for p in filhos:
        while p.is_alive():
            p.join(0.1)
    return [p.pid for p in filhos]


def atribui_fatias(vet):
    """Uma fatia de verdade e duas vazias (vet[3:3] = [] não escreve nada)."""
    vet[0:2] = [1, 2]
    vet[len(vet):len(vet)] = []
    vet[1:1] = []
    return list(vet[:])


class _JoinAoEmpacotar:
    """Um resultado que dá join no filho só quando o executor o empacota, depois de a função voltar."""

    def __init__(self, processo):
        self.processo = processo

    def __reduce__(self):
        self.processo.join(timeout=30)
        return (str, ("empacotado",))


def comeca_e_so_junta_ao_empacotar():
    """Inicia um filho e volta sem join; o join só acontece fora da função, quando o executor empacota
    o resultado — como o join que o multiprocessing dá nos filhos ao terminar o executor."""
    p = multiprocessing.Process(target=time.sleep, args=(0,))
    p.start()
    return _JoinAoEmpacotar(p)
