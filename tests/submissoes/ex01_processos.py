"""Submissões de mentira do exercício 01 (processos e pools) e suas notas exatas (total: 7 pontos)."""

from submissoes import Variante

M = "ex01-modulo"

VARIANTES = {
    "correta": Variante(nota=7),
    # Partes A e B; a soma paralela ainda não feita.
    "parcial": Variante(nota=4, trocas={M: [("    with ProcessPoolExecutor(max_workers=k) as executor:\n", "    raise NotImplementedError()\n    with ProcessPoolExecutor(max_workers=k) as executor:\n")]}),
    # O trabalhador do pool nunca termina.
    "laco_infinito": Variante(nota=4, trocas={M: [("    return sum(i * i for i in range(inicio, fim))", "    while True:\n        pass")]}),
    # O pai espera um item a mais do que os filhos mandam (e sem prazo).
    "impasse": Variante(nota=5, trocas={M: [("    pids = [fila.get(timeout=10)[0] for _ in processos]", "    pids = [fila.get()[0] for _ in range(n + 1)]")]}),
    # dividir levanta uma exceção (e a soma paralela, que a usa, também falha).
    "excecao": Variante(nota=2, trocas={M: [("    total = fim - inicio\n", "    total = (fim - inicio) / 0\n")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # O alvo dos filhos da parte A foi escrito numa célula do notebook: o módulo não o conhece.
    "funcao_na_celula": Variante(
        nota=5,
        trocas={M: [("def _reportar(fila):", "def _reportar_removida(fila):")]},
        novas_celulas=[(M, "import os\nfrom multiprocessing import current_process\n\n\ndef _reportar(fila):\n    fila.put((os.getpid(), current_process().name))")],
    ),
    # iniciar_processos deixa um filho vivo.
    "deixa_filhos": Variante(nota=5, trocas={M: [("    for p in processos:\n        p.start()\n    pids", "    for p in processos:\n        p.start()\n    import time\n    Process(target=time.sleep, args=(120,)).start()\n    pids")]}),
}
