"""Submissões de mentira do exercício 06 (chat) e suas notas exatas (total: 9 pontos: servidor 2, chave 1,
participante 3, conversa 2, encerramento 1)."""

from submissoes import Variante

M = "ex06-modulo"

VARIANTES = {
    "correta": Variante(nota=9),
    # Partes A e B certas; conversar ainda não feita.
    "parcial": Variante(nota=6, trocas={M: [(
        "    chave = secrets.token_bytes(32)\n    servidor = iniciar_servidor(chave)\n    try:\n        resultados = Queue()",
        "    raise NotImplementedError()\n    chave = secrets.token_bytes(32)\n    servidor = iniciar_servidor(chave)\n    try:\n        resultados = Queue()",
    )]}),
    # O participante nunca sai do laço: B e a conversa falham (o encerramento com participantes que caem
    # não chega a chamar participante).
    # (Dormindo em laço, não girando: o laço que gira, e ocupa a CPU até o prazo, fica no ex01, ex02 e ex03;
    # aqui, dormir também nunca acaba, e a turma da suíte não gasta um núcleo nele duas vezes por aluno.)
    "laco_infinito": Variante(nota=4, trocas={M: [(
        "        if eh_sair(mensagem):\n            return transcricao\n        vez_de_escrever = not vez_de_escrever",
        "        import time\n        while True:\n            time.sleep(0.5)",
    )]}),
    # Os dois lados começam esperando receber: ninguém escreve.
    "impasse": Variante(nota=4, trocas={M: [("    vez_de_escrever = comeca\n", "    vez_de_escrever = False\n")]}),
    # O participante levanta uma exceção.
    "excecao": Variante(nota=4, trocas={M: [("    transcricao = []\n", "    transcricao = []\n    raise RuntimeError('caiu a conexão')\n")]}),
    # O kernel morre logo depois de escrever o módulo.
    "kernel_morre": Variante(nota=0, novas_celulas=[(M, "import os\nos._exit(1)")]),
    # participante escrito numa célula do notebook em vez de no módulo.
    "funcao_na_celula": Variante(
        nota=4,
        trocas={M: [("def participante(nome, outro,", "def _participante_removido(nome, outro,")]},
        novas_celulas=[(M, "def participante(nome, outro, endereco, chave, fonte, comeca, prazo=10.0, mostrar=None):\n    return []")],
    ),
    # conversar deixa um processo filho rodando (sem join): a conversa e o encerramento falham.
    "deixa_filhos": Variante(nota=6, trocas={M: [(
        "        for p in processos:\n            p.start()\n",
        "        for p in processos:\n            p.start()\n        import time\n        Process(target=time.sleep, args=(120,)).start()\n",
    )]}),
}
