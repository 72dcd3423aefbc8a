"""A correção da turma: escolhe o que corrigir (pelo diário), corrige em paralelo (processos locais ou
Dask) e, no processo principal, o único que escreve no gradebook, grava notas, diário e relatório."""

from __future__ import annotations

import os
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict
from pathlib import Path

from autograder.instrutor import diario
from autograder.instrutor.ambiente import ambiente, nbgrader
from autograder.instrutor.autograde import corrigir_um, preparar_modelo
from autograder.instrutor.gradebook import garantir_exercicio, guardar
from autograder.instrutor.relatorio import Linha, Turma, relatorio
from autograder.instrutor.sandbox import Limites, exigir_isolamento
from autograder.instrutor.status import ISOLADO

CAMPOS = ("aluno", "nota", "maximo", "status", "tempo", "avisos")


def corrigir(
    curso: Path,
    exercicio: str,
    *,
    jobs: int | None = None,
    prazo: float = 600.0,
    dask: str | None = None,
    saida=sys.stdout,
    feedback: bool = True,
    isolar: bool = True,
    limites: Limites | None = None,
) -> Turma:
    """Corrige todas as submissões de ``submitted/*/<exercicio>`` que ainda não estão no diário.

    Com ``isolar`` (o padrão), recusa-se a corrigir (:class:`SemIsolamento`) se não houver como pôr
    cada submissão num sandbox nesta máquina. Com o Dask, o isolamento é conferido em cada worker.
    """
    curso = Path(curso).resolve()
    if isolar and not dask:
        exigir_isolamento()
    # O nbgrader chama o executável alembic ao criar um gradebook: o bin deste Python vai no PATH.
    os.environ["PATH"] = ambiente()["PATH"]
    garantir_exercicio(curso, exercicio)
    pastas = sorted(p for p in (curso / "submitted").glob(f"*/{exercicio}") if p.is_dir())
    arquivo_diario = diario.caminho(curso, exercicio)
    feitos = diario.ler(arquivo_diario)
    pendentes, linhas = [], Turma()
    for pasta in pastas:
        aluno = pasta.parent.name
        digital = diario.impressao_digital(pasta)
        if aluno in feitos and feitos[aluno].get("digital") == digital:
            linhas.append(Linha(**{k: feitos[aluno][k] for k in CAMPOS}, modo=feitos[aluno].get("modo", "")))
            continue
        arquivos = {
            p.relative_to(pasta).as_posix(): p.read_bytes() for p in pasta.iterdir() if p.is_file() and p.name != "timestamp.txt"
        }
        carimbo = (pasta / "timestamp.txt").read_text().strip() if (pasta / "timestamp.txt").exists() else None
        pendentes.append((aluno, digital, arquivos, carimbo))
    print(f"{len(pastas)} submissões de {exercicio}: {len(linhas)} já corrigidas, {len(pendentes)} a corrigir.", file=saida, flush=True)
    if pendentes:
        modelo = preparar_modelo(curso, exercicio)
        for r, (_aluno, digital, _arquivos, carimbo) in _executar(modelo, exercicio, pendentes, jobs, prazo, dask, isolar, limites):
            guardar(curso, exercicio, r, carimbo)
            linha = Linha(r["aluno"], r["nota"], r["maximo"], r["status"], round(r["tempo"], 2), r["avisos"], r.get("modo", ""))
            # Por último: só o que está no gradebook entra no diário.
            diario.acrescentar(arquivo_diario, {**asdict(linha), "digital": digital})
            linhas.append(linha)
            print(f"[{len(linhas)}/{len(pastas)}] {linha.aluno}: {linha.nota:g}/{linha.maximo:g} {linha.status} ({linha.tempo:.1f} s)",
                  file=saida, flush=True)
    if feedback and linhas:
        proc = nbgrader(["generate_feedback", exercicio, "--force"], curso, timeout=1800)
        if proc.returncode != 0:
            linhas.falhas.append(f"nbgrader generate_feedback falhou (código {proc.returncode}): {_ultima_linha(proc)}")
    proc = nbgrader(["export", "--to", str(curso / "grades.csv")], curso, timeout=600)
    if proc.returncode != 0:
        linhas.falhas.append(f"nbgrader export falhou (código {proc.returncode}): {_ultima_linha(proc)}")
    relatorio(curso, exercicio, linhas, saida, linhas.falhas)
    return linhas


def _ultima_linha(proc) -> str:
    linhas = [x for x in (proc.stderr or proc.stdout or "").splitlines() if x.strip()]
    return linhas[-1][:300] if linhas else "sem mensagem"


def _corrigir_no_worker(modelo, exercicio, aluno, arquivos, prazo, isolar, limites):
    """No worker do Dask: confere o isolamento ali (a máquina do worker pode não ter namespaces)."""
    from autograder.instrutor.sandbox import SemIsolamento
    from autograder.instrutor.status import ERRO

    if isolar:
        try:
            exigir_isolamento()
        except SemIsolamento as erro:
            return {"aluno": aluno, "status": ERRO, "nota": 0.0, "maximo": 0.0, "celulas": {}, "corrigidos": {},
                    "log": "", "avisos": [str(erro)], "modo": ISOLADO, "tempo": 0.0}
    return corrigir_um(modelo, exercicio, aluno, arquivos, prazo, isolar, limites)


def _executar(modelo, exercicio, pendentes, jobs, prazo, dask, isolar=True, limites=None):
    """Gera (resultado, pendente) à medida que as correções terminam, em processos locais ou no Dask."""
    if dask:
        from distributed import Client, as_completed

        with Client(dask) as cliente:
            modelo_remoto = cliente.scatter(modelo, broadcast=True)
            futuros = {
                cliente.submit(_corrigir_no_worker, modelo_remoto, exercicio, aluno, arquivos, prazo, isolar, limites, pure=False):
                    (aluno, digital, arquivos, carimbo)
                for aluno, digital, arquivos, carimbo in pendentes
            }
            for futuro in as_completed(futuros):
                yield futuro.result(), futuros[futuro]
        return
    import multiprocessing

    contexto = multiprocessing.get_context("spawn")  # workers limpos, iguais em Linux, macOS e Windows
    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1, mp_context=contexto) as pool:
        futuros = {
            pool.submit(corrigir_um, modelo, exercicio, a, arqs, prazo, isolar, limites): (a, d, arqs, c)
            for a, d, arqs, c in pendentes
        }
        restantes = set(futuros)
        while restantes:
            prontos, restantes = wait(restantes, return_when=FIRST_COMPLETED)
            for futuro in prontos:
                yield futuro.result(), futuros[futuro]
