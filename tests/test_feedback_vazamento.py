"""Um notebook que tenta levar os testes ocultos ao feedback do aluno, codificados, corrigido de
verdade (sandbox, nota de registro, ``nbgrader generate_feedback``).

Como o ``ex04_vaza_ocultos`` da equipe de segurança da sessão 7 (explora/s7/trapacas), no ex01: um hook
``pre_run_cell`` do IPython escreve o código de cada célula que roda — as de teste com os ocultos —
em base64, hex, invertido e rot13 (no stdout, no stderr, na mensagem de cada erro e num display de
uma célula anterior, trocado por ``update_display``), e uma célula no fim imprime ``_ih``, ``In`` e o
``history_manager``. O markdown do aluno traz ainda ``onerror`` e ``javascript:``. Ao lado, um aluno
honesto com uma parte errada: ele continua vendo a mensagem da falha.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from apoio import RAIZ
from vazamento_apoio import achadas

from autograder.instrutor import feedback as fb
from autograder.instrutor import lote
from autograder.instrutor.sandbox import motivo_indisponivel
from autograder.instrutor.sinteticas import montar_submissao

EX = "ex01_processos"
M, A, B, C = "ex01-modulo", "ex01-iniciar-processos", "ex01-dividir", "ex01-soma-paralela"
pytestmark = [
    pytest.mark.lento,
    pytest.mark.skipif(motivo_indisponivel() is not None, reason=f"sem sandbox nesta máquina: {motivo_indisponivel()}"),
]
#: dividir sem resolver: a Parte B (com testes ocultos) falha, e o erro passa pelo hook.
SEM_DIVIDIR = {M: [("def dividir(inicio, fim, k):\n", 'def dividir(inicio, fim, k):\n    raise NotImplementedError("Exercício ainda não resolvido")\n')]}

HOOK = r'''
# "Diagnóstico": mostra cada célula que roda, codificada — inclusive as de teste, com as ocultas.
import base64, codecs, sys
from IPython.display import display
_placar = display("placar", display_id=True)
_vistas = []
def _mostrar(info):
    celula = info.raw_cell
    _vistas.append(celula)
    print("DIAG64:", base64.b64encode(celula.encode()).decode())
    print("INV:", celula[::-1])
    print("HEX:", celula.encode().hex(), file=sys.stderr)
    _placar.update("ROT:" + codecs.encode("\n".join(_vistas), "rot13"))
get_ipython().events.register("pre_run_cell", _mostrar)
def _erro(shell, etype, evalue, tb, tb_offset=None):
    extra = " DIAG64: " + base64.b64encode("\n".join(_vistas).encode()).decode()
    try:
        novo = etype(str(evalue) + extra)
    except Exception:
        novo = AssertionError(str(evalue) + extra)
    return shell.showtraceback((type(novo), novo, tb), tb_offset=tb_offset)
get_ipython().set_custom_exc((Exception,), _erro)
'''
HISTORICO = r'''
# Tudo o que rodou neste kernel (o feedback só apagava as linhas em texto puro).
import codecs
print(codecs.encode("\n".join(_ih), "rot13"))
print("\n".join(In)[::-1])
print("\n".join(get_ipython().history_manager.input_hist_raw).encode().hex())
print(codecs.encode(_i, "rot13"))
'''
XSS = ('Minha resposta.\n\n<img src="x" onerror="document.title=\'XSS:\'+document.body.innerText.length">\n\n'
       '<a href="javascript:alert(document.body.innerText)">clique</a>\n')


def _ocultas() -> list[str]:
    fonte = json.loads((RAIZ / "source" / EX / f"{EX}.ipynb").read_text(encoding="utf-8"))
    return [linha for c in fonte["cells"] for linha in fb.linhas_ocultas("".join(c["source"]))]


def _entregar(curso: Path, aluno: str, nb: dict) -> None:
    pasta = curso / "submitted" / aluno / EX
    pasta.mkdir(parents=True)
    (pasta / f"{EX}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture(scope="module")
def corrigido(tmp_path_factory):
    curso = tmp_path_factory.mktemp("vazamento") / "curso"
    curso.mkdir()
    shutil.copy(RAIZ / "nbgrader_config.py", curso)
    shutil.copytree(RAIZ / "source" / EX, curso / "source" / EX, ignore=shutil.ignore_patterns("solucao_*.py"))
    vaza = montar_submissao(RAIZ, EX, SEM_DIVIDIR, [(M, HOOK), (C, HISTORICO)])
    vaza["cells"].append({"cell_type": "markdown", "id": "xss", "metadata": {}, "source": XSS})
    # Metadados forjados na submissão: o corretor os apaga antes de escrever os da nota de registro.
    for celula in vaza["cells"]:
        if celula["metadata"].get("nbgrader", {}).get("grade_id") == B:
            celula["metadata"][fb.METADADOS] = {"registro": {"ok": True, "mensagem": None}}
    _entregar(curso, "vaza_ocultos", vaza)
    _entregar(curso, "honesta", montar_submissao(RAIZ, EX, SEM_DIVIDIR))
    linhas = {linha.aluno: linha for linha in lote.corrigir(curso, EX, jobs=2, prazo=120, saida=io.StringIO())}
    return curso, linhas


def _pagina(curso: Path, aluno: str, pasta: str = "feedback") -> str:
    return (curso / pasta / aluno / EX / f"{EX}.html").read_text(encoding="utf-8")


def _visivel(pagina: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", pagina))


def test_nenhuma_linha_oculta_chega_ao_feedback_do_aluno_em_codificacao_nenhuma(corrigido):
    curso, linhas = corrigido
    ocultas = _ocultas()
    assert len(ocultas) >= 5
    # A prova de que o ataque funcionou: o notebook corrigido tem as linhas em cada codificação.
    corrigida = (curso / "autograded" / "vaza_ocultos" / EX / f"{EX}.ipynb").read_text(encoding="utf-8")
    saidas = "\n".join(
        json.dumps(c.get("outputs", []), ensure_ascii=False).encode().decode("unicode_escape", "replace")
        for c in json.loads(corrigida)["cells"]
    )
    assert set(achadas(saidas, ocultas)) >= {"base64", "rot13", "hex", "invertido"}, achadas(saidas, ocultas)
    # No feedback do aluno (todo arquivo da pasta liberada), nenhuma, em codificação nenhuma.
    arquivos = [p for p in (curso / "feedback").rglob("*") if p.is_file()]
    assert {p.relative_to(curso / "feedback").as_posix() for p in arquivos} == {
        f"{aluno}/{EX}/{EX}.html" for aluno in ("vaza_ocultos", "honesta")
    }
    for arquivo in arquivos:
        bruto = arquivo.read_text(encoding="utf-8")
        assert achadas(bruto, ocultas) == {} and achadas(_visivel(bruto), ocultas) == {}, arquivo
    pagina = _visivel(_pagina(curso, "vaza_ocultos"))
    # O código do hook (a célula do aluno) aparece; nada do que ele escreveu.
    for escrito in (r"DIAG64: [A-Za-z0-9+/]{8}", r"HEX: [0-9a-f]{8}", r"INV: \S", r"'ROT:"):
        assert not re.search(escrito, pagina), escrito
    # O hook escreve em stderr em cada teste: o nbgrader conta como falha, e o aluno perde esses pontos.
    assert linhas["vaza_ocultos"].nota == 0 and linhas["honesta"].nota == 2


def test_o_aluno_honesto_ve_a_mensagem_da_falha_pela_nota_de_registro(corrigido):
    curso, _linhas = corrigido
    for aluno in ("honesta", "vaza_ocultos"):
        nb = json.loads((curso / "autograded" / aluno / EX / f"{EX}.ipynb").read_text(encoding="utf-8"))
        por_id = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in nb["cells"]}
        registro = fb.mensagem_do_registro(por_id[B])
        # A mensagem forjada na submissão (ok) foi trocada pela do processo limpo.
        assert registro is not None and registro["ok"] is False and "NotImplementedError" in registro["mensagem"], registro
        assert fb.mensagem_do_registro(por_id[A]) == {"ok": True, "mensagem": None}
        pagina = " ".join(_visivel(_pagina(curso, aluno)).split())
        assert " ".join(registro["mensagem"].split()) in pagina, aluno
        assert "O que deu errado:" in pagina and pagina.count("falhou ✘") >= 2
        assert fb.SEM_MENSAGEM not in pagina


def test_markdown_do_aluno_sem_script_nas_duas_paginas(corrigido):
    curso, _linhas = corrigido
    for pasta in ("feedback", fb.PASTA_INSTRUTOR):
        pagina = _pagina(curso, "vaza_ocultos", pasta)
        assert "onerror" not in pagina and "javascript:" not in pagina.lower(), pasta
        assert "Minha resposta." in pagina and ">clique</a>" in pagina
        assert f'content="{fb.POLITICA}"' in pagina
    # A visão do instrutor continua completa: o código dos testes ocultos e o que o notebook escreveu.
    instrutor = _visivel(_pagina(curso, "vaza_ocultos", fb.PASTA_INSTRUTOR))
    assert all(linha in instrutor for linha in _ocultas()) and "DIAG64" in instrutor
