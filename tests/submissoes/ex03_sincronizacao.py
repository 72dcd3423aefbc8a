"""Submissões de mentira do exercício 03 (sincronização) e suas notas exatas (total: 7 pontos)."""

from submissoes import Variante

M = "ex03-modulo"

VARIANTES = {
    "correta": Variante(nota=7),
    # Sem a trava na seção crítica: os intervalos se sobrepõem.
    "parcial": Variante(nota=5, trocas={M: [(
        "    with trava:\n        entrada = time.time()\n        time.sleep(duracao)\n        registro.put((entrada, time.time()))",
        "    entrada = time.time()\n    time.sleep(duracao)\n    registro.put((entrada, time.time()))",
    )]}),
    # O trabalhador da seção crítica nunca termina.
    "laco_infinito": Variante(nota=5, trocas={M: [("        time.sleep(duracao)\n        registro.put((entrada, time.time()))", "        while True:\n            time.sleep(duracao)")]}),
    # A barreira espera um processo a mais do que existe: todos esperam para sempre.
    "impasse": Variante(nota=4, trocas={M: [("    barreira, registro = Barrier(len(esperas)), Queue()", "    barreira, registro = Barrier(len(esperas) + 1), Queue()"),
                                             ("    barreira.wait(timeout=10)", "    barreira.wait()")]}),
    # O filho do semáforo levanta uma exceção.
    "excecao": Variante(nota=5, trocas={M: [("            ocupacao.value -= 1", "            ocupacao.value -= 1\n            raise ValueError('recurso quebrado')")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # duas_fases escrita numa célula em vez de no módulo.
    "funcao_na_celula": Variante(
        nota=4,
        trocas={M: [("def duas_fases(barreira, registro, espera):", "def _duas_fases_removida(barreira, registro, espera):")]},
        novas_celulas=[(M, "def duas_fases(barreira, registro, espera):\n    barreira.wait(timeout=10)")],
    ),
    # maximo_simultaneo deixa um processo rodando.
    "deixa_filhos": Variante(nota=5, trocas={M: [("    for p in processos:\n        p.join(timeout=30)\n    return maximo.value", "    for p in processos:\n        p.join(timeout=30)\n    Process(target=time.sleep, args=(120,)).start()\n    return maximo.value")]}),
}
