"""Ida e volta com o AVA: entregas que chegam do Moodle, do Canvas ou de uma planilha, e notas e
feedback que voltam no formato que cada AVA importa.

Cada formato foi conferido contra o código que o próprio AVA usa para gerá-lo ou lê-lo (a
documentação do Moodle e do Canvas descreve os passos na interface, não os nomes exatos):

Entrada (o zip que o AVA baixa):

- **Moodle** ("Baixar todas as entregas"): uma pasta por participante (numa tarefa em grupo, uma
  por grupo, ``Nome do grupo_IDDOGRUPO_assignsubmission_file``: :func:`_reconhecer_com_planilha`).
  O prefixo é ``Nome Sobrenome_123456`` (o nome com ``_`` trocado por espaço e o identificador do participante
  na tarefa, o mesmo da planilha de notas) seguido de ``_assignsubmission_file`` (Moodle ≥ 4.1,
  ``mod/assign/classes/downloader.php``, ``get_student_prefix`` e ``load_submissionplugin_filelist``),
  ``_assignsubmission_file_`` (3.1–4.0, ``mod/assign/locallib.php``, ``download_submissions``) ou,
  sem pastas, ``..._assignsubmission_file_arquivo.ipynb``;
- **Canvas** ("Download Submissions"): ``sobrenomenome[_LATE]_IDUSUARIO_IDARQUIVO_arquivo.ipynb``
  (``lib/content_zipper.rb`` do canvas-lms: ``get_filename`` junta o nome ordenável em minúsculas,
  ``LATE`` se a entrega está atrasada e o id do usuário; ``add_upload_submission`` acrescenta o id do
  arquivo e o nome de exibição). O nome de exibição ganha ``-1``, ``-2``... quando o aluno reenviou um
  arquivo com o mesmo nome; com a correção anônima ligada, o id vira ``anon_XXXXX`` — o livro de
  notas não o reconhece, e a entrada é recusada com o motivo;
- **planilha**: um CSV com as colunas ``arquivo`` (o caminho dentro do zip) e ``aluno``; ou a planilha
  de notas que o Moodle baixa (em inglês ou em português, :func:`ler_planilha_moodle`), que diz o
  idioma da volta e quem é de cada grupo.

Saída:

- Moodle: a "planilha de notas para avaliação offline" (:func:`cabecalho_moodle`, no idioma de quem a
  importa), que a tarefa importa em "Carregar planilha de notas"; e o zip de "Carregar vários arquivos de feedback em
  um zip" (uma pasta ``Nome_ID_assignsubmission_file_`` por participante);
- Canvas: o CSV do livro de notas (``CABECALHO_CANVAS`` e uma coluna ``Tarefa (ID_DA_TAREFA)``), que o
  Canvas importa em "Notas → Importar".

Documentação consultada (os passos na interface, citados no README): Moodle, "Assignment settings"
(https://docs.moodle.org/401/en/Assignment_settings: tipos de feedback "Offline grading worksheet" e
"Feedback files"); Canvas, o guia de importação da OSU
(https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades:
colunas do aluno, ``SIS Login ID``, ``Section`` e a da tarefa; uma coluna de tarefa desconhecida cria
uma tarefa nova). Os nomes exatos vêm do código citado acima, em moodle/moodle e instructure/canvas-lms.

Quem não foi corrigido nunca vira zero: fica fora da planilha do Moodle (uma linha com a nota em
branco ainda trocaria o comentário) e em branco na do Canvas (o Canvas não altera uma célula vazia),
e aparece no relatório com o motivo.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from autograder.instrutor import status as st

#: Os textos da planilha de avaliação offline do Moodle em cada idioma. O Moodle escreve os
#: cabeçalhos com ``get_string`` na língua de quem baixa a planilha e, ao importar, procura as colunas
#: pelo texto na língua de quem importa (``mod/assign/feedback/offline/importgradeslib.php``, ``init``:
#: ``get_string('recordid', 'assign')``, ``get_string('grade')``, ``get_string('lastmodifiedgrade',
#: 'assign')`` e, para o comentário, o nome do plugin ``assignfeedback_comments``; sem uma das três
#: primeiras, "invalidgradeimport"). As chaves são as do Moodle; de onde vem cada texto:
#:
#: - inglês: ``mod/assign/lang/en/assign.php`` (``recordid``, ``status``, ``submissionteam``,
#:   ``maxgrade`` — definida duas vezes, vale a última, ``Maximum Grade`` —, ``gradecanbechanged``,
#:   ``lastmodifiedsubmission``, ``lastmodifiedgrade``, ``hiddenuser``, ``defaultteam``),
#:   ``lang/en/moodle.php`` (``fullname``, ``email``, ``grade``, ``yes``), ``lang/en/langconfig.php``
#:   (``decsep``) e ``mod/assign/feedback/comments/lang/en/assignfeedback_comments.php``
#:   (``pluginname``), no moodle/moodle;
#: - português do Brasil: o pacote de idioma ``pt_br`` (do AMOS; o Moodle o instala em
#:   ``moodledata/lang/pt_br/``), mesmas chaves em ``assign.php``, ``moodle.php``, ``langconfig.php`` e
#:   ``assignfeedback_comments.php``. Conferidos nas versões 3.5 e 4.5 (``assign.php`` também na 3.11);
#:   ``email`` só na 3.5. Na 4.5 a nota é ``gradenoun`` (``'Nota'``, o mesmo texto de ``grade`` na 3.5).
#:   Atenção a ``hiddenuser``: em inglês é ``'Participant '`` (com espaço), em português
#:   ``'Participante'`` (sem espaço), e o Moodle corta exatamente ``strlen(get_string('hiddenuser',
#:   'assign'))`` caracteres do identificador (``importgradeslib.php``, ``next``): o identificador em
#:   português é ``Participante123456``. A nota vai com o separador decimal do idioma (``decsep``),
#:   como o Moodle a escreve ao baixar a planilha (``gradingtable.php``, ``display_grade`` com
#:   ``format_float``) e a lê ao importar (``feedback/offline/locallib.php``, ``unformat_float``).
IDIOMAS_MOODLE: dict[str, dict[str, str]] = {
    "en": {
        "recordid": "Identifier", "fullname": "Full name", "email": "Email address", "status": "Status",
        "submissionteam": "Group", "grade": "Grade", "maxgrade": "Maximum Grade",
        "gradecanbechanged": "Grade can be changed", "lastmodifiedsubmission": "Last modified (submission)",
        "lastmodifiedgrade": "Last modified (grade)", "comments": "Feedback comments",
        "hiddenuser": "Participant ", "defaultteam": "Default group", "yes": "Yes", "decsep": ".",
    },
    "pt_br": {
        "recordid": "Identificador", "fullname": "Nome completo", "email": "Endereço de email", "status": "Status",
        "submissionteam": "Grupo", "grade": "Nota", "maxgrade": "Nota máxima",
        "gradecanbechanged": "Nota pode ser alterada", "lastmodifiedsubmission": "Última modificação (envio)",
        "lastmodifiedgrade": "Última modificação (nota)", "comments": "Comentários de feedback",
        "hiddenuser": "Participante", "defaultteam": "Grupo padrão", "yes": "Sim", "decsep": ",",
    },
}
IDIOMAS = tuple(IDIOMAS_MOODLE)


def cabecalho_moodle(idioma: str = "en", grupos: bool = False) -> list[str]:
    """A planilha de avaliação offline na ordem em que o Moodle a baixa (``mod/assign/gradingtable.php``
    com o plugin ``assignfeedback_offline``): identificador, nome, email, status, o grupo (só numa
    tarefa em grupo, ``submissionteam``), nota, nota máxima, "nota pode ser alterada", as datas e o
    comentário. Ao importar, o Moodle ignora as colunas que não procura."""
    t = IDIOMAS_MOODLE[idioma]
    return [t["recordid"], t["fullname"], t["email"], t["status"], *([t["submissionteam"]] if grupos else []),
            t["grade"], t["maxgrade"], t["gradecanbechanged"], t["lastmodifiedsubmission"],
            t["lastmodifiedgrade"], t["comments"]]


#: A planilha em inglês (o padrão, sem planilha baixada nem ``--idioma-ava``).
CABECALHO_MOODLE = cabecalho_moodle("en")
#: O identificador é ``Participant `` + o número da pasta da entrega: o Moodle corta o prefixo
#: (``get_string('hiddenuser', 'assign')``) e procura o número com ``get_user_id_for_uniqueid``.
PREFIXO_MOODLE = IDIOMAS_MOODLE["en"]["hiddenuser"]
#: O livro de notas do Canvas (``app/models/gradebook_importer.rb``: a 1ª coluna contém ``Student``,
#: a 2ª ``ID``; ``SIS User ID`` e ``SIS Login ID`` seguidas; a última das do aluno contém ``Section``;
#: as seguintes são tarefas ``Título (id)``). O aluno é achado pelo ``ID`` (o id de usuário do Canvas).
CABECALHO_CANVAS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]

_MOODLE = re.compile(
    r"^(?:.*/)?(?P<nome>[^/_]+)_(?P<aluno>\d+)_(?P<plugin>assignsubmission_(?:file|onlinetext))"
    r"(?:_?/(?:.*/)?|_)(?P<arquivo>[^/]+)$"
)
_CANVAS = re.compile(
    r"^(?:.*/)?(?P<nome>[^/]+?)(?P<atraso>_(?i:late))?_(?P<aluno>\d+)_(?P<anexo>\d+)_"
    r"(?P<arquivo>[^/]+?)(?:-(?P<versao>\d+))?(?P<ext>\.[A-Za-z0-9]+)?$"
)
_CANVAS_ANONIMO = re.compile(r"^(?:.*/)?(?:(?i:late)_)?anon_[A-Za-z0-9]+_\d+_[^/]+$")

FORMATOS = ("moodle", "canvas", "csv")


@dataclass(frozen=True)
class Entrada:
    """Uma entrada do zip, reconhecida: quem entregou o quê."""

    caminho: str  # dentro do zip
    aluno: str  # o identificador que vai ao gradebook e volta ao AVA
    arquivo: str  # o nome original do arquivo
    nome: str = ""  # o nome do aluno como o AVA o escreve
    atrasada: bool = False
    versao: int = 0  # reenvios do Canvas: -1, -2...
    envio: str = ""  # o id do arquivo no Canvas (cresce a cada envio)


class FormatoInvalido(ValueError):
    """Um arquivo de entrada que não segue o formato esperado (a mensagem diz o que falta)."""


def reconhecer(caminho: str, formato: str) -> Entrada | None:
    """A entrada ``caminho`` de um zip do ``formato`` ("moodle" ou "canvas"), ou None se não casa."""
    caminho_normal = caminho.replace("\\", "/")
    if formato == "moodle":
        m = _MOODLE.match(caminho_normal)
        if not m:
            return None
        return Entrada(caminho, m["aluno"], m["arquivo"], nome=m["nome"])
    if formato == "canvas":
        m = _CANVAS.match(caminho_normal)
        if not m:
            return None
        return Entrada(
            caminho, m["aluno"], m["arquivo"] + (m["ext"] or ""), nome=m["nome"], atrasada=bool(m["atraso"]),
            versao=int(m["versao"] or 0), envio=m["anexo"],
        )
    raise ValueError(f"formato desconhecido: {formato!r} (use moodle ou canvas)")


def _pasta_do_grupo_padrao(caminho: str) -> bool:
    """Se o caminho está na pasta do "Grupo padrão" de uma tarefa em grupo, em algum idioma conhecido."""
    m = re.match(r"^(?:.*/)?([^/_]+)_assignsubmission_(?:file|onlinetext)(?:_?/|_)", caminho)
    return bool(m) and m[1].strip() in {IDIOMAS_MOODLE[i]["defaultteam"] for i in IDIOMAS}


def _motivo_sem_padrao(caminho: str, formato: str) -> str:
    if formato == "canvas" and _CANVAS_ANONIMO.match(caminho.replace("\\", "/")):
        return ("entrega anônima do Canvas (anon_...): o livro de notas não reconhece o id anônimo; "
                "baixe as entregas com a correção anônima desligada")
    return f"o nome não segue o padrão do {formato.capitalize()}"


def ler_mapa_csv(csv_path: Path) -> dict[str, str]:
    """{caminho no zip: aluno} de uma planilha com as colunas ``arquivo`` e ``aluno``."""
    try:
        texto = Path(csv_path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as erro:
        raise FormatoInvalido(f"{csv_path}: a planilha não está em UTF-8 ({erro.reason})") from None
    leitor = csv.DictReader(io.StringIO(texto))
    colunas = [c.strip().lower() for c in (leitor.fieldnames or [])]
    if "arquivo" not in colunas or "aluno" not in colunas:
        raise FormatoInvalido(
            f"{csv_path}: a planilha precisa das colunas 'arquivo' e 'aluno' (tem: {', '.join(colunas) or 'nenhuma'})"
        )
    mapa = {}
    for n, linha in enumerate(leitor, start=2):
        linha = {k.strip().lower(): (v or "").strip() for k, v in linha.items() if k}
        if not linha["arquivo"] or not linha["aluno"]:
            raise FormatoInvalido(f"{csv_path}, linha {n}: 'arquivo' e 'aluno' não podem ficar vazios")
        if linha["arquivo"] in mapa and mapa[linha["arquivo"]] != linha["aluno"]:
            raise FormatoInvalido(f"{csv_path}, linha {n}: o arquivo {linha['arquivo']} aparece para dois alunos")
        mapa[linha["arquivo"]] = linha["aluno"]
    return mapa


@dataclass
class PlanilhaMoodle:
    """A planilha de avaliação offline que o instrutor baixou da tarefa ("Baixar planilha de notas"):
    o idioma em que ela saiu, o cabeçalho, e quem é cada participante (nome e, numa tarefa em grupo, o
    nome do grupo, da coluna ``submissionteam``)."""

    idioma: str
    cabecalho: list[str]
    participantes: dict[str, dict]  # número do participante: {nome, grupo}
    grupos: bool  # a tarefa é em grupo (a planilha tem a coluna do grupo)


def _colunas_que_faltam(colunas: list[str], idioma: str) -> list[str]:
    t = IDIOMAS_MOODLE[idioma]
    return [t[k] for k in ("recordid", "grade", "lastmodifiedgrade") if t[k] not in colunas]


def idioma_da_planilha_moodle(colunas: list[str]) -> str | None:
    """O idioma cujas três colunas que o Moodle procura ao importar estão todas no cabeçalho."""
    for idioma in IDIOMAS:
        if not _colunas_que_faltam(colunas, idioma):
            return idioma
    return None


def _ler_csv(caminho: Path) -> list[list[str]]:
    try:
        texto = Path(caminho).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as erro:
        raise FormatoInvalido(f"{caminho}: a planilha não está em UTF-8 ({erro.reason})") from None
    return [linha for linha in csv.reader(io.StringIO(texto)) if any(c.strip() for c in linha)]


def eh_planilha_moodle(caminho: Path) -> bool:
    """Se o CSV parece a planilha de notas do Moodle (tem a coluna do identificador em algum idioma)."""
    linhas = _ler_csv(caminho)
    colunas = [c.strip() for c in linhas[0]] if linhas else []
    return any(IDIOMAS_MOODLE[i]["recordid"] in colunas for i in IDIOMAS)


def ler_planilha_moodle(caminho: Path) -> PlanilhaMoodle:
    """Lê a planilha de notas baixada do Moodle, em inglês ou em português. Uma planilha que não casa
    (outro idioma, colunas renomeadas, identificador de outro idioma) é recusada com o que falta."""
    linhas = _ler_csv(caminho)
    colunas = [c.strip() for c in linhas[0]] if linhas else []
    idioma = idioma_da_planilha_moodle(colunas)
    if idioma is None:
        faltas = "; ".join(f"em {NOMES_IDIOMAS[i]}, {', '.join(repr(c) for c in _colunas_que_faltam(colunas, i))}"
                           for i in IDIOMAS)
        raise FormatoInvalido(
            f"{caminho}: não é a planilha de notas do Moodle em um idioma conhecido. O Moodle acha as colunas pelo "
            f"nome no idioma de quem importa, e faltam {faltas} (a planilha tem: {', '.join(colunas) or 'nenhuma coluna'}). "
            "Baixe-a na tarefa, em \"Baixar planilha de notas\", com o Moodle em português ou em inglês."
        )
    t = IDIOMAS_MOODLE[idioma]
    i_id, i_nome = colunas.index(t["recordid"]), colunas.index(t["fullname"]) if t["fullname"] in colunas else None
    i_grupo = colunas.index(t["submissionteam"]) if t["submissionteam"] in colunas else None
    participantes: dict[str, dict] = {}
    for n, linha in enumerate(linhas[1:], start=2):
        bruto = linha[i_id].strip() if i_id < len(linha) else ""
        numero = bruto[len(t["hiddenuser"]):] if bruto.startswith(t["hiddenuser"]) else ""
        if not numero.isdigit():
            raise FormatoInvalido(
                f"{caminho}, linha {n}: o identificador {bruto!r} não é {t['hiddenuser']!r} seguido do número do "
                f"participante, como o Moodle em {NOMES_IDIOMAS[idioma]} o escreve"
            )
        participantes[numero] = {"nome": _celula(linha, i_nome), "grupo": _celula(linha, i_grupo)}
    return PlanilhaMoodle(idioma, colunas, participantes, i_grupo is not None)


NOMES_IDIOMAS = {"en": "inglês", "pt_br": "português"}


def _celula(linha: list[str], i: int | None) -> str:
    return linha[i].strip() if i is not None and i < len(linha) else ""


def _nome_de_pasta(nome: str) -> str:
    """O nome como o Moodle o põe no nome da pasta do zip: ``_`` vira espaço e ``clean_filename`` tira
    os caracteres proibidos em nomes de arquivo (``downloader.php``, ``get_student_prefix``)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", nome.replace("_", " ")).strip()


