"""O corretor em lote com qualquer curso do nbgrader: cada layout corrigido pelo ``corrigir`` e pelo
``nbgrader`` puro, comparados célula a célula (notas e saídas), e o que não dá para corrigir é relatado
sem zerar nada.

Layouts (notebooks pequenos, sem multiprocessing, para serem baratos):

- ``nbgrader_ps1``: o curso de exemplo da documentação do nbgrader (dois notebooks, cabeçalho por
  ``IncludeHeaderFooter.header``, uma imagem), em ``tests/cursos/``;
- ``meu_curso``, montado aqui, com a configuração mexida em tudo o que o corretor tem de respeitar:
  ``course_id``, ``db_url`` num banco fora da raiz, rodapé (``IncludeHeaderFooter.footer``),
  delimitadores e stub do ``ClearSolutions``, o prazo por célula do ``ExecutePreprocessor`` e o
  ``IgnorePattern``; com duas tarefas: ``dados`` (dois notebooks de nomes quaisquer, um arquivo de dados
  numa subpasta e um módulo auxiliar, que o aluno sobrescreveu) e ``partes`` (um notebook por parte, um
  aluno que deixou de entregar uma parte e outro que não entregou nenhum notebook da tarefa).

Todos os cursos são corrigidos uma vez, num fixture de módulo; o nbgrader puro roda num processo só,
pela API que o formgrader usa, com a configuração que o próprio nbgrader carrega na pasta do curso.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import nbformat
import pytest
from apoio import RAIZ, pasta_da_execucao, travar_arquivo
from nbgrader.api import Gradebook
from nbgrader_apoio import ambiente

from autograder.instrutor import cli, lote
from autograder.instrutor import status as st
from autograder.instrutor.relatorio import Linha
from autograder.instrutor.sandbox import motivo_indisponivel

# A turma inteira é corrigida no primeiro teste (o fixture), duas vezes: numa máquina ocupada, passa dos 600 s.
pytestmark = [pytest.mark.lento, pytest.mark.timeout(1500)]

ISOLAR = motivo_indisponivel() is None

CONFIG_MEU_CURSO = '''c = get_config()
c.CourseDirectory.course_id = "curso-de-teste"
c.CourseDirectory.db_url = "sqlite:///banco/notas.sqlite"
c.IncludeHeaderFooter.footer = "source/rodape.ipynb"
c.ClearSolutions.begin_solution_delimeter = "COMECA RESPOSTA"
c.ClearSolutions.end_solution_delimeter = "TERMINA RESPOSTA"
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError('responda aqui')"}
c.Execute.timeout = 4
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = "AVISO INTERNO"
'''

APOIO = "def ler_numeros(caminho):\n    with open(caminho) as f:\n        return [float(x) for x in f.read().split()]\n"


def _celula(tipo: str, fonte: str, **nbgrader) -> dict:
    criar = nbformat.v4.new_code_cell if tipo == "code" else nbformat.v4.new_markdown_cell
    celula = criar(fonte)
    if nbgrader:
        meta = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
        meta.update(nbgrader)
        celula.metadata["nbgrader"] = meta
    return celula


def _solucao(gid: str, corpo: str) -> dict:
    return _celula("code", f"### COMECA RESPOSTA\n{corpo}\n### TERMINA RESPOSTA", grade_id=gid, solution=True)


def _teste(gid: str, fonte: str, pontos: float) -> dict:
    return _celula("code", fonte, grade_id=gid, grade=True, locked=True, points=pontos)


def _notebook(*celulas: dict) -> str:
    nb = nbformat.v4.new_notebook(cells=list(celulas))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nb)


def _fontes_meu_curso() -> dict[str, str | bytes]:
    leitura = _notebook(
        _celula("markdown", "# Leitura\nA média dos números de `dados/numeros.txt`."),
        _solucao("media", "def media(caminho):\n    from apoio import ler_numeros\n    nums = ler_numeros(caminho)\n    return sum(nums) / len(nums)"),
        _teste("media-visivel", 'assert media("dados/numeros.txt") == 2.5', 2),
        _teste("media-oculta", 'import sys\nprint("AVISO INTERNO: some da saída", file=sys.stderr)\n'
                               'print("fica na saída")\nassert media("dados/numeros.txt") > 0\n'
                               '### BEGIN HIDDEN TESTS\nassert abs(media("dados/numeros.txt") - 2.5) < 1e-9\n### END HIDDEN TESTS', 1),
    )
    analise = _notebook(
        _celula("markdown", "# Análise final"),
        _solucao("dobro", "def dobro(x):\n    return 2 * x"),
        _teste("dobro-teste", "assert dobro(2) == 4\nassert dobro(-1) == -2", 3),
    )
    partes = {
        f"source/partes/parte{i}.ipynb": _notebook(
            _solucao(f"p{i}", f"def parte{i}():\n    return {i}"),
            _teste(f"p{i}-teste", f"assert parte{i}() == {i}", i),
        )
        for i in (1, 2, 3)
    }
    return {
        "nbgrader_config.py": CONFIG_MEU_CURSO,
        "banco/LEIAME": "O banco de notas do curso (db_url).\n",
        "source/rodape.ipynb": _notebook(_celula("markdown", "Fim da tarefa."), _celula("code", 'print("rodapé executado")')),
        "source/dados/leitura.ipynb": leitura,
        "source/dados/analise-final.ipynb": analise,
        "source/dados/dados/numeros.txt": "1\n2\n3\n4\n",
        "source/dados/apoio.py": APOIO,
        **partes,
    }


def _escrever(raiz: Path, arquivos: dict[str, str | bytes]) -> None:
    for nome, conteudo in arquivos.items():
        (raiz / nome).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(conteudo, bytes):
            (raiz / nome).write_bytes(conteudo)
        else:
            (raiz / nome).write_text(conteudo, encoding="utf-8")


def _responder(release: Path, respostas: dict[str, str]) -> str:
    """O notebook do release com as células de solução respondidas (grade_id -> código)."""
    nb = json.loads(release.read_text(encoding="utf-8"))
    for celula in nb["cells"]:
        gid = celula["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in respostas:
            celula["source"] = respostas[gid]
    return json.dumps(nb)


def _entregas_meu_curso(curso: Path) -> dict[str, str | bytes]:
    rel = curso / "release"
    media_certa = "def media(caminho):\n    from apoio import ler_numeros\n    nums = ler_numeros(caminho)\n    return sum(nums) / len(nums)"
    return {
        # ana: tudo certo nos dois notebooks.
        "submitted/ana/dados/leitura.ipynb": _responder(rel / "dados/leitura.ipynb", {"media": media_certa}),
        "submitted/ana/dados/analise-final.ipynb": _responder(rel / "dados/analise-final.ipynb", {"dobro": "def dobro(x):\n    return x + x"}),
        # bia: média certa, mas sobrescreveu os dados e o módulo auxiliar (valem os do source, como no
        # nbgrader); deixou o stub na análise.
        "submitted/bia/dados/leitura.ipynb": _responder(rel / "dados/leitura.ipynb", {"media": media_certa}),
        "submitted/bia/dados/analise-final.ipynb": (rel / "dados/analise-final.ipynb").read_text(encoding="utf-8"),
        "submitted/bia/dados/dados/numeros.txt": "10\n",
        "submitted/bia/dados/apoio.py": "def ler_numeros(caminho):\n    raise RuntimeError('quebrado')\n",
        "submitted/bia/dados/timestamp.txt": "2026-11-20 10:30:00.000000 America/Sao_Paulo",
        # caio: só a análise, com uma função lenta demais para o prazo por célula do curso (4 s).
        "submitted/caio/dados/analise-final.ipynb": _responder(
            rel / "dados/analise-final.ipynb", {"dobro": "import time\ndef dobro(x):\n    time.sleep(30)\n    return 2 * x"}),
        # davi: partes 1 e 3 (a 3 errada), a 2 não entregue, e um rascunho que não é da tarefa.
        "submitted/davi/partes/parte1.ipynb": _responder(rel / "partes/parte1.ipynb", {"p1": "def parte1():\n    return 1"}),
        "submitted/davi/partes/parte3.ipynb": _responder(rel / "partes/parte3.ipynb", {"p3": "def parte3():\n    return 33"}),
        "submitted/davi/partes/rascunho.ipynb": _notebook(_celula("code", "1 + 1")),
        # eva: nenhum notebook da tarefa (o nome mudou).
        "submitted/eva/partes/minhas_partes.ipynb": _responder(rel / "partes/parte1.ipynb", {"p1": "def parte1():\n    return 1"}),
    }


NBGRADER_PURO = """
import atexit, json, os, shutil, sys, tempfile
from nbgrader.apps import NbGraderAPI
from nbgrader.apps.baseapp import NbGrader
from nbgrader.coursedir import CourseDirectory

