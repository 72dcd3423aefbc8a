"""Submissões de mentira do exercício 02 (Pipe e Queue) e suas notas exatas (total: 7 pontos)."""

from submissoes import Variante

M = "ex02-modulo"

VARIANTES = {
    "correta": Variante(nota=7),
    # Parte A e B; o pipeline ainda não feito.
    "parcial": Variante(nota=5, trocas={M: [("    estagios = [Process(", "    raise NotImplementedError()\n    estagios = [Process(")]}),
    # O consumidor nunca sai do laço.
    "laco_infinito": Variante(nota=4, trocas={M: [("        soma += item\n", "        soma += item\n        while True:\n            pass\n")]}),
    # O pai dá join antes de ler, e o filho espera o pai enviar: os dois esperam.
    "impasse": Variante(nota=5, trocas={M: [("    p.start()\n    pai.send(list(numeros))", "    p.start()\n    p.join()\n    pai.send(list(numeros))")]}),
    # O estágio 1 levanta uma exceção.
    "excecao": Variante(nota=5, trocas={M: [("        saida.put(palavra.upper())", "        saida.put(palavra.upper() + 1)")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # consumidor escrito numa célula em vez de no módulo.
    "funcao_na_celula": Variante(
        nota=4,
        trocas={M: [("def consumidor(fila, resultados):", "def _consumidor_removida(fila, resultados):")]},
        novas_celulas=[(M, "def consumidor(fila, resultados):\n    soma = 0\n    while (item := fila.get(timeout=10)) is not None:\n        soma += item\n    resultados.put(soma)")],
    ),
    # O pipeline não espera seus estágios e ainda deixa outro processo rodando.
    "deixa_filhos": Variante(nota=5, trocas={M: [("    pares = resultados.get(timeout=10)\n", "    pares = resultados.get(timeout=10)\n    import time\n    Process(target=time.sleep, args=(120,)).start()\n")]}),
}
