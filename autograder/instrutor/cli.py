"""A linha de comando do corretor (``python -m autograder.corrigir``)."""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from autograder.instrutor import lms
from autograder.instrutor.coleta import coletar_ava, coletar_zip
from autograder.instrutor.lote import corrigir
from autograder.instrutor.sandbox import OPCAO_SEM_ISOLAMENTO, SemIsolamento

DESCRICAO = """Corrige um exercício da turma inteira: do zip do AVA (ou de submitted/) às notas e ao feedback.

    python -m autograder.corrigir ex06_chat --zip turma.zip          # zip com aluno__arquivo.ipynb
    python -m autograder.corrigir ex06_chat --zip moodle.zip --padrao moodle   # e devolve ao Moodle
    python -m autograder.corrigir ex06_chat --zip canvas.zip --padrao canvas --tarefa-canvas 4321
    python -m autograder.corrigir ex06_chat --zip turma.zip --mapa quem_e_quem.csv
    python -m autograder.corrigir ex06_chat --zip moodle.zip --mapa planilha_de_notas.csv  # Moodle em português, grupos
    python -m autograder.corrigir ex06_chat                          # o que já está em submitted/
    python -m autograder.corrigir ex06_chat -j 8 --prazo 300
    python -m autograder.corrigir ex06_chat --dask tcp://10.0.0.5:8786

Cada submissão é corrigida num sandbox próprio (bubblewrap: processos, rede e disco isolados, com
limites), com seu próprio nbgrader autograde e uma nota de registro do módulo; só o processo
principal escreve no gradebook. Um diário (relatorios/<exercicio>/diario.jsonl) registra cada
submissão concluída: interrompa quando quiser e rode de novo — só o que falta é corrigido.

Com um zip do Moodle ou do Canvas, as notas voltam no formato que o AVA importa, em
relatorios/<exercicio>/: notas_moodle.csv (a planilha de avaliação offline) e feedback_moodle.zip
(os arquivos de feedback), ou notas_canvas.csv (o livro de notas). Quem não foi corrigido fica fora
ou em branco, nunca com zero, e o resumo diz por quê. A planilha do Moodle sai no idioma da
planilha de notas baixada da tarefa (--mapa) ou no de --idioma-ava; numa tarefa em grupo, a nota do
grupo vai a cada membro.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.corrigir", description=DESCRICAO,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exercicio", help="o nome do exercício, como em source/ (ex.: ex06_chat)")
    parser.add_argument("--curso", type=Path, default=Path.cwd(), help="pasta do curso (padrão: a atual)")
    parser.add_argument("--zip", type=Path, help="zip baixado do AVA com as entregas da turma")
    parser.add_argument("--padrao", default="simples",
                        help="padrão dos nomes no zip: simples, moodle, canvas ou uma regex com os grupos aluno e arquivo")
    parser.add_argument("--mapa", type=Path,
                        help="planilha CSV com as colunas arquivo (o caminho no zip) e aluno, que diz de quem é cada arquivo do "
                             "--zip; ou a planilha de notas baixada do Moodle (em português ou em inglês), que diz o idioma "
                             "da volta e, numa tarefa em grupo, quem é de cada grupo")
    parser.add_argument("--saida-lms", choices=("moodle", "canvas", "nenhuma"),
                        help="formato das notas devolvidas ao AVA (padrão: o do zip, se veio do Moodle ou do Canvas)")
    parser.add_argument("--tarefa-canvas", metavar="ID",
                        help="o id numérico da tarefa no Canvas (no endereço .../assignments/ID): a coluna do CSV leva esse id")
    parser.add_argument("--idioma-ava", choices=lms.IDIOMAS, default=None,
                        help="o idioma do Moodle de quem vai importar a planilha de notas (padrão: o da planilha em --mapa, "
                             "ou en): o Moodle acha as colunas pelo nome nesse idioma")
    parser.add_argument("--nota-maxima-ava", type=float, metavar="N",
                        help="a nota máxima da tarefa no AVA: as notas são convertidas para essa escala (padrão: a do nbgrader)")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="correções ao mesmo tempo (padrão: três por núcleo, até uma por GiB de memória livre)")
    parser.add_argument("--prazo", type=float, default=600.0, help="segundos de relógio para cada submissão inteira")
    parser.add_argument("--dask", help="endereço de um scheduler do Dask (ex.: tcp://10.0.0.5:8786)")
    parser.add_argument("--sem-feedback", action="store_true", help="não gerar o feedback HTML")
    parser.add_argument(OPCAO_SEM_ISOLAMENTO, dest="sem_isolamento", action="store_true",
                        help="corrigir sem sandbox (o código dos alunos roda com o seu usuário: só para código confiável)")
    args = parser.parse_args(argv)
    if args.mapa and not args.zip:
        print("Erro: --mapa diz de quem é cada arquivo do --zip; passe também o --zip.", file=sys.stderr)
        return 2
    do_ava = bool(args.zip) and (args.mapa is not None or args.padrao in ("moodle", "canvas"))
    if args.zip:
        try:
            if do_ava:
                coleta = coletar_ava(args.zip, args.curso, args.exercicio, args.padrao, args.mapa)
            else:
                coleta = coletar_zip(args.zip, args.curso, args.exercicio, args.padrao)
        except (ValueError, zipfile.BadZipFile, OSError) as erro:
            print(f"Erro: {erro}", file=sys.stderr)
            return 2
        print(f"Coletados {len(coleta.alunos)} alunos do zip.")
        for nome, motivo in coleta.recusadas:
            print(f"  recusado: {nome} ({motivo})")
        for escolha in coleta.escolhas:
            print(f"  {escolha}")
    saida_lms = _saida_lms(args, do_ava)
    if saida_lms:
        problema = _conferir_saida(args, saida_lms)
        if problema:
            print(f"Erro: {problema}", file=sys.stderr)
            return 2
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
    if saida_lms:
        dev = lms.devolver(args.curso, args.exercicio, turma, saida_lms, tarefa_canvas=args.tarefa_canvas,
                           nota_maxima=args.nota_maxima_ava, feedback=not args.sem_feedback, idioma=args.idioma_ava)
        texto = dev.texto(lms.ler_origem(args.curso, args.exercicio))
        print("\n".join(texto))
        with open(Path(args.curso) / "relatorios" / args.exercicio / "resumo.txt", "a", encoding="utf-8") as resumo:
            resumo.write("\n".join(texto) + "\n")
    return 1 if turma.falhas else 0


def _saida_lms(args, do_ava: bool) -> str | None:
    """O formato da volta: o pedido; sem pedido, o do AVA de onde vieram as entregas (desta coleta ou,
    sem --zip, da anterior)."""
    if args.saida_lms:
        return None if args.saida_lms == "nenhuma" else args.saida_lms
    if args.zip and not do_ava:
        return None
    origem = lms.ler_origem(args.curso, args.exercicio)
    return origem.formato if origem and origem.formato in ("moodle", "canvas") else None


def _conferir_saida(args, formato: str) -> str | None:
    """O que impede a volta ao AVA, conferido antes de corrigir (para não corrigir à toa)."""
    origem = lms.ler_origem(args.curso, args.exercicio)
    if origem is None:
        return (f"para devolver ao {formato.capitalize()}, colete as entregas com --zip ... --padrao {formato} "
                f"(ou --mapa): só o zip do AVA traz os identificadores que o {formato.capitalize()} reconhece")
    if origem.formato in ("moodle", "canvas") and origem.formato != formato:
        return (f"as entregas vieram do {origem.formato.capitalize()}: os identificadores dos alunos não valem "
                f"no {formato.capitalize()}")
    nao_numericos = sorted(a for a, d in origem.alunos.items() if not (a.isdigit() or d.get("membros")))
    if nao_numericos:
        return (f"o {formato.capitalize()} identifica os alunos por número, e a planilha (--mapa) tem outros "
                f"identificadores: {', '.join(nao_numericos[:5])}")
    if args.idioma_ava and formato != "moodle":
        return "--idioma-ava vale só para a planilha do Moodle"
    if args.idioma_ava and origem.idioma and args.idioma_ava != origem.idioma:
        return (f"a planilha de notas em --mapa está em {lms.NOMES_IDIOMAS[origem.idioma]} e --idioma-ava pede "
                f"{args.idioma_ava}: o Moodle acha as colunas pelo nome no idioma de quem importa; use um só")
    if args.tarefa_canvas and not args.tarefa_canvas.isdigit():
        return f"--tarefa-canvas é o número da tarefa no Canvas (no endereço .../assignments/ID), não {args.tarefa_canvas!r}"
    if args.nota_maxima_ava is not None and args.nota_maxima_ava <= 0:
        return "--nota-maxima-ava precisa ser maior que zero"
    return None