etapa, pedidos = sys.argv[1], json.loads(sys.argv[2])
falhas = {}
for pasta, tarefas in pedidos:
    os.chdir(pasta)
    app = NbGrader()
    app.load_config_file()  # como qualquer comando do nbgrader: as pastas do Jupyter e a pasta atual
    # Kernels por arquivo (ipc), não por portas TCP (veja soquetes_de_kernel em tests/apoio.py).
    app.config.KernelManager.transport = "ipc"
    soquetes = tempfile.mkdtemp(prefix="k")
    atexit.register(shutil.rmtree, soquetes, True)
    app.config.KernelManager.ip = os.path.join(soquetes, "k")
    api = NbGraderAPI(coursedir=CourseDirectory(config=app.config), config=app.config)
    for tarefa in tarefas:
        if etapa == "gerar":
            r = api.generate_assignment(tarefa, force=True)
            if not r["success"]:
                falhas[tarefa] = r["error"][-2000:]
        else:
            for aluno in sorted(api.get_submitted_students(tarefa)):
                r = api.autograde(tarefa, aluno, force=True, create=True)
                falhas[f"{tarefa}/{aluno}"] = None if r["success"] else r["error"][-300:]
print(json.dumps(falhas))
"""


def _nbgrader_puro(etapa: str, pedidos: list[tuple[Path, list[str]]]) -> dict:
    """O nbgrader puro num processo só (cada curso com a configuração que o nbgrader carrega nele)."""
    proc = subprocess.run([sys.executable, "-c", NBGRADER_PURO, etapa, json.dumps([(str(p), t) for p, t in pedidos])],
                          env=ambiente(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _banco(curso: Path) -> str:
    return "sqlite:///" + str(curso / "banco" / "notas.sqlite") if (curso / "banco").exists() else f"sqlite:///{curso / 'gradebook.db'}"


def _por_celula(url: str, course_id: str, tarefa: str) -> dict[tuple[str, str, str], float]:
    with Gradebook(url, course_id) as gb:
        return {
            (s.student.id, nb.name, g.name): g.score
            for s in gb.assignment_submissions(tarefa) for nb in s.notebooks for g in nb.grades
        }


def _carimbos(url: str, course_id: str, tarefa: str) -> dict[str, str]:
    with Gradebook(url, course_id) as gb:
        return {s.student.id: str(s.timestamp) for s in gb.assignment_submissions(tarefa)}


def _saidas(curso: Path, aluno: str, tarefa: str) -> dict[tuple[str, str], list[str]]:
    """As saídas de texto de cada célula dos notebooks corrigidos (sem contadores nem metadados)."""
    saidas = {}
    for caminho in sorted((curso / "autograded" / aluno / tarefa).glob("*.ipynb")):
        nb = json.loads(caminho.read_text(encoding="utf-8"))
        for i, celula in enumerate(nb["cells"]):
            textos = []
            for saida in celula.get("outputs", []):
                textos.append(saida.get("name", saida["output_type"]) + ":" + "".join(saida.get("text", "")) + saida.get("ename", ""))
            saidas[(caminho.name, celula.get("metadata", {}).get("nbgrader", {}).get("grade_id", str(i)))] = textos
    return saidas


def _corrigir_os_cursos(base: Path) -> dict:
    puro, lote_ = base / "puro", base / "lote"
    for pasta in (puro, lote_):  # de uma tentativa anterior que falhou noutro processo do xdist
        shutil.rmtree(pasta, ignore_errors=True)
    shutil.copytree(RAIZ / "tests" / "cursos" / "nbgrader_ps1", puro / "ps1")
    _escrever(puro / "meu", _fontes_meu_curso())
    assert _nbgrader_puro("gerar", [(puro / "ps1", ["ps1"]), (puro / "meu", ["dados", "partes"])]) == {}
    _escrever(puro / "meu", _entregas_meu_curso(puro / "meu"))
    shutil.copytree(puro, lote_)  # a mesma turma, com o gradebook da tarefa já gerado
    falhas = _nbgrader_puro("corrigir", [(puro / "ps1", ["ps1"]), (puro / "meu", ["dados", "partes"])])
    resultados = {}
    # Só o ps1 com feedback (os HTML de cada notebook); partes com -j 1 (um aluno só roda kernel).
    for nome, tarefa, feedback, jobs in (("ps1", "ps1", True, 2), ("meu", "dados", False, 2), ("meu", "partes", False, 1)):
        saida = io.StringIO()
        linhas = lote.corrigir(lote_ / nome, tarefa, jobs=jobs, prazo=300, saida=saida, feedback=feedback, isolar=ISOLAR)
        resultados[tarefa] = {"linhas": {linha.aluno: asdict(linha) for linha in linhas}, "saida": saida.getvalue()}
    return {"falhas": falhas, "resultados": resultados}


@pytest.fixture(scope="module")
def cursos(tmp_path_factory) -> dict:
    """Os cursos, cada um corrigido pelo nbgrader puro (uma cópia) e pelo corrigir (outra): uma vez por
    execução, mesmo com vários processos do xdist (os outros esperam a trava e leem o resultado)."""
    comum = pasta_da_execucao(tmp_path_factory) / "cursos-nbgrader"
    comum.mkdir(exist_ok=True)
    feito = comum / "resultados.json"
    with open(comum.with_suffix(".trava"), "w") as trava:
        travar_arquivo(trava, time.monotonic() + 1500, "a trava dos cursos não foi liberada em 1500 s")
        if not feito.exists():
            feito.write_text(json.dumps(_corrigir_os_cursos(comum)), encoding="utf-8")
    dados = json.loads(feito.read_text(encoding="utf-8"))
    for r in dados["resultados"].values():
        r["linhas"] = {aluno: Linha(**linha) for aluno, linha in r["linhas"].items()}
    return {"puro": comum / "puro", "lote": comum / "lote", **dados}


@pytest.mark.parametrize(("nome", "tarefa", "course_id"), [("ps1", "ps1", "example_course"), ("meu", "dados", "curso-de-teste"),
                                                           ("meu", "partes", "curso-de-teste")])
def test_notas_por_celula_e_saidas_iguais_as_do_nbgrader_puro(cursos, nome, tarefa, course_id):
    puro, corrigido = cursos["puro"] / nome, cursos["lote"] / nome
    esperadas = _por_celula(_banco(puro), course_id, tarefa)
    obtidas = _por_celula(_banco(corrigido), course_id, tarefa)
    linhas = cursos["resultados"][tarefa]["linhas"]
    corrigidos = {aluno for aluno, linha in linhas.items() if linha.status not in st.NAO_GRAVAR}
    assert obtidas == {k: v for k, v in esperadas.items() if k[0] in corrigidos}, cursos["resultados"][tarefa]["saida"]
    assert _carimbos(_banco(corrigido), course_id, tarefa) == {
        a: t for a, t in _carimbos(_banco(puro), course_id, tarefa).items() if a in corrigidos}
    for aluno in corrigidos:
        assert _saidas(corrigido, aluno, tarefa) == _saidas(puro, aluno, tarefa), aluno
    assert all(linha.nota == sum(v for k, v in obtidas.items() if k[0] == a) for a, linha in linhas.items() if a in corrigidos)


def test_curso_da_documentacao_do_nbgrader(cursos):
    """O exemplo da issue: cabeçalho, dois notebooks, uma imagem; 1,5 e 3 de 13, como o nbgrader puro."""
    linhas = cursos["resultados"]["ps1"]["linhas"]
    assert {a: (linha.nota, linha.maximo, linha.status) for a, linha in linhas.items()} == {
        "bitdiddle": (1.5, 13.0, st.OK), "hacker": (3.0, 13.0, st.OK)}
    assert all("sem nota de registro" in linha.modo for linha in linhas.values())
    curso = cursos["lote"] / "ps1"
    for aluno in linhas:
        for nb in ("problem1", "problem2"):
            assert (curso / "feedback" / aluno / "ps1" / f"{nb}.html").exists(), (aluno, nb)
        assert (curso / "autograded" / aluno / "ps1" / "jupyter.png").read_bytes() == (curso / "source" / "ps1" / "jupyter.png").read_bytes()
    csv = (curso / "grades.csv").read_text()
    assert "ps1,,2015-02-02 22:58:23.948203,bitdiddle,,,,1.5,0.0,1.5,13.0" in csv
    assert "ps1,,2015-02-01 17:28:58.749302,hacker,,,,3.0,0.0,3.0,13.0" in csv


def test_a_configuracao_do_curso_vale(cursos):
    """db_url fora da raiz, course_id, prazo por célula, IgnorePattern, arquivos do source por cima dos do aluno."""
    curso = cursos["lote"] / "meu"
    assert not (curso / "gradebook.db").exists(), "as notas vão para o banco do db_url do curso"
    with sqlite3.connect(curso / "banco" / "notas.sqlite") as banco:
        assert dict(banco.execute("SELECT name, course_id FROM assignment")) == {"dados": "curso-de-teste", "partes": "curso-de-teste"}
        cursos_no_banco = set(banco.execute("SELECT id FROM course"))
    with sqlite3.connect(cursos["puro"] / "meu" / "banco" / "notas.sqlite") as banco:
        assert cursos_no_banco == set(banco.execute("SELECT id FROM course")), "o corretor não cria cursos que o nbgrader não cria"
    dados = cursos["resultados"]["dados"]["linhas"]
    assert dados["ana"].nota == 6 and dados["bia"].nota == 3 and dados["caio"].nota == 0
    assert any("leitura.ipynb" in aviso and "não entregues" in aviso for aviso in dados["caio"].avisos)
    # O prazo por célula do curso (4 s) cortou a função lenta: foi o nbgrader, não o prazo da submissão.
    assert dados["caio"].status == st.OK and dados["caio"].tempo < 120
    corrigido = (curso / "autograded" / "caio" / "dados" / "analise-final.ipynb").read_text()
    assert "Timeout" in corrigido or "timed out" in corrigido or "KeyboardInterrupt" in corrigido
    # Para o nbgrader, qualquer saída no stderr zera a célula: o IgnorePattern do curso tira a linha e
    # a célula vale (um corretor que ignorasse a configuração daria 5 à ana, e não 6).
    saidas = _saidas(curso, "ana", "dados")[("leitura.ipynb", "media-oculta")]
    assert saidas == ["stdout:fica na saída\n"], "o IgnorePattern do curso tirou a linha do stderr"
    assert (curso / "autograded" / "bia" / "dados" / "apoio.py").read_text() == APOIO
    assert (curso / "autograded" / "bia" / "dados" / "dados" / "numeros.txt").read_text() == "1\n2\n3\n4\n"
    assert "rodapé executado" in (curso / "autograded" / "ana" / "dados" / "leitura.ipynb").read_text()


def test_notebook_por_parte_e_entregas_incompletas(cursos):
    linhas = cursos["resultados"]["partes"]["linhas"]
    assert linhas["davi"].nota == 1 and linhas["davi"].maximo == 6 and linhas["davi"].status == st.OK
    assert any("parte2.ipynb" in aviso for aviso in linhas["davi"].avisos)
    # eva não entregou nenhum notebook da tarefa: relatada, sem nada no gradebook (o nbgrader puro falha nela).
    assert linhas["eva"].status == st.AUSENTE
    assert "minhas_partes.ipynb" in " ".join(linhas["eva"].avisos)
    assert cursos["falhas"]["partes/eva"] is not None
    assert "eva" not in {k[0] for k in _por_celula(_banco(cursos["lote"] / "meu"), "curso-de-teste", "partes")}


def _impressao(curso: Path, course_id: str) -> tuple:
    return (sorted(_por_celula(_banco(curso), course_id, "ps1").items()), (curso / "grades.csv").read_bytes())


def test_layout_que_nao_da_para_corrigir_e_relatado_e_nao_zera_nada(cursos, tmp_path, capsys):
    """Duas turmas já corrigidas pelo nbgrader puro, com notas no gradebook e no grades.csv:
    (1) o curso pede um kernel que esta máquina não tem; (2) a tarefa não está no gradebook e o
    cabeçalho sumiu. O corretor relata cada aluno com o motivo e não muda nota nenhuma."""
    curso = tmp_path / "ps1"
    shutil.copytree(cursos["puro"] / "ps1", curso)
    assert subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=curso, env=ambiente(), capture_output=True).returncode == 0
    with sqlite3.connect(curso / "gradebook.db") as banco:
        banco.execute("UPDATE notebook SET kernelspec = ?", (json.dumps({"name": "kernel-que-nao-existe", "display_name": "X", "language": "python"}),))
    antes = _impressao(curso, "example_course")
    assert dict(antes[0])[("hacker", "problem1", "correct_squares")] == 1.0
    saida = io.StringIO()
    linhas = {linha.aluno: linha for linha in lote.corrigir(curso, "ps1", jobs=1, prazo=120, saida=saida, feedback=False, isolar=ISOLAR)}
    assert {linha.status for linha in linhas.values()} == {st.ERRO}, saida.getvalue()
    assert all("kernel-que-nao-existe" in " ".join(linha.avisos) for linha in linhas.values()), saida.getvalue()
    assert "nota não alterada" in saida.getvalue()
    assert _impressao(curso, "example_course") == antes
    assert not (curso / "relatorios" / "ps1" / "diario.jsonl").exists() or "hacker" not in (curso / "relatorios" / "ps1" / "diario.jsonl").read_text()

    # (2) Outra tarefa, que nunca foi gerada, com o cabeçalho apagado: generate_assignment falha.
    shutil.copytree(curso / "source" / "ps1", curso / "source" / "ps2")
    for aluno in ("bitdiddle", "hacker"):
        shutil.copytree(curso / "submitted" / aluno / "ps1", curso / "submitted" / aluno / "ps2")
    (curso / "source" / "header.ipynb").unlink()
    # Pela linha de comando, de outra pasta: --curso usa o nbgrader_config.py DAQUELE curso (o cabeçalho).
    opcoes = ["ps2", "--curso", str(curso), "-j", "1", "--prazo", "120"] + ([] if ISOLAR else ["--sem-isolamento"])
    assert cli.main(opcoes) == 1
    erros = capsys.readouterr().err
    assert "a tarefa ps2 não pôde ser corrigida" in erros and "FileNotFoundError" in erros and "header.ipynb" in erros, erros
    assert _impressao(curso, "example_course") == antes
    resumo = (curso / "relatorios" / "ps2" / "resumo.txt").read_text()
    assert "Pedem um olhar humano" in resumo and "não corrigida" in resumo
    assert re.search(r"^hacker +— ", resumo, re.MULTILINE), "quem não foi corrigido aparece sem nota, e não com zero"
    assert hashlib.sha256((curso / "grades.csv").read_bytes()).hexdigest() == hashlib.sha256(antes[1]).hexdigest()


def test_configuracao_do_curso_lida_como_o_nbgrader_le(tmp_path):
    """Sem kernel nem nbgrader: o banco relativo é relativo à pasta do curso (não à atual), e valem o
    course_id, os ignorados e as pastas do curso."""
    from autograder.instrutor.curso import Curso

    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "c1"\nc.CourseDirectory.db_url = "sqlite:///notas/g.db"\n'
        'c.CourseDirectory.ignore = ["*.bin"]\nc.CourseDirectory.submitted_directory = "entregas"\n')
    curso = Curso.carregar(tmp_path)
    assert curso.db_url == f"sqlite:///{tmp_path.resolve() / 'notas' / 'g.db'}"
    assert curso.course_id == "c1" and curso.ignorados == ["*.bin"]
    assert curso.pasta_de("submitted", "t1", "ana") == tmp_path.resolve() / "entregas" / "ana" / "t1"
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.db_url = "postgresql://u@h/notas"\n')
    assert Curso.carregar(tmp_path).db_url == "postgresql://u@h/notas"


def test_grades_csv_guarda_as_linhas_de_quem_nao_foi_corrigido(tmp_path):
    from autograder.instrutor.gradebook import preservar_linhas

    cabecalho = "assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,late_submission_penalty,score,max_score\n"
    antigo = cabecalho + "ps1,,2026-11-20 10:00:00,ana,,,,7.0,0.0,7.0,7.0\nps1,,2026-11-20 10:00:00,bia,,,,5.0,0.0,5.0,7.0\nps0,,,ana,,,,1.0,0.0,1.0,1.0\n"
    novo = tmp_path / "grades.csv"
    novo.write_text(cabecalho + "ps0,,,ana,,,,1.0,0.0,1.0,1.0\nps1,,,ana,,,,0.0,0.0,0.0,7.0\nps1,,2026-11-25 09:00:00,bia,,,,6.0,0.0,6.0,7.0\n")
    preservar_linhas(antigo, novo, "ps1", {"ana", "caio"})
    assert novo.read_text() == (cabecalho + "ps0,,,ana,,,,1.0,0.0,1.0,1.0\nps1,,2026-11-20 10:00:00,ana,,,,7.0,0.0,7.0,7.0\n"
                                "ps1,,2026-11-25 09:00:00,bia,,,,6.0,0.0,6.0,7.0\n")