#: A pasta de uma entrega em grupo no Moodle ≥ 4.1: ``Nome do grupo_IDDOGRUPO_assignsubmission_file``,
#: ou, para quem não está em grupo nenhum, ``Grupo padrão_assignsubmission_file`` (sem número:
#: ``get_string('defaultteam', 'mod_assign')``), uma só pasta para todos eles (``downloader.php``,
#: ``get_student_prefix``; o Moodle manda a entrega do grupo uma vez só, pela pasta do primeiro membro).
_MOODLE_GRUPO = re.compile(
    r"^(?:.*/)?(?P<grupo>[^/_]+?)(?:_(?P<id>\d+))?_(?P<plugin>assignsubmission_(?:file|onlinetext))"
    r"(?:_?/(?:.*/)?|_)(?P<arquivo>[^/]+)$"
)


def _reconhecer_com_planilha(caminho: str, planilha: PlanilhaMoodle) -> tuple[Entrada | None, str]:
    """A entrada de um zip do Moodle conferida contra a planilha de notas: numa tarefa em grupo, a
    pasta do grupo (≥ 4.1) vira a entrega ``grupoID`` (``grupo0`` é o "Grupo padrão", o id que o Moodle
    usa para ele); a pasta de um participante (a de cada membro até o Moodle 4.0, ``Grupo-Nome_ID``)
    vale como individual, se o participante está na planilha."""
    normal = caminho.replace("\\", "/")
    if planilha.grupos:
        m = _MOODLE_GRUPO.match(normal)
        if m:
            padrao = IDIOMAS_MOODLE[planilha.idioma]["defaultteam"]
            pasta = m["grupo"].strip()
            if not m["id"] and pasta in {IDIOMAS_MOODLE[i]["defaultteam"] for i in IDIOMAS}:
                # O "Grupo padrão" vem na língua de quem baixou o zip, que pode não ser a da planilha.
                return Entrada(caminho, "grupo0", m["arquivo"], nome=padrao), ""
            if m["id"]:
                grupos = {d["grupo"] for d in planilha.participantes.values() if d["grupo"]} - {padrao}
                iguais = sorted(g for g in grupos if _nome_de_pasta(g) == pasta)
                if len(iguais) == 1:
                    return Entrada(caminho, f"grupo{m['id']}", m["arquivo"], nome=iguais[0]), ""
                if iguais:
                    return None, (f"os grupos {', '.join(map(repr, iguais))} da planilha de notas dão a mesma pasta no zip: "
                                  "renomeie um deles no Moodle")
    e = reconhecer(caminho, "moodle")
    if e is None:
        if re.match(r"^(?:.*/)?[^/_]+_assignsubmission_file", normal) and not planilha.grupos:
            return None, ("pasta de grupo (sem número de participante), mas a planilha de notas não tem a coluna "
                          f"{IDIOMAS_MOODLE[planilha.idioma]['submissionteam']!r}: baixe a planilha de uma tarefa em grupo")
        return None, "o nome não segue o padrão do Moodle"
    if e.aluno not in planilha.participantes:
        if planilha.grupos:
            return None, (f"{e.nome!r} não é um grupo da coluna {IDIOMAS_MOODLE[planilha.idioma]['submissionteam']!r} "
                          f"da planilha de notas, e {e.aluno} não é um participante dela")
        return None, f"o participante {e.aluno} não está na planilha de notas"
    return Entrada(e.caminho, e.aluno, e.arquivo, nome=planilha.participantes[e.aluno]["nome"] or e.nome), ""


