"""O comando do instrutor: notas iguais às do nbgrader sequencial, entradas ruins, zip, retomada e Dask."""

from __future__ import annotations

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
from nbgrader_apoio import ambiente, autograde, montar_submissao

from autograder import corrigir as c

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
def test_notas_iguais_as_do_autograde_sequencial(tmp_path: Path):
    rotulos = ["correta", "parcial", "excecao", "impasse", "kernel_morre"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    sequencial = _curso(tmp_path / "a")
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", EX], cwd=sequencial, env=ambiente(), check=True, capture_output=True, timeout=300)
    notas_seq = autograde(sequencial, EX, {r: _nb(r) for r in rotulos})
    notas_seq.pop("_saida")
    paralelo = _curso(tmp_path / "b")
    for r in rotulos:
        _entregar(paralelo, r, json.dumps(_nb(r)).encode())
    saida = io.StringIO()
    linhas = c.corrigir(paralelo, EX, jobs=2, prazo=300, saida=saida)
    assert _notas(paralelo) == notas_seq
    assert _por_celula(paralelo) == _por_celula(sequencial)
    assert {linha.aluno: linha.status for linha in linhas}["kernel_morre"] == c.KERNEL
    texto = saida.getvalue()
    assert "[5/5]" in texto and "Mais lentas:" in texto
    # Quando o kernel morre, o nbgrader não deixa notebook corrigido, e não há feedback (nos dois caminhos).
    for r in rotulos:
        assert (paralelo / "feedback" / r / EX / f"{EX}.html").exists() == (r != "kernel_morre")
    assert (paralelo / "grades.csv").read_text().count(EX) == 5
    assert (paralelo / "relatorios" / EX / "histograma.png").stat().st_size > 1000


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
    invasor["cells"].append({"cell_type": "code", "execution_count": None, "id": "invasor", "metadata": {}, "outputs": [],
                             "source": "from pathlib import Path\nfor alvo in ['../../../gradebook.db', '../../certo/ex01_processos/ex01_processos.ipynb']:\n"
                                       "    try:\n        Path(alvo).write_text('estragado')\n    except OSError:\n        pass"})
    _entregar(curso, "invasor", json.dumps(invasor).encode())
    linhas = {linha.aluno: linha for linha in c.corrigir(curso, EX, jobs=2, prazo=300, saida=io.StringIO())}
    assert linhas["certo"].status == c.OK and linhas["certo"].nota == 7
    assert linhas["json_quebrado"].status == c.INVALIDO and linhas["json_quebrado"].nota == 0
    assert linhas["nao_utf8"].status == c.INVALIDO
    assert linhas["renomeado"].status == c.AUSENTE
    assert linhas["saidas_enormes"].nota == 7 and "saídas enormes removidas" in " ".join(linhas["saidas_enormes"].avisos)
    assert linhas["teste_editado"].nota == 7, "o nbgrader restaura as células de teste"
    # Uma célula de teste apagada vale zero (como no nbgrader sequencial) e o caso vai para o olhar humano.
    assert linhas["celula_apagada"].nota == 5
    assert "células do enunciado apagadas pelo aluno: ex01-dividir" in linhas["celula_apagada"].avisos
    assert linhas["invasor"].nota == 7
    # O invasor escreveu só na sua cópia temporária: o gradebook e o colega estão intactos.
    assert _notas(curso)["certo"] == 7
    assert json.loads((curso / "submitted" / "certo" / EX / f"{EX}.ipynb").read_text())["cells"]
    resumo = (curso / "relatorios" / EX / "resumo.txt").read_text()
    assert "Pedem um olhar humano" in resumo and "json_quebrado" in resumo


def _zip(entradas: list[tuple[str, bytes, tuple]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for nome, conteudo, data in entradas:
            z.writestr(zipfile.ZipInfo(nome, date_time=data), conteudo)
    return buffer.getvalue()


def test_zip_recusa_caminhos_fora_e_escolhe_a_entrega_mais_nova(tmp_path: Path):
    curso = tmp_path / "curso"
    (tmp_path / "turma.zip").write_bytes(_zip([
        ("ana__ex01_processos.ipynb", b"velho", (2026, 11, 20, 10, 0, 0)),
        ("ana__ex01_processos.ipynb", b"novo", (2026, 11, 21, 10, 0, 0)),
        ("bia__20261122T0900__ex01_processos.ipynb", b"bia", (2020, 1, 1, 0, 0, 0)),
        ("../fora__ex01_processos.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("/etc/absoluto__x.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("pasta/../../subiu__x.ipynb", b"mal", (2026, 1, 1, 0, 0, 0)),
        ("sem_padrao.ipynb", b"?", (2026, 1, 1, 0, 0, 0)),
    ]))
    coleta = c.coletar_zip(tmp_path / "turma.zip", curso, EX)
    assert sorted(coleta.alunos) == ["ana", "bia"]
    assert (curso / "submitted" / "ana" / EX / f"{EX}.ipynb").read_bytes() == b"novo"
    assert (curso / "submitted" / "bia" / EX / "timestamp.txt").read_text().startswith("2026-11-22 09:00:00")
    assert any("vale ana__ex01_processos.ipynb" in e for e in coleta.escolhas)
    assert len([r for r in coleta.recusadas if r[1] == "caminho fora da pasta de destino"]) == 3
    assert not (tmp_path / "fora__ex01_processos.ipynb").exists()
    todos = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p == "turma.zip" or p.startswith("curso/submitted/") for p in todos)


def test_zip_no_padrao_do_moodle(tmp_path: Path):
    (tmp_path / "moodle.zip").write_bytes(_zip([
        ("Ana Souza_12345_assignsubmission_file_/ex01_processos.ipynb", b"a", (2026, 11, 20, 10, 0, 0)),
        ("Bruno Lima_67890_assignsubmission_file_ex01_processos.ipynb", b"b", (2026, 11, 20, 10, 0, 0)),
    ]))
    coleta = c.coletar_zip(tmp_path / "moodle.zip", tmp_path / "curso", EX, "moodle")
    assert sorted(coleta.alunos) == ["12345", "67890"]


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
    c.corrigir(curso, EX, jobs=2, prazo=300, saida=saida)
    assert f"{feitos_antes} já corrigidas, {len(rotulos) - feitos_antes} a corrigir" in saida.getvalue()
    registros = [json.loads(linha) for linha in diario.read_text().splitlines()]
    assert sorted(r["aluno"] for r in registros) == sorted(rotulos)
    assert _notas(curso) == {r: VARIANTES[r].nota for r in rotulos}
    # Uma terceira vez não corrige nada de novo.
    saida = io.StringIO()
    c.corrigir(curso, EX, saida=saida, feedback=False)
    assert f"{len(rotulos)} já corrigidas, 0 a corrigir" in saida.getvalue()


@pytest.mark.lento
def test_corrige_num_cluster_dask(tmp_path: Path):
    from distributed import LocalCluster

    curso = _curso(tmp_path)
    for r in ("correta", "parcial"):
        _entregar(curso, r, json.dumps(_nb(r)).encode())
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        c.corrigir(curso, EX, dask=cluster.scheduler_address, prazo=300, saida=io.StringIO(), feedback=False)
    assert _notas(curso) == {"correta": 7, "parcial": 4}


@pytest.mark.lento
def test_prazo_da_submissao_inteira_corta_e_encerra_tudo(tmp_path: Path):
    curso = _curso(tmp_path)
    # Uma célula do próprio notebook que nunca termina: só o prazo da submissão a interrompe.
    trava = montar_submissao(EX, novas_celulas=[("ex01-modulo", "import time\nwhile True:\n    time.sleep(0.1)")])
    _entregar(curso, "trava", json.dumps(trava).encode())
    _entregar(curso, "certo", json.dumps(_nb("correta")).encode())
    inicio = time.monotonic()
    linhas = {linha.aluno: linha for linha in c.corrigir(curso, EX, jobs=2, prazo=12, saida=io.StringIO(), feedback=False)}
    assert linhas["trava"].status == c.TEMPO and linhas["trava"].nota == 0
    # Cortado pelo prazo da submissão, não pelo da célula do nbgrader (120 s); a folga cobre matar o
    # kernel e gravar o notebook com a máquina carregada pelo resto da suíte.
    assert linhas["trava"].tempo < 12 + 40
    assert linhas["certo"].status == c.OK and linhas["certo"].nota == 7
    assert time.monotonic() - inicio < 120
    # O fixture automático confere que nenhum kernel ou filho do aluno ficou vivo.


@pytest.mark.lento
def test_kernel_que_nao_inicia_e_corrigido_de_novo_e_nao_vira_zero(tmp_path: Path, monkeypatch):
    """Uma falha da máquina na partida do kernel (ex.: porta disputada) não pode custar a nota do
    aluno: a submissão é corrigida de novo, uma vez, e o aviso fica no relatório."""
    curso = _curso(tmp_path)
    modelo = c.preparar_modelo(curso, EX)
    original = c._autograde
    chamadas = []

    def partida_falha_na_primeira(raiz, url, exercicio, aluno, prazo, resultado):
        chamadas.append(aluno)
        status = original(raiz, url, exercicio, aluno, prazo, resultado)
        if len(chamadas) == 1:
            resultado["log"] += "\nRuntimeError: Kernel died before replying to kernel_info"
        return status

    monkeypatch.setattr(c, "_autograde", partida_falha_na_primeira)
    arquivos = {f"{EX}.ipynb": json.dumps(_nb("correta")).encode()}
    r = c.corrigir_um(modelo, EX, "aluno", arquivos, prazo=300)
    assert len(chamadas) == 2
    assert r["status"] == c.OK and r["nota"] == 7
    assert any("não iniciou" in aviso for aviso in r["avisos"])


def test_kernels_da_correcao_usam_soquetes_de_arquivo_e_nao_portas(tmp_path: Path, monkeypatch):
    """Com vários alunos ao mesmo tempo, portas TCP escolhidas em processos diferentes colidiam."""
    from nbgrader.apps import NbGraderAPI

    vistos = {}

    def autograde_falso(self, *args, **kwargs):
        vistos["transport"] = self.config.KernelManager.transport
        vistos["ip"] = self.config.KernelManager.ip
        return {"success": True, "log": ""}

    monkeypatch.setattr(NbGraderAPI, "autograde", autograde_falso)
    curso = _curso(tmp_path)
    c._autograde(curso, f"sqlite:///{tmp_path / 'g.db'}", EX, "aluno", 30, {"log": ""})
    if os.name == "posix":
        # Caminho absoluto (o kernel roda na pasta do notebook) e curto (limite dos soquetes Unix).
        assert vistos["transport"] == "ipc" and os.path.isabs(vistos["ip"]) and len(vistos["ip"]) < 60
        assert not os.path.exists(os.path.dirname(vistos["ip"])), "a pasta dos soquetes é apagada no fim"
