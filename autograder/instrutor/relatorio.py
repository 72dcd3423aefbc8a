"""O relatório da turma: tabela no terminal e em ``resumo.txt``, as mais lentas, as que pedem um olhar
humano e o histograma das notas."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.instrutor.status import NAO_GRAVAR, OK


@dataclass
class Linha:
    """Uma linha do relatório: a situação de um aluno."""

    aluno: str
    nota: float
    maximo: float
    status: str
    tempo: float
    avisos: list[str]
    modo: str = ""


class Turma(list):
    """As linhas da correção (uma lista de :class:`Linha`) e o que falhou depois dela (feedback, exportação)."""

    def __init__(self, linhas=(), falhas=None):
        list.__init__(self, linhas)
        self.falhas = list(falhas or [])


def relatorio(curso: Path, exercicio: str, linhas: list[Linha], saida=sys.stdout, falhas: list[str] | None = None) -> Path:
    """Escreve o resumo e o histograma; devolve o caminho do PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pasta = curso / "relatorios" / exercicio
    pasta.mkdir(parents=True, exist_ok=True)
    largura = max([len(linha.aluno) for linha in linhas] + [5])
    texto = [f"{'aluno':<{largura}}  {'nota':>9}  {'status':<20}  {'tempo':>8}  modo", "-" * (largura + 66)]
    for linha in sorted(linhas, key=lambda x: x.aluno):
        # Quem não foi corrigido não tem nota nesta correção (a antiga, se houver, ficou no gradebook).
        nota = f"{'—':>4} {'':<4}" if linha.status in NAO_GRAVAR else f"{linha.nota:>4g}/{linha.maximo:<4g}"
        texto.append(f"{linha.aluno:<{largura}}  {nota}  {linha.status:<20}  {linha.tempo:6.1f} s  {linha.modo}")
    lentas = sorted(linhas, key=lambda x: -x.tempo)[:5]
    texto += ["", "Mais lentas: " + ", ".join(f"{x.aluno} ({x.tempo:.1f} s)" for x in lentas)]
    olhar = [x for x in linhas if x.status != OK or x.avisos]
    if olhar:
        texto += ["", "Pedem um olhar humano:"]
        texto += [f"  {x.aluno}: {x.status}" + (f" — {'; '.join(x.avisos)}" if x.avisos else "") for x in olhar]
    if falhas:
        texto += ["", "Falhas depois da correção:"] + [f"  {f}" for f in falhas]
    (pasta / "resumo.txt").write_text("\n".join(texto) + "\n", encoding="utf-8")
    print("\n".join(texto), file=saida, flush=True)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    corrigidas = [x for x in linhas if x.status not in NAO_GRAVAR]
    maximo = max([x.maximo for x in corrigidas] + [1])
    ax.hist([x.nota for x in corrigidas], bins=[i - 0.5 for i in range(int(maximo) + 2)], edgecolor="black")
    ax.set(title=f"Notas de {exercicio} ({len(corrigidas)} submissões corrigidas)", xlabel="nota", ylabel="alunos")
    fig.tight_layout()
    png = pasta / "histograma.png"
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return png