def _recusar_grupos_de_mesmo_nome(versoes: dict[tuple[str, str], list[Entrada]], recusadas: list[tuple[str, str]]) -> None:
    """Dois grupos do Moodle com o mesmo nome (pastas ``Grupo A_42`` e ``Grupo A_43``): a planilha de
    notas só traz o nome do grupo de cada participante, e não diz quem é de qual. Os dois são recusados."""
    ids_por_nome: dict[str, set[str]] = {}
    for (aluno, _), lista in versoes.items():
        if aluno.startswith("grupo") and aluno != "grupo0":
            ids_por_nome.setdefault(lista[0].nome, set()).add(aluno)
    for nome, ids in ids_por_nome.items():
        if len(ids) < 2:
            continue
        for chave in [c for c in versoes if c[0] in ids]:
            recusadas += [(e.caminho, f"há {len(ids)} grupos chamados {nome!r} no zip ({', '.join(sorted(ids))}) e a "
                                      "planilha de notas não diz quem é de qual: renomeie-os no Moodle")
                          for e in versoes.pop(chave)]


def membros_do_grupo(planilha: PlanilhaMoodle, grupo: str) -> list[str]:
    """Os participantes que a planilha põe no grupo (pelo nome, como na coluna do grupo)."""
    return sorted((p for p, d in planilha.participantes.items() if d["grupo"] == grupo), key=int)


