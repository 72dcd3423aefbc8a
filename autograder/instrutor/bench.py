"""Benchmark da correção em lote: nbgrader autograde sequencial × autograder.corrigir em paralelo,
com e sem o sandbox.

    python -m autograder.instrutor.bench --n 40 --jobs 1 2 4

Gera N submissões sintéticas do chat (ex06_chat): corretas, erradas e que travam; corrige todas com
o ``nbgrader autograde`` puro (uma a uma) e, para cada -j pedido, com ``autograder.corrigir`` sem
isolamento e com o sandbox, na mesma execução; confere que as notas são idênticas e imprime os
tempos, as razões e o custo do sandbox.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.instrutor import lote
from autograder.instrutor.ambiente import ambiente
from autograder.instrutor.sandbox import motivo_indisponivel
from autograder.instrutor.sinteticas import montar_submissao

RAIZ = Path(__file__).resolve().parents[2]
EXERCICIO = "ex06_chat"
#: A mistura da turma sintética: a cada 5 alunos, 3 corretos, 1 errado e 1 que trava.
MISTURA = ["correta", "correta", "correta", "parcial", "impasse"]


def _variantes() -> dict:
    sys.path.insert(0, str(RAIZ / "tests"))
    from submissoes.ex06_chat import VARIANTES  # as mesmas variantes que os testes usam

    return VARIANTES


def _curso(destino: Path, submissoes: dict[str, dict]) -> Path:
    destino.mkdir(parents=True)
    shutil.copy(RAIZ / "nbgrader_config.py", destino)
    shutil.copytree(RAIZ / "source" / EXERCICIO, destino / "source" / EXERCICIO, ignore=shutil.ignore_patterns("solucao_*.py"))
    for aluno, nb in submissoes.items():
        pasta = destino / "submitted" / aluno / EXERCICIO
        pasta.mkdir(parents=True)
        (pasta / f"{EXERCICIO}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return destino


def _notas(curso: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(EXERCICIO)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=40, help="quantas submissões (padrão 40)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 4], help="valores de -j a medir")
    parser.add_argument("--sem-sandbox", action="store_true", help="medir só a correção sem o sandbox")
    args = parser.parse_args(argv)
    os.environ["PATH"] = ambiente()["PATH"]
    variantes = _variantes()
    submissoes = {}
    for i in range(args.n):
        rotulo = MISTURA[i % len(MISTURA)]
        v = variantes[rotulo]
        submissoes[f"aluno{i:03d}_{rotulo}"] = montar_submissao(RAIZ, EXERCICIO, v.trocas, v.novas_celulas)
    print(f"{args.n} submissões de {EXERCICIO} ({', '.join(f'{MISTURA.count(r)}/{len(MISTURA)} {r}' for r in dict.fromkeys(MISTURA))}); {os.cpu_count()} núcleos")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        seq = _curso(Path(tmp) / "sequencial", submissoes)
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", EXERCICIO], cwd=seq, check=True,
                       capture_output=True, env=ambiente())
        inicio = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", EXERCICIO, "--create", "--force"], cwd=seq,
                       capture_output=True, env=ambiente(), check=False)
        t_seq = time.perf_counter() - inicio
        referencia = _notas(seq)
        print(f"{'modo':<34}{'tempo':>10}{'razão':>10}  notas")
        print(f"{'nbgrader autograde (seq.)':<34}{t_seq:>9.1f}s{1.0:>9.2f}x  referência")
        todas_iguais = True
        modos = [False] if args.sem_sandbox or motivo_indisponivel() else [False, True]
        if len(modos) == 1 and not args.sem_sandbox:
            print(f"(sem o sandbox nesta máquina: {motivo_indisponivel()})")
        for j in args.jobs:
            tempos = {}
            for isolar in modos:
                nome = f"corrigir -j {j} " + ("com sandbox" if isolar else "sem sandbox")
                curso = _curso(Path(tmp) / f"j{j}-{'isolado' if isolar else 'livre'}", submissoes)
                inicio = time.perf_counter()
                lote.corrigir(curso, EXERCICIO, jobs=j, saida=io.StringIO(), feedback=False, isolar=isolar)
                tempos[isolar] = tempo = time.perf_counter() - inicio
                iguais = _notas(curso) == referencia
                print(f"{nome:<34}{tempo:>9.1f}s{t_seq / tempo:>9.2f}x  {'idênticas' if iguais else 'DIFERENTES'}", flush=True)
                if not iguais:
                    todas_iguais = False
                    print("  diferenças:", {a: (referencia.get(a), n) for a, n in _notas(curso).items() if referencia.get(a) != n})
            if len(tempos) == 2:
                custo = (tempos[True] - tempos[False]) / tempos[False] * 100
                print(f"{'  custo do sandbox (-j ' + str(j) + ')':<34}{tempos[True] - tempos[False]:>+9.1f}s{custo:>+9.1f}%", flush=True)
    # As notas têm de ser as do nbgrader sequencial: se não forem, o benchmark falha.
    return 0 if todas_iguais else 1


if __name__ == "__main__":
    sys.exit(main())
