"""Submissões de mentira do exercício 10 (memória compartilhada com nome) e suas notas exatas (total: 10 pontos)."""

from submissoes import Variante

M = "ex10-modulo"
_ESPERA = "        for filho in filhos:\n            filho.join(timeout=PRAZO)\n"

VARIANTES = {
    "correta": Variante(nota=10),
    # Só a parte A; o lado do pai ainda não feito.
    "parcial": Variante(nota=3, trocas={M: [("    bloco = SharedMemory(create=True, size=8 * n)\n",
                                             "    raise NotImplementedError()\n    bloco = SharedMemory(create=True, size=8 * n)\n")]}),
    # preencher_fatia nunca termina (um laço que dorme: cortado pelo prazo, sem gastar CPU).
    "laco_infinito": Variante(nota=7, trocas={M: [("        quadrados[inicio:fim] = np.arange(inicio, fim, dtype=np.float64) ** 2\n",
                                                   "        import time\n        while True:\n            time.sleep(0.5)\n")]}),
    # Os filhos esperam uma largada que o pai só dá depois do join: os dois lados esperam.
    "impasse": Variante(nota=3, trocas={M: [
        ("from multiprocessing import Process\n", "from multiprocessing import Event, Process\n\n\ndef _depois_da_largada(largada, preencher, *args):\n    largada.wait()\n    preencher(*args)\n"),
        ("        filhos = [Process(target=preencher, args=(bloco.name, n, cortes[k], cortes[k + 1])) for k in range(processos)]\n",
         "        largada = Event()\n        filhos = [Process(target=_depois_da_largada, args=(largada, preencher, bloco.name, n, cortes[k], cortes[k + 1]))\n"
         "                  for k in range(processos)]\n"),
        (_ESPERA, "        for filho in filhos:\n            filho.join()\n        largada.set()\n")]}),
    # preencher_fatia usa um nome que não existe.
    "excecao": Variante(nota=7, trocas={M: [("    bloco = SharedMemory(name=nome)\n", "    bloco = SharedMemory(name=nome_do_bloco)\n")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # preencher_fatia escrita numa célula em vez de no módulo (o pai recebe o preencher do teste).
    "funcao_na_celula": Variante(
        nota=7,
        trocas={M: [("def preencher_fatia(nome, n, inicio, fim):", "def _preencher_removida(nome, n, inicio, fim):"),
                    ("preencher=preencher_fatia):", "preencher=None):")]},
        novas_celulas=[(M, "import numpy as np\nfrom multiprocessing.shared_memory import SharedMemory\n\n\n"
                           "def preencher_fatia(nome, n, inicio, fim):\n    shm = SharedMemory(name=nome)\n"
                           "    np.ndarray((n,), dtype=np.float64, buffer=shm.buf)[inicio:fim] = np.arange(inicio, fim) ** 2\n"
                           "    shm.close()")],
    ),
    # preencher_fatia deixa um processo rodando.
    "deixa_filhos": Variante(nota=7, trocas={M: [("    bloco = SharedMemory(name=nome)\n",
                                                  "    import time\n    Process(target=time.sleep, args=(120,)).start()\n    bloco = SharedMemory(name=nome)\n")]}),
}
