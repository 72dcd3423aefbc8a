"""A nota de registro: o módulo da célula %%writefile, as células de teste do source (com as ocultas)
num processo novo, e o menor dos dois por célula."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import psutil
import pytest
from apoio import RAIZ
from nbgrader_apoio import ambiente, montar_submissao

from autograder.instrutor import registro
from autograder.instrutor.sandbox import Limites, motivo_indisponivel

EX = "ex01_processos"
A, B, C = "ex01-iniciar-processos", "ex01-dividir", "ex01-soma-paralela"


def _fonte() -> dict:
    return json.loads((RAIZ / "source" / EX / f"{EX}.ipynb").read_text(encoding="utf-8"))


def _celula(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def test_celulas_de_teste_do_source_com_as_ocultas_e_os_pontos():
    celulas = {c["id"]: c for c in registro.celulas_de_teste(_fonte())}
    assert {k: c["pontos"] for k, c in celulas.items()} == {A: 2.0, B: 2.0, C: 3.0}
    assert "(5, 7, 4)" in celulas[B]["codigo"], "os testes ocultos entram"
    assert "HIDDEN TESTS" not in celulas[B]["codigo"]


def test_o_modulo_e_so_o_da_celula_de_solucao_com_writefile():
    fonte = _fonte()
    nb = montar_submissao(EX)
    nome, codigo = registro.modulo_da_submissao(fonte, nb)
    assert nome == "solucao_ex01.py" and "def dividir" in codigo and "%%writefile" not in codigo
    # Uma célula a mais que reescreve o módulo não conta: só a célula de solução do enunciado.
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "id": "x",
                        "source": "%%writefile solucao_ex01.py\ndef dividir(*a):\n    return 'trapaça'\n"})
    assert registro.modulo_da_submissao(fonte, nb)[1] == codigo
    # A solução como Python comum (sem %%writefile): não há módulo.
    _celula(nb, "ex01-modulo")["source"] = codigo
    assert "não começa com %%writefile solucao_ex01.py" in registro.modulo_da_submissao(fonte, nb)
    # Outro nome de arquivo também não vale.
    _celula(nb, "ex01-modulo")["source"] = "%%writefile outro.py\n" + codigo
    assert "não começa com %%writefile solucao_ex01.py" in registro.modulo_da_submissao(fonte, nb)
    nb["cells"] = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != "ex01-modulo"]
    assert "foi apagada" in registro.modulo_da_submissao(fonte, nb)


def _resultado(notebook: dict[str, float]) -> dict:
    celulas = {f"{EX}/{k}": {"auto_score": v, "needs_manual_grade": False} for k, v in notebook.items()}
    return {"notebook": {k: d["auto_score"] for k, d in celulas.items()}, "celulas": celulas, "avisos": [], "maximo": 7.0}


def test_vale_o_menor_por_celula_e_a_discordancia_vai_para_o_olhar_humano(tmp_path, monkeypatch):
    rodadas = []

    def rodar_falso(pasta, nome, codigo, celulas, prazo, isolar, limites, ao_iniciar=None):
        rodadas.append([c["id"] for c in celulas])
        feitas = {
            A: {"pontos": 2.0, "erro": None},
            B: {"pontos": 0.0, "erro": "FalhaNoFilho: esperava [(5, 5)], recebi [(5, 6)]"},
            C: {"pontos": 0.0, "erro": "NotImplementedError: Exercício ainda não resolvido"},
        }
        return {"modo": registro.CONFIAVEL, "celulas": {c["id"]: feitas[c["id"]] for c in celulas}}

    monkeypatch.setattr(registro, "rodar_celulas", rodar_falso)
    r = _resultado({A: 2.0, B: 2.0, C: 0.0})
    registro.aplicar(tmp_path, EX, _fonte(), montar_submissao(EX), 60, True, Limites(), r)
    # A que já vale zero no notebook roda depois (no mesmo processo), só pela mensagem do feedback: a
    # nota não muda.
    assert rodadas == [[A, B, C]]
    assert r["mensagens"] == {EX: {A: {"ok": True, "mensagem": None}, B: {"ok": False, "mensagem": "FalhaNoFilho: esperava [(5, 5)], recebi [(5, 6)]"},
                                   C: {"ok": False, "mensagem": "NotImplementedError: Exercício ainda não resolvido"}}}
    assert {k: d["auto_score"] for k, d in r["celulas"].items()} == {f"{EX}/{A}": 2.0, f"{EX}/{B}": 0.0, f"{EX}/{C}": 0.0}
    assert r["nota"] == 2.0
    assert r["registro"] == {A: 2.0, B: 0.0, C: 0.0}
    aviso = " ".join(r["avisos"])
    assert registro.MOTIVO_NOTEBOOK_A_MAIS in aviso and "ex01-dividir (2 no notebook, 0 no módulo: FalhaNoFilho" in aviso


def test_celula_so_pela_mensagem_que_nao_rodou_fica_sem_mensagem(tmp_path, monkeypatch):
    """Se o processo das células foi cortado (prazo) antes de uma célula que só dá a mensagem do
    feedback, ela fica sem mensagem: "o prazo acabou" culparia a célula errada. As que dão a nota e não
    rodaram levam a mensagem do prazo, como a nota zero delas."""
    def rodar_falso(pasta, nome, codigo, celulas, prazo, isolar, limites, ao_iniciar=None):
        assert [c["id"] for c in celulas] == [A, B, C]
        prazo_msg = "o prazo da nota de registro (60 s) acabou"
        return {"modo": registro.CONFIAVEL, "sem_resposta": [B, C], "celulas": {
            A: {"pontos": 2.0, "erro": None}, B: {"pontos": 0.0, "erro": prazo_msg}, C: {"pontos": 0.0, "erro": prazo_msg}}}

    monkeypatch.setattr(registro, "rodar_celulas", rodar_falso)
    r = _resultado({A: 2.0, B: 2.0, C: 0.0})
    registro.aplicar(tmp_path, EX, _fonte(), montar_submissao(EX), 60, True, Limites(), r)
    assert r["mensagens"][EX] == {A: {"ok": True, "mensagem": None}, B: {"ok": False, "mensagem": "o prazo da nota de registro (60 s) acabou"}}
    assert r["nota"] == 2.0


def test_adiantada_roda_todas_as_celulas_na_ordem_do_source_uma_vez(tmp_path, monkeypatch):
    """A nota de registro que roda junto com o notebook (antes de haver a nota dele) roda todas as
    células, na ordem do source, numa thread; ``aplicar`` usa esse resultado sem rodar nada de novo e
    chega às mesmas notas e mensagens que sem a antecipação."""
    rodadas, threads = [], []
    feitas = {
        A: {"pontos": 2.0, "erro": None},
        B: {"pontos": 0.0, "erro": "FalhaNoFilho: esperava [(5, 5)], recebi [(5, 6)]"},
        C: {"pontos": 0.0, "erro": "NotImplementedError: Exercício ainda não resolvido"},
    }

    def rodar_falso(pasta, nome, codigo, celulas, prazo, isolar, limites, ao_iniciar=None):
        rodadas.append([c["id"] for c in celulas])
        threads.append(threading.current_thread().name)
        return {"modo": registro.CONFIAVEL, "sem_resposta": [], "celulas": {c["id"]: feitas[c["id"]] for c in celulas}}

    monkeypatch.setattr(registro, "rodar_celulas", rodar_falso)
    sem, com = _resultado({A: 2.0, B: 2.0, C: 0.0}), _resultado({A: 2.0, B: 2.0, C: 0.0})
    registro.aplicar(tmp_path, EX, _fonte(), montar_submissao(EX), 60, True, Limites(), sem)
    adiantada = registro.Adiantada(tmp_path, _fonte(), montar_submissao(EX), 60, True, Limites())
    registro.aplicar(tmp_path, EX, _fonte(), montar_submissao(EX), 60, True, Limites(), com, adiantada=adiantada)
    assert rodadas == [[A, B, C], [A, B, C]], "sem antecipação, uma rodada; com ela, a adiantada e mais nenhuma"
    assert threads[1] == "registro-adiantado" != threading.current_thread().name
    assert adiantada.inicio is not None and adiantada.fim >= adiantada.inicio
    for chave in ("celulas", "nota", "registro", "mensagens", "avisos"):
        assert com[chave] == sem[chave], chave


def test_adiantada_cortada_roda_de_novo_so_as_celulas_que_dao_nota(tmp_path, monkeypatch):
    """Na ordem do source, um corte (o prazo, os limites do sandbox) antes de uma célula que deu pontos
    no notebook a deixa sem resposta; sem a antecipação, ela teria rodado antes das que valem zero. Ela
    roda de novo, sozinha; a que só daria a mensagem e não rodou fica sem mensagem, como antes."""
    rodadas = []
    prazo_msg = "o prazo da nota de registro (60 s) acabou"

    def rodar_falso(pasta, nome, codigo, celulas, prazo, isolar, limites, ao_iniciar=None):
        ids = [c["id"] for c in celulas]
        rodadas.append(ids)
        if len(rodadas) == 1:  # a adiantada: o prazo acabou antes de B (que deu pontos no notebook) e de C
            return {"modo": registro.CONFIAVEL, "sem_resposta": [B, C], "celulas": {
                A: {"pontos": 2.0, "erro": None}, B: {"pontos": 0.0, "erro": prazo_msg}, C: {"pontos": 0.0, "erro": prazo_msg}}}
        return {"modo": registro.CONFIAVEL, "sem_resposta": [], "celulas": {i: {"pontos": 2.0, "erro": None} for i in ids}}

    monkeypatch.setattr(registro, "rodar_celulas", rodar_falso)
    r = _resultado({A: 2.0, B: 2.0, C: 0.0})
    adiantada = registro.Adiantada(tmp_path, _fonte(), montar_submissao(EX), 60, True, Limites())
    registro.aplicar(tmp_path, EX, _fonte(), montar_submissao(EX), 60, True, Limites(), r, adiantada=adiantada)
    assert rodadas == [[A, B, C], [B]]
    assert r["registro"] == {A: 2.0, B: 2.0, C: 0.0} and r["nota"] == 4.0
    assert r["mensagens"][EX] == {A: {"ok": True, "mensagem": None}, B: {"ok": True, "mensagem": None}}
    assert not any(registro.MOTIVO_NOTEBOOK_A_MAIS in a for a in r["avisos"])


def test_adiantada_que_ninguem_usa_e_cortada_ja(tmp_path, monkeypatch):
    """Quando o notebook não dá nota (inválido, kernel morto, erro), ninguém usa a nota de registro:
    ``cancelar`` mata o processo das células na hora (a função que ``rodar_celulas`` entrega ao
    iniciar), em vez de esperar as células até o prazo."""
    cortado = threading.Event()

    def rodar_falso(pasta, nome, codigo, celulas, prazo, isolar, limites, ao_iniciar=None):
        ao_iniciar(cortado.set)
        assert cortado.wait(60), "cancelar() não cortou o processo das células"
        return {"modo": registro.CONFIAVEL, "sem_resposta": [c["id"] for c in celulas], "celulas": {}}

    monkeypatch.setattr(registro, "rodar_celulas", rodar_falso)
    adiantada = registro.Adiantada(tmp_path, _fonte(), montar_submissao(EX), 600, True, Limites())
    adiantada.cancelar()
    assert cortado.is_set() and adiantada.fim is not None and not adiantada.usada
    # Cancelada antes de o processo partir: ele é cortado assim que parte.
    cortado.clear()
    monkeypatch.setattr(threading.Thread, "start", lambda self: None)
    antes = registro.Adiantada(tmp_path, _fonte(), montar_submissao(EX), 600, True, Limites())
    antes._cancelada = True
    antes._iniciou(cortado.set)
    assert cortado.is_set()


def test_sem_modulo_nada_e_adiantado(tmp_path, monkeypatch):
    monkeypatch.setattr(registro, "rodar_celulas", lambda *a, **k: pytest.fail("não há o que rodar"))
    nb = montar_submissao(EX)
    _celula(nb, "ex01-modulo")["source"] = "def dividir(a, b, k):\n    return []\n"
    adiantada = registro.Adiantada(tmp_path, _fonte(), nb, 60, True, Limites())
    assert adiantada.resultado() is None and adiantada.inicio is None
    r = _resultado({A: 2.0, B: 2.0, C: 3.0})
    registro.aplicar(tmp_path, EX, _fonte(), nb, 60, True, Limites(), r, adiantada=adiantada)
    assert r["nota"] == 0 and any(a.startswith("nota de registro zero") for a in r["avisos"])


def test_sem_modulo_a_nota_de_registro_e_zero(tmp_path):
    nb = montar_submissao(EX)
    _celula(nb, "ex01-modulo")["source"] = "def dividir(a, b, k):\n    return []\n"
    r = _resultado({A: 2.0, B: 2.0, C: 3.0})
    registro.aplicar(tmp_path, EX, _fonte(), nb, 60, True, Limites(), r)
    assert r["nota"] == 0
    assert any(a.startswith("nota de registro zero: a célula da solução não começa") for a in r["avisos"])
    assert all(not m["ok"] and "não começa com %%writefile" in m["mensagem"] for m in r["mensagens"][EX].values())
    assert any(registro.MOTIVO_NOTEBOOK_A_MAIS in a for a in r["avisos"])


@pytest.mark.lento
@pytest.mark.parametrize("isolar", [
    pytest.param(True, marks=pytest.mark.skipif(motivo_indisponivel() is not None, reason="sem sandbox")),
    False,
])
def test_o_processo_das_celulas_corrige_o_modulo_de_verdade(tmp_path, isolar):
    fonte = _fonte()
    celulas = registro.celulas_de_teste(fonte)
    nome, certo = registro.modulo_da_submissao(fonte, montar_submissao(EX))
    feito = registro.rodar_celulas(tmp_path / "certo", nome, certo, celulas, 300, isolar, Limites())
    assert {k: d["pontos"] for k, d in feito["celulas"].items()} == {A: 2.0, B: 2.0, C: 3.0}, feito
    errado = certo.replace("return sum(i * i for i in range(inicio, fim))", "return sum(i * i for i in range(inicio, fim + 1))")
    assert errado != certo
    feito = registro.rodar_celulas(tmp_path / "errado", nome, errado, celulas, 300, isolar, Limites())
    assert {k: d["pontos"] for k, d in feito["celulas"].items()} == {A: 2.0, B: 2.0, C: 0.0}, feito
    assert "esperava 14, recebi 30" in feito["celulas"][C]["erro"]
    assert not (tmp_path / "certo").exists(), "a pasta do módulo é apagada no fim"


@pytest.mark.parametrize("no_sandbox", [
    False,
    pytest.param(True, marks=pytest.mark.skipif(motivo_indisponivel() is not None, reason="sem sandbox")),
])
def test_a_resposta_sai_a_cada_celula_e_o_prazo_nao_apaga_as_que_ja_rodaram(tmp_path, monkeypatch, no_sandbox):
    """Todas as células da nota de registro rodam num processo só (as que dão a nota primeiro, as que
    só dão a mensagem do feedback depois): se uma das últimas trava até o prazo, as anteriores valem."""
    if no_sandbox:
        monkeypatch.setattr(registro, "biblioteca_com_executor", lambda: False)  # o processo das células inteiro no sandbox
    celulas = [
        {"id": "passa", "pontos": 1.0, "codigo": "x = 1"},
        {"id": "falha", "pontos": 2.0, "codigo": "raise AssertionError('esperava 1, recebi 2')"},
        {"id": "trava", "pontos": 3.0, "codigo": "import time\ntime.sleep(600)"},
    ]
    feito = registro.rodar_celulas(tmp_path / "m", "solucao_ex01.py", "X = 1", celulas, 6, no_sandbox, Limites())
    assert feito["modo"] == (registro.NO_SANDBOX if no_sandbox else registro.CONFIAVEL)
    assert feito["celulas"]["passa"] == {"pontos": 1.0, "erro": None}, feito
    assert feito["celulas"]["falha"] == {"pontos": 0.0, "erro": "AssertionError: esperava 1, recebi 2"}, feito
    assert feito["celulas"]["trava"] == {"pontos": 0.0, "erro": "o prazo da nota de registro (6 s) acabou"}, feito
    assert feito["sem_resposta"] == ["trava"]


@pytest.mark.skipif(motivo_indisponivel() is not None, reason="sem sandbox")
def test_o_codigo_do_aluno_roda_so_no_sandbox_e_nao_remenda_o_processo_das_celulas(tmp_path):
    """O módulo importado remenda ``verificar`` e olha em volta: nada disso alcança o processo das
    células, que não importa o módulo (só os executores, no sandbox, o importam)."""
    assert registro.biblioteca_com_executor()
    modulo = f"""
