"""Submissões de mentira do exercício 04 (Value e Array) e suas notas exatas (total: 7 pontos)."""

from submissoes import Variante

M = "ex04-modulo"

VARIANTES = {
    "correta": Variante(nota=7),
    # Partes A e B; a subtração ainda não feita.
    "parcial": Variante(nota=5, trocas={M: [("    for a in range(len(vet)):\n        for _ in range(vezes):\n            with vet.get_lock():\n                vet[a] -= 1",
                                            "    raise NotImplementedError()")]}),
    # preencher nunca termina.
    # (Dormindo em laço, não girando: o laço que gira, e ocupa a CPU até o prazo, fica no ex01, ex02 e ex03;
    # aqui, dormir também nunca acaba, e a turma da suíte não gasta um núcleo nele duas vezes por aluno.)
    "laco_infinito": Variante(nota=5, trocas={M: [("    for i in range(inicio, fim):\n        vet[i] = i * i", "    import time\n    while True:\n        time.sleep(0.5)")]}),
    # O pai segura a trava enquanto espera os filhos, que precisam dela: os dois esperam.
    "impasse": Variante(nota=4, trocas={M: [("    for p in filhos:\n        p.join(timeout=60)\n    return contador.value",
                                             "    with contador.get_lock():\n        for p in filhos:\n            p.join()\n    return contador.value")]}),
    # A subtração usa um nome que não recebeu, como nos slides.
    "excecao": Variante(nota=5, trocas={M: [("def subtracao(vet, vezes):", "def subtracao(n, vezes):")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # preencher escrito numa célula em vez de no módulo.
    "funcao_na_celula": Variante(
        nota=5,
        trocas={M: [("def preencher(vet, inicio, fim):", "def _preencher_removida(vet, inicio, fim):")]},
        novas_celulas=[(M, "def preencher(vet, inicio, fim):\n    for i in range(inicio, fim):\n        vet[i] = i * i")],
    ),
    # contar deixa um processo rodando.
    "deixa_filhos": Variante(nota=4, trocas={M: [("    for p in filhos:\n        p.join(timeout=60)\n    return contador.value",
                                                  "    for p in filhos:\n        p.join(timeout=60)\n    import time\n    Process(target=time.sleep, args=(120,)).start()\n    return contador.value")]}),
}