def _mais_nova(e: Entrada) -> tuple[int, int]:
    """Entre reenvios do mesmo arquivo: o sufixo -N mais alto e, no empate, o id de arquivo mais alto
    (o Canvas numera os arquivos em ordem de envio)."""
    return e.versao, int(e.envio or 0)


def entradas_do_zip(zip_path: Path, formato: str, mapa_csv: Path | None = None,
                    planilha: PlanilhaMoodle | None = None) -> tuple[list[Entrada], list[tuple[str, str]]]:
    """As entradas reconhecidas e as recusadas (caminho, motivo). Entre reenvios do Canvas, fica a
    versão mais nova; as outras vão para as recusadas com o motivo. Com a ``planilha`` de notas do
    Moodle, as pastas são conferidas contra ela (e as de grupo reconhecidas: :func:`_reconhecer_com_planilha`).

    Sem a planilha, um zip do Moodle com a pasta do "Grupo padrão" é de uma tarefa em grupo, e é
    recusado inteiro: as pastas dos outros grupos (``Grupo A_42_...``) têm a mesma forma das de um
    participante, e o número do grupo voltaria ao Moodle como se fosse o de um participante."""
    mapa = ler_mapa_csv(mapa_csv) if mapa_csv else None
    versoes: dict[tuple[str, str], list[Entrada]] = {}
    recusadas: list[tuple[str, str]] = []
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            if info.is_dir():
                continue
            nome = info.filename.replace("\\", "/")
            if nome.startswith("/") or re.match(r"^[A-Za-z]:", nome) or ".." in PurePosixPath(nome).parts:
                recusadas.append((info.filename, "caminho fora da pasta de destino"))
                continue
            if mapa is not None:
                if info.filename not in mapa and nome not in mapa:
                    recusadas.append((info.filename, "o arquivo não está na planilha"))
                    continue
                entrada = Entrada(info.filename, mapa.get(info.filename) or mapa[nome], PurePosixPath(nome).name)
            elif planilha is not None:
                entrada, motivo = _reconhecer_com_planilha(info.filename, planilha)
                if entrada is None:
                    recusadas.append((info.filename, motivo))
                    continue
            else:
                entrada = reconhecer(info.filename, formato)
                if entrada is None:
                    if formato == "moodle" and _pasta_do_grupo_padrao(nome):
                        raise FormatoInvalido(
                            f"{zip_path}: é o zip de uma tarefa em grupo do Moodle (tem a pasta {nome.split('/')[0]!r}); "
                            "passe em --mapa a planilha de notas baixada da tarefa (\"Baixar planilha de notas\"), "
                            "que diz quem é de cada grupo"
                        )
                    recusadas.append((info.filename, _motivo_sem_padrao(info.filename, formato)))
                    continue
            versoes.setdefault((entrada.aluno, entrada.arquivo), []).append(entrada)
    if planilha is not None:
        _recusar_grupos_de_mesmo_nome(versoes, recusadas)
    reconhecidas = {}
    for chave, lista in versoes.items():
        vencedora = max(lista, key=_mais_nova)  # no empate, a primeira do zip
        reconhecidas[chave] = vencedora
        recusadas += [(e.caminho, f"reenvio mais antigo que {vencedora.caminho}") for e in lista if e is not vencedora]
    if mapa is not None:
        faltando = set(mapa) - {e.caminho for e in reconhecidas.values()} - {r for r, _ in recusadas}
        for caminho in sorted(faltando):
            recusadas.append((caminho, "está na planilha mas não no zip"))
    return sorted(reconhecidas.values(), key=lambda e: (e.aluno, e.arquivo)), recusadas