import os
import autograder.execucao as _ex
_ex.verificar.__code__ = (lambda *a, **k: None).__code__
def olhar():
    return [os.getuid() == 0, os.path.exists({str(RAIZ / "source")!r}), os.path.exists({str(tmp_path)!r} + "/segredo")]
"""
    (tmp_path / "segredo").write_text("x")
    celulas = [
        {"id": "olhar", "pontos": 1.0, "codigo": "from autograder import carregar, rodar_no_filho, verificar_igual\n"
                                                  "sol = carregar('solucao_ex01')\n"
                                                  "verificar_igual(rodar_no_filho(sol.olhar, prazo=30), [False, False, False])"},
        {"id": "remendo", "pontos": 1.0, "codigo": "from autograder import carregar, verificar\n"
                                                   "carregar('solucao_ex01')\n"
                                                   "verificar(False, 'o remendo do módulo não pode valer aqui')"},
    ]
    feito = registro.rodar_celulas(tmp_path / "m", "solucao_ex01.py", modulo, celulas, 120, True, Limites())
    assert feito["modo"] == registro.CONFIAVEL
    # No executor (no sandbox), a guarda vê o remendo: a parte não vale pontos.
    assert feito["celulas"]["olhar"]["pontos"] == 0.0, feito
    assert "mexeu nos instrumentos do teste" in feito["celulas"]["olhar"]["erro"], feito
    # No processo das células, o remendo não chegou: verificar continua falhando.
    assert feito["celulas"]["remendo"]["pontos"] == 0.0 and "o remendo do módulo não pode valer aqui" in feito["celulas"]["remendo"]["erro"]
    # Sem o remendo, o que o módulo vê do sandbox: não é root, não vê o source nem a pasta do instrutor.
    sem_remendo = modulo.replace("_ex.verificar.__code__ = (lambda *a, **k: None).__code__\n", "")
    assert sem_remendo != modulo
    feito = registro.rodar_celulas(tmp_path / "m2", "solucao_ex01.py", sem_remendo, celulas[:1], 120, True, Limites())
    assert feito["celulas"]["olhar"] == {"pontos": 1.0, "erro": None}, feito


@pytest.mark.parametrize("modo", [
    "células fora do sandbox",
    pytest.param("células no sandbox", marks=pytest.mark.skipif(motivo_indisponivel() is not None, reason="sem sandbox")),
])
def test_corretor_morto_com_kill_9_leva_o_processo_das_celulas_junto(tmp_path, modo):
    """O processo das células tem sessão própria (o Ctrl+C do terminal não o alcança) e antes só
    morria pelo prazo da nota de registro. Agora a entrada dele é a vigia: com o corretor morto por
    ``kill -9`` no meio de uma célula, ele e o que a célula criou morrem em segundos."""
    marca = "dorme-" + uuid.uuid4().hex
    celula = ("import subprocess, sys, time\n"
              f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', {marca!r}])\n"
              "time.sleep(300)")
    roteiro = f"""
