"""Ida e volta com o AVA: entregas que chegam do Moodle, do Canvas ou de uma planilha, e notas e
feedback que voltam no formato que cada AVA importa.

Entrada (o zip que o AVA baixa):

- **Moodle** ("Baixar todas as entregas"): uma pasta por participante,
  ``Nome Sobrenome_123456_assignsubmission_file_/ex01_processos.ipynb`` (123456 é o identificador do
  participante na tarefa, o mesmo da planilha de notas);
- **Canvas** ("Download Submissions"): ``sobrenomenome_[late_]IDUSUARIO_IDENVIO_arquivo.ipynb``; o
  Canvas acrescenta ``-1``, ``-2``... ao nome do arquivo quando o aluno reenviou, e ``late`` quando
  entregou atrasado;
- **planilha**: um CSV com as colunas ``arquivo`` (o caminho dentro do zip) e ``aluno``.

Saída:

- Moodle: a "planilha de notas para avaliação offline" (``Identifier``, ``Full name``,
  ``Email address``, ``Status``, ``Grade``, ``Maximum Grade``, ``Grade can be changed``,
  ``Last modified (submission)``, ``Last modified (grade)``, ``Feedback comments``), que a tarefa
  importa em "Carregar planilha de notas"; e o zip de "Carregar vários arquivos de feedback em um
  zip" (uma pasta por participante com o mesmo nome da pasta da entrega);
- Canvas: o CSV do livro de notas (``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
  ``Section`` e uma coluna ``Tarefa (ID_DA_TAREFA)``), que o Canvas importa em "Importar".
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: Cabeçalhos documentados de cada formato de saída.
CABECALHO_MOODLE = [
    "Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
    "Last modified (submission)", "Last modified (grade)", "Feedback comments",
]
CABECALHO_CANVAS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]

_MOODLE = re.compile(r"^(?:.*/)?(?P<nome>[^/]+?)_(?P<aluno>\d+)_assignsubmission_(?:file|onlinetext)_/?(?:.*/)?(?P<arquivo>[^/]+)$")
_CANVAS = re.compile(
    r"^(?:.*/)?(?P<nome>[^/_]+?)(?P<atraso>_late)?_(?P<aluno>\d+)_(?P<envio>\d+)_(?P<arquivo>[^/]+?)(?:-(?P<versao>\d+))?(?P<ext>\.[A-Za-z0-9]+)$"
)


@dataclass(frozen=True)
class Entrada:
    """Uma entrada do zip, reconhecida: quem entregou o quê."""

    caminho: str  # dentro do zip
    aluno: str  # o identificador que vai ao gradebook (só [A-Za-z0-9._-])
    arquivo: str  # o nome original do arquivo
    nome: str = ""  # o nome do aluno como o AVA o escreve (para o feedback do Moodle)
    atrasada: bool = False
    versao: int = 0  # reenvios do Canvas: -1, -2...
    envio: str = ""


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
            caminho, m["aluno"], m["arquivo"] + m["ext"], nome=m["nome"], atrasada=bool(m["atraso"]),
            versao=int(m["versao"] or 0), envio=m["envio"],
        )
    raise ValueError(f"formato desconhecido: {formato!r} (use moodle ou canvas)")


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


def entradas_do_zip(zip_path: Path, formato: str, mapa_csv: Path | None = None) -> tuple[list[Entrada], list[tuple[str, str]]]:
    """As entradas reconhecidas e as recusadas (caminho, motivo). Entre reenvios do Canvas, fica a
    versão mais alta (a mais nova); as outras vão para as recusadas com o motivo."""
    mapa = ler_mapa_csv(mapa_csv) if mapa_csv else None
    reconhecidas: dict[tuple[str, str], Entrada] = {}
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
                    recusadas.append((info.filename, f"o nome não segue o padrão do {formato.capitalize()}"))
                    continue
            chave = (entrada.aluno, entrada.arquivo)
            anterior = reconhecidas.get(chave)
            if anterior and anterior.versao >= entrada.versao:
                recusadas.append((info.filename, f"reenvio mais antigo que {anterior.caminho}"))
                continue
            if anterior:
                recusadas.append((anterior.caminho, f"reenvio mais antigo que {info.filename}"))
            reconhecidas[chave] = entrada
    if mapa is not None:
        faltando = set(mapa) - {e.caminho for e in reconhecidas.values()} - {r for r, _ in recusadas}
        for caminho in sorted(faltando):
            recusadas.append((caminho, "está na planilha mas não no zip"))
    return sorted(reconhecidas.values(), key=lambda e: (e.aluno, e.arquivo)), recusadas


# ---------------------------------------------------------------------------------------------
# Saída


@dataclass(frozen=True)
class Nota:
    aluno: str
    pontos: float | None  # None: não corrigido (nunca vira zero)
    maximo: float
    nome: str = ""
    status: str = ""


def _numero(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x is not None else ""


def planilha_moodle(notas: list[Nota], destino: Path) -> Path:
    """A planilha de avaliação offline do Moodle. Quem não foi corrigido fica com a nota em branco
    (o Moodle não altera uma nota em branco) e o motivo nos comentários."""
    destino = Path(destino)
    with open(destino, "w", newline="", encoding="utf-8") as arq:
        escritor = csv.writer(arq)
        escritor.writerow(CABECALHO_MOODLE)
        for n in notas:
            comentario = "" if n.pontos is not None else f"não corrigido: {n.status}"
            escritor.writerow([
                f"Participant {n.aluno}", n.nome, "", "", _numero(n.pontos), _numero(n.maximo), "Yes", "", "", comentario,
            ])
    return destino


def planilha_canvas(notas: list[Nota], destino: Path, tarefa: str, tarefa_id: str) -> Path:
    """O CSV de importação do livro de notas do Canvas (uma coluna ``tarefa (tarefa_id)``; a linha
    "Points Possible" diz o máximo). Quem não foi corrigido fica em branco: o Canvas não altera."""
    if not re.fullmatch(r"\d+", str(tarefa_id)):
        raise FormatoInvalido(f"o id da tarefa no Canvas é um número (recebi {tarefa_id!r}): veja-o no endereço da tarefa")
    destino = Path(destino)
    maximo = max((n.maximo for n in notas), default=0)
    with open(destino, "w", newline="", encoding="utf-8") as arq:
        escritor = csv.writer(arq)
        escritor.writerow([*CABECALHO_CANVAS, f"{tarefa} ({tarefa_id})"])
        escritor.writerow(["    Points Possible", "", "", "", "", _numero(maximo)])
        for n in notas:
            escritor.writerow([n.nome or n.aluno, n.aluno, "", "", "", _numero(n.pontos)])
    return destino


def zip_feedback_moodle(feedbacks: dict[str, Path], nomes: dict[str, str], destino: Path) -> tuple[Path, list[str]]:
    """O zip de "vários arquivos de feedback" do Moodle: ``Nome_ID_assignsubmission_file_/arquivo``
    para cada participante (o mesmo nome de pasta que o Moodle deu à entrega). Devolve o zip e os
    alunos sem nome conhecido (que ficam de fora, com aviso)."""
    destino = Path(destino)
    sem_nome = []
    with zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED) as z:
        for aluno, caminho in sorted(feedbacks.items()):
            nome = nomes.get(aluno)
            if not nome:
                sem_nome.append(aluno)
                continue
            z.write(caminho, f"{nome}_{aluno}_assignsubmission_file_/{Path(caminho).name}")
    return destino, sem_nome