# ---------------------------------------------------------------------------------------------
# O que a coleta guarda para a volta: ``relatorios/<exercicio>/ava.json``


@dataclass
class Origem:
    """De onde vieram as entregas: o formato, quem é cada aluno no AVA e o que foi recusado."""

    formato: str
    # aluno: {nome, atrasada, arquivos}; numa entrega em grupo, também {grupo: True, membros: {id: nome}}
    alunos: dict[str, dict] = field(default_factory=dict)
    recusadas: list[list[str]] = field(default_factory=list)  # [caminho, motivo]
    idioma: str = ""  # o idioma da planilha de notas do Moodle que veio em --mapa ("" sem planilha)
    grupos: bool = False  # a planilha é de uma tarefa em grupo


def caminho_origem(curso: Path, exercicio: str) -> Path:
    return Path(curso) / "relatorios" / exercicio / "ava.json"


def guardar_origem(curso: Path, exercicio: str, origem: Origem) -> Path:
    """Grava a origem; alunos de uma coleta anterior do mesmo AVA continuam (uma nova coleta só
    substitui quem veio nela)."""
    caminho = caminho_origem(curso, exercicio)
    caminho.parent.mkdir(parents=True, exist_ok=True)
    anterior = ler_origem(curso, exercicio)
    if anterior and anterior.formato == origem.formato:
        origem.alunos = {**anterior.alunos, **origem.alunos}
    caminho.write_text(json.dumps(asdict(origem), ensure_ascii=False, indent=1), encoding="utf-8")
    return caminho


