"""Ida e volta com o AVA: zips do Moodle e do Canvas e planilha CSV na entrada; planilhas de notas
e zip de feedback na saída, conferidos contra os cabeçalhos e as regras de leitura de cada AVA.

Os leitores ``ler_*`` abaixo refazem, em Python, o que o próprio AVA faz ao importar (o código citado
em cada um); a documentação do Moodle e do Canvas descreve os cliques, não os nomes exatos:

- planilha do Moodle: ``mod/assign/feedback/offline/importgradeslib.php`` (``init``, ``next``) e
  ``locallib.php`` (``process_import_grades``) do moodle/moodle;
- zip de feedback do Moodle: ``mod/assign/feedback/file/importziplib.php``
  (``is_valid_filename_for_import``);
- livro de notas do Canvas: ``app/models/gradebook_importer.rb`` (``header?``,
  ``update_column_count``, ``process_student``, ``no_score?``) do instructure/canvas-lms;
- nomes dos zips: ``mod/assign/classes/downloader.php`` (Moodle ≥ 4.1), ``mod/assign/locallib.php``
  (3.1–4.0) e ``lib/content_zipper.rb`` (Canvas, ``get_filename`` e ``add_upload_submission``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest

from autograder.instrutor import cli, lms
from autograder.instrutor import coleta as col
from autograder.instrutor import status as st
from autograder.instrutor.relatorio import Linha


def _zip(caminho, nomes, data=(2026, 11, 20, 10, 0, 0)):
    with zipfile.ZipFile(caminho, "w") as z:
        for nome in nomes:
            conteudo = nomes[nome] if isinstance(nomes, dict) else "{}"
            z.writestr(zipfile.ZipInfo(nome, date_time=data), conteudo)
    return caminho


# ---------------------------------------------------------------------------------------------
# O que cada AVA faz ao importar (refeito a partir do código dele)


#: Os nomes que o Moodle procura ao importar, no idioma de quem importa (escritos aqui à mão, do
#: ``mod/assign/lang/en/assign.php`` e do pacote ``pt_br``, e não tirados de ``lms``: um erro na tabela
#: do ``lms`` tem de derrubar os testes).
EN = {"recordid": "Identifier", "grade": "Grade", "lastmodifiedgrade": "Last modified (grade)",
      "hiddenuser": "Participant ", "comentarios": "Feedback comments", "decsep": "."}
PT_BR = {"recordid": "Identificador", "grade": "Nota", "lastmodifiedgrade": "Última modificação (nota)",
         "hiddenuser": "Participante", "comentarios": "Comentários de feedback", "decsep": ","}
#: O cabeçalho da planilha que o Moodle em português baixa (``gradingtable.php``), sem e com a coluna do
#: grupo (tarefa em grupo).
CABECALHO_PT_BR = ["Identificador", "Nome completo", "Endereço de email", "Status", "Nota", "Nota máxima",
                   "Nota pode ser alterada", "Última modificação (envio)", "Última modificação (nota)",
                   "Comentários de feedback"]
CABECALHO_PT_BR_GRUPOS = [*CABECALHO_PT_BR[:4], "Grupo", *CABECALHO_PT_BR[4:]]


def ler_planilha_moodle(caminho: Path, participantes: set[str], idioma=None) -> dict[str, dict]:
    """{participante: {nota, comentario}} que o Moodle importaria. As colunas são achadas pelo nome
    exato (``get_string('recordid', 'assign')``, ``get_string('grade')``,
    ``get_string('lastmodifiedgrade', 'assign')``); sem uma delas, "invalidgradeimport"."""
    nomes = idioma or EN
    linhas = list(csv.reader(Path(caminho).open(encoding="utf-8")))
    colunas = linhas[0]
    if not {nomes["recordid"], nomes["grade"], nomes["lastmodifiedgrade"]} <= set(colunas):
        raise ValueError("invalidgradeimport")
    i_id, i_nota, i_mod = (colunas.index(nomes[k]) for k in ("recordid", "grade", "lastmodifiedgrade"))
    i_com = colunas.index(nomes["comentarios"]) if nomes["comentarios"] in colunas else None
    lidas = {}
    for linha in linhas[1:]:
        participante = linha[i_id][len(nomes["hiddenuser"]):]
        if participante not in participantes:
            continue
        dt.datetime.fromisoformat(linha[i_mod])  # o strtotime do Moodle precisa entender a data
        # process_import_grades: unformat_float troca o separador decimal do idioma por ponto; nota
        # vazia (ou negativa) é pulada; o comentário, não.
        nota = linha[i_nota].replace(nomes["decsep"], ".")
        lidas[participante] = {"nota": None if nota == "" or float(nota) < 0 else float(nota),
                               "comentario": linha[i_com] if i_com else None}
    return lidas


def ler_zip_feedback_moodle(caminho: Path, participantes: set[str]) -> dict[str, list[str]]:
    """{participante: [arquivos]} que o Moodle aceitaria do zip de feedback: cada parte do caminho é
    partida em ``_`` (no máximo 5 pedaços); a 2ª é o participante, a 3ª e a 4ª, o plugin."""
    aceitos: dict[str, list[str]] = {}
    with zipfile.ZipFile(caminho) as z:
        for nome in z.namelist():
            if nome.endswith("/") or Path(nome).name.startswith((".", "~")):
                continue
            partes = nome.split("/")
            while partes:
                info = partes.pop(0).split("_", 4)
                if len(info) < 4 or not info[1].isdigit() or info[1] not in participantes:
                    continue
                assert (info[2], info[3]) in {("assignsubmission", "file"), ("assignfeedback", "file")}, nome
                aceitos.setdefault(info[1], []).append("/".join([info[4] if len(info) > 4 else "", *partes]).lstrip("/"))
                break
    return aceitos


def ler_planilha_canvas(caminho: Path, tarefa_id: str) -> dict[str, str | None]:
    """{id do aluno: nota} que o Canvas importaria para a tarefa ``tarefa_id`` (None: sem mudança)."""
    linhas = list(csv.reader(Path(caminho).open(encoding="utf-8")))
    cab = linhas[0]
    # header?: "Student" na 1ª, "ID" na 2ª; SIS User ID e SIS Login ID seguidas; "Section" fecha as do aluno.
    assert len(cab) > 3 and "Student" in cab[0] and "ID" in cab[1]
    colunas_aluno = 3
    if re.search(r"SIS\s+User\s+ID", cab[2]) and re.search(r"SIS\s+Login\s+ID", cab[3]):
        colunas_aluno += 2
    assert "Section" in cab[colunas_aluno - 1]
    tarefas = {m[1]: i for i, c in enumerate(cab[colunas_aluno:], colunas_aluno) if (m := re.match(r"^.*\((\d+)\)\s*$", c))}
    i = tarefas[tarefa_id]
    notas = {}
    for linha in linhas[1:]:
        if "Points Possible" in linha[0]:
            continue
        nota = linha[i].strip()
        notas[linha[1]] = None if nota in ("", "-") else nota  # no_score?: vazio não muda a nota
    return notas


# ---------------------------------------------------------------------------------------------
# Entrada


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
    assert motivos["souzabia_late_23456_998878_ex01_processos.ipynb"] == (
        "reenvio mais antigo que souzabia_late_23456_998880_ex01_processos-2.ipynb")
    assert motivos["souzabia_late_23456_998879_ex01_processos-1.ipynb"] == (
        "reenvio mais antigo que souzabia_late_23456_998880_ex01_processos-2.ipynb")


def test_canvas_late_maiusculo_nome_com_sublinhado_anonimo_e_reenvio_pelo_id(tmp_path):
    """O canvas-lms de hoje escreve ``LATE`` (``get_filename``); o nome ordenável pode ter ``_`` e
    letras acentuadas (``sanitize_file_name`` só tira o que não é ``[[:word:]]``)."""
    z = _zip(tmp_path / "canvas.zip", [
        "obrien_joão_LATE_34567_5001_ex01.ipynb",
        "costacaio_45678_6001_ex01.ipynb",
        "costacaio_45678_6002_ex01.ipynb",  # mesmo nome, enviado depois: id de arquivo maior
        "anon_Xy7Qz_7001_ex01.ipynb",
        "LATE_anon_Ab3De_7002_ex01.ipynb",
    ])
    entradas, recusadas = lms.entradas_do_zip(z, "canvas")
    assert [(e.aluno, e.nome, e.atrasada, e.caminho) for e in entradas] == [
        ("34567", "obrien_joão", True, "obrien_joão_LATE_34567_5001_ex01.ipynb"),
        ("45678", "costacaio", False, "costacaio_45678_6002_ex01.ipynb"),
    ]
    motivos = dict(recusadas)
    assert motivos["costacaio_45678_6001_ex01.ipynb"] == "reenvio mais antigo que costacaio_45678_6002_ex01.ipynb"
    for anonimo in ("anon_Xy7Qz_7001_ex01.ipynb", "LATE_anon_Ab3De_7002_ex01.ipynb"):
        assert motivos[anonimo].startswith("entrega anônima do Canvas"), anonimo


def test_canvas_reenvio_mais_novo_vence_em_qualquer_ordem(tmp_path):
    z = _zip(tmp_path / "canvas.zip", [
        "costacaio_34567_1_ex02-3.ipynb",
        "costacaio_34567_2_ex02-1.ipynb",
        "costacaio_34567_3_ex02.ipynb",
    ])
    entradas, _ = lms.entradas_do_zip(z, "canvas")
    assert [(e.caminho, e.versao) for e in entradas] == [("costacaio_34567_1_ex02-3.ipynb", 3)]


def test_moodle_reconhece_as_pastas_de_todas_as_versoes(tmp_path):
    z = _zip(tmp_path / "moodle.zip", [
        "Ana Silva_123456_assignsubmission_file/ex01_processos.ipynb",  # Moodle ≥ 4.1
        "Bia Souza_234567_assignsubmission_file_/ex01_processos.ipynb",  # 3.1–4.0
        "Caio Costa_345678_assignsubmission_file_ex01_processos.ipynb",  # sem pastas
        "Participant_456789_assignsubmission_file/sub/ex01_processos.ipynb",  # anônimo, subpasta
        "sem padrão/ex01.ipynb",
        "Davi_1_assignsubmission_filex.ipynb",
    ])
    entradas, recusadas = lms.entradas_do_zip(z, "moodle")
    assert [(e.aluno, e.nome, e.arquivo) for e in entradas] == [
        ("123456", "Ana Silva", "ex01_processos.ipynb"), ("234567", "Bia Souza", "ex01_processos.ipynb"),
        ("345678", "Caio Costa", "ex01_processos.ipynb"), ("456789", "Participant", "ex01_processos.ipynb"),
    ]
    assert dict(recusadas) == {"sem padrão/ex01.ipynb": "o nome não segue o padrão do Moodle",
                               "Davi_1_assignsubmission_filex.ipynb": "o nome não segue o padrão do Moodle"}
    # O padrão "moodle" da coleta simples aceita as mesmas três formas.
    regex = col.compilar_padrao("moodle")
    assert [regex.match(e.caminho)["aluno"] for e in entradas[:3]] == ["123456", "234567", "345678"]


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


def test_coleta_do_ava_extrai_guarda_a_origem_e_recusa_com_motivo(tmp_path):
    curso = tmp_path / "curso"
    z = _zip(tmp_path / "moodle.zip", {
        "Ana Silva_123456_assignsubmission_file/ex01.ipynb": "ana",
        "Ana Silva_123456_assignsubmission_file/dados.csv": "1,2",
        "Bia Souza_234567_assignsubmission_file/ex01 (1).ipynb": "bia",
        "../Caio_345678_assignsubmission_file/ex01.ipynb": "mal",
    }, data=(2026, 11, 21, 9, 30, 0))
    coleta = col.coletar_ava(z, curso, "ex01", "moodle")
    assert coleta.alunos == ["123456"]
    pasta = curso / "submitted" / "123456" / "ex01"
    assert sorted(p.name for p in pasta.iterdir()) == ["dados.csv", "ex01.ipynb", "timestamp.txt"]
    assert (pasta / "timestamp.txt").read_text() == "2026-11-21 09:30:00.000000 UTC"
    assert dict(coleta.recusadas) == {
        "Bia Souza_234567_assignsubmission_file/ex01 (1).ipynb": "nome de aluno ou de arquivo com caracteres proibidos",
        "../Caio_345678_assignsubmission_file/ex01.ipynb": "caminho fora da pasta de destino",
    }
    origem = lms.ler_origem(curso, "ex01")
    assert origem.formato == "moodle" and origem.alunos["123456"]["nome"] == "Ana Silva"
    assert sorted(map(tuple, origem.recusadas)) == sorted(coleta.recusadas)
    # Canvas: sem data (o zip não traz a do envio), atraso relatado; uma coleta nova do mesmo AVA
    # acrescenta alunos sem esquecer os anteriores.
    z = _zip(tmp_path / "canvas.zip", {"souzabia_LATE_23456_9_ex01.ipynb": "bia"})
    coleta = col.coletar_ava(z, curso, "ex02", "canvas")
    assert not (curso / "submitted" / "23456" / "ex02" / "timestamp.txt").exists()
    assert coleta.escolhas == ["23456: entregue com atraso (LATE no nome do Canvas); corrigida, e a política de atraso é a do AVA"]
    z2 = _zip(tmp_path / "canvas2.zip", {"silvaana_12345_10_ex01.ipynb": "ana"})
    col.coletar_ava(z2, curso, "ex02", "canvas")
    assert sorted(lms.ler_origem(curso, "ex02").alunos) == ["12345", "23456"]


# ---------------------------------------------------------------------------------------------
# Saída


def _linhas():
    return [
        Linha("123456", 6.5, 7, st.OK, 1.0, []),
        Linha("234567", 0.0, 7, st.INVALIDO, 0.1, ["JSON quebrado"]),
        Linha("345678", 3.0, 7, st.TEMPO, 9.0, []),
        Linha("456789", 7.0, 7, st.SUSPEITA, 2.0, ["tentou o gradebook"]),
        Linha("avulso", 7.0, 7, st.OK, 1.0, []),
    ]


def _curso_com_origem(tmp_path, formato):
    curso = tmp_path / "curso"
    alunos = {a: {"nome": f"Nome {a}", "atrasada": False, "arquivos": []} for a in ("123456", "234567", "345678", "456789", "567890")}
    lms.guardar_origem(curso, "ex01", lms.Origem(formato, alunos, [["lixo.txt", "o nome não segue o padrão"]]))
    for aluno in ("123456", "234567", "345678", "456789"):
        pasta = curso / "feedback" / aluno / "ex01"
        pasta.mkdir(parents=True)
        (pasta / "ex01.html").write_text(f"<html>{aluno}</html>", encoding="utf-8")
    return curso


def test_devolver_ao_moodle_so_quem_foi_corrigido_vai_e_o_moodle_le(tmp_path):
    curso = _curso_com_origem(tmp_path, "moodle")
    dev = lms.devolver(curso, "ex01", _linhas(), "moodle")
    pasta = curso / "relatorios" / "ex01"
    assert dev.arquivos == [pasta / "notas_moodle.csv", pasta / "feedback_moodle.zip"]
    cab = next(csv.reader((pasta / "notas_moodle.csv").open(encoding="utf-8")))
    assert cab == lms.CABECALHO_MOODLE
    participantes = {"123456", "234567", "345678", "456789", "567890"}
    lidas = ler_planilha_moodle(pasta / "notas_moodle.csv", participantes)
    # Quem não foi corrigido (inválido, suspeito, sem correção) nem aparece: nada muda no Moodle.
    assert {p: d["nota"] for p, d in lidas.items()} == {"123456": 6.5, "345678": 3.0}
    assert "6,5 de 7" in lidas["123456"]["comentario"]  # o comentário é texto em português
    assert dict(dev.em_branco) == {
        "234567": "notebook inválido: o notebook entregue não pôde ser lido",
        "456789": "tentativa bloqueada: o código tentou algo que o isolamento bloqueou: confira antes de lançar a nota",
        "567890": "não foi corrigido (a entrega não está em submitted/ ou a correção não terminou)",
    }
    assert dev.avisos == ["fora da planilha (não vieram do zip do AVA): avulso"]
    aceitos = ler_zip_feedback_moodle(pasta / "feedback_moodle.zip", participantes)
    assert aceitos == {"123456": ["ex01.html"], "345678": ["ex01.html"]}
    with zipfile.ZipFile(pasta / "feedback_moodle.zip") as z:
        assert z.read("Nome 123456_123456_assignsubmission_file_/ex01.html") == b"<html>123456</html>"
    texto = "\n".join(dev.texto(lms.ler_origem(curso, "ex01")))
    assert "aceitos: 123456, 234567, 345678, 456789, 567890" in texto
    assert "recusado: lixo.txt (o nome não segue o padrão)" in texto and "sem nota (fica em branco, nunca zero): 234567" in texto
    # Escala do AVA: 6,5 de 7 vira 9,29 de 10.
    lms.devolver(curso, "ex01", _linhas(), "moodle", nota_maxima=10, feedback=False)
    assert ler_planilha_moodle(pasta / "notas_moodle.csv", participantes)["123456"]["nota"] == 9.29


def test_devolver_ao_canvas_deixa_em_branco_e_o_canvas_le(tmp_path):
    curso = _curso_com_origem(tmp_path, "canvas")
    dev = lms.devolver(curso, "ex01", _linhas(), "canvas", tarefa_canvas="4321")
    csv_canvas = curso / "relatorios" / "ex01" / "notas_canvas.csv"
    assert dev.arquivos == [csv_canvas]
    linhas = list(csv.reader(csv_canvas.open(encoding="utf-8")))
    assert linhas[0] == [*lms.CABECALHO_CANVAS, "ex01 (4321)"]
    assert not any("Points Possible" in linha[0] for linha in linhas), "mudaria o valor da tarefa no Canvas"
    assert ler_planilha_canvas(csv_canvas, "4321") == {
        "123456": "6.5", "234567": None, "345678": "3", "456789": None, "567890": None,
    }
    # Sem o id: a coluna é o título, e o aviso diz o que o Canvas faz com ele.
    dev = lms.devolver(curso, "ex01", _linhas(), "canvas")
    assert next(csv.reader(csv_canvas.open(encoding="utf-8")))[-1] == "ex01"
    assert any("sem --tarefa-canvas" in a for a in dev.avisos)
    with pytest.raises(lms.FormatoInvalido, match="o id da tarefa no Canvas é um número"):
        lms.planilha_canvas([], tmp_path / "x.csv", "ex01", "abc")
    with pytest.raises(lms.FormatoInvalido, match="vieram do Canvas"):
        lms.devolver(curso, "ex01", _linhas(), "moodle")


def test_cli_recusa_a_volta_impossivel_antes_de_corrigir(tmp_path, capsys):
    curso = tmp_path / "curso"
    curso.mkdir()
    assert cli.main(["ex01", "--curso", str(curso), "--mapa", str(tmp_path / "m.csv")]) == 2
    assert "passe também o --zip" in capsys.readouterr().err
    assert cli.main(["ex01", "--curso", str(curso), "--saida-lms", "moodle"]) == 2
    assert "colete as entregas com --zip ... --padrao moodle" in capsys.readouterr().err
    z = _zip(tmp_path / "t.zip", {"a.ipynb": "{}"})
    (tmp_path / "m.csv").write_text("arquivo,aluno\na.ipynb,ana\n", encoding="utf-8")
    assert cli.main(["ex01", "--curso", str(curso), "--zip", str(z), "--mapa", str(tmp_path / "m.csv"),
                     "--saida-lms", "canvas"]) == 2
    assert "identifica os alunos por número" in capsys.readouterr().err
    z = _zip(tmp_path / "c.zip", {"silvaana_12345_1_ex01.ipynb": "{}"})
    assert cli.main(["ex01", "--curso", str(curso), "--zip", str(z), "--padrao", "canvas", "--saida-lms", "moodle"]) == 2
    assert "vieram do Canvas" in capsys.readouterr().err
    assert cli.main(["ex01", "--curso", str(curso), "--zip", str(z), "--padrao", "canvas", "--tarefa-canvas", "x1"]) == 2
    assert "é o número da tarefa no Canvas" in capsys.readouterr().err
    assert not (curso / "gradebook.db").exists(), "nada foi corrigido"
    assert json.loads((curso / "relatorios" / "ex01" / "ava.json").read_text())["formato"] == "canvas"


# ---------------------------------------------------------------------------------------------
# Moodle em português e entregas em grupo


def _planilha_baixada(caminho: Path, cabecalho: list[str], linhas: list[list[str]]) -> Path:
    """Uma planilha de notas como a que o Moodle baixa, gravada com o BOM do UTF-8 (como a regravam
    os programas de planilha): a leitura tem de aceitá-lo."""
    with open(caminho, "w", newline="", encoding="utf-8-sig") as arq:
        escritor = csv.writer(arq)
        escritor.writerow(cabecalho)
        escritor.writerows(linhas)
    return caminho


def _linha_pt(ident: str, nome: str, *grupo: str) -> list[str]:
    return [f"Participante{ident}", nome, f"{ident}@exemplo.br", "Enviado para avaliação", *grupo, "", "10,00", "Sim",
            "20 novembro 2026, 10:00", "-", ""]


def test_moodle_em_portugues_a_planilha_baixada_entra_e_a_volta_sai_em_portugues(tmp_path):
    curso = tmp_path / "curso"
    planilha = _planilha_baixada(tmp_path / "notas.csv", CABECALHO_PT_BR,
                                 [_linha_pt("123456", "Ana Silva"), _linha_pt("234567", "Bia Souza")])
    z = _zip(tmp_path / "moodle.zip", {
        "Ana Silva_123456_assignsubmission_file/ex01.ipynb": "ana",
        "Bia Souza_234567_assignsubmission_file/ex01.ipynb": "bia",
        "Caio Costa_345678_assignsubmission_file/ex01.ipynb": "caio",
    })
    # O padrão da linha de comando é "simples": a planilha de notas basta para ler o zip como do Moodle.
    coleta = col.coletar_ava(z, curso, "ex01", "simples", planilha)
    assert coleta.alunos == ["123456", "234567"]
    assert dict(coleta.recusadas) == {
        "Caio Costa_345678_assignsubmission_file/ex01.ipynb": "o participante 345678 não está na planilha de notas"}
    origem = lms.ler_origem(curso, "ex01")
    assert (origem.formato, origem.idioma, origem.grupos) == ("moodle", "pt_br", False)
    linhas = [Linha("123456", 6.5, 7, st.OK, 1.0, []), Linha("234567", 0.0, 7, st.INVALIDO, 0.1, [])]
    dev = lms.devolver(curso, "ex01", linhas, "moodle", feedback=False)
    saida = curso / "relatorios" / "ex01" / "notas_moodle.csv"
    cabecalho, *corpo = list(csv.reader(saida.open(encoding="utf-8")))
    assert cabecalho == CABECALHO_PT_BR
    # O identificador em português não tem espaço (o Moodle corta len("Participante") caracteres) e a
    # nota vai com vírgula, como o Moodle em português a escreve.
    assert [(r[0], r[4], r[5], r[6]) for r in corpo] == [("Participante123456", "6,5", "7", "Sim")]
    assert {p: d["nota"] for p, d in ler_planilha_moodle(saida, {"123456", "234567"}, PT_BR).items()} == {"123456": 6.5}
    with pytest.raises(ValueError, match="invalidgradeimport"):  # um Moodle em inglês não a importaria
        ler_planilha_moodle(saida, {"123456"}, EN)
    assert "planilha de notas do Moodle em português" in "\n".join(dev.texto(origem))
    # --idioma-ava contra a planilha: recusado com o motivo (o Moodle casa as colunas pelo idioma de quem importa).
    with pytest.raises(lms.FormatoInvalido, match="está em português e --idioma-ava pede en"):
        lms.devolver(curso, "ex01", linhas, "moodle", feedback=False, idioma="en")


def test_idioma_ava_escolhe_a_planilha_sem_planilha_baixada_e_o_padrao_e_ingles(tmp_path):
    curso = _curso_com_origem(tmp_path, "moodle")
    pasta = curso / "relatorios" / "ex01"
    lms.devolver(curso, "ex01", _linhas(), "moodle", feedback=False, idioma="pt_br")
    assert next(csv.reader((pasta / "notas_moodle.csv").open(encoding="utf-8"))) == CABECALHO_PT_BR
    assert {p: d["nota"] for p, d in ler_planilha_moodle(pasta / "notas_moodle.csv", {"123456", "345678"}, PT_BR).items()} == {
        "123456": 6.5, "345678": 3.0}
    lms.devolver(curso, "ex01", _linhas(), "moodle", feedback=False)
    assert next(csv.reader((pasta / "notas_moodle.csv").open(encoding="utf-8")))[:3] == ["Identifier", "Full name", "Email address"]
    assert ler_planilha_moodle(pasta / "notas_moodle.csv", {"123456"}, EN)["123456"]["nota"] == 6.5
    # A planilha baixada do Moodle em inglês também entra (e diz que a volta é em inglês).
    en = _planilha_baixada(tmp_path / "en.csv", ["Identifier", "Full name", "Email address", "Status", "Group", "Grade",
                                                  "Maximum Grade", "Grade can be changed", "Last modified (submission)",
                                                  "Last modified (grade)", "Feedback comments"],
                           [["Participant 123456", "Ana Silva", "", "", "Default group", "", "10.00", "Yes", "", "", ""]])
    lida = lms.ler_planilha_moodle(en)
    assert (lida.idioma, lida.grupos, lida.participantes) == ("en", True, {"123456": {"nome": "Ana Silva", "grupo": "Default group"}})


def test_planilha_de_notas_que_nao_casa_e_recusada_com_o_que_falta(tmp_path):
    generica = tmp_path / "mapa.csv"
    generica.write_text("arquivo,aluno\na.ipynb,ana\n", encoding="utf-8")
    assert not lms.eh_planilha_moodle(generica)  # a planilha arquivo/aluno continua valendo como antes
    # O Moodle em espanhol também escreve "Identificador", mas a nota é "Calificación".
    espanhol = _planilha_baixada(tmp_path / "es.csv", ["Identificador", "Nombre completo", "Calificación",
                                                        "Última modificación (calificación)"], [["Participante1", "Ana", "", ""]])
    assert lms.eh_planilha_moodle(espanhol)
    with pytest.raises(lms.FormatoInvalido) as erro:
        lms.ler_planilha_moodle(espanhol)
    texto = str(erro.value)
    assert "não é a planilha de notas do Moodle em um idioma conhecido" in texto
    assert "em português, 'Nota', 'Última modificação (nota)'" in texto
    assert "em inglês, 'Identifier', 'Grade', 'Last modified (grade)'" in texto
    # Cabeçalho em português com o identificador do Moodle em inglês: a linha é apontada.
    misturada = _planilha_baixada(tmp_path / "mist.csv", CABECALHO_PT_BR, [["Participant 123", "Ana", *[""] * 8]])
    with pytest.raises(lms.FormatoInvalido, match=r"linha 2: o identificador 'Participant 123' não é 'Participante' seguido"):
        lms.ler_planilha_moodle(misturada)


def test_entregas_em_grupo_do_moodle_cada_grupo_uma_correcao_e_a_nota_a_cada_membro(tmp_path):
    """O zip de uma tarefa em grupo do Moodle ≥ 4.1 (``downloader.php``, ``get_student_prefix``): uma
    pasta por grupo, ``Nome do grupo_IDDOGRUPO_assignsubmission_file`` (``_`` do nome vira espaço), e
    ``Grupo padrão_assignsubmission_file`` para quem não está em grupo nenhum."""
    curso = tmp_path / "curso"
    planilha = _planilha_baixada(tmp_path / "notas.csv", CABECALHO_PT_BR_GRUPOS, [
        _linha_pt("11", "Ana Silva", "Grupo A"), _linha_pt("12", "Bia Souza", "Grupo A"),
        _linha_pt("13", "Caio Costa", "Grupo B"), _linha_pt("14", "Davi Lima", "Grupo padrão"),
        _linha_pt("15", "Eva Reis", "Grupo padrão"), _linha_pt("16", "Fábio Dias", "Turma_1"),
    ])
    z = _zip(tmp_path / "grupos.zip", {
        "Grupo A_42_assignsubmission_file/ex01.ipynb": "A", "Grupo A_42_assignsubmission_file/dados.csv": "1,2",
        "Grupo B_43_assignsubmission_file/ex01.ipynb": "B",
        "Grupo padrão_assignsubmission_file/ex01.ipynb": "padrão",
        "Turma 1_45_assignsubmission_file/ex01.ipynb": "T1",
        "Grupo C_44_assignsubmission_file/ex01.ipynb": "C",
    })
    coleta = col.coletar_ava(z, curso, "ex01", "moodle", planilha)
    assert coleta.alunos == ["grupo0", "grupo42", "grupo43", "grupo45"]
    assert (curso / "submitted" / "grupo42" / "ex01" / "ex01.ipynb").read_text() == "A"
    assert (curso / "submitted" / "grupo42" / "ex01" / "dados.csv").exists()
    assert (curso / "submitted" / "grupo0" / "ex01" / "ex01.ipynb").read_text() == "padrão"
    assert dict(coleta.recusadas) == {"Grupo C_44_assignsubmission_file/ex01.ipynb": (
        "'Grupo C' não é um grupo da coluna 'Grupo' da planilha de notas, e 44 não é um participante dela")}
    origem = lms.ler_origem(curso, "ex01")
    assert origem.grupos and origem.alunos["grupo42"]["membros"] == {"11": "Ana Silva", "12": "Bia Souza"}
    assert origem.alunos["grupo0"]["membros"] == {"14": "Davi Lima", "15": "Eva Reis"}
    assert origem.alunos["grupo45"]["nome"] == "Turma_1"
    for grupo in ("grupo42", "grupo0"):
        (curso / "feedback" / grupo / "ex01").mkdir(parents=True)
        (curso / "feedback" / grupo / "ex01" / "ex01.html").write_text(f"<html>{grupo}</html>", encoding="utf-8")
    linhas = [Linha("grupo42", 6.5, 7, st.OK, 1.0, []), Linha("grupo43", 0.0, 7, st.INVALIDO, 0.1, []),
              Linha("grupo0", 7.0, 7, st.OK, 1.0, [])]  # grupo45 não foi corrigido
    dev = lms.devolver(curso, "ex01", linhas, "moodle")
    pasta = curso / "relatorios" / "ex01"
    cabecalho, *corpo = list(csv.reader((pasta / "notas_moodle.csv").open(encoding="utf-8")))
    assert cabecalho == CABECALHO_PT_BR_GRUPOS
    assert [(r[0], r[1], r[4], r[5]) for r in corpo] == [
        ("Participante14", "Davi Lima", "Grupo padrão", "7"), ("Participante15", "Eva Reis", "Grupo padrão", "7"),
        ("Participante11", "Ana Silva", "Grupo A", "6,5"), ("Participante12", "Bia Souza", "Grupo A", "6,5")]
    todos = {str(i) for i in range(11, 17)}
    assert {p: d["nota"] for p, d in ler_planilha_moodle(pasta / "notas_moodle.csv", todos, PT_BR).items()} == {
        "11": 6.5, "12": 6.5, "14": 7.0, "15": 7.0}
    # O feedback do grupo vai na pasta de cada membro (o Moodle importa o zip por participante).
    assert ler_zip_feedback_moodle(pasta / "feedback_moodle.zip", todos) == {
        "11": ["ex01.html"], "12": ["ex01.html"], "14": ["ex01.html"], "15": ["ex01.html"]}
    with zipfile.ZipFile(pasta / "feedback_moodle.zip") as zz:
        assert zz.read("Bia Souza_12_assignsubmission_file_/ex01.html") == b"<html>grupo42</html>"
    texto = "\n".join(dev.texto(origem))
    assert "entrega do grupo Grupo A (grupo42): a nota vai a 11, 12" in texto
    assert "sem nota (fica em branco, nunca zero): grupo45 — não foi corrigido" in texto
    assert "sem nota (fica em branco, nunca zero): grupo43 — notebook inválido" in texto


def test_grupo_no_moodle_ate_4_0_e_zip_de_grupo_sem_planilha(tmp_path, capsys):
    """Até o Moodle 4.0 (``locallib.php``, ``download_submissions``), a entrega do grupo vem na pasta de
    cada membro, ``Grupo-Nome_PARTICIPANTE_assignsubmission_file_``: vale como individual. Sem a
    planilha, um zip com a pasta do "Grupo padrão" é de uma tarefa em grupo, e a coleta para: o número
    da pasta de um grupo voltaria ao Moodle como o de um participante."""
    planilha = _planilha_baixada(tmp_path / "notas.csv", CABECALHO_PT_BR_GRUPOS,
                                 [_linha_pt("11", "Ana Silva", "Grupo A"), _linha_pt("12", "Bia Souza", "Grupo A")])
    z = _zip(tmp_path / "antigo.zip", ["Grupo A-Ana Silva_11_assignsubmission_file_/ex01.ipynb",
                                       "Grupo A-Bia Souza_12_assignsubmission_file_/ex01.ipynb"])
    entradas, recusadas = lms.entradas_do_zip(z, "moodle", planilha=lms.ler_planilha_moodle(planilha))
    assert [(e.aluno, e.nome) for e in entradas] == [("11", "Ana Silva"), ("12", "Bia Souza")] and not recusadas
    # O zip baixado com o Moodle em inglês ("Default group") e a planilha em português; dois grupos
    # com o mesmo nome são recusados (a planilha não diz quem é de qual).
    planilha = _planilha_baixada(tmp_path / "notas2.csv", CABECALHO_PT_BR_GRUPOS, [
        _linha_pt("11", "Ana Silva", "Grupo A"), _linha_pt("12", "Bia Souza", "Grupo padrão"),
        _linha_pt("13", "Caio Costa", "Grupo B"), _linha_pt("14", "Davi Lima", "Grupo B")])
    z = _zip(tmp_path / "mistura.zip", ["Grupo A_42_assignsubmission_file/ex01.ipynb",
                                        "Default group_assignsubmission_file/ex01.ipynb",
                                        "Grupo B_43_assignsubmission_file/ex01.ipynb",
                                        "Grupo B_44_assignsubmission_file/ex01.ipynb"])
    entradas, recusadas = lms.entradas_do_zip(z, "moodle", planilha=lms.ler_planilha_moodle(planilha))
    assert [(e.aluno, e.nome) for e in entradas] == [("grupo0", "Grupo padrão"), ("grupo42", "Grupo A")]
    assert dict(recusadas) == {f"Grupo B_{n}_assignsubmission_file/ex01.ipynb": (
        "há 2 grupos chamados 'Grupo B' no zip (grupo43, grupo44) e a planilha de notas não diz quem é de qual: "
        "renomeie-os no Moodle") for n in (43, 44)}
    z = _zip(tmp_path / "grupos.zip", ["Grupo A_42_assignsubmission_file/ex01.ipynb",
                                       "Default group_assignsubmission_file/ex01.ipynb"])
    with pytest.raises(lms.FormatoInvalido, match="tarefa em grupo do Moodle .*'Default group_assignsubmission_file'.*--mapa"):
        lms.entradas_do_zip(z, "moodle")
    curso = tmp_path / "curso"
    curso.mkdir()
    assert cli.main(["ex01", "--curso", str(curso), "--zip", str(z), "--padrao", "moodle"]) == 2
    assert "passe em --mapa a planilha de notas baixada da tarefa" in capsys.readouterr().err
    # A planilha em português com --idioma-ava en: recusado antes de corrigir.
    z = _zip(tmp_path / "ok.zip", ["Grupo A_42_assignsubmission_file/ex01.ipynb"])
    assert cli.main(["ex01", "--curso", str(curso), "--zip", str(z), "--mapa", str(planilha), "--idioma-ava", "en"]) == 2
    assert "está em português e --idioma-ava pede en" in capsys.readouterr().err
    assert not (curso / "gradebook.db").exists(), "nada foi corrigido"
