"""A trapaça que forja a resposta do executor (escrita pela equipe de trapaças da sessão 7, sem ver o
corretor por dentro): o módulo do aluno sobe a pilha até o canal da resposta (a conexão do executor
no notebook, o descritor na nota de registro), escreve ali "ok" com o resultado esperado e processos,
joins, travas e encontros inventados, e sai — nenhum processo é criado. Os textos ficam em
``forja/*.txt`` (a base comum e a parte de cada exercício), que não são módulos importáveis."""

from pathlib import Path

_PASTA = Path(__file__).with_name("forja")

#: O que a mensagem de cada parte tem de dizer.
CAUSA = r"mexeu nos instrumentos do teste \(a resposta do executor .*resposta forjada"


def modulo(exercicio: str) -> str:
    """O módulo inteiro da trapaça para ``exercicio`` (ex04, ex09, ex10)."""
    return (_PASTA / "base.txt").read_text(encoding="utf-8") + "\n" + (_PASTA / f"{exercicio}.txt").read_text(encoding="utf-8")
