"""O comando do instrutor: notas iguais às do nbgrader sequencial, entradas ruins, zip, diário, retomada, Dask e CLI."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from apoio import RAIZ
from nbgrader.api import Gradebook
from nbgrader_apoio import ambiente, autograde, curso_temporario, montar_submissao
from test_lms import ler_planilha_moodle, ler_zip_feedback_moodle
from turma_apoio import aluno_da_variante

from autograder.instrutor import autograde as ag
from autograder.instrutor import cli, diario, lote
from autograder.instrutor import coleta as col
from autograder.instrutor import status as st
from autograder.instrutor.curso import Curso
from autograder.instrutor.relatorio import Turma

EX = "ex01_processos"
VARIANTES = importlib.import_module(f"submissoes.{EX}").VARIANTES


def _curso(tmp: Path) -> Path:
    curso = tmp / "curso"
    curso.mkdir()
    shutil.copy(RAIZ / "nbgrader_config.py", curso)
    shutil.copytree(RAIZ / "source" / EX, curso / "source" / EX, ignore=shutil.ignore_patterns("solucao_*.py"))
    return curso


def _entregar(curso: Path, aluno: str, conteudo: bytes, nome: str = f"{EX}.ipynb") -> None:
    pasta = curso / "submitted" / aluno / EX
    pasta.mkdir(parents=True, exist_ok=True)
    (pasta / nome).write_bytes(conteudo)


def _nb(rotulo: str) -> dict:
    v = VARIANTES[rotulo]
    return montar_submissao(EX, v.trocas, v.novas_celulas)


def _notas(curso: Path) -> dict[str, float]:
    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(EX)}


def _por_celula(curso: Path) -> dict[tuple[str, str], float]:
    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        return {
            (s.student.id, g.name): g.score
            for s in gb.assignment_submissions(EX) for nb in s.notebooks for g in nb.grades
        }


@pytest.mark.lento
def test_notas_iguais_as_do_autograde_sequencial(tmp_path: Path, turma):
    """Uma amostra da turma da suíte (tests/turma_apoio.py, corrigida pelo corretor com -j, sandbox e
    nota de registro) corrigida de novo pelo ``nbgrader autograde`` puro, sequencial: as mesmas notas,
    célula a célula."""
    rotulos = ["correta", "parcial", "excecao", "impasse", "kernel_morre"]
    alunos = {r: aluno_da_variante(r) for r in rotulos}
    sequencial = curso_temporario(tmp_path / "a", EX)
    notas_seq = autograde(sequencial, EX, {alunos[r]: _nb(r) for r in rotulos})
    notas_seq.pop("_saida")
    corrigido = turma["exercicios"][EX]
    paralelo = turma["cursos"][EX]
    assert {alunos[r]: corrigido["linhas"][alunos[r]]["nota"] for r in rotulos} == notas_seq
    assert {(a, g): nota for a, celulas in corrigido["celulas"].items() if a in alunos.values() for g, nota in celulas.items()} == _por_celula(sequencial)
    assert {a: _notas(paralelo)[a] for a in alunos.values()} == notas_seq
    assert corrigido["linhas"][alunos["kernel_morre"]]["status"] == st.KERNEL
    n = len(corrigido["linhas"])
    texto = corrigido["saida"]
    assert f"[{n}/{n}]" in texto and "Mais lentas:" in texto
    # Todo aluno recebe feedback; quem teve o kernel morto lê por quê (o nbgrader puro não daria nenhum).
    for aluno in corrigido["linhas"]:
        assert (paralelo / "feedback" / aluno / EX / f"{EX}.html").exists(), aluno
    assert "o kernel (o processo que roda o notebook) morreu" in (paralelo / "feedback" / alunos["kernel_morre"] / EX / f"{EX}.html").read_text()
    assert {linha["modo"] for linha in corrigido["linhas"].values()} <= {st.ISOLADO, f"{st.ISOLADO}, registro no sandbox"}
    assert (paralelo / "grades.csv").read_text().count(EX) == n
    assert (paralelo / "relatorios" / EX / "histograma.png").stat().st_size > 1000
    assert corrigido["falhas"] == []


@pytest.mark.lento
def test_entradas_ruins_tem_status_proprio_e_nao_afetam_os_outros(tmp_path: Path):
    curso = _curso(tmp_path)
    certo = _nb("correta")
    _entregar(curso, "certo", json.dumps(certo).encode())
    _entregar(curso, "json_quebrado", b'{"cells": [')
    _entregar(curso, "nao_utf8", b"\xff\xfe\x00 n\xe3o \xe9 utf-8")
    _entregar(curso, "renomeado", json.dumps(certo).encode(), nome="meu_exercicio.ipynb")
    enorme = json.loads(json.dumps(certo))
    enorme["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * (6 * 1024 * 1024)}]
    enorme["cells"][0]["cell_type"] = "code"
    enorme["cells"][0]["execution_count"] = None
    _entregar(curso, "saidas_enormes", json.dumps(enorme).encode())
    editado = json.loads(json.dumps(certo))
    for celula in editado["cells"]:
        if celula["metadata"].get("nbgrader", {}).get("grade"):
            celula["source"] = "pass  # o aluno apagou o teste"
    _entregar(curso, "teste_editado", json.dumps(editado).encode())
    sem_celula = json.loads(json.dumps(certo))
    sem_celula["cells"] = [x for x in sem_celula["cells"] if x["metadata"].get("nbgrader", {}).get("grade_id") != "ex01-dividir"]
    _entregar(curso, "celula_apagada", json.dumps(sem_celula).encode())
    invasor = json.loads(json.dumps(certo))
    alvos = ["../../../gradebook.db", "../../certo/ex01_processos/ex01_processos.ipynb",
             str(curso / "submitted" / "certo" / EX / f"{EX}.ipynb"), str(curso / "gradebook.db")]
    invasor["cells"].append({"cell_type": "code", "execution_count": None, "id": "invasor", "metadata": {}, "outputs": [],
                             "source": f"from pathlib import Path\nfor alvo in {alvos!r}:\n"
                                       "    try:\n        Path(alvo).write_text('estragado')\n    except OSError:\n        pass"})
    _entregar(curso, "invasor", json.dumps(invasor).encode())
    _entregar(curso, "json_lista", b"[1, 2, 3]")
    _entregar(curso, "json_sem_celulas", json.dumps({"cells": 5, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode())
    # Metadados do nbgrader adulterados: o identificador de uma célula de teste trocado, uma célula de
    # teste copiada (identificador repetido). O nbgrader recusa os dois notebooks; o feedback dos outros
    # (e o deles, que diz o que houve) sai mesmo assim.
    trocado = json.loads(json.dumps(certo))
    next(c for c in trocado["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "ex01-dividir")["metadata"]["nbgrader"]["grade_id"] = "ex01-dividir-meu"
    _entregar(curso, "id_trocado", json.dumps(trocado).encode())
    duplicado = json.loads(json.dumps(certo))
    copia = json.loads(json.dumps(next(c for c in duplicado["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "ex01-dividir")))
    copia["id"] = "copia-do-teste"
    duplicado["cells"].append(copia)
    _entregar(curso, "teste_duplicado", json.dumps(duplicado).encode())
    colega = (curso / "submitted" / "certo" / EX / f"{EX}.ipynb").read_bytes()
    turma = lote.corrigir(curso, EX, jobs=2, prazo=300, saida=io.StringIO())
    linhas = {linha.aluno: linha for linha in turma}
    assert linhas["certo"].status == st.OK and linhas["certo"].nota == 7
    assert linhas["json_quebrado"].status == st.INVALIDO and linhas["json_quebrado"].nota == 0
    assert linhas["nao_utf8"].status == st.INVALIDO
    assert linhas["renomeado"].status == st.AUSENTE
    assert linhas["saidas_enormes"].nota == 7 and "saídas enormes removidas" in " ".join(linhas["saidas_enormes"].avisos)
    assert linhas["teste_editado"].nota == 7, "o nbgrader restaura as células de teste"
    # Uma célula de teste apagada vale zero (como no nbgrader sequencial) e o caso vai para o olhar humano.
    assert linhas["celula_apagada"].nota == 5
    assert "células do enunciado apagadas pelo aluno: ex01-dividir" in linhas["celula_apagada"].avisos
    assert linhas["invasor"].nota == 7 and linhas["invasor"].status == st.SUSPEITA
    assert "ler ou escrever fora da pasta de trabalho" in " ".join(linhas["invasor"].avisos)
    # JSON válido que não é notebook: inválido, com o motivo, sem derrubar ninguém.
    assert linhas["json_lista"].status == st.INVALIDO and "não é um notebook" in " ".join(linhas["json_lista"].avisos)
    assert linhas["json_sem_celulas"].status == st.INVALIDO
    # O invasor tentou o gradebook e a entrega do colega (pelos caminhos de verdade): nada mudou.
    assert _notas(curso)["certo"] == 7
    assert (curso / "submitted" / "certo" / EX / f"{EX}.ipynb").read_bytes() == colega
    resumo = (curso / "relatorios" / EX / "resumo.txt").read_text()
    assert "Pedem um olhar humano" in resumo and "json_quebrado" in resumo
    for aluno in ("id_trocado", "teste_duplicado"):
        assert linhas[aluno].status == st.INVALIDO and linhas[aluno].nota == 0, linhas[aluno]
        pagina = (curso / "feedback" / aluno / EX / f"{EX}.html").read_text(encoding="utf-8")
        assert "o nbgrader recusou o notebook entregue" in pagina, aluno
    assert any(a.startswith("o nbgrader recusou o notebook: ") for a in linhas["id_trocado"].avisos), linhas["id_trocado"].avisos
    assert (curso / "feedback" / "certo" / EX / f"{EX}.html").exists()
    assert not [f for f in turma.falhas if "generate_feedback" in f], turma.falhas
    # Se o generate_feedback ainda recusar o notebook corrigido de um aluno, o relatório diz de quem (e
    # que os outros receberam), em vez de "falhou" para a turma inteira.
    corrigido = curso / "autograded" / "id_trocado" / EX / f"{EX}.ipynb"
    corrigido.write_text(json.dumps(trocado), encoding="utf-8")
    depois = Turma(list(turma))
    lote._depois(Curso.carregar(curso), EX, depois, True, set())
    assert [f for f in depois.falhas if "generate_feedback" in f] == [
        f for f in depois.falhas if f.startswith("nbgrader generate_feedback não gerou o feedback de id_trocado (os outros alunos receberam)")
    ] != [], depois.falhas


def _zip(entradas: list[tuple[str, bytes, tuple]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for nome, conteudo, data in entradas:
            z.writestr(zipfile.ZipInfo(nome, date_time=data), conteudo)
    return buffer.getvalue()


def test_zip_recusa_caminhos_fora_e_escolhe_a_entrega_mais_nova(tmp_path: Path):
    curso = tmp_path / "curso"
    (tmp_path / "turma.zip").write_bytes(_zip([
        # A mais nova chega ANTES da mais velha, com outro nome: "a última entrada vence" erraria.
        ("reenvio/ana__20261121T1000__ex01_processos.ipynb", b"novo", (2020, 1, 1, 0, 0, 0)),
        ("ana__20261120T1000__ex01_processos.ipynb", b"velho", (2026, 12, 30, 0, 0, 0)),
        # Sem data no nome: vale a data do arquivo no zip (e ela vira o carimbo).
        ("lote2/bia__ex01_processos.ipynb", b"bia nova", (2026, 11, 22, 9, 30, 14)),
        ("lote1/bia__ex01_processos.ipynb", b"bia velha", (2026, 11, 21, 9, 0, 0)),
        # Data no nome contra data do arquivo: comparadas no mesmo formato (AAAAMMDDHHMMSS).
        ("caio__20261122T0900__ex01_processos.ipynb", b"caio nome", (2020, 1, 1, 0, 0, 0)),
        ("caio__ex01_processos.ipynb", b"caio arquivo", (2026, 11, 22, 8, 59, 59)),
        # Empate: vale a que aparece por último no zip, e a escolha é relatada.
        ("x/davi__ex01_processos.ipynb", b"davi 1", (2026, 11, 20, 10, 0, 0)),
        ("y/davi__ex01_processos.ipynb", b"davi 2", (2026, 11, 20, 10, 0, 0)),
        ("../fora__ex01_processos.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("/etc/absoluto__x.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("pasta/../../subiu__x.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("C:/Users/ana__x.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("..\\janela__x.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("\\servidor\\ana__x.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("ana__ex01 (1).ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("jo\u00e3o__ex01_processos.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("sem_padrao.ipynb", b"?", (2026, 1, 1, 0, 0, 0)),
    ]))
    coleta = col.coletar_zip(tmp_path / "turma.zip", curso, EX)
    assert sorted(coleta.alunos) == ["ana", "bia", "caio", "davi"]
    sub = curso / "submitted"
    assert (sub / "ana" / EX / f"{EX}.ipynb").read_bytes() == b"novo"
    assert (sub / "bia" / EX / f"{EX}.ipynb").read_bytes() == b"bia nova"
    assert (sub / "caio" / EX / f"{EX}.ipynb").read_bytes() == b"caio nome"
    assert (sub / "davi" / EX / f"{EX}.ipynb").read_bytes() == b"davi 2"
    assert (sub / "ana" / EX / "timestamp.txt").read_text() == "2026-11-21 10:00:00.000000 UTC"
    assert (sub / "bia" / EX / "timestamp.txt").read_text() == "2026-11-22 09:30:14.000000 UTC"
    assert any("vale reenvio/ana__20261121T1000__ex01_processos.ipynb" in e for e in coleta.escolhas)
    assert any("davi" in e and "mesma data" in e and "vale a última do zip, y/davi" in e for e in coleta.escolhas)
    motivos = dict(coleta.recusadas)
    for nome in ("../fora__ex01_processos.ipynb", "/etc/absoluto__x.ipynb", "pasta/../../subiu__x.ipynb",
                 "C:/Users/ana__x.ipynb", "..\\janela__x.ipynb", "\\servidor\\ana__x.ipynb"):
        assert motivos[nome] == "caminho fora da pasta de destino", nome
    assert motivos["ana__ex01 (1).ipynb"] == "nome de aluno ou de arquivo com caracteres proibidos"
    assert motivos["jo\u00e3o__ex01_processos.ipynb"] == "nome de aluno ou de arquivo com caracteres proibidos"
    assert motivos["sem_padrao.ipynb"] == "o nome não segue o padrão"
    todos = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p == "turma.zip" or p.startswith("curso/submitted/") for p in todos)


def test_zip_nova_coleta_nao_deixa_arquivos_da_anterior(tmp_path: Path):
    curso = tmp_path / "curso"
    (tmp_path / "v1.zip").write_bytes(_zip([
        ("ana__ex01_processos.ipynb", b"v1", (2026, 11, 20, 10, 0, 0)),
        ("ana__rascunho.py", b"velho", (2026, 11, 20, 10, 0, 0)),
    ]))
    (tmp_path / "v2.zip").write_bytes(_zip([("ana__ex01_processos.ipynb", b"v2", (2026, 11, 21, 10, 0, 0))]))
    col.coletar_zip(tmp_path / "v1.zip", curso, EX)
    col.coletar_zip(tmp_path / "v2.zip", curso, EX)
    pasta = curso / "submitted" / "ana" / EX
    assert sorted(p.name for p in pasta.iterdir()) == [f"{EX}.ipynb", "timestamp.txt"]
    assert (pasta / f"{EX}.ipynb").read_bytes() == b"v2"


def test_zip_com_regex_propria_e_regex_sem_os_grupos(tmp_path: Path):
    (tmp_path / "t.zip").write_bytes(_zip([
        ("entregas/2026-11-20_ana_ex01_processos.ipynb", b"a", (2026, 11, 20, 10, 0, 0)),
        ("entregas/2026-11-21_bia_ex01_processos.ipynb", b"b", (2026, 11, 20, 10, 0, 0)),
    ]))
    regex = r"^entregas/(?P<d1>\d{4})-(?P<d2>\d\d)-(?P<d3>\d\d)_(?P<aluno>[a-z]+)_(?P<arquivo>.+)$"
    coleta = col.coletar_zip(tmp_path / "t.zip", tmp_path / "curso", EX, regex)
    assert sorted(coleta.alunos) == ["ana", "bia"]
    assert (tmp_path / "curso" / "submitted" / "bia" / EX / f"{EX}.ipynb").read_bytes() == b"b"
    with pytest.raises(ValueError, match="grupos nomeados"):
        col.coletar_zip(tmp_path / "t.zip", tmp_path / "curso", EX, r"^(?P<aluno>.+)$")
    with pytest.raises(ValueError, match="não é uma expressão regular válida"):
        col.coletar_zip(tmp_path / "t.zip", tmp_path / "curso", EX, r"^(?P<aluno>[")


def test_zip_no_padrao_do_moodle(tmp_path: Path):
    (tmp_path / "moodle.zip").write_bytes(_zip([
        ("Ana Souza_12345_assignsubmission_file_/ex01_processos.ipynb", b"a", (2026, 11, 20, 10, 0, 0)),
        ("Bruno Lima_67890_assignsubmission_file_ex01_processos.ipynb", b"b", (2026, 11, 20, 10, 0, 0)),
    ]))
    coleta = col.coletar_zip(tmp_path / "moodle.zip", tmp_path / "curso", EX, "moodle")
    assert sorted(coleta.alunos) == ["12345", "67890"]


def test_diario_com_linha_cortada_nao_cola_a_proxima(tmp_path: Path):
    arquivo = tmp_path / "diario.jsonl"
    diario.acrescentar(arquivo, {"aluno": "ana", "digital": "1"})
    with arquivo.open("ab") as f:
        f.write(b'{"aluno": "bia", "dig')  # um kill no meio da escrita
    diario.acrescentar(arquivo, {"aluno": "caio", "digital": "3"})
    feitos = diario.ler(arquivo)
    assert sorted(feitos) == ["ana", "caio"]
    assert arquivo.read_text().splitlines()[-1] == '{"aluno": "caio", "digital": "3"}'


@pytest.mark.lento
def test_retomar_depois_de_matar_no_meio_nao_perde_nem_duplica(tmp_path: Path):
    curso = _curso(tmp_path)
    rotulos = ["correta", "parcial", "excecao", "funcao_na_celula"]
    for r in rotulos:
        _entregar(curso, r, json.dumps(_nb(r)).encode())
    diario = curso / "relatorios" / EX / "diario.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "autograder.corrigir", EX, "-j", "1", "--curso", str(curso)],
                            env=ambiente(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    fim = time.monotonic() + 240
    while time.monotonic() < fim and not (diario.exists() and diario.read_text().count("\n") >= 1):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    feitos_antes = diario.read_text().count("\n")
    assert 1 <= feitos_antes < len(rotulos), "o teste precisa matar no meio da correção"
    saida = io.StringIO()
    lote.corrigir(curso, EX, jobs=2, prazo=300, saida=saida)
    assert f"{feitos_antes} já corrigidas, {len(rotulos) - feitos_antes} a corrigir" in saida.getvalue()
    registros = [json.loads(linha) for linha in diario.read_text().splitlines()]
    assert sorted(r["aluno"] for r in registros) == sorted(rotulos)
    assert _notas(curso) == {r: VARIANTES[r].nota for r in rotulos}
    # Uma terceira vez não corrige nada de novo.
    saida = io.StringIO()
    lote.corrigir(curso, EX, saida=saida, feedback=False)
    assert f"{len(rotulos)} já corrigidas, 0 a corrigir" in saida.getvalue()


@pytest.mark.lento
def test_corrige_num_cluster_dask(tmp_path: Path):
    from distributed import LocalCluster

    curso = _curso(tmp_path)
    for r in ("correta", "parcial"):
        _entregar(curso, r, json.dumps(_nb(r)).encode())
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        lote.corrigir(curso, EX, dask=cluster.scheduler_address, prazo=300, saida=io.StringIO(), feedback=False)
    assert _notas(curso) == {"correta": 7, "parcial": 4}


@pytest.mark.lento
def test_prazo_da_submissao_inteira_corta_e_encerra_tudo(tmp_path: Path):
    curso = _curso(tmp_path)
    # O prazo de cada célula do nbgrader bem maior que o da submissão (e que as folgas abaixo): se a
    # célula parada só terminasse pelo prazo do nbgrader, a correção levaria mais de 900 s.
    with open(curso / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.ExecutePreprocessor.timeout = 900\nc.Execute.timeout = 900\n")
    # Uma célula do próprio notebook que nunca termina: só o prazo da submissão a interrompe.
    trava = montar_submissao(EX, novas_celulas=[("ex01-modulo", "import time\nwhile True:\n    time.sleep(0.1)")])
    _entregar(curso, "trava", json.dumps(trava).encode())
    inicio = time.monotonic()
    linhas = {linha.aluno: linha for linha in lote.corrigir(curso, EX, jobs=1, prazo=12, saida=io.StringIO(), feedback=False)}
    assert linhas["trava"].status == st.TEMPO and linhas["trava"].nota == 0
    # Cortado pelo prazo da submissão, não pelo da célula do nbgrader; a folga cobre matar o kernel e
    # gravar o notebook com a máquina carregada pelo resto da suíte (o tempo da submissão não conta
    # preparar o modelo; o total conta, e numa máquina com carga 19 passou de 120 s).
    assert linhas["trava"].tempo < 12 + 60
    assert time.monotonic() - inicio < 600
    # O aluno que passa é corrigido com um prazo folgado (numa máquina ocupada, 12 s podem não bastar).
    _entregar(curso, "certo", json.dumps(_nb("correta")).encode())
    linhas = {linha.aluno: linha for linha in lote.corrigir(curso, EX, jobs=1, prazo=300, saida=io.StringIO(), feedback=False)}
    assert linhas["certo"].status == st.OK and linhas["certo"].nota == 7
    assert linhas["trava"].status == st.TEMPO, "a entrega que não mudou não é corrigida de novo"
    # O fixture automático confere que nenhum kernel ou filho do aluno ficou vivo.


def test_os_tres_sinais_de_kernel_que_nao_iniciou():
    for sinal in ag.SINAIS_DE_PARTIDA_FALHA:
        assert ag.kernel_nao_iniciou(f"[AutogradeApp | ERROR] ...\nRuntimeError: {sinal} 60 seconds")
    assert not ag.kernel_nao_iniciou("DeadKernelError: Kernel died")


@pytest.mark.lento
def test_kernel_que_nao_inicia_e_corrigido_de_novo_e_nao_vira_zero(tmp_path: Path, monkeypatch):
    """Uma falha da máquina na partida do kernel não pode custar a nota do aluno: a submissão é
    corrigida de novo, uma vez, e o aviso fica no relatório. A falha é de verdade: na primeira
    tentativa, o "kernel" é um processo que sai sem responder."""
    from autograder.instrutor.kernel_isolado import KernelIsolado

    curso = _curso(tmp_path)
    modelo = ag.preparar_modelo(curso, EX)
    original = KernelIsolado._async_launch_kernel
    partidas = []

    async def primeira_falha(self, kernel_cmd, **kw):
        partidas.append(kernel_cmd)
        if len(partidas) == 1:
            kernel_cmd = [sys.executable, "-c", "raise SystemExit(3)"]
        return await original(self, kernel_cmd, **kw)

    monkeypatch.setattr(KernelIsolado, "_async_launch_kernel", primeira_falha)
    arquivos = {f"{EX}.ipynb": json.dumps(_nb("correta")).encode()}
    r = ag.corrigir_um(modelo, EX, "aluno", arquivos, prazo=300)
    assert len(partidas) == 2, r["log"]
    assert r["status"] == st.OK and r["nota"] == 7, r
    assert any("não iniciou" in aviso for aviso in r["avisos"])
    # A nota de registro correu junto com o notebook (começou antes de ele acabar), e não depois dele.
    inicio_registro, fim_registro = r["fases"][f"registro/{EX}"]
    assert inicio_registro < r["fases"]["notebook"][1] and fim_registro > inicio_registro, r["fases"]


def test_erro_na_correcao_vira_status_do_aluno_e_nao_excecao(tmp_path: Path, monkeypatch):
    curso = _curso(tmp_path)
    modelo = ag.preparar_modelo(curso, EX)

    def quebra(*args, **kwargs):
        raise RuntimeError("o nbgrader quebrou aqui")

    monkeypatch.setattr(ag, "autograde", quebra)
    canceladas = []
    cancelar = ag.registro.Adiantada.cancelar
    monkeypatch.setattr(ag.registro.Adiantada, "cancelar", lambda self: (canceladas.append(self), cancelar(self)))
    r = ag.corrigir_um(modelo, EX, "aluno", {f"{EX}.ipynb": json.dumps(_nb("correta")).encode()}, prazo=30)
    assert r["status"] == st.ERRO and r["nota"] == 0
    assert r["avisos"] == ["RuntimeError: o nbgrader quebrou aqui"]
    # A nota de registro, que já corria junto com o notebook, é cortada (e o fixture confere que nada ficou vivo).
    assert len(canceladas) == 1 and canceladas[0].fim is not None


def test_kernels_da_correcao_usam_soquetes_de_arquivo_e_nao_portas(tmp_path: Path, monkeypatch):
    """Com vários alunos ao mesmo tempo, portas TCP escolhidas em processos diferentes colidiam; e TCP
    não atravessa a rede própria do sandbox."""
    from nbgrader.apps import NbGraderAPI

    vistos = {}

    def autograde_falso(self, *args, **kwargs):
        vistos["transport"] = self.config.KernelManager.transport
        vistos["ip"] = self.config.KernelManager.ip
        vistos["isolamento"] = dict(self.config.KernelIsolado.get("isolamento", {}))
        return {"success": True, "log": ""}

    monkeypatch.setattr(NbGraderAPI, "autograde", autograde_falso)
    curso = _curso(tmp_path)
    ag.autograde(curso, f"sqlite:///{tmp_path / 'g.db'}", EX, "aluno", 30, {"log": "", "avisos": []})
    if os.name == "posix":
        # Caminho absoluto (o kernel roda na pasta do notebook) e curto (limite dos soquetes Unix).
        assert vistos["transport"] == "ipc" and os.path.isabs(vistos["ip"]) and len(vistos["ip"]) < 60
        assert not os.path.exists(os.path.dirname(vistos["ip"])), "a pasta dos soquetes é apagada no fim"
        # A pasta dos soquetes é a que o sandbox monta para o kernel.
        assert vistos["isolamento"]["soquetes"] == os.path.dirname(vistos["ip"])


@pytest.mark.lento
def test_cli_com_zip_padrao_e_sem_feedback(tmp_path: Path, capsys):
    curso = _curso(tmp_path)
    (tmp_path / "moodle.zip").write_bytes(_zip([
        ("Ana Souza_12345_assignsubmission_file_/ex01_processos.ipynb", json.dumps(_nb("correta")).encode(), (2026, 11, 20, 10, 0, 0)),
        ("Bruno Lima_67890_assignsubmission_file_/ex01_processos.ipynb", json.dumps(_nb("parcial")).encode(), (2026, 11, 20, 10, 0, 0)),
        ("../fora_1_assignsubmission_file_/x.ipynb", b"mal", (2026, 11, 20, 10, 0, 0)),
    ]))
    codigo = cli.main([EX, "--curso", str(curso), "--zip", str(tmp_path / "moodle.zip"), "--padrao", "moodle",
                       "--sem-feedback", "-j", "2", "--prazo", "300"])
    saida = capsys.readouterr().out
    assert codigo == 0
    assert "Coletados 2 alunos do zip." in saida and "recusado: ../fora_1" in saida
    assert _notas(curso) == {"12345": 7, "67890": 4}
    assert not (curso / "feedback").exists(), "--sem-feedback não gera feedback"
    assert (curso / "grades.csv").read_text().count(EX) == 2
    # A volta ao Moodle: a planilha de avaliação offline, lida como o Moodle a lê (pelo número da pasta).
    relatorios = curso / "relatorios" / EX
    participantes = {"12345", "67890", "99999"}
    assert {p: d["nota"] for p, d in ler_planilha_moodle(relatorios / "notas_moodle.csv", participantes).items()} == {
        "12345": 7, "67890": 4}
    assert not (relatorios / "feedback_moodle.zip").exists(), "--sem-feedback não gera o zip de feedback"
    # Rodar de novo sem --zip e com feedback: nada é corrigido de novo, o feedback é gerado e vai no
    # zip que o "Carregar vários arquivos de feedback" do Moodle aceita, na pasta de cada participante.
    assert cli.main([EX, "--curso", str(curso), "-j", "2"]) == 0
    assert (relatorios / "diario.jsonl").read_text().count("\n") == 2, "nada foi corrigido de novo"
    aceitos = ler_zip_feedback_moodle(relatorios / "feedback_moodle.zip", participantes)
    assert aceitos == {"12345": [f"{EX}.html"], "67890": [f"{EX}.html"]}
    with zipfile.ZipFile(relatorios / "feedback_moodle.zip") as z:
        enviado = z.read(f"Ana Souza_12345_assignsubmission_file_/{EX}.html")
    assert enviado == (curso / "feedback" / "12345" / EX / f"{EX}.html").read_bytes()
    assert cli.main([EX, "--curso", str(curso), "--zip", str(tmp_path / "moodle.zip"), "--padrao", "(?P<aluno>"]) == 2
    assert "não é uma expressão regular válida" in capsys.readouterr().err


@pytest.mark.lento
def test_entrega_alterada_e_corrigida_de_novo_e_a_nota_substitui_a_antiga(tmp_path: Path, monkeypatch, capsys):
    curso = _curso(tmp_path)
    _entregar(curso, "ana", json.dumps(_nb("parcial")).encode())
    lote.corrigir(curso, EX, jobs=1, prazo=300, saida=io.StringIO(), feedback=False)
    assert _notas(curso) == {"ana": 4}
    _entregar(curso, "ana", json.dumps(_nb("correta")).encode())
    saida = io.StringIO()
    lote.corrigir(curso, EX, jobs=1, prazo=300, saida=saida, feedback=False)
    assert "0 já corrigidas, 1 a corrigir" in saida.getvalue()
    assert _notas(curso) == {"ana": 7}, "a nota nova substitui a antiga (nunca 4 + 7)"
    assert _por_celula(curso) == {("ana", "ex01-iniciar-processos"): 2, ("ana", "ex01-dividir"): 2, ("ana", "ex01-soma-paralela"): 3}
    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        assert len(gb.assignment_submissions(EX)) == 1
    # generate_feedback e export que falham não passam em silêncio: aparecem no relatório e no código de saída.
    original = lote.nbgrader

    def falha_depois(args, cwd, timeout=600):
        if args[0] in ("generate_feedback", "export"):
            return subprocess.CompletedProcess(args, 7, "", "[NbGrader | ERROR] disco cheio")
        return original(args, cwd, timeout)

    def export_falha(curso, destino):  # o export roda no próprio processo do corretor
        raise OSError("disco cheio")

    monkeypatch.setattr(lote, "nbgrader", falha_depois)
    monkeypatch.setattr(lote, "exportar", export_falha)
    codigo = cli.main([EX, "--curso", str(curso)])
    erros = capsys.readouterr().err
    assert codigo == 1
    assert "nbgrader generate_feedback falhou (código 7): [NbGrader | ERROR] disco cheio" in erros
    assert "nbgrader export falhou (OSError): disco cheio" in erros
    assert "Falhas depois da correção:" in (curso / "relatorios" / EX / "resumo.txt").read_text()


def test_sem_isolamento_disponivel_recusa_e_nomeia_a_opcao(tmp_path: Path, monkeypatch, capsys):
    from autograder.instrutor import sandbox

    monkeypatch.setattr(sandbox, "motivo_indisponivel", lambda: "este sistema (darwin) não tem os namespaces do Linux")
    curso = _curso(tmp_path)
    _entregar(curso, "ana", json.dumps(_nb("correta")).encode())
    assert cli.main([EX, "--curso", str(curso)]) == 3
    erro = capsys.readouterr().err
    assert "Não vou corrigir" in erro and "darwin" in erro and "--sem-isolamento" in erro
    assert not (curso / "gradebook.db").exists() and not (curso / "relatorios").exists()


@pytest.mark.lento
def test_saida_enorme_do_aluno_fica_pequena_no_notebook_corrigido_e_no_feedback(tmp_path: Path):
    curso = _curso(tmp_path)
    barulho = "import sys\nprint('x' * 8_000_000)\nfor i in range(200_000):\n    print(i)\nsys.stderr.write('e' * 2_000_000)"
    _entregar(curso, "barulhento", json.dumps(montar_submissao(EX, novas_celulas=[("ex01-modulo", barulho)])).encode())
    linhas = lote.corrigir(curso, EX, jobs=1, prazo=300, saida=io.StringIO())
    assert linhas[0].nota == 7 and "saídas longas demais encurtadas no notebook corrigido" in linhas[0].avisos
    corrigido = curso / "autograded" / "barulhento" / EX / f"{EX}.ipynb"
    assert corrigido.stat().st_size < 3_000_000  # 8 MB + 2 MB + 200 mil linhas, encurtados
    assert "caracteres omitidos" in corrigido.read_text()
    assert (curso / "feedback" / "barulhento" / EX / f"{EX}.html").stat().st_size < 600_000


def test_pastas_de_uma_correcao_morta_sao_apagadas_na_seguinte(tmp_path: Path):
    """O corretor morto com kill -9 deixa as pastas temporárias (a entrega, o pedido da nota de registro
    com os testes ocultos): a correção seguinte apaga as de processos que não existem mais — e só elas."""
    from autograder.instrutor import restos

    morto = subprocess.Popen([sys.executable, "-c", "pass"])
    morto.wait(timeout=60)
    vivo = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pastas = {
            "morta": tmp_path / f"corrigir-{morto.pid}-ana-x1",
            "registro_morta": tmp_path / f"registro-{morto.pid}-y2",
            "viva": tmp_path / f"corrigir-{vivo.pid}-bia-z3",
            "deste": tmp_path / f"{restos.prefixo('registro')}w4",
            "outra": tmp_path / f"corrigir-sem-pid-{morto.pid}",
        }
        for pasta in pastas.values():
            (pasta / "autograded").mkdir(parents=True)
            arquivo = pasta / "autograded" / "corrigido.ipynb"
            arquivo.write_text("{}")
            arquivo.chmod(0o444)  # como o nbgrader deixa o notebook corrigido
            (pasta / "autograded").chmod(0o555)
        # Um processo novo com o pid de uma pasta antiga não a salva: ele começou depois dela.
        reusada = tmp_path / f"corrigir-{vivo.pid}-caio-r5"
        reusada.mkdir()
        os.utime(reusada, (time.time() - 3600, time.time() - 3600))
        apagadas = restos.limpar(tmp_path)
        assert sorted(p.name for p in apagadas) == sorted([pastas["morta"].name, pastas["registro_morta"].name, reusada.name])
        for nome in ("viva", "deste", "outra"):
            assert pastas[nome].exists(), nome
        assert restos.limpar(tmp_path) == []
    finally:
        vivo.kill()
        vivo.wait(timeout=30)
        for pasta in tmp_path.rglob("*"):
            with contextlib.suppress(OSError):
                pasta.chmod(0o755)


def test_jobs_padrao_tres_por_nucleo_e_uma_por_gib_livre(monkeypatch):
    import types

    import psutil

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    livre = {"bytes": 24 * 2**30}
    monkeypatch.setattr(psutil, "virtual_memory", lambda: types.SimpleNamespace(available=livre["bytes"]))
    assert lote.jobs_padrao() == 6
    livre["bytes"] = int(4.5 * 2**30)  # pouca memória: uma correção por GiB livre
    assert lote.jobs_padrao() == 4
    livre["bytes"] = 2**20  # quase nada: ainda corrige, uma de cada vez
    assert lote.jobs_padrao() == 1
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    livre["bytes"] = 24 * 2**30
    assert lote.jobs_padrao() == 3
