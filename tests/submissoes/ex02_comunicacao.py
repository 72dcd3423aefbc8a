"""Submissões de mentira do exercício 02 (Pipe e Queue) e suas notas exatas (total: 7 pontos)."""

from submissoes import Variante

M = "ex02-modulo"

VARIANTES = {
    "correta": Variante(nota=7),
    # Parte A e B; o pipeline ainda não feito.
    "parcial": Variante(nota=5, trocas={M: [("    q1, q2, resultados = Queue(), Queue(), Queue()\n", "    raise NotImplementedError()\n")]}),
    # O consumidor nunca sai do laço.
    "laco_infinito": Variante(nota=4, trocas={M: [("        soma += item\n", "        soma += item\n        while True:\n            pass\n")]}),
    # O pai dá join antes de ler, e o filho espera o pai enviar: os dois esperam.
    "impasse": Variante(nota=5, trocas={M: [("    p.start()\n    pai.send(list(numeros))", "    p.start()\n    p.join()\n    pai.send(list(numeros))")]}),
    # O estágio 1 levanta uma exceção.
    "excecao": Variante(nota=5, trocas={M: [("        saida.put(palavra.upper())", "        saida.put(palavra.upper() + 1)")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # quadrados escrito numa célula em vez de no módulo.
    "funcao_na_celula": Variante(
        nota=5,
        trocas={M: [("def quadrados(con):", "def _quadrados_removida(con):")]},
        novas_celulas=[(M, "def quadrados(con):\n    con.send([n * n for n in con.recv()])")],
    ),
    # O pipeline não espera seus estágios e ainda deixa outro processo rodando.
    "deixa_filhos": Variante(nota=5, trocas={M: [("    pares = resultados.get(timeout=10)\n", "    pares = resultados.get(timeout=10)\n    import time\n    Process(target=time.sleep, args=(120,)).start()\n")]}),
}
