"""Submissões de mentira do exercício 03 (sincronização) e suas notas exatas (total: 7 pontos)."""

from submissoes import Variante

M = "ex03-modulo"

VARIANTES = {
    "correta": Variante(nota=7),
    # O trabalho da seção crítica fica fora da trava: a parte A cai (vista pela sonda, sempre).
    "parcial": Variante(nota=5, trocas={M: [(
        "    with trava:\n        resultados.put(trabalho(i))",
        "    with trava:\n        pass\n    resultados.put(trabalho(i))",
    )]}),
    # O trabalhador da seção crítica nunca termina (o pai desiste no get com prazo).
    "laco_infinito": Variante(nota=5, trocas={M: [("    with trava:\n        resultados.put(trabalho(i))", "    with trava:\n        while True:\n            pass")]}),
    # Um filho a menos na barreira, e esperas sem prazo: todos esperam para sempre (impasse cortado).
    "impasse": Variante(nota=4, trocas={M: [
        ("    fase1(x)\n    barreira.wait(timeout=30)", "    fase1(x)\n    barreira.wait()"),
        ("for x in valores]\n    for p in processos:\n        p.start()\n    saida = [resultados.get(timeout=60) for _ in processos]",
         "for x in valores[1:]]\n    for p in processos:\n        p.start()\n    saida = [resultados.get() for _ in processos]"),
    ]}),
    # O filho do semáforo levanta uma exceção.
    "excecao": Variante(nota=5, trocas={M: [("        resultado = trabalho(i)\n", "        resultado = trabalho(i)\n        raise ValueError('recurso quebrado')\n")]}),
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # duas_fases escrita numa célula em vez de no módulo.
    "funcao_na_celula": Variante(
        nota=4,
        trocas={M: [("def duas_fases(barreira, fase1, fase2, x, resultados):", "def _duas_fases_removida(barreira, fase1, fase2, x, resultados):")]},
        novas_celulas=[(M, "def duas_fases(barreira, fase1, fase2, x, resultados):\n    fase1(x)\n    barreira.wait(timeout=10)\n    resultados.put(fase2(x))")],
    ),
    # limitar deixa um processo rodando.
    "deixa_filhos": Variante(nota=5, trocas={M: [("    for p in processos:\n        p.join(timeout=30)\n    return saida\n\n\ndef duas_fases",
                                                  "    for p in processos:\n        p.join(timeout=30)\n    import time\n    Process(target=time.sleep, args=(120,)).start()\n    return saida\n\n\ndef duas_fases")]}),
}
