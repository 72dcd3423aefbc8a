"""Benchmark da correção em lote: ``nbgrader autograde`` sequencial × ``autograder.corrigir``, na mesma
execução, em dois cursos:

- **chat**: N submissões sintéticas do ex06_chat deste curso (3/5 corretas, 1/5 parcial, 1/5 em impasse);
- **ps1**: o curso de exemplo da documentação do nbgrader (``tests/cursos/nbgrader_ps1``: dois notebooks,
  cabeçalho, uma imagem), com N entregas (cópias das duas da documentação).

    python -m autograder.instrutor.bench --n 40            # -j 1, 2, 4 e o padrão desta máquina
    python -m autograder.instrutor.bench --n 10 --jobs 4 6

Sem ``--jobs``, mede também o -j padrão do ``corrigir`` nesta máquina (:func:`lote.jobs_padrao`), marcado
"(padrão)": a meta é nele.

Cada curso tem a tarefa já gerada (``nbgrader generate_assignment``, fora da medida, como o instrutor
faz antes de corrigir) e é corrigido numa cópia própria: uma vez pelo ``nbgrader autograde`` puro, uma
vez pelo ``corrigir`` para cada -j pedido (com o sandbox, o padrão; ``--tambem-sem-sandbox`` mede também
sem ele). Imprime o tempo, a razão sequencial/corrigir e se as notas, célula a célula, são idênticas
às do nbgrader; sai com erro se alguma não for.
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
from autograder.instrutor.curso import Curso
from autograder.instrutor.sandbox import motivo_indisponivel
from autograder.instrutor.sinteticas import montar_submissao

RAIZ = Path(__file__).resolve().parents[2]
EXERCICIO = "ex06_chat"
#: A mistura da turma sintética: a cada 5 alunos, 3 corretos, 1 errado e 1 que trava.
MISTURA = ["correta", "correta", "correta", "parcial", "impasse"]
#: O curso de vários notebooks (o exemplo da documentação do nbgrader).
PS1 = RAIZ / "tests" / "cursos" / "nbgrader_ps1"


def _variantes() -> dict:
    sys.path.insert(0, str(RAIZ / "tests"))
    from submissoes.ex06_chat import VARIANTES  # as mesmas variantes que os testes usam

    return VARIANTES


def _nbgrader(args: list[str], curso: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=curso, capture_output=True, env=ambiente(), check=False)


def _curso_chat(destino: Path, n: int) -> tuple[Path, str]:
    variantes = _variantes()
    destino.mkdir(parents=True)
    shutil.copy(RAIZ / "nbgrader_config.py", destino)
    shutil.copytree(RAIZ / "source" / EXERCICIO, destino / "source" / EXERCICIO, ignore=shutil.ignore_patterns("solucao_*.py"))
    for i in range(n):
        rotulo = MISTURA[i % len(MISTURA)]
        v = variantes[rotulo]
        pasta = destino / "submitted" / f"aluno{i:03d}_{rotulo}" / EXERCICIO
        pasta.mkdir(parents=True)
        (pasta / f"{EXERCICIO}.ipynb").write_text(json.dumps(montar_submissao(RAIZ, EXERCICIO, v.trocas, v.novas_celulas)), encoding="utf-8")
    return destino, EXERCICIO


def _curso_ps1(destino: Path, n: int) -> tuple[Path, str]:
    shutil.copytree(PS1, destino, ignore=shutil.ignore_patterns("submitted"))
    originais = sorted((PS1 / "submitted").iterdir())
    for i in range(n):
        shutil.copytree(originais[i % len(originais)] / "ps1", destino / "submitted" / f"aluno{i:03d}_{originais[i % len(originais)].name}" / "ps1")
    return destino, "ps1"


def _notas(curso: Path, tarefa: str) -> dict[tuple[str, str, str], float]:
    """A nota de cada célula de cada aluno, no banco do curso."""
    with Curso.carregar(curso).gradebook() as gb:
        return {
            (s.student.id, nb.name, g.name): g.score
            for s in gb.assignment_submissions(tarefa) for nb in s.notebooks for g in nb.grades
        }


def medir(nome: str, montar, n: int, jobs: list[int], modos: list[bool], tmp: Path) -> bool:
    """Mede um curso; devolve se todas as notas foram idênticas às do nbgrader sequencial."""
    modelo, tarefa = montar(tmp / f"{nome}-modelo", n)
    proc = _nbgrader(["generate_assignment", tarefa, "--force"], modelo)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {tarefa} falhou: {proc.stderr.decode()[-2000:]}")
    seq = tmp / f"{nome}-sequencial"
    shutil.copytree(modelo, seq)
    inicio = time.perf_counter()
    _nbgrader(["autograde", tarefa, "--create", "--force"], seq)
    t_seq = time.perf_counter() - inicio
    referencia = _notas(seq, tarefa)
    print(f"\n{nome}: {n} submissões de {tarefa}")
    print(f"{'modo':<36}{'tempo':>10}{'razão':>10}  notas (célula a célula)")
    print(f"{'nbgrader autograde (sequencial)':<36}{t_seq:>9.1f}s{1.0:>9.2f}x  referência", flush=True)
    iguais_todas = True
    for j in jobs:
        tempos = {}
        for isolar in modos:
            rotulo = f"corrigir -j {j}" + ("" if isolar else " sem sandbox") + (" (padrão)" if j == lote.jobs_padrao() and isolar else "")
            curso = tmp / f"{nome}-j{j}-{'isolado' if isolar else 'livre'}"
            shutil.copytree(modelo, curso)
            inicio = time.perf_counter()
            lote.corrigir(curso, tarefa, jobs=j, saida=io.StringIO(), feedback=False, isolar=isolar)
            tempos[isolar] = tempo = time.perf_counter() - inicio
            obtidas = _notas(curso, tarefa)
            iguais = obtidas == referencia
            print(f"{rotulo:<36}{tempo:>9.1f}s{t_seq / tempo:>9.2f}x  {'idênticas' if iguais else 'DIFERENTES'}", flush=True)
            if not iguais:
                iguais_todas = False
                chaves = sorted(set(obtidas) | set(referencia))
                print("  diferenças:", {k: (referencia.get(k), obtidas.get(k)) for k in chaves if referencia.get(k) != obtidas.get(k)})
        if len(tempos) == 2:
            custo = (tempos[True] - tempos[False]) / tempos[False] * 100
            print(f"{'  custo do sandbox (-j ' + str(j) + ')':<36}{tempos[True] - tempos[False]:>+9.1f}s{custo:>+9.1f}%", flush=True)
    return iguais_todas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=40, help="quantas submissões em cada curso (padrão 40)")
    parser.add_argument("--jobs", type=int, nargs="+", default=None,
                        help="valores de -j a medir (padrão: 1, 2, 4 e o -j padrão do corrigir nesta máquina)")
    parser.add_argument("--cursos", nargs="+", default=["chat", "ps1"], choices=["chat", "ps1"], help="quais cursos medir")
    parser.add_argument("--sem-sandbox", action="store_true", help="medir só a correção sem o sandbox")
    parser.add_argument("--tambem-sem-sandbox", action="store_true", help="medir com e sem o sandbox (o custo dele)")
    args = parser.parse_args(argv)
    if args.jobs is None:
        # A meta é no -j padrão: sem --jobs, ele é medido junto com 1, 2 e 4.
        args.jobs = sorted({1, 2, 4, lote.jobs_padrao()})
    os.environ["PATH"] = ambiente()["PATH"]
    motivo = motivo_indisponivel()
    if args.sem_sandbox or motivo:
        modos = [False]
        if motivo and not args.sem_sandbox:
            print(f"(sem o sandbox nesta máquina: {motivo})")
    else:
        modos = [False, True] if args.tambem_sem_sandbox else [True]
    carga = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} núcleos, carga {carga:.1f}; chat: {', '.join(f'{MISTURA.count(r)}/{len(MISTURA)} {r}' for r in dict.fromkeys(MISTURA))}")
    montadores = {"chat": _curso_chat, "ps1": _curso_ps1}
    iguais = True
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for nome in args.cursos:
            iguais &= medir(nome, montadores[nome], args.n, args.jobs, modos, Path(tmp))
    # As notas têm de ser as do nbgrader sequencial: se não forem, o benchmark falha.
    return 0 if iguais else 1


if __name__ == "__main__":
    sys.exit(main())
