"""Ida e volta com o AVA: zips do Moodle e do Canvas e planilha CSV na entrada; planilhas de notas
e zip de feedback na saída, conferidos contra os cabeçalhos documentados de cada formato."""

from __future__ import annotations

import csv
import zipfile

import pytest

from autograder.instrutor import lms


def _zip(caminho, nomes):
    with zipfile.ZipFile(caminho, "w") as z:
        for nome in nomes:
            z.writestr(nome, "{}")
    return caminho


def test_canvas_reconhece_nome_atraso_ids_e_reenvios(tmp_path):
    z = _zip(tmp_path / "canvas.zip", [
        "silvaana_12345_998877_ex01_processos.ipynb",
        "souzabia_late_23456_998878_ex01_processos.ipynb",
        "souzabia_late_23456_998879_ex01_processos-1.ipynb",
        "souzabia_late_23456_998880_ex01_processos-2.ipynb",
        "lixo.txt",
        "../fora_1_2_x.ipynb",
    ])
    entradas, recusadas = lms.entradas_do_zip(z, "canvas")
    assert [(e.aluno, e.arquivo, e.atrasada, e.versao) for e in entradas] == [
        ("12345", "ex01_processos.ipynb", False, 0),
        ("23456", "ex01_processos.ipynb", True, 2),
    ]
    motivos = dict(recusadas)
    assert motivos["lixo.txt"] == "o nome não segue o padrão do Canvas"
    assert motivos["../fora_1_2_x.ipynb"] == "caminho fora da pasta de destino"
    assert "reenvio mais antigo" in motivos["souzabia_late_23456_998878_ex01_processos.ipynb"]
    assert "reenvio mais antigo" in motivos["souzabia_late_23456_998879_ex01_processos-1.ipynb"]


def test_canvas_reenvio_mais_novo_vence_em_qualquer_ordem(tmp_path):
    z = _zip(tmp_path / "canvas.zip", [
        "costacaio_34567_1_ex02-3.ipynb",
        "costacaio_34567_2_ex02-1.ipynb",
        "costacaio_34567_3_ex02.ipynb",
    ])
    entradas, _ = lms.entradas_do_zip(z, "canvas")
    assert [(e.caminho, e.versao) for e in entradas] == [("costacaio_34567_1_ex02-3.ipynb", 3)]


def test_moodle_reconhece_participante_e_nome(tmp_path):
    z = _zip(tmp_path / "moodle.zip", [
        "Ana Silva_123456_assignsubmission_file_/ex01_processos.ipynb",
        "Bia Souza_234567_assignsubmission_file_/ex01_processos.ipynb",
        "sem padrão/ex01.ipynb",
    ])
    entradas, recusadas = lms.entradas_do_zip(z, "moodle")
    assert [(e.aluno, e.nome, e.arquivo) for e in entradas] == [
        ("123456", "Ana Silva", "ex01_processos.ipynb"), ("234567", "Bia Souza", "ex01_processos.ipynb"),
    ]
    assert recusadas == [("sem padrão/ex01.ipynb", "o nome não segue o padrão do Moodle")]


def test_planilha_csv_mapeia_arquivos_e_explica_erros(tmp_path):
    z = _zip(tmp_path / "turma.zip", ["a.ipynb", "pasta/b.ipynb", "c.ipynb"])
    mapa = tmp_path / "mapa.csv"
    mapa.write_text("arquivo,aluno\na.ipynb,ana\npasta/b.ipynb,bia\nd.ipynb,davi\n", encoding="utf-8")
    entradas, recusadas = lms.entradas_do_zip(z, "csv", mapa)
    assert [(e.aluno, e.arquivo) for e in entradas] == [("ana", "a.ipynb"), ("bia", "b.ipynb")]
    assert dict(recusadas) == {"c.ipynb": "o arquivo não está na planilha", "d.ipynb": "está na planilha mas não no zip"}
    mapa.write_text("nome,aluno\nx,y\n", encoding="utf-8")
    with pytest.raises(lms.FormatoInvalido, match="precisa das colunas 'arquivo' e 'aluno'"):
        lms.ler_mapa_csv(mapa)
    mapa.write_text("arquivo,aluno\na.ipynb,\n", encoding="utf-8")
    with pytest.raises(lms.FormatoInvalido, match="linha 2: 'arquivo' e 'aluno' não podem ficar vazios"):
        lms.ler_mapa_csv(mapa)
    mapa.write_text("arquivo,aluno\na.ipynb,ana\na.ipynb,bia\n", encoding="utf-8")
    with pytest.raises(lms.FormatoInvalido, match="aparece para dois alunos"):
        lms.ler_mapa_csv(mapa)


def test_planilha_moodle_tem_o_cabecalho_documentado_e_nunca_zera(tmp_path):
    notas = [lms.Nota("123456", 6.5, 7, "Ana Silva"), lms.Nota("234567", None, 7, "Bia Souza", "kernel morreu")]
    caminho = lms.planilha_moodle(notas, tmp_path / "notas.csv")
    linhas = list(csv.reader(caminho.open(encoding="utf-8")))
    assert linhas[0] == lms.CABECALHO_MOODLE
    assert linhas[1][:6] == ["Participant 123456", "Ana Silva", "", "", "6.5", "7"]
    assert linhas[2][0] == "Participant 234567" and linhas[2][4] == "" and "não corrigido: kernel morreu" in linhas[2][9]


def test_planilha_canvas_tem_o_cabecalho_documentado(tmp_path):
    notas = [lms.Nota("12345", 7.0, 7, "silvaana"), lms.Nota("23456", None, 7)]
    caminho = lms.planilha_canvas(notas, tmp_path / "canvas.csv", "Exercício 01", "4321")
    linhas = list(csv.reader(caminho.open(encoding="utf-8")))
    assert linhas[0] == [*lms.CABECALHO_CANVAS, "Exercício 01 (4321)"]
    assert linhas[1][0].strip() == "Points Possible" and linhas[1][5] == "7"
    assert linhas[2] == ["silvaana", "12345", "", "", "", "7"]
    assert linhas[3] == ["23456", "23456", "", "", "", ""]
    with pytest.raises(lms.FormatoInvalido, match="o id da tarefa no Canvas é um número"):
        lms.planilha_canvas(notas, tmp_path / "x.csv", "Exercício 01", "abc")


def test_zip_de_feedback_do_moodle_usa_as_pastas_da_entrega(tmp_path):
    fb = tmp_path / "ex01_processos.html"
    fb.write_text("<html>feedback</html>", encoding="utf-8")
    destino, sem_nome = lms.zip_feedback_moodle({"123456": fb, "999": fb}, {"123456": "Ana Silva"}, tmp_path / "fb.zip")
    with zipfile.ZipFile(destino) as z:
        assert z.namelist() == ["Ana Silva_123456_assignsubmission_file_/ex01_processos.html"]
        # A pasta é reconhecida de volta pelo mesmo padrão da entrada.
        assert lms.reconhecer(z.namelist()[0], "moodle").aluno == "123456"
    assert sem_nome == ["999"]
