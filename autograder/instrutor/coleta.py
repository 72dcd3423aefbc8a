"""Coleta das entregas: do zip baixado do AVA para ``submitted/<aluno>/<exercicio>/``."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.instrutor import lms

#: Padrões de nome de arquivo dentro do zip. Grupos: ``aluno`` (obrigatório), ``arquivo``
#: (obrigatório) e ``data`` (opcional, AAAAMMDD[T]HHMM[SS]), usado para escolher a entrega mais nova.
PADROES = {
    # aluno__arquivo.ipynb  ou  aluno__20261123T1530__arquivo.ipynb
    # (o nome do aluno pode ter qualquer caractere aqui: os proibidos são recusados com o motivo certo)
    "simples": r"^(?:.*/)?(?P<aluno>[^/]+?)__(?:(?P<data>\d{8}T?\d{4,6})__)?(?P<arquivo>[^/]+)$",
    # Moodle (baixar todas as entregas): "Nome Sobrenome_12345_assignsubmission_file/arquivo.ipynb"
    # (Moodle ≥ 4.1), "..._file_/arquivo.ipynb" (3.1–4.0) ou "..._file_arquivo.ipynb" (sem pastas)
    "moodle": r"^(?:.*/)?[^/]*?_(?P<aluno>\d+)_assignsubmission_file(?:_?/|_)(?P<arquivo>[^/]+)$",
}
SEGURO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class Coleta:
    """O que a coleta fez: alunos extraídos, entradas recusadas e escolhas entre entregas repetidas."""

    alunos: list[str] = field(default_factory=list)
    recusadas: list[tuple[str, str]] = field(default_factory=list)
    escolhas: list[str] = field(default_factory=list)


def compilar_padrao(padrao: str) -> re.Pattern:
    """O padrão pelo nome (``simples``, ``moodle``) ou uma regex própria com os grupos ``aluno`` e ``arquivo``."""
    try:
        regex = re.compile(PADROES.get(padrao, padrao))
    except re.error as erro:
        raise ValueError(f"o padrão {padrao!r} não é uma expressão regular válida: {erro}") from None
    faltam = {"aluno", "arquivo"} - set(regex.groupindex)
    if faltam:
        raise ValueError(
            f"o padrão {padrao!r} precisa dos grupos nomeados (?P<aluno>...) e (?P<arquivo>...); "
            f"falta: {', '.join(sorted(faltam))}"
        )
    return regex


def _data_da_entrada(info: zipfile.ZipInfo, casamento: re.Match) -> str:
    """A data da entrega como AAAAMMDDHHMMSS: a do nome, se houver; senão a do arquivo no zip."""
    bruto = casamento.groupdict().get("data")
    if bruto:
        return bruto.replace("T", "").ljust(14, "0")[:14]
    return "".join(f"{parte:02d}" for parte in info.date_time)


def _caminho_proibido(nome: str) -> bool:
    partes = PurePosixPath(nome).parts
    return nome.startswith("/") or re.match(r"^[A-Za-z]:", nome) is not None or ".." in partes


def coletar_zip(zip_path: Path, curso: Path, exercicio: str, padrao: str = "simples") -> Coleta:
    """Extrai as entregas do zip para ``submitted/<aluno>/<exercicio>/``, sem nunca escrever fora dela.

    Entradas com caminho absoluto (``/``, ``C:``, ``\\``), ``..``, nome de aluno ou de arquivo fora de
    ``[A-Za-z0-9._-]`` ou que não casam com o padrão são recusadas (e listadas). Se um aluno entregou
    o mesmo arquivo mais de uma vez, vale a entrega mais nova (a data do nome ou, sem ela, a do
    arquivo no zip), qualquer que seja a ordem no zip; num empate vale a que aparece por último no zip,
    e a escolha é relatada. A pasta de cada aluno coletado é esvaziada antes: arquivos de uma coleta
    anterior não se misturam à entrega nova.
    """
    regex = compilar_padrao(padrao)
    coleta = Coleta()
    escolhidas: dict[tuple[str, str], tuple[str, zipfile.ZipInfo]] = {}
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            if info.is_dir():
                continue
            nome = info.filename.replace("\\", "/")
            if _caminho_proibido(nome):
                coleta.recusadas.append((info.filename, "caminho fora da pasta de destino"))
                continue
            casamento = regex.match(nome)
            if not casamento:
                coleta.recusadas.append((info.filename, "o nome não segue o padrão"))
                continue
            aluno, arquivo = casamento["aluno"], casamento["arquivo"]
            if not (aluno and arquivo and SEGURO.match(aluno) and SEGURO.match(arquivo)):
                coleta.recusadas.append((info.filename, "nome de aluno ou de arquivo com caracteres proibidos"))
                continue
            data = _data_da_entrada(info, casamento)
            anterior = escolhidas.get((aluno, arquivo))
            if anterior:
                data_anterior, info_anterior = anterior
                if data == data_anterior:
                    coleta.escolhas.append(
                        f"{aluno}: {arquivo} entregue mais de uma vez com a mesma data; vale a última do zip, "
                        f"{info.filename}, ignorado {info_anterior.filename}"
                    )
                elif data > data_anterior:
                    coleta.escolhas.append(
                        f"{aluno}: {arquivo} entregue mais de uma vez; vale {info.filename}, ignorado {info_anterior.filename}"
                    )
                else:
                    coleta.escolhas.append(
                        f"{aluno}: {arquivo} entregue mais de uma vez; vale {info_anterior.filename}, ignorado {info.filename}"
                    )
                    continue
            escolhidas[(aluno, arquivo)] = (data, info)
        por_aluno: dict[str, list[tuple[str, str, zipfile.ZipInfo]]] = {}
        for (aluno, arquivo), (data, info) in sorted(escolhidas.items()):
            por_aluno.setdefault(aluno, []).append((arquivo, data, info))
        raiz = (curso / "submitted").resolve()
        for aluno, entregas in por_aluno.items():
            pasta = (raiz / aluno / exercicio).resolve()
            if raiz not in pasta.parents:  # defesa extra: nunca fora de submitted/
                coleta.recusadas += [(info.filename, "caminho fora da pasta de destino") for _, _, info in entregas]
                continue
            if pasta.exists():
                shutil.rmtree(pasta)  # nada de uma coleta anterior fica junto da entrega nova
            pasta.mkdir(parents=True)
            for arquivo, _data, info in entregas:
                destino = (pasta / arquivo).resolve()
                if destino.parent != pasta:
                    coleta.recusadas.append((info.filename, "caminho fora da pasta de destino"))
                    continue
                destino.write_bytes(z.read(info))
            mais_nova = max(data for _, data, _ in entregas)
            quando = dt.datetime.strptime(mais_nova, "%Y%m%d%H%M%S")
            (pasta / "timestamp.txt").write_text(quando.strftime("%Y-%m-%d %H:%M:%S.000000 UTC"))
            coleta.alunos.append(aluno)
    return coleta


def coletar_ava(zip_path: Path, curso: Path, exercicio: str, formato: str, mapa: Path | None = None) -> Coleta:
    """Extrai um zip do Moodle ou do Canvas (ou qualquer zip, com a planilha ``mapa`` que diz de quem
    é cada arquivo) para ``submitted/<aluno>/<exercicio>/``, com o identificador do AVA como aluno, e
    guarda em ``relatorios/<exercicio>/ava.json`` quem é cada aluno no AVA e o que foi recusado, para a
    volta das notas. Entre reenvios vale o mais novo (:func:`lms.entradas_do_zip`); os recusados vão
    com o motivo. As mesmas defesas de :func:`coletar_zip`: nada fora de ``submitted/``, nomes só com
    ``[A-Za-z0-9._-]``, a pasta do aluno esvaziada antes.

    A data da entrega (``timestamp.txt``) é a do arquivo no zip do Moodle (a do envio); o zip do Canvas
    não a traz (o atraso vem marcado no nome, ``LATE``), e a entrega fica sem data.

    ``mapa`` pode ser também a planilha de notas baixada do Moodle (em inglês ou em português): o zip é
    lido como do Moodle e conferido contra ela, a volta sai no idioma dela e, numa tarefa em grupo, a
    entrega de cada grupo vira um aluno ``grupoID`` no nbgrader (``grupo0``: o "Grupo padrão", de quem
    não está em grupo nenhum), cuja nota volta a cada membro."""
    planilha = None
    if mapa and lms.eh_planilha_moodle(mapa):
        planilha, formato, mapa = lms.ler_planilha_moodle(mapa), "moodle", None
    formato = "csv" if mapa else formato
    entradas, recusadas = lms.entradas_do_zip(zip_path, formato, mapa, planilha)
    coleta = Coleta(recusadas=list(recusadas))
    origem = lms.Origem(formato, idioma=planilha.idioma if planilha else "", grupos=bool(planilha and planilha.grupos))
    por_aluno: dict[str, list[lms.Entrada]] = {}
    for e in entradas:
        if not (SEGURO.match(e.aluno) and SEGURO.match(e.arquivo)):
            coleta.recusadas.append((e.caminho, "nome de aluno ou de arquivo com caracteres proibidos"))
            continue
        por_aluno.setdefault(e.aluno, []).append(e)
    raiz = (Path(curso) / "submitted").resolve()
    with zipfile.ZipFile(zip_path) as z:
        for aluno, lista in sorted(por_aluno.items()):
            pasta = (raiz / aluno / exercicio).resolve()
            if raiz not in pasta.parents:
                coleta.recusadas += [(e.caminho, "caminho fora da pasta de destino") for e in lista]
                continue
            if pasta.exists():
                shutil.rmtree(pasta)
            pasta.mkdir(parents=True)
            for e in lista:
                (pasta / e.arquivo).write_bytes(z.read(e.caminho))
            if formato != "canvas":
                mais_nova = max(z.getinfo(e.caminho).date_time for e in lista)
                (pasta / "timestamp.txt").write_text(dt.datetime(*mais_nova).strftime("%Y-%m-%d %H:%M:%S.000000 UTC"))
            atrasada = any(e.atrasada for e in lista)
            if atrasada:
                coleta.escolhas.append(f"{aluno}: entregue com atraso (LATE no nome do Canvas); corrigida, e a política de atraso é a do AVA")
            origem.alunos[aluno] = {"nome": lista[0].nome, "atrasada": atrasada, "arquivos": [e.caminho for e in lista]}
            if planilha and aluno.startswith("grupo"):
                membros = lms.membros_do_grupo(planilha, lista[0].nome)
                origem.alunos[aluno]["membros"] = {m: planilha.participantes[m]["nome"] for m in membros}
                coleta.escolhas.append(f"{aluno}: entrega do grupo {lista[0].nome}, a nota vai a {', '.join(membros)}")
            coleta.alunos.append(aluno)
    origem.recusadas = [list(r) for r in coleta.recusadas]
    lms.guardar_origem(curso, exercicio, origem)
    return coleta
