"""Submissões de mentira do exercício 09 (pools) e suas notas exatas (total: 10 pontos)."""

from submissoes import Variante

M = "ex09-modulo"
_MAP = "        return list(executor.map(tarefa, argumentos, chunksize=lote, timeout=PRAZO))"

VARIANTES = {
    "correta": Variante(nota=10),
    # Sem chunksize: os lotes se espalham pelos trabalhadores (parte D, 3 pontos).
    "parcial": Variante(nota=7, trocas={M: [(_MAP, "        return list(executor.map(tarefa, argumentos, timeout=PRAZO))")]}),
    # em_lotes nunca volta (um laço que dorme: não gasta CPU da máquina de correção); o prazo corta.
    "laco_infinito": Variante(nota=7, trocas={M: [(_MAP, "        import time\n        while True:\n            time.sleep(0.5)")]}),
    # Um item a mais na fila, lido sem prazo: todos esperam para sempre (impasse cortado em segundos).
    "impasse": Variante(nota=7, trocas={M: [(
        "    with ProcessPoolExecutor(max_workers=processos) as executor:\n" + _MAP,
        "    import multiprocessing\n"
        "    fila = multiprocessing.Queue()\n"
        "    p = multiprocessing.Process(target=fila.put, args=(0,))\n"
        "    p.start()\n"
        "    fila.get()\n"
        "    fila.get()\n"
        "    p.join()",
    )]}),
    # processar_todos levanta uma exceção: as partes B e C caem.
    "excecao": Variante(nota=6, trocas={M: [("    resultados, falhas = {}, {}\n",
                                             "    resultados, falhas = {}, {}\n    raise ValueError('pool indisponível')\n")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # em_lotes escrita numa célula em vez de no módulo.
    "funcao_na_celula": Variante(
        nota=7,
        trocas={M: [("def em_lotes(tarefa, argumentos, processos, lote):", "def _em_lotes_removida(tarefa, argumentos, processos, lote):")]},
        novas_celulas=[(M, "from concurrent.futures import ProcessPoolExecutor\n\n\n"
                           "def em_lotes(tarefa, argumentos, processos, lote):\n"
                           "    with ProcessPoolExecutor(processos) as ex:\n"
                           "        return list(ex.map(tarefa, argumentos, chunksize=lote))")],
    ),
    # em_lotes deixa um processo rodando.
    "deixa_filhos": Variante(nota=7, trocas={M: [(_MAP, _MAP.replace("        return ", "        valores = ")
                                                  + "\n    import multiprocessing\n    import time\n"
                                                  "    multiprocessing.Process(target=time.sleep, args=(120,)).start()\n"
                                                  "    return valores")]}),
}
