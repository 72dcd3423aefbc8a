"""Submissões de mentira do exercício 05 (managers) e suas notas exatas (total: 7 pontos)."""

from submissoes import Variante

M = "ex05-modulo"

VARIANTES = {
    "correta": Variante(nota=7),
    # O append na cópia da lista aninhada: a Parte C falha.
    "parcial": Variante(nota=5, trocas={M: [("        log.append(nome)\n        historico[\"log\"] = log", "        historico[\"log\"].append(nome)")]}),
    # O contador de palavras nunca termina.
    # (Dormindo em laço, não girando: o laço que gira, e ocupa a CPU até o prazo, fica no ex01, ex02 e ex03;
    # aqui, dormir também nunca acaba, e a turma da suíte não gasta um núcleo nele duas vezes por aluno.)
    "laco_infinito": Variante(nota=4, trocas={M: [("            contagem[palavra] = contagem.get(palavra, 0) + 1", "            import time\n            while True:\n                time.sleep(0.5)")]}),
    # O filho pega a trava e a pega de novo (Lock não é reentrante): espera por si mesmo.
    "impasse": Variante(nota=5, trocas={M: [("    with trava:\n        if item not in lista:", "    trava.acquire()\n    with trava:\n        if item not in lista:")]}),
    # O filho da Parte A levanta uma exceção.
    "excecao": Variante(nota=4, trocas={M: [("    for palavra in texto.lower().split():", "    for palavra in texto.lower().split(0):")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # historico_de escrita numa célula em vez de no módulo: a Parte C não acha a função.
    "funcao_na_celula": Variante(
        nota=5,
        trocas={M: [("def historico_de(nomes, registrar=registrar):", "def _historico_removido(nomes, registrar=registrar):")]},
        novas_celulas=[(M, "def historico_de(nomes, registrar=None):\n    return sorted(nomes)")],
    ),
    # unicos deixa um processo rodando.
    "deixa_filhos": Variante(nota=5, trocas={M: [("        return sorted(lista)", "        import time\n        Process(target=time.sleep, args=(120,)).start()\n        return sorted(lista)")]}),
}