from pathlib import Path
from autograder.instrutor import registro
from autograder.instrutor.sandbox import Limites
if {modo == "células no sandbox"!r}:
    registro.biblioteca_com_executor = lambda: False  # como com uma biblioteca sem executores
registro.rodar_celulas(Path({str(tmp_path / "m")!r}), "solucao_ex01.py", "X = 1",
                       [{{"id": "dorme", "pontos": 1.0, "codigo": {celula!r}}}], 600,
                       {modo == "células no sandbox"!r}, Limites())
"""
    corretor = subprocess.Popen([sys.executable, "-c", roteiro], env=ambiente(), cwd=RAIZ, start_new_session=True)
    try:
        fim = time.monotonic() + 120
        dorminhoco = []
        while time.monotonic() < fim and not dorminhoco:
            dorminhoco = [p for p in psutil.process_iter() if _ultimo_argumento(p) == marca]
            time.sleep(0.1)
        assert dorminhoco, "a célula deveria ter criado o processo que dorme"
        criados = psutil.Process(corretor.pid).children(recursive=True)
        assert any(_tem(p, "autograder.instrutor.celulas") for p in criados)
        os.kill(corretor.pid, signal.SIGKILL)
        corretor.wait(timeout=30)
        _, vivos = psutil.wait_procs(criados + dorminhoco, timeout=20)
        assert not [p for p in vivos if p.status() != psutil.STATUS_ZOMBIE], f"sobreviveram ao corretor: {vivos}"
    finally:
        os.killpg(corretor.pid, signal.SIGKILL) if corretor.poll() is None else None
        corretor.wait(timeout=30)


def _ultimo_argumento(proc: psutil.Process) -> str | None:
    try:
        return proc.cmdline()[-1]
    except (psutil.Error, IndexError):
        return None


def _tem(proc: psutil.Process, texto: str) -> bool:
    try:
        return texto in " ".join(proc.cmdline())
    except psutil.Error:
        return False


def test_a_vigia_do_processo_das_celulas_so_onde_ha_grupos_de_processos(monkeypatch):
    """No Windows (corretor com ``--sem-isolamento``) não há ``os.killpg``: o corretor não pede a vigia
    e, pedida, ela não derruba o processo das células."""
    from autograder.instrutor import celulas

    assert registro.opcoes_da_vigia() == (["--vigiar-entrada"] if os.name == "posix" else [])
    monkeypatch.setattr(registro.os, "name", "nt")
    assert registro.opcoes_da_vigia() == []
    monkeypatch.undo()
    threads_antes = len(threading.enumerate())
    monkeypatch.delattr(celulas.os, "killpg")
    celulas._vigiar_entrada()  # sem exceção e sem thread
    assert len(threading.enumerate()) == threads_antes
