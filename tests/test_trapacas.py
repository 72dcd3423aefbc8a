"""O corpus de trapaças (tests/trapacas/) corrigido com o sandbox: nota exata por célula, um status
que diz o que foi tentado, o gradebook intocado depois que o corretor sai e nenhum processo vivo."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest
from apoio import RAIZ, pasta_da_execucao, travar_arquivo
from nbgrader.api import Gradebook
from trapacas.ex01_processos import A, B, C, M, trapacas

from autograder.instrutor import lote
from autograder.instrutor.registro import biblioteca_com_executor
from autograder.instrutor.relatorio import Linha
from autograder.instrutor.sandbox import motivo_indisponivel, processos_com
from autograder.instrutor.sinteticas import montar_submissao
from autograder.instrutor.status import OK, SEM_ISOLAMENTO

EX = "ex01_processos"
PRAZO = 60
pytestmark = [
    pytest.mark.lento,
    pytest.mark.skipif(motivo_indisponivel() is not None, reason=f"sem sandbox nesta máquina: {motivo_indisponivel()}"),
]


def _curso(destino: Path) -> Path:
    destino.mkdir(parents=True)
    shutil.copy(RAIZ / "nbgrader_config.py", destino)
    shutil.copytree(RAIZ / "source" / EX, destino / "source" / EX, ignore=shutil.ignore_patterns("solucao_*.py"))
    return destino


def _notebook(t) -> dict:
    nb = montar_submissao(RAIZ, EX, t.trocas, t.novas_celulas)
    if t.solucao is not None:
        for celula in nb["cells"]:
            if celula["metadata"].get("nbgrader", {}).get("grade_id") == M:
                celula["source"] = t.solucao
    return nb


def _entregar(curso: Path, aluno: str, nb: dict) -> None:
    pasta = curso / "submitted" / aluno / EX
    pasta.mkdir(parents=True)
    (pasta / f"{EX}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def _hash(caminho: Path) -> str:
    return hashlib.sha256(caminho.read_bytes()).hexdigest() if caminho.exists() else "ausente"


def _por_celula(curso: Path) -> dict[str, dict[str, float]]:
    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        return {
            s.student.id: {g.name: g.score for nb in s.notebooks for g in nb.grades}
            for s in gb.assignment_submissions(EX)
        }


def _vivos_com(texto: str) -> list[psutil.Process]:
    """Os processos com ``texto`` na linha de comando que continuam vivos (um que termina enquanto a
    lista é feita — o sandbox de outro teste, por exemplo — não conta, nem derruba a conferência)."""
    vivos = []
    for proc in processos_com(texto):
        with contextlib.suppress(psutil.Error):
            if proc.status() != psutil.STATUS_ZOMBIE:
                vivos.append(proc)
    return vivos


def _corrigir_o_corpus(comum: Path) -> dict:
    """Corrige o corpus inteiro (e uma solução correta de controle) com o sandbox, em ``comum``; devolve
    só dados simples (JSON), para os outros processos do xdist lerem."""
    curso = _curso(comum / "curso")
    sinal = "trapaca-" + uuid.uuid4().hex
    for nome, t in trapacas(curso, RAIZ, sinal).items():
        _entregar(curso, nome, _notebook(t))
    _entregar(curso, "colega", montar_submissao(RAIZ, EX))
    colega = _hash(curso / "submitted" / "colega" / EX / f"{EX}.ipynb")
    saida = io.StringIO()
    # As pastas de trabalho (e portanto as linhas de comando dos sandboxes) desta correção ficam numa
    # pasta só dela: outros testes rodando ao mesmo tempo (pytest -n) têm sandboxes vivos legítimos.
    temporarios = comum / "tmp-trapacas"
    temporarios.mkdir()
    antes = (tempfile.tempdir, os.environ.get("TMPDIR"))
    tempfile.tempdir, os.environ["TMPDIR"] = str(temporarios), str(temporarios)
    try:
        inicio = time.monotonic()
        linhas = {linha.aluno: linha for linha in lote.corrigir(curso, EX, jobs=2, prazo=PRAZO, saida=saida)}
        duracao = time.monotonic() - inicio
    finally:
        tempfile.tempdir = antes[0]
        if antes[1] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = antes[1]
    depois = {nome: _hash(curso / nome) for nome in ("gradebook.db", "grades.csv")}
    notas_depois = _por_celula(curso)
    # O ataque espera o corretor sair para escrever: damos tempo a ele (se ainda existisse).
    time.sleep(8)
    return {
        "linhas": {aluno: dataclasses.asdict(linha) for aluno, linha in linhas.items()}, "saida": saida.getvalue(),
        "sinal": sinal, "depois": depois, "notas_depois": notas_depois, "colega": colega, "duracao": duracao,
        "temporarios": str(temporarios),
    }


@pytest.fixture(scope="session")
def corrigido(tmp_path_factory):
    """O corpus corrigido UMA vez por execução, mesmo com vários processos do xdist: o primeiro que chega
    corrige numa pasta comum, sob uma trava de arquivo; os outros esperam a trava e leem o resultado
    (cada processo corrigia o corpus de novo: 4–5 correções de 2–4 min numa execução da suíte)."""
    comum = pasta_da_execucao(tmp_path_factory) / "trapacas-comum"
    feito, falhou = comum.with_suffix(".json"), comum.with_suffix(".falhou")
    with open(comum.with_suffix(".trava"), "w") as trava:
        travar_arquivo(trava, time.monotonic() + 1200, "a trava do corpus de trapaças não foi liberada em 1200 s")
        try:
            if falhou.exists():  # outro processo já tentou e falhou: não tenta de novo
                pytest.fail(falhou.read_text(encoding="utf-8"), pytrace=False)
            if not feito.exists():
                shutil.rmtree(comum, ignore_errors=True)
                comum.mkdir()
                try:
                    dados = _corrigir_o_corpus(comum)
                except BaseException as erro:
                    falhou.write_text(f"a correção do corpus de trapaças falhou: {erro!r}", encoding="utf-8")
                    raise
                feito.write_text(json.dumps(dados), encoding="utf-8")
        finally:
            fcntl.flock(trava, fcntl.LOCK_UN)
    dados = json.loads(feito.read_text(encoding="utf-8"))
    curso = comum / "curso"
    return {**dados, "curso": curso, "corpus": trapacas(curso, RAIZ, dados["sinal"]),
            "linhas": {aluno: Linha(**linha) for aluno, linha in dados["linhas"].items()}}


def test_a_solucao_correta_no_sandbox_tem_nota_cheia_e_nenhum_aviso(corrigido):
    linha = corrigido["linhas"]["colega"]
    assert (linha.nota, linha.status, linha.avisos) == (7, OK, []), corrigido["saida"]
    assert linha.modo.startswith("isolado (bubblewrap)")


@pytest.mark.parametrize("nome", [
    "modulo_falso", "transformador", "codigo_trocado", "le_source", "le_ocultos", "ataque_gradebook",
    "escreve_fora", "rede", "fork_bomba", "enche_disco", "dorme", "remenda_no_modulo",
])
def test_cada_trapaca_tem_a_nota_exata_por_celula_e_o_status_do_que_tentou(corrigido, nome):
    t = corrigido["corpus"][nome]
    if t.precisa_da_biblioteca_nova and not biblioteca_com_executor():
        pytest.skip("o módulo que remenda a biblioteca só perde com a biblioteca que importa o módulo num executor (AUTOGRADER_EXECUTOR)")
    linha = corrigido["linhas"][nome]
    assert corrigido["notas_depois"][nome] == t.celulas, linha
    assert linha.nota == sum(t.celulas.values())
    assert linha.status == t.status, linha
    texto = " ".join(linha.avisos)
    for trecho in t.avisos:
        assert trecho in texto, (trecho, linha.avisos)
    resumo = (corrigido["curso"] / "relatorios" / EX / "resumo.txt").read_text()
    assert f"  {nome}: {linha.status}" in resumo


def test_todo_aluno_recebe_feedback_e_quem_estourou_o_prazo_le_por_que(corrigido):
    curso = corrigido["curso"]
    for aluno in corrigido["linhas"]:
        assert (curso / "feedback" / aluno / EX / f"{EX}.html").exists(), aluno
    html = (curso / "feedback" / "dorme" / EX / f"{EX}.html").read_text()
    assert "A correção automática não terminou" in html and f"prazo da correção ({PRAZO} s)" in html
    # Cortado pelo prazo da submissão (60 s), não pelo das células (120 s); a folga cobre a máquina carregada.
    assert corrigido["linhas"]["dorme"].tempo < PRAZO + 40


def test_o_gradebook_e_o_grades_csv_nao_mudam_depois_que_o_corretor_sai(corrigido):
    curso = corrigido["curso"]
    assert {nome: _hash(curso / nome) for nome in ("gradebook.db", "grades.csv")} == corrigido["depois"]
    assert _por_celula(curso)["ataque_gradebook"] == {A: 0, B: 0, C: 0}
    assert not list(curso.glob("PROVA-*"))
    assert "trapaca" not in (curso / "grades.csv").read_text()
    assert _hash(curso / "submitted" / "colega" / EX / f"{EX}.ipynb") == corrigido["colega"]
    assert not (Path.home() / "trapaca.txt").exists()


def test_nenhum_processo_de_submissao_sobrevive_na_maquina_inteira(corrigido):
    # O neto do ataque (ambiente vazio, outra sessão) tem o sinal na linha de comando; os sandboxes,
    # o token "sbx-" do bwrap; os filhos da bomba, o uid do sandbox (como root, um uid só dele).
    # Sandboxes de outros testes que rodam ao mesmo tempo (pytest -n) são legítimos: contam só os desta
    # correção (a pasta de trabalho, na linha de comando do bwrap, fica na pasta temporária dela) e
    # qualquer processo com uid de sandbox que não esteja dentro do bwrap de outro teste (fugiu, ou é
    # desta correção).
    nossos = corrigido["temporarios"]
    assert _vivos_com(corrigido["sinal"]) == []
    assert [p for p in _vivos_com("AUTOGRADER_SANDBOX") if nossos in " ".join(p.cmdline())] == []
    estranhos = []
    for proc in psutil.process_iter(["uids", "status"]):
        with contextlib.suppress(psutil.Error):
            if proc.info["uids"].real >= 200_000 and proc.info["status"] != psutil.STATUS_ZOMBIE:
                if not _dentro_de_outro_sandbox(proc, nossos):
                    estranhos.append(proc)
    # Um processo de outro sandbox que termina durante a busca perde os ancestrais no caminho e
    # pareceria fugido: só conta quem continua vivo (e fora de outro sandbox) alguns segundos depois.
    _, estranhos = psutil.wait_procs(estranhos, timeout=5)
    estranhos = [p for p in estranhos if _vivos_pid(p) and not _dentro_de_outro_sandbox(p, nossos)]
    assert estranhos == [], [(p.pid, p.info) for p in estranhos]


def _vivos_pid(proc: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    return False


def _dentro_de_outro_sandbox(proc: psutil.Process, nossos: str) -> bool:
    """O processo descende de um bwrap de outra correção (a linha de comando não tem a nossa pasta)?"""
    with contextlib.suppress(psutil.Error):
        for ancestral in proc.parents():
            if ancestral.name() == "bwrap":
                return nossos not in " ".join(ancestral.cmdline())
    return False


def test_sem_isolamento_o_mesmo_ataque_escapa_e_altera_o_gradebook(tmp_path: Path):
    """A prova de que o ataque do corpus é de verdade: sem o sandbox, o neto sobrevive ao corretor e
    escreve no gradebook depois que ele sai (por isso o corretor se recusa a corrigir sem isolamento)."""
    curso = _curso(tmp_path / "curso")
    sinal = "trapaca-" + uuid.uuid4().hex
    t = trapacas(curso, RAIZ, sinal)["ataque_gradebook"]
    _entregar(curso, "ataque_gradebook", _notebook(t))
    try:
        linhas = lote.corrigir(curso, EX, jobs=1, prazo=PRAZO, saida=io.StringIO(), feedback=False, isolar=False)
        assert linhas[0].nota == 0, "o relatório do corretor diz zero..."
        assert linhas[0].modo == SEM_ISOLAMENTO
        # O neto reescreve a prova a cada volta em que consegue alterar o gradebook: uma prova escrita
        # depois que o corretor voltou mostra que ele sobreviveu (sem depender de quanto tempo o
        # corretor levou numa máquina ocupada, nem de quanto o neto ainda vive).
        saiu = time.time()
        prova = curso / f"PROVA-{sinal}"
        fim = time.monotonic() + 120
        while time.monotonic() < fim and not (prova.exists() and prova.stat().st_mtime > saiu + 0.1):
            time.sleep(0.5)
        assert prova.exists(), "sem sandbox, o ataque deveria ter escrito no gradebook"
        assert prova.stat().st_mtime > saiu + 0.1, "sem sandbox, o neto do ataque sobrevive ao corretor e escreve depois"
    finally:
        for proc in processos_com(sinal):
            proc.kill()
        psutil.wait_procs(processos_com(sinal), timeout=10)
    assert sum(_por_celula(curso)["ataque_gradebook"].values()) > 0, "...e o gradebook diz outra coisa"
