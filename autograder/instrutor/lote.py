"""A correção da turma: escolhe o que corrigir (pelo diário), corrige em paralelo (processos locais ou
Dask) e, no processo principal, o único que escreve no gradebook, grava notas, diário e relatório."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import asdict
from pathlib import Path

from autograder.instrutor import diario, restos
from autograder.instrutor.ambiente import ambiente, nbgrader
from autograder.instrutor.autograde import corrigir_um
from autograder.instrutor.curso import Curso
from autograder.instrutor.gradebook import guardar, preservar_linhas
from autograder.instrutor.importacoes import dispensar_gramatica_iri
from autograder.instrutor.modelo import NaoCorrigivel, preparar_modelo
from autograder.instrutor.relatorio import Linha, Turma, relatorio
from autograder.instrutor.sandbox import Limites, exigir_isolamento
from autograder.instrutor.status import ISOLADO, NAO_CORRIGIDA, NAO_GRAVAR

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

    ``curso`` é a pasta de qualquer curso do nbgrader: a configuração, o banco de notas e as pastas são
    os do ``nbgrader_config.py`` dele. Com ``isolar`` (o padrão), recusa-se a corrigir
    (:class:`SemIsolamento`) se não houver como pôr cada submissão num sandbox nesta máquina. Com o Dask,
    o isolamento é conferido em cada worker. Quem não pôde ser corrigido (:data:`status.NAO_GRAVAR`)
    aparece no relatório com o motivo e não muda nada: nem o gradebook, nem o ``grades.csv``, nem o diário.
    """
    inicio = time.perf_counter()
    dispensar_gramatica_iri()  # antes do primeiro import do nbformat neste processo
    restos.limpar()  # as pastas temporárias de uma correção anterior que morreu no meio (kill -9)
    curso = Curso.carregar(curso)
    pastas = sorted(Path(p) for p in glob.glob(str(curso.pasta_de("submitted", exercicio, "*"))) if Path(p).is_dir())
    arquivo_diario = curso.pasta / "relatorios" / exercicio / "diario.jsonl"
    feitos = diario.ler(arquivo_diario)
    pendentes, linhas = [], Turma()
    for pasta in pastas:
        aluno = pasta.parent.name
        digital = diario.impressao_digital(pasta)
        if aluno in feitos and feitos[aluno].get("digital") == digital:
            linhas.append(Linha(**{k: feitos[aluno][k] for k in CAMPOS}, modo=feitos[aluno].get("modo", "")))
            continue
        arquivos = {p.relative_to(pasta).as_posix(): p.read_bytes() for p in sorted(pasta.rglob("*")) if p.is_file()}
        carimbo = (pasta / "timestamp.txt").read_text().strip() if (pasta / "timestamp.txt").exists() else None
        pendentes.append((aluno, digital, arquivos, carimbo))
    # O nbgrader chama o executável alembic ao criar um gradebook: o bin deste Python vai no PATH.
    os.environ["PATH"] = ambiente()["PATH"]
    with contextlib.ExitStack() as pilha:
        pool = None
        if pendentes and not dask:
            # Os processos do pool começam a importar o nbgrader enquanto o sandbox é conferido e o
            # modelo é preparado (nada disso escreve no curso).
            pool = pilha.enter_context(_pool(min(jobs or jobs_padrao(), len(pendentes))))
        if isolar and not dask:
            exigir_isolamento()
        diario.caminho(curso.pasta, exercicio)
        print(f"{len(pastas)} submissões de {exercicio}: {len(linhas)} já corrigidas, {len(pendentes)} a corrigir.",
              file=saida, flush=True)
        nao_gravados: set[str] = set()
        modelo = None
        if pendentes:
            try:
                modelo = preparar_modelo(curso, exercicio)
            except NaoCorrigivel as erro:
                for aluno, _digital, _arquivos, _carimbo in pendentes:
                    linhas.append(Linha(aluno, 0.0, 0.0, NAO_CORRIGIDA, 0.0, [str(erro)], ""))
                    nao_gravados.add(aluno)
                linhas.falhas.append(f"a tarefa {exercicio} não pôde ser corrigida: {erro}")
                print(f"A tarefa {exercicio} não pode ser corrigida: {erro}. Nenhuma nota foi alterada.", file=saida, flush=True)
            if modelo is not None:
                # O matplotlib do relatório é importado enquanto as correções rodam (o processo principal só espera).
                threading.Thread(target=_importar_matplotlib, daemon=True).start()
                print(f"Modelo pronto em {time.perf_counter() - inicio:.1f} s ({len(modelo.notebooks)} notebook(s): "
                      f"{', '.join(modelo.notebooks)}).", file=saida, flush=True)
                for r, (_aluno, digital, _arquivos, carimbo) in _executar(modelo, exercicio, pendentes, jobs, prazo, dask, isolar, limites, pool):
                    linha = Linha(r["aluno"], r["nota"], r["maximo"], r["status"], round(r["tempo"], 2), r["avisos"], r.get("modo", ""))
                    if r["status"] in NAO_GRAVAR:
                        nao_gravados.add(r["aluno"])
                    else:
                        guardar(curso, exercicio, r, carimbo)
                        # Por último: só o que está no gradebook entra no diário.
                        diario.acrescentar(arquivo_diario, {**asdict(linha), "digital": digital})
                    linhas.append(linha)
                    nota = f"{linha.nota:g}/{linha.maximo:g}" if r["status"] not in NAO_GRAVAR else "nota não alterada"
                    print(f"[{len(linhas)}/{len(pastas)}] {linha.aluno}: {nota} {linha.status} ({linha.tempo:.1f} s)",
                          file=saida, flush=True)
    if not pendentes or modelo is not None:
        # Sem modelo, ninguém foi corrigido: nem o feedback nem o grades.csv mudam.
        _depois(curso, exercicio, linhas, feedback, nao_gravados)
    relatorio(curso.pasta, exercicio, linhas, saida, linhas.falhas)
    return linhas


