"""Ida e volta com o AVA: entregas que chegam do Moodle, do Canvas ou de uma planilha, e notas e
feedback que voltam no formato que cada AVA importa.

Cada formato foi conferido contra o código que o próprio AVA usa para gerá-lo ou lê-lo (a
documentação do Moodle e do Canvas descreve os passos na interface, não os nomes exatos):

Entrada (o zip que o AVA baixa):

- **Moodle** ("Baixar todas as entregas"): uma pasta por participante. O prefixo é
  ``Nome Sobrenome_123456`` (o nome com ``_`` trocado por espaço e o identificador do participante
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
- **planilha**: um CSV com as colunas ``arquivo`` (o caminho dentro do zip) e ``aluno``.

Saída:

- Moodle: a "planilha de notas para avaliação offline" (cabeçalho de ``CABECALHO_MOODLE``), que a
  tarefa importa em "Carregar planilha de notas"; e o zip de "Carregar vários arquivos de feedback em
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

#: A planilha de avaliação offline do Moodle, na ordem em que o Moodle a baixa
#: (``mod/assign/gradingtable.php`` com o plugin ``assignfeedback_offline``). Ao importar, o Moodle
#: procura pelo nome exato três colunas — ``Identifier`` (``get_string('recordid', 'assign')``),
#: ``Grade`` (``get_string('grade')``) e ``Last modified (grade)`` (``lastmodifiedgrade``) — e as de
#: comentário pelo nome do plugin (``Feedback comments``); sem uma das três, recusa o arquivo
#: (``mod/assign/feedback/offline/importgradeslib.php``, ``init``). As demais são ignoradas.
CABECALHO_MOODLE = [
    "Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
    "Last modified (submission)", "Last modified (grade)", "Feedback comments",
]
#: O identificador é ``Participant `` + o número da pasta da entrega: o Moodle corta o prefixo
#: (``get_string('hiddenuser', 'assign')``) e procura o número com ``get_user_id_for_uniqueid``.
PREFIXO_MOODLE = "Participant "
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


def _mais_nova(e: Entrada) -> tuple[int, int]:
    """Entre reenvios do mesmo arquivo: o sufixo -N mais alto e, no empate, o id de arquivo mais alto
    (o Canvas numera os arquivos em ordem de envio)."""
    return e.versao, int(e.envio or 0)


def entradas_do_zip(zip_path: Path, formato: str, mapa_csv: Path | None = None) -> tuple[list[Entrada], list[tuple[str, str]]]:
    """As entradas reconhecidas e as recusadas (caminho, motivo). Entre reenvios do Canvas, fica a
    versão mais nova; as outras vão para as recusadas com o motivo."""
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
            else:
                entrada = reconhecer(info.filename, formato)
                if entrada is None:
                    recusadas.append((info.filename, _motivo_sem_padrao(info.filename, formato)))
                    continue
            versoes.setdefault((entrada.aluno, entrada.arquivo), []).append(entrada)
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
    alunos: dict[str, dict] = field(default_factory=dict)  # aluno: {nome, atrasada, arquivos}
    recusadas: list[list[str]] = field(default_factory=list)  # [caminho, motivo]


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


def _numero(x: float | None) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x is not None else ""


def planilha_moodle(notas: list[Nota], destino: Path, agora: dt.datetime | None = None) -> Path:
    """A planilha de avaliação offline do Moodle, só com quem tem nota. Quem não foi corrigido fica
    fora: uma linha com a nota em branco não muda a nota, mas ainda trocaria o comentário.

    ``Last modified (grade)`` é o instante em que a planilha foi escrita (ISO 8601, que o ``strtotime``
    do Moodle lê): o Moodle pula a linha de quem teve a nota mudada no Moodle depois disso."""
    destino = Path(destino)
    quando = (agora or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    with open(destino, "w", newline="", encoding="utf-8") as arq:
        escritor = csv.writer(arq)
        escritor.writerow(CABECALHO_MOODLE)
        for n in notas:
            if n.pontos is None:
                continue
            comentario = (f"Nota do corretor automático: {_numero(n.pontos)} de {_numero(n.maximo)}. "
                          "O relatório de cada teste está no arquivo de feedback.")
            escritor.writerow([
                f"{PREFIXO_MOODLE}{n.aluno}", n.nome, "", "", _numero(n.pontos), _numero(n.maximo), "Yes", "", quando, comentario,
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
            linhas += [f"  recusado: {c} ({m})" for c, m in origem.recusadas]
        linhas += [f"  escrito: {p}" for p in self.arquivos]
        linhas.append(f"  com nota: {len(self.lancados)}")
        linhas += [f"  sem nota (fica em branco, nunca zero): {a} — {m}" for a, m in self.em_branco]
        linhas += [f"  aviso: {a}" for a in self.avisos]
        return linhas


def devolver(curso: Path, exercicio: str, linhas, formato: str, *, tarefa_canvas: str | None = None,
             nota_maxima: float | None = None, feedback: bool = True) -> Devolucao:
    """Escreve em ``relatorios/<exercicio>/`` as notas no formato do AVA (e, no Moodle, o zip de
    feedback) para os alunos que vieram do zip do AVA (``ava.json``). ``nota_maxima`` converte a nota
    do nbgrader para a escala da tarefa no AVA (o Moodle recusa uma nota acima do máximo da tarefa)."""
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
    por_aluno = {linha.aluno: linha for linha in linhas}
    dev = Devolucao()
    notas, feedbacks = [], {}
    for aluno in sorted(origem.alunos):
        dados = origem.alunos[aluno]
        linha = por_aluno.get(aluno)
        if linha is None:
            dev.em_branco.append((aluno, "não foi corrigido (a entrega não está em submitted/ ou a correção não terminou)"))
            notas.append(Nota(aluno, None, 0, dados.get("nome", "")))
            continue
        if linha.status not in LANCAR:
            dev.em_branco.append((aluno, f"{linha.status}: {MOTIVOS_EM_BRANCO.get(linha.status, 'não corrigido')}"))
            notas.append(Nota(aluno, None, linha.maximo, dados.get("nome", ""), linha.status))
            continue
        pontos, maximo = linha.nota, linha.maximo
        if nota_maxima is not None and maximo:
            pontos, maximo = round(pontos * nota_maxima / maximo, 2), nota_maxima
        notas.append(Nota(aluno, pontos, maximo, dados.get("nome", ""), linha.status))
        dev.lancados.append(aluno)
        pasta_fb = curso / "feedback" / aluno / exercicio
        htmls = sorted(pasta_fb.glob("*.html")) if pasta_fb.is_dir() else []
        if htmls:
            feedbacks[aluno] = htmls
        elif feedback and formato == "moodle":
            dev.avisos.append(f"{aluno}: sem feedback HTML em {pasta_fb} (fica fora do zip de feedback)")
    fora = sorted(set(por_aluno) - set(origem.alunos))
    if fora:
        dev.avisos.append(f"fora da planilha (não vieram do zip do AVA): {', '.join(fora)}")
    pasta = curso / "relatorios" / exercicio
    pasta.mkdir(parents=True, exist_ok=True)
    if formato == "moodle":
        dev.arquivos.append(planilha_moodle(notas, pasta / "notas_moodle.csv"))
        if feedback:
            dev.arquivos.append(zip_feedback_moodle(feedbacks, {a: d.get("nome", "") for a, d in origem.alunos.items()},
                                                    pasta / "feedback_moodle.zip"))
        else:
            dev.avisos.append("zip de feedback não gerado (--sem-feedback)")
    else:
        if not tarefa_canvas:
            dev.avisos.append(f"sem --tarefa-canvas, a coluna se chama {exercicio!r}: o Canvas procura a tarefa com esse "
                              "título exato (e, se não achar, cria uma tarefa nova)")
        dev.arquivos.append(planilha_canvas(notas, pasta / "notas_canvas.csv", exercicio, tarefa_canvas))
    return dev
