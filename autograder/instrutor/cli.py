"""A linha de comando do corretor (``python -m autograder.corrigir``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.instrutor.coleta import coletar_zip
from autograder.instrutor.lote import corrigir
from autograder.instrutor.sandbox import OPCAO_SEM_ISOLAMENTO, SemIsolamento

DESCRICAO = """Corrige um exercício da turma inteira: do zip do AVA (ou de submitted/) às notas e ao feedback.

    python -m autograder.corrigir ex06_chat --zip turma.zip          # zip baixado do AVA
    python -m autograder.corrigir ex06_chat                          # o que já está em submitted/
    python -m autograder.corrigir ex06_chat -j 8 --prazo 300
    python -m autograder.corrigir ex06_chat --dask tcp://10.0.0.5:8786

Cada submissão é corrigida num sandbox próprio (bubblewrap: processos, rede e disco isolados, com
limites), com seu próprio nbgrader autograde e uma nota de registro do módulo; só o processo
principal escreve no gradebook. Um diário (relatorios/<exercicio>/diario.jsonl) registra cada
submissão concluída: interrompa quando quiser e rode de novo — só o que falta é corrigido.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.corrigir", description=DESCRICAO,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exercicio", help="o nome do exercício, como em source/ (ex.: ex06_chat)")
    parser.add_argument("--curso", type=Path, default=Path.cwd(), help="pasta do curso (padrão: a atual)")
    parser.add_argument("--zip", type=Path, help="zip baixado do AVA com as entregas da turma")
    parser.add_argument("--padrao", default="simples",
                        help="padrão dos nomes no zip: simples, moodle ou uma regex com os grupos aluno e arquivo")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="correções ao mesmo tempo (padrão: duas por núcleo)")
    parser.add_argument("--prazo", type=float, default=600.0, help="segundos de relógio para cada submissão inteira")
    parser.add_argument("--dask", help="endereço de um scheduler do Dask (ex.: tcp://10.0.0.5:8786)")
    parser.add_argument("--sem-feedback", action="store_true", help="não gerar o feedback HTML")
    parser.add_argument(OPCAO_SEM_ISOLAMENTO, dest="sem_isolamento", action="store_true",
                        help="corrigir sem sandbox (o código dos alunos roda com o seu usuário: só para código confiável)")
    args = parser.parse_args(argv)
    if args.zip:
        try:
            coleta = coletar_zip(args.zip, args.curso, args.exercicio, args.padrao)
        except ValueError as erro:
            print(f"Erro: {erro}", file=sys.stderr)
            return 2
        print(f"Coletados {len(coleta.alunos)} alunos do zip.")
        for nome, motivo in coleta.recusadas:
            print(f"  recusado: {nome} ({motivo})")
        for escolha in coleta.escolhas:
            print(f"  {escolha}")
    if args.sem_isolamento:
        print("Aviso: corrigindo SEM isolamento — o código dos alunos roda com o seu usuário "
              "(pode alterar notas, ler os testes ocultos e deixar processos vivos).", file=sys.stderr)
    try:
        turma = corrigir(args.curso, args.exercicio, jobs=args.jobs, prazo=args.prazo, dask=args.dask,
                         feedback=not args.sem_feedback, isolar=not args.sem_isolamento)
    except SemIsolamento as erro:
        print(str(erro), file=sys.stderr)
        return 3
    for falha in turma.falhas:
        print(f"Erro: {falha}", file=sys.stderr)
    return 1 if turma.falhas else 0
