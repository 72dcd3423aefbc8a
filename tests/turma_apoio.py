"""A turma da suíte: UMA correção completa por execução, compartilhada pelos testes.

Cada exercício de ``source/`` ganha um curso (cópia de um curso-base com todos os exercícios já
gerados pelo ``nbgrader generate_assignment``) e uma turma de alunos de mentira, corrigida pelo
corretor completo (``autograder.instrutor.lote.corrigir``: nbgrader com o kernel no sandbox, nota de
registro, gradebook, feedback, exportação e relatório):

- ``correta``: o release com as soluções do source (também a variante ``correta``);
- ``com_falhas``: as falhas das variantes ``parcial`` e ``excecao`` juntas, mais uma célula curiosa
  (imprime os testes ocultos do histórico do IPython) e uma saída enorme (para o feedback);
- ``release``: o release como veio, nada resolvido (toda célula de teste falha);
- ``variante_<rótulo>``: as outras variantes de ``tests/submissoes/<exercício>.py``, se houver;
- ``corpus_<nome>``: uma submissão de cada tipo do corpus (``tests/corpus/<exercício>.py``), se houver.

Um exercício novo entra sozinho: basta o source e, se houver, os arquivos de variantes e de corpus.

A correção roda em segundo plano, num processo próprio (``python tests/turma_apoio.py PASTA``),
iniciado assim que a coleta acha um teste que pede o fixture ``turma`` (tests/conftest.py): o primeiro
processo do xdist que chega inicia, os outros só esperam o arquivo ``resultado.json``. O processo
encerra a si mesmo (e tudo o que criou) se o pytest que o pediu sumir.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apoio import RAIZ  # noqa: E402
from nbgrader_apoio import assignments, curso_temporario, montar_submissao  # noqa: E402

EXERCICIOS = assignments()
#: Prazo de cada submissão no corretor (o mesmo dos testes do corretor).
PRAZO_SUBMISSAO = 300
#: Exercícios corrigidos ao mesmo tempo, e submissões ao mesmo tempo em cada um.
EXERCICIOS_JUNTOS, JOBS = 5, 2
#: Uma submissão curiosa: imprime, do histórico de entradas do IPython, as linhas ocultas dos testes
#: que já rodaram (o autograde restaura as células de teste completas); e uma saída enorme.
CURIOSA = (
    "dentro = False\n"
    "for entrada in _ih:\n"
    "    for linha in entrada.split('\\n'):\n"
    "        if 'BEGIN HIDDEN' in linha or 'END HIDDEN' in linha:\n"
    "            dentro = 'BEGIN' in linha\n"
    "        elif dentro:\n"
    "            print(linha)\n"
)
ENORME = "print('x' * 30000)"
#: Os alunos que o feedback examina em detalhe.
FEEDBACK = ("correta", "com_falhas")


# ---------------------------------------------------------------------------------------------
# Quem está na turma


def variantes(nome: str) -> dict:
    """As variantes de ``tests/submissoes/<nome>.py`` (vazio se o exercício ainda não tem)."""
    try:
        return importlib.import_module(f"submissoes.{nome}").VARIANTES
    except ModuleNotFoundError:
        return {}


def aluno_da_variante(rotulo: str) -> str:
    return "correta" if rotulo == "correta" else f"variante_{rotulo}"


def amostra_do_corpus(nome: str) -> dict:
    """Uma submissão de cada tipo do corpus do exercício (a primeira de cada tipo, na ordem do
    arquivo, que não seja a própria solução de referência: essa já é o aluno ``correta``), corrigida
    pelo corretor completo; vazio se o exercício não tem corpus."""
    if not (Path(__file__).parent / "corpus" / f"{nome}.py").exists():
        return {}
    from corpus import TIPOS

    subs = importlib.import_module(f"corpus.{nome}").SUBMISSOES
    escolhidas = {}
    for tipo in TIPOS:
        primeira = next(
            (n for n, s in subs.items() if s.tipo == tipo and (s.modulo is not None or s.trocas or s.celulas)), None,
        )
        if primeira is not None:
            escolhidas[primeira] = subs[primeira]
    return escolhidas


def aluno_do_corpus(nome_sub: str) -> str:
    return f"corpus_{nome_sub}"


def notebook_do_corpus(nome: str, sub) -> dict:
    """O notebook que o aluno do corpus entregaria: o release com a célula do módulo trocada pelo
    módulo dele (``%%writefile`` mantido) e as células que ele acrescentou logo depois dela."""
    from corpus_apoio import modulo_de

    nb = montar_submissao(nome)
    arquivo, texto = modulo_de(nome, sub)
    indice = next(
        i for i, c in enumerate(nb["cells"])
        if c["metadata"].get("nbgrader", {}).get("solution") and _texto(c).lstrip().startswith("%%writefile")
    )
    nb["cells"][indice]["source"] = f"%%writefile {arquivo}\n{texto}"
    for k, codigo in enumerate(sub.celulas):
        nb["cells"].insert(indice + 1 + k, {
            "cell_type": "code", "execution_count": None, "id": f"corpus-{k}", "metadata": {}, "outputs": [], "source": codigo,
        })
    return nb


def _texto(celula: dict) -> str:
    return "".join(celula["source"]) if isinstance(celula["source"], list) else celula["source"]


def com_falhas(nome: str) -> dict:
    """As falhas de duas variantes juntas: uma parte não resolvida (NotImplementedError) e uma exceção
    no código do aluno (a mensagem cita as linhas dele); sem variantes, o release como veio."""
    vs = variantes(nome)
    if vs:
        trocas: dict[str, list] = {}
        for rotulo in ("parcial", "excecao"):
            for celula, lista in vs[rotulo].trocas.items():
                trocas.setdefault(celula, []).extend(lista)
        nb = montar_submissao(nome, trocas)
    else:
        nb = json.loads((RAIZ / "release" / nome / f"{nome}.ipynb").read_text(encoding="utf-8"))
    for ident, codigo in (("curiosa", CURIOSA), ("enorme", ENORME)):
        nb["cells"].append({"cell_type": "code", "execution_count": None, "id": ident, "metadata": {}, "outputs": [], "source": codigo})
    return nb


def alunos(nome: str) -> dict[str, dict]:
    """{aluno: notebook} da turma do exercício."""
    turma = {
        "correta": montar_submissao(nome),
        "com_falhas": com_falhas(nome),
        "release": json.loads((RAIZ / "release" / nome / f"{nome}.ipynb").read_text(encoding="utf-8")),
    }
    for rotulo, v in variantes(nome).items():
        if rotulo != "correta":
            turma[aluno_da_variante(rotulo)] = montar_submissao(nome, v.trocas, v.novas_celulas)
    for nome_sub, sub in amostra_do_corpus(nome).items():
        turma[aluno_do_corpus(nome_sub)] = notebook_do_corpus(nome, sub)
    return turma


# ---------------------------------------------------------------------------------------------
# A correção (no processo em segundo plano)


def _corrigir_exercicio(curso: str, nome: str, copias: str) -> dict:
    """Num processo do pool: a turma de um exercício pelo corretor completo."""
    from nbgrader.api import Gradebook

    from autograder.instrutor import lote

    saida = io.StringIO()
    linhas = lote.corrigir(Path(curso), nome, jobs=JOBS, prazo=PRAZO_SUBMISSAO, saida=saida)
    # O feedback como o corretor o gerou, guardado antes que qualquer teste gere de novo.
    for pasta in ("feedback", "feedback_instrutor"):
        if (Path(curso) / pasta).exists():
            shutil.copytree(Path(curso) / pasta, Path(copias) / pasta)
    with Gradebook(f"sqlite:///{Path(curso) / 'gradebook.db'}") as gb:
        celulas = {
            s.student.id: {g.name: g.score for nb in s.notebooks for g in nb.grades}
            for s in gb.assignment_submissions(nome)
        }
    return {
        "linhas": {
            linha.aluno: {"nota": linha.nota, "maximo": linha.maximo, "status": linha.status, "avisos": linha.avisos, "modo": linha.modo}
            for linha in linhas
        },
        "celulas": celulas,
        "falhas": list(linhas.falhas),
        "saida": saida.getvalue(),
    }


def corrigir_turma(pasta: Path) -> dict:
    """Monta os cursos, entrega as submissões e corrige cada exercício; devolve o resultado."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    base = curso_temporario(pasta / "base", *EXERCICIOS)
    trabalhos = {}
    for nome in EXERCICIOS:
        curso = pasta / "cursos" / nome
        shutil.copytree(base, curso)
        for aluno, nb in alunos(nome).items():
            entrega = curso / "submitted" / aluno / nome
            entrega.mkdir(parents=True)
            (entrega / f"{nome}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
            (entrega / "timestamp.txt").write_text("2026-11-23 12:00:00.000000 UTC")
        (pasta / "copias" / nome).mkdir(parents=True)
        trabalhos[nome] = (str(curso), nome, str(pasta / "copias" / nome))
    with ProcessPoolExecutor(max_workers=EXERCICIOS_JUNTOS, mp_context=get_context("spawn")) as pool:
        futuros = {nome: pool.submit(_corrigir_exercicio, *args) for nome, args in trabalhos.items()}
        return {nome: futuro.result() for nome, futuro in futuros.items()}


def _vigiar(pid: int) -> None:
    """Encerra este processo (e tudo o que ele criou) quando o pytest ``pid`` some."""
    import threading

    import psutil

    def laco():
        while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
            time.sleep(2)
        for filho in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                filho.kill()
        os._exit(3)

    threading.Thread(target=laco, daemon=True).start()


def main(pasta: Path, vigiado: int) -> int:
    from apoio import descendentes_restantes, descrever

    _vigiar(vigiado)
    inicio, antes = time.monotonic(), os.times()
    try:
        resultado = corrigir_turma(pasta)
        # Nada do que a correção rodou ficou vivo (menos o rastreador de recursos deste processo).
        restantes = descendentes_restantes()
        if restantes:
            raise AssertionError(f"a correção da turma deixou processos vivos:\n{descrever(restantes)}")
    except BaseException:  # noqa: BLE001 - qualquer falha vira o arquivo que os testes leem
        (pasta / "falhou").write_text(traceback.format_exc(), encoding="utf-8")
        return 1
    depois = os.times()
    cpu = sum(depois[i] - antes[i] for i in range(4))
    resultado["_medida"] = {"cpu": round(cpu, 2), "relogio": round(time.monotonic() - inicio, 2)}
    temporario = pasta / "resultado.json.tmp"
    temporario.write_text(json.dumps(resultado, ensure_ascii=False), encoding="utf-8")
    temporario.replace(pasta / "resultado.json")
    destino = os.environ.get("TESTES_CPU")
    if destino:  # o processo não é filho esperado de nenhum teste: anota o próprio CPU
        with open(destino, "a", encoding="utf-8") as arquivo:
            arquivo.write(json.dumps({"teste": "tests/turma_apoio.py::turma (em segundo plano)", **resultado["_medida"]}) + "\n")
    return 0


# ---------------------------------------------------------------------------------------------
# Do lado dos testes


def iniciar(pasta: Path, vigiado: int) -> None:
    """Inicia a correção em segundo plano, se ninguém iniciou ainda (``pasta/iniciada`` é criado por
    um só processo). O processo fica fora da árvore do pytest (``setsid -f``): nenhum teste o vê
    como um processo deixado vivo."""
    pasta.mkdir(parents=True, exist_ok=True)
    try:
        descritor = os.open(pasta / "iniciada", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.close(descritor)
    # Sem as marcas do teste e da sessão: a vigilância de órfãos (tests/apoio.py) tomaria os processos
    # da turma, nascidos durante algum teste, por vazamento daquele teste e os mataria.
    from apoio import VARIAVEL_MARCA, VARIAVEL_MARCA_SESSAO

    env = {k: v for k, v in os.environ.items() if k not in (VARIAVEL_MARCA, VARIAVEL_MARCA_SESSAO)}
    with open(pasta / "log.txt", "wb") as log:
        subprocess.run(
            ["setsid", "-f", sys.executable, str(Path(__file__).resolve()), str(pasta), str(vigiado)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, check=True, timeout=60,
        )


def esperar(pasta: Path, prazo: float) -> dict:
    """O resultado da correção, esperando por ele até ``prazo`` segundos; falha com o motivo."""
    fim = time.monotonic() + prazo
    while True:
        if (pasta / "resultado.json").exists():
            return carregar(pasta)
        if (pasta / "falhou").exists():
            raise AssertionError("a correção da turma falhou:\n" + (pasta / "falhou").read_text(encoding="utf-8")[-5000:])
        if time.monotonic() > fim:
            log = (pasta / "log.txt").read_text(encoding="utf-8", errors="replace")[-3000:] if (pasta / "log.txt").exists() else ""
            raise AssertionError(f"a correção da turma não terminou em {prazo:g} s\n{log}")
        time.sleep(1)


def carregar(pasta: Path) -> dict:
    resultado = json.loads((pasta / "resultado.json").read_text(encoding="utf-8"))
    medida = resultado.pop("_medida", {})
    return {
        "pasta": pasta, "base": pasta / "base", "medida": medida,
        "cursos": {nome: pasta / "cursos" / nome for nome in resultado},
        "copias": {nome: pasta / "copias" / nome for nome in resultado},
        "exercicios": resultado,
    }


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2])))