def ler_origem(curso: Path, exercicio: str) -> Origem | None:
    caminho = caminho_origem(curso, exercicio)
    if not caminho.exists():
        return None
    return Origem(**json.loads(caminho.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------------
# Saída


#: Status cuja nota vai ao AVA: a correção terminou e a nota é a do nbgrader (o prazo e o kernel
#: morto são do código do aluno, e o feedback diz o que aconteceu). Os demais ficam em branco.
LANCAR = {st.OK, st.TEMPO, st.KERNEL}
MOTIVOS_EM_BRANCO = {
    st.INVALIDO: "o notebook entregue não pôde ser lido",
    st.AUSENTE: "o notebook do exercício não foi entregue (ou foi renomeado)",
    st.ERRO: "a correção falhou",
    st.SUSPEITA: "o código tentou algo que o isolamento bloqueou: confira antes de lançar a nota",
}


@dataclass(frozen=True)
class Nota:
    aluno: str
    pontos: float | None  # None: não corrigido (nunca vira zero)
    maximo: float
    nome: str = ""
    status: str = ""
    grupo: str = ""  # numa tarefa em grupo, o nome do grupo (a nota do grupo vai a cada membro)


def _numero(x: float | None, decsep: str = ".") -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", decsep) if x is not None else ""


def planilha_moodle(notas: list[Nota], destino: Path, agora: dt.datetime | None = None, idioma: str = "en",
                    grupos: bool = False) -> Path:
    """A planilha de avaliação offline do Moodle, só com quem tem nota, com os cabeçalhos, o
    identificador e o separador decimal do ``idioma`` (o de quem vai importá-la). Quem não foi
    corrigido fica fora: uma linha com a nota em branco não muda a nota, mas ainda trocaria o
    comentário. Numa tarefa em grupo (``grupos``), a planilha tem a coluna do grupo, como a que o
    Moodle baixa, e uma linha por membro.

    A coluna da última modificação da nota é o instante em que a planilha foi escrita (ISO 8601, que o
    ``strtotime`` do Moodle lê): o Moodle pula a linha de quem teve a nota mudada no Moodle depois disso."""
    if idioma not in IDIOMAS_MOODLE:
        raise FormatoInvalido(f"idioma do Moodle desconhecido: {idioma!r} (use {' ou '.join(IDIOMAS)})")
    t = IDIOMAS_MOODLE[idioma]
    destino = Path(destino)
    quando = (agora or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    with open(destino, "w", newline="", encoding="utf-8") as arq:
        escritor = csv.writer(arq)
        escritor.writerow(cabecalho_moodle(idioma, grupos))
        for n in notas:
            if n.pontos is None:
                continue
            do_grupo = f" (entrega do grupo {n.grupo})" if grupos and n.grupo else ""
            comentario = (f"Nota do corretor automático{do_grupo}: {_numero(n.pontos, ',')} de "
                          f"{_numero(n.maximo, ',')}. O relatório de cada teste está no arquivo de feedback.")
            escritor.writerow([
                f"{t['hiddenuser']}{n.aluno}", n.nome, "", "", *([n.grupo] if grupos else []),
                _numero(n.pontos, t["decsep"]), _numero(n.maximo, t["decsep"]), t["yes"], "", quando, comentario,
            ])
    return destino


def planilha_canvas(notas: list[Nota], destino: Path, tarefa: str, tarefa_id: str | None = None) -> Path:
    """O CSV de importação do livro de notas do Canvas: uma coluna ``tarefa (tarefa_id)`` (sem o id,
    só o título, e o Canvas procura a tarefa pelo título exato). Quem não foi corrigido fica em branco:
    o Canvas não altera uma célula vazia. Sem a linha "Points Possible": com ela, o Canvas trocaria o
    valor da tarefa pelo máximo do nbgrader."""
    if tarefa_id is not None and not re.fullmatch(r"\d+", str(tarefa_id)):
        raise FormatoInvalido(f"o id da tarefa no Canvas é um número (recebi {tarefa_id!r}): veja-o no endereço da tarefa")
    destino = Path(destino)
    with open(destino, "w", newline="", encoding="utf-8") as arq:
        escritor = csv.writer(arq)
        escritor.writerow([*CABECALHO_CANVAS, f"{tarefa} ({tarefa_id})" if tarefa_id else tarefa])
        for n in notas:
            escritor.writerow([n.nome or n.aluno, n.aluno, "", "", "", _numero(n.pontos)])
    return destino


def zip_feedback_moodle(feedbacks: dict[str, list[Path]], nomes: dict[str, str], destino: Path) -> Path:
    """O zip de "vários arquivos de feedback" do Moodle: ``Nome_ID_assignsubmission_file_/arquivo``
    para cada participante. O Moodle parte cada pasta em ``_`` e usa a 2ª parte como o participante e a
    3ª e 4ª como o plugin (``mod/assign/feedback/file/importziplib.php``,
    ``is_valid_filename_for_import``); o ``_`` final é o formato até o Moodle 4.0, aceito também pelos
    mais novos. O nome não pode ter ``_`` (o Moodle já os troca por espaço na pasta da entrega)."""
    destino = Path(destino)
    with zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED) as z:
        for aluno, caminhos in sorted(feedbacks.items()):
            nome = (nomes.get(aluno) or "Participant").replace("_", " ").replace("/", " ")
            for caminho in sorted(caminhos):
                z.write(caminho, f"{nome}_{aluno}_assignsubmission_file_/{Path(caminho).name}")
    return destino


@dataclass
class Devolucao:
    """O que foi escrito para o AVA e quem ficou de fora, e por quê."""

    arquivos: list[Path] = field(default_factory=list)
    lancados: list[str] = field(default_factory=list)
    em_branco: list[tuple[str, str]] = field(default_factory=list)  # (aluno, motivo)
    avisos: list[str] = field(default_factory=list)

    def texto(self, origem: Origem | None = None) -> list[str]:
        linhas = ["", "Ida e volta com o AVA:"]
        if origem:
            linhas.append(f"  entrada: zip do {origem.formato.capitalize() if origem.formato != 'csv' else 'AVA com planilha'}, "
                          f"{len(origem.alunos)} alunos aceitos, {len(origem.recusadas)} entradas recusadas")
            linhas.append(f"  aceitos: {', '.join(sorted(origem.alunos)) or 'nenhum'}")
            atrasados = sorted(a for a, d in origem.alunos.items() if d.get("atrasada"))
            if atrasados:
                linhas.append(f"  entregues com atraso (corrigidas; a política de atraso é a do AVA): {', '.join(atrasados)}")
            if origem.idioma:
                linhas.append(f"  planilha de notas do Moodle em {NOMES_IDIOMAS.get(origem.idioma, origem.idioma)}"
                              f"{', tarefa em grupo' if origem.grupos else ''}")
            for a, d in sorted(origem.alunos.items()):
                if d.get("membros"):
                    linhas.append(f"  entrega do grupo {d['nome']} ({a}): a nota vai a {', '.join(d['membros'])}")
            linhas += [f"  recusado: {c} ({m})" for c, m in origem.recusadas]
        linhas += [f"  escrito: {p}" for p in self.arquivos]
        linhas.append(f"  com nota: {len(self.lancados)}")
        linhas += [f"  sem nota (fica em branco, nunca zero): {a} — {m}" for a, m in self.em_branco]
        linhas += [f"  aviso: {a}" for a in self.avisos]
        return linhas


def devolver(curso: Path, exercicio: str, linhas, formato: str, *, tarefa_canvas: str | None = None,
             nota_maxima: float | None = None, feedback: bool = True, idioma: str | None = None) -> Devolucao:
    """Escreve em ``relatorios/<exercicio>/`` as notas no formato do AVA (e, no Moodle, o zip de
    feedback) para os alunos que vieram do zip do AVA (``ava.json``). ``nota_maxima`` converte a nota
    do nbgrader para a escala da tarefa no AVA (o Moodle recusa uma nota acima do máximo da tarefa).

    A planilha do Moodle sai no ``idioma`` pedido, senão no da planilha de notas que veio na coleta,
    senão em inglês. A nota de uma entrega em grupo vai a cada membro do grupo (uma linha da planilha
    e uma pasta no zip de feedback por membro: o Moodle importa as duas por participante)."""
    if formato not in ("moodle", "canvas"):
        raise ValueError(f"formato de saída desconhecido: {formato!r} (use moodle ou canvas)")
    curso = Path(curso)
    origem = ler_origem(curso, exercicio)
    if origem is None:
        raise FormatoInvalido(
            f"não sei os identificadores do AVA para {exercicio}: colete as entregas com "
            f"--zip ... --padrao {formato} (a coleta grava relatorios/{exercicio}/ava.json)"
        )
    if origem.formato in ("moodle", "canvas") and origem.formato != formato:
        raise FormatoInvalido(
            f"as entregas vieram do {origem.formato.capitalize()}: os identificadores não valem no {formato.capitalize()}"
        )
    if idioma and origem.idioma and idioma != origem.idioma:
        raise FormatoInvalido(
            f"a planilha de notas da coleta está em {NOMES_IDIOMAS[origem.idioma]} e --idioma-ava pede {idioma}: o Moodle "
            "acha as colunas pelo nome no idioma de quem importa; baixe a planilha no idioma em que vai importá-la"
        )
    idioma = idioma or origem.idioma or "en"
    por_aluno = {linha.aluno: linha for linha in linhas}
    dev = Devolucao()
    notas, feedbacks = [], {}
    nomes = {a: d.get("nome", "") for a, d in origem.alunos.items()}

    def lancar(aluno: str, dados: dict, nota: Nota, htmls: list[Path]) -> None:
        """Uma nota por participante: a do grupo vai a cada membro."""
        membros = dados.get("membros")
        if not membros:
            notas.append(nota)
            if htmls:
                feedbacks[aluno] = htmls
            return
        for membro, nome in membros.items():
            notas.append(Nota(membro, nota.pontos, nota.maximo, nome, nota.status, grupo=dados.get("nome", "")))
            nomes[membro] = nome
            if htmls:
                feedbacks[membro] = htmls

    for aluno in sorted(origem.alunos):
        dados = origem.alunos[aluno]
        linha = por_aluno.get(aluno)
        if linha is None:
            dev.em_branco.append((aluno, "não foi corrigido (a entrega não está em submitted/ ou a correção não terminou)"))
            lancar(aluno, dados, Nota(aluno, None, 0, dados.get("nome", "")), [])
            continue
        if linha.status not in LANCAR:
            dev.em_branco.append((aluno, f"{linha.status}: {MOTIVOS_EM_BRANCO.get(linha.status, 'não corrigido')}"))
            lancar(aluno, dados, Nota(aluno, None, linha.maximo, dados.get("nome", ""), linha.status), [])
            continue
        pontos, maximo = linha.nota, linha.maximo
        if nota_maxima is not None and maximo:
            pontos, maximo = round(pontos * nota_maxima / maximo, 2), nota_maxima
        dev.lancados.append(aluno)
        pasta_fb = curso / "feedback" / aluno / exercicio
        htmls = sorted(pasta_fb.glob("*.html")) if pasta_fb.is_dir() else []
        lancar(aluno, dados, Nota(aluno, pontos, maximo, dados.get("nome", ""), linha.status), htmls)
        if not htmls and feedback and formato == "moodle":
            dev.avisos.append(f"{aluno}: sem feedback HTML em {pasta_fb} (fica fora do zip de feedback)")
    fora = sorted(set(por_aluno) - set(origem.alunos))
    if fora:
        dev.avisos.append(f"fora da planilha (não vieram do zip do AVA): {', '.join(fora)}")
    pasta = curso / "relatorios" / exercicio
    pasta.mkdir(parents=True, exist_ok=True)
    if formato == "moodle":
        dev.arquivos.append(planilha_moodle(notas, pasta / "notas_moodle.csv", idioma=idioma, grupos=origem.grupos))
        if feedback:
            dev.arquivos.append(zip_feedback_moodle(feedbacks, nomes, pasta / "feedback_moodle.zip"))
        else:
            dev.avisos.append("zip de feedback não gerado (--sem-feedback)")
    else:
        if not tarefa_canvas:
            dev.avisos.append(f"sem --tarefa-canvas, a coluna se chama {exercicio!r}: o Canvas procura a tarefa com esse "
                              "título exato (e, se não achar, cria uma tarefa nova)")
        dev.arquivos.append(planilha_canvas(notas, pasta / "notas_canvas.csv", exercicio, tarefa_canvas))
    return dev
