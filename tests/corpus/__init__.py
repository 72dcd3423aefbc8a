"""O corpus de submissões: cada exercício com alunos de mentira escritos como alunos de verdade
escreveriam, de quatro tipos, cada um com a nota esperada POR CÉLULA e a causa que a mensagem
de cada falha tem de nomear. Veja tests/corpus/README.md."""

from __future__ import annotations

from dataclasses import dataclass, field

TIPOS = ("correta", "sutil", "patologica", "trapaca")


@dataclass
class Submissao:
    """Uma submissão do corpus.

    - ``tipo``: correta (escrita de outro jeito que a referência), sutil (viola UM requisito do
      enunciado), patologica (trava, impasse, morre, imprime demais, deixa órfãos...) ou trapaca;
    - ``modulo``: o texto inteiro da célula ``%%writefile`` (sem a linha ``%%writefile``), ou None
      para a solução de referência com ``trocas`` aplicadas;
    - ``trocas``: (trecho, substituto) aplicados à solução de referência quando ``modulo`` é None;
    - ``celulas``: células de código que o aluno acrescentou depois da célula do módulo;
    - ``notas``: pontos esperados em CADA célula corrigida (grade_id -> pontos);
    - ``causas``: para cada célula que falha, uma regex que a mensagem de falha tem de conter
      (a dica que o aluno vê nomeia a causa real).
    """

    tipo: str
    notas: dict[str, float]
    modulo: str | None = None
    trocas: list[tuple[str, str]] = field(default_factory=list)
    celulas: list[str] = field(default_factory=list)
    causas: dict[str, str] = field(default_factory=dict)
    descricao: str = ""

    def __post_init__(self):
        assert self.tipo in TIPOS, self.tipo