def _depois(curso: Curso, exercicio: str, linhas: Turma, feedback: bool, nao_gravados: set[str]) -> None:
    """O feedback e o ``grades.csv``, ao mesmo tempo (são independentes); as linhas de quem não foi
    corrigido nesta execução ficam como estavam no ``grades.csv``."""
    destino = curso.pasta / "grades.csv"
    antigo = destino.read_text(encoding="utf-8") if destino.exists() else None
    with ThreadPoolExecutor(2) as fila:
        fb = None
        if feedback and any(linha.status not in NAO_GRAVAR for linha in linhas):
            fb = fila.submit(nbgrader, ["generate_feedback", exercicio, "--force"], curso.pasta, timeout=1800)
        try:
            exportar(curso, destino)
        except Exception as erro:  # noqa: BLE001 - a falha vai para o relatório e para o código de saída
            linhas.falhas.append(f"nbgrader export falhou ({type(erro).__name__}): {str(erro)[:300]}")
        if fb is not None and fb.result().returncode != 0:
            sem = sorted(set(re.findall(r"error processing assignment '[^']*' for student '([^']+)'", fb.result().stderr or "")))
            if sem:
                # O nbgrader gera o feedback de cada aluno por conta própria: só estes ficaram sem.
                linhas.falhas.append(f"nbgrader generate_feedback não gerou o feedback de {', '.join(sem)} (os outros alunos "
                                     f"receberam): {_ultima_linha(fb.result())}")
            else:
                linhas.falhas.append(f"nbgrader generate_feedback falhou (código {fb.result().returncode}): {_ultima_linha(fb.result())}")
    if antigo is not None and not destino.exists():
        destino.write_text(antigo, encoding="utf-8")
    preservar_linhas(antigo, destino, exercicio, nao_gravados)


#: Correções ao mesmo tempo por núcleo, no padrão.
JOBS_POR_NUCLEO = 3
#: Memória disponível reservada para cada correção ao mesmo tempo, no padrão: uma correção do chat (o
#: kernel, o processo das células da nota de registro, os executores e os filhos do aluno) usa uns
#: centos de MB; a folga cobre quem aloca mais (o sandbox corta cada um em 3 GiB).
MEMORIA_POR_JOB = 2**30


def jobs_padrao() -> int:
    """Correções ao mesmo tempo por padrão: três por núcleo, e não mais que uma por GiB de memória
    disponível. Boa parte de cada correção é espera (a partida do kernel, as conversas, o impasse que a
    biblioteca corta em segundos), e não CPU; a nota de registro roda junto com o notebook. No bench
    (chat, 10 submissões, 2 núcleos, a máquina parada): -j 4 2,61×, -j 6 3,09× o nbgrader sequencial,
    com as mesmas notas."""
    import psutil  # já importado pelo sandbox (dependência do corretor)

    por_memoria = max(1, psutil.virtual_memory().available // MEMORIA_POR_JOB)
    return int(min(JOBS_POR_NUCLEO * (os.cpu_count() or 1), por_memoria))


def exportar(curso: Curso, destino: Path) -> None:
    """O ``nbgrader export`` neste processo (o gradebook já está aberto aqui; um processo novo do
    nbgrader custaria segundos): o plugin de exportação do curso (``ExportApp.plugin_class``, por padrão
    o CSV), com a configuração dele, no banco do curso."""
    from nbgrader.plugins import CsvExportPlugin
    from traitlets.utils.importstring import import_item

    classe = curso.config.ExportApp.get("plugin_class", CsvExportPlugin)
    if isinstance(classe, str):
        classe = import_item(classe)
    plugin = classe(config=curso.config)
    plugin.to = str(destino)
    with curso.gradebook() as gb:
        plugin.export(gb)


def _importar_matplotlib() -> None:
    with contextlib.suppress(Exception):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401


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


#: O que o servidor do forkserver importa antes de criar os processos do pool.
PRELOAD = ["autograder.instrutor.importacoes", "autograder.instrutor.autograde", "nbgrader.apps", "nbgrader.converters.autograde", "autograder.instrutor.kernel_isolado"]


def _aquecer() -> int:
    """No processo do pool, antes da primeira correção: os imports caros (nbgrader, nbconvert, jupyter_client)."""
    import nbgrader.apps  # noqa: F401
    import nbgrader.converters.autograde  # noqa: F401

    from autograder.instrutor import kernel_isolado  # noqa: F401

    return os.getpid()


@contextlib.contextmanager
def _pool(n: int):
    """Um pool de ``n`` processos limpos (forkserver, ou spawn onde não há), já com o nbgrader importado."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        # Um servidor importa o nbgrader uma vez, e cada processo do pool nasce dele por fork, já com
        # tudo importado (com spawn, cada um importava de novo: ~5 s de CPU por processo). Se o servidor
        # deste processo já existia (sem estes módulos), os processos importam na primeira tarefa.
        contexto = multiprocessing.get_context("forkserver")
        contexto.set_forkserver_preload(PRELOAD)
    else:
        contexto = multiprocessing.get_context("spawn")  # Windows: processos novos
    pool = ProcessPoolExecutor(max_workers=n, mp_context=contexto)
    # Iniciar os processos espera o servidor importar tudo: numa thread, para que quem chamou siga
    # (conferir o sandbox, preparar o modelo) enquanto isso.
    partida = threading.Thread(target=lambda: [pool.submit(_aquecer) for _ in range(n)], daemon=True)
    partida.start()
    try:
        yield pool
    finally:
        partida.join()
        pool.shutdown(wait=True, cancel_futures=True)


def _executar(modelo, exercicio, pendentes, jobs, prazo, dask, isolar=True, limites=None, pool=None):
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
    with contextlib.ExitStack() as pilha:
        if pool is None:
            pool = pilha.enter_context(_pool(min(jobs or jobs_padrao(), len(pendentes))))
        futuros = {
            pool.submit(corrigir_um, modelo, exercicio, a, arqs, prazo, isolar, limites): (a, d, arqs, c)
            for a, d, arqs, c in pendentes
        }
        restantes = set(futuros)
        while restantes:
            prontos, restantes = wait(restantes, return_when=FIRST_COMPLETED)
            for futuro in prontos:
                yield futuro.result(), futuros[futuro]
