"""Corrige um exercício da turma inteira: do zip do AVA (ou de ``submitted/``) às notas e ao feedback.

    python -m autograder.corrigir ex06_chat --zip turma.zip          # zip baixado do AVA
    python -m autograder.corrigir ex06_chat                          # o que já está em submitted/
    python -m autograder.corrigir ex06_chat -j 8 --prazo 300
    python -m autograder.corrigir ex06_chat --dask tcp://10.0.0.5:8786

Cada submissão é corrigida isolada (uma cópia mínima do curso numa pasta temporária, seu próprio
``nbgrader autograde``, seu kernel, um prazo de relógio para a submissão inteira e toda a árvore de
processos encerrada no fim), em paralelo. Só o processo principal escreve no gradebook. Um diário
(``relatorios/<exercicio>/diario.jsonl``) registra cada submissão concluída: interrompa quando quiser
e rode de novo — só o que falta é corrigido.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
import warnings
import zipfile
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

import psutil

OK, TEMPO, KERNEL, INVALIDO, AUSENTE = "ok", "tempo esgotado", "kernel morreu", "notebook inválido", "notebook ausente"
ERRO = "erro na correção"

#: Padrões de nome de arquivo dentro do zip. Grupos: ``aluno`` (obrigatório), ``arquivo``
#: (obrigatório) e ``data`` (opcional, AAAAMMDDHHMM[SS]), usado para escolher a entrega mais nova.
PADROES = {
    # aluno__arquivo.ipynb  ou  aluno__20261123T1530__arquivo.ipynb
    "simples": r"^(?:.*/)?(?P<aluno>[A-Za-z0-9][A-Za-z0-9._-]*?)__(?:(?P<data>\d{8}T?\d{4,6})__)?(?P<arquivo>[^/]+)$",
    # Moodle (baixar todas as entregas): "Nome Sobrenome_12345_assignsubmission_file_/arquivo.ipynb"
    "moodle": r"^(?:.*/)?[^/]*?_(?P<aluno>\d+)_assignsubmission_file_/?(?P<arquivo>[^/]+)$",
}
SEGURO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
LIMITE_SAIDAS = 5 * 1024 * 1024  # notebooks maiores que isto têm as saídas removidas antes de corrigir


# ---------------------------------------------------------------------------------------------
# Coleta do zip


@dataclass
class Coleta:
    """O que a coleta fez: alunos extraídos, entradas recusadas e escolhas entre entregas repetidas."""

    alunos: list[str] = field(default_factory=list)
    recusadas: list[tuple[str, str]] = field(default_factory=list)
    escolhas: list[str] = field(default_factory=list)


def _data_da_entrada(info: zipfile.ZipInfo, casamento: re.Match) -> str:
    bruto = casamento.groupdict().get("data")
    if bruto:
        return bruto.replace("T", "")
    return "".join(f"{parte:02d}" for parte in info.date_time)


def coletar_zip(zip_path: Path, curso: Path, exercicio: str, padrao: str = "simples") -> Coleta:
    """Extrai as entregas do zip para ``submitted/<aluno>/<exercicio>/``, sem nunca escrever fora dela.

    Entradas com caminho absoluto, ``..``, nome de aluno ou de arquivo fora de ``[A-Za-z0-9._-]`` ou
    que não casam com o padrão são recusadas (e listadas). Se um aluno entregou o mesmo arquivo mais
    de uma vez, vale a entrega mais nova, e a escolha é relatada.
    """
    regex = re.compile(PADROES.get(padrao, padrao))
    coleta = Coleta()
    escolhidas: dict[tuple[str, str], tuple[str, zipfile.ZipInfo]] = {}
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            if info.is_dir():
                continue
            nome = info.filename.replace("\\", "/")
            partes = PurePosixPath(nome).parts
            if nome.startswith("/") or re.match(r"^[A-Za-z]:", nome) or ".." in partes:
                coleta.recusadas.append((info.filename, "caminho fora da pasta de destino"))
                continue
            casamento = regex.match(nome)
            if not casamento:
                coleta.recusadas.append((info.filename, "o nome não segue o padrão"))
                continue
            aluno, arquivo = casamento["aluno"], casamento["arquivo"]
            if not (SEGURO.match(aluno) and SEGURO.match(arquivo)):
                coleta.recusadas.append((info.filename, "nome de aluno ou de arquivo com caracteres proibidos"))
                continue
            data = _data_da_entrada(info, casamento)
            anterior = escolhidas.get((aluno, arquivo))
            if anterior:
                nova, velha = (info, anterior[1]) if data >= anterior[0] else (anterior[1], info)
                coleta.escolhas.append(
                    f"{aluno}: {arquivo} entregue mais de uma vez; vale {nova.filename}, ignorado {velha.filename}"
                )
                if data < anterior[0]:
                    continue
            escolhidas[(aluno, arquivo)] = (data, info)
        for (aluno, arquivo), (data, info) in sorted(escolhidas.items()):
            pasta = (curso / "submitted" / aluno / exercicio).resolve()
            destino = (pasta / arquivo).resolve()
            if pasta not in destino.parents:  # defesa extra: nunca fora da pasta
                coleta.recusadas.append((info.filename, "caminho fora da pasta de destino"))
                continue
            pasta.mkdir(parents=True, exist_ok=True)
            destino.write_bytes(z.read(info))
            quando = dt.datetime.strptime(data[:14].ljust(14, "0"), "%Y%m%d%H%M%S")
            (pasta / "timestamp.txt").write_text(quando.strftime("%Y-%m-%d %H:%M:%S.000000 UTC"))
            if aluno not in coleta.alunos:
                coleta.alunos.append(aluno)
    return coleta


# ---------------------------------------------------------------------------------------------
# O curso-modelo e a correção de uma submissão (roda num processo do pool ou num worker do Dask)


def _ambiente(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def _nbgrader(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=_ambiente()
    )


def preparar_modelo(curso: Path, exercicio: str) -> bytes:
    """Um curso mínimo (configuração, source do exercício e gradebook com ele), empacotado em bytes."""
    with tempfile.TemporaryDirectory(prefix="modelo-") as tmp:
        raiz = Path(tmp)
        shutil.copy(curso / "nbgrader_config.py", raiz / "nbgrader_config.py")
        shutil.copytree(
            curso / "source" / exercicio, raiz / "source" / exercicio,
            ignore=shutil.ignore_patterns("solucao_*.py", "__pycache__", ".ipynb_checkpoints"),
        )
        proc = _nbgrader(["generate_assignment", exercicio, "--force"], raiz)
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment falhou:\n{proc.stderr[-3000:]}")
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for nome in ("nbgrader_config.py", "source", "gradebook.db"):
                tar.add(raiz / nome, arcname=nome)
        return buffer.getvalue()


def _encerrar_marcados(marca: str) -> int:
    """Mata todo processo que herdou a marca (o nbgrader, o kernel e tudo o que o aluno criou)."""
    mortos = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if proc.environ().get("CORRIGIR_MARCA") == marca:
                proc.kill()
                mortos.append(proc)
    psutil.wait_procs(mortos, timeout=5)
    return len(mortos)


def _limpar_saidas(nb: dict) -> bool:
    grande = len(json.dumps(nb)) > LIMITE_SAIDAS
    if grande:
        for celula in nb.get("cells", []):
            if celula.get("cell_type") == "code":
                celula["outputs"] = []
    return grande


def corrigir_um(modelo: bytes, exercicio: str, aluno: str, arquivos: dict[str, bytes], prazo: float) -> dict:
    """Corrige UMA submissão isolada; devolve só dados (também os arquivos corrigidos, em bytes).

    Não precisa de disco compartilhado com quem chamou: serve tanto a um processo local quanto a um
    worker do Dask noutra máquina. Qualquer falha vira um status daquele aluno, nunca uma exceção.
    """
    inicio = time.monotonic()
    resultado = {
        "aluno": aluno, "status": OK, "nota": 0.0, "maximo": 0.0, "celulas": {}, "corrigidos": {}, "log": "", "avisos": [],
    }
    with tempfile.TemporaryDirectory(prefix=f"corrigir-{aluno}-") as tmp:
        try:
            resultado["status"] = _corrigir_em(Path(tmp), modelo, exercicio, aluno, arquivos, prazo, resultado)
        except Exception as erro:  # noqa: BLE001 - um aluno não derruba a correção da turma
            resultado["status"] = ERRO
            resultado["avisos"].append(f"{type(erro).__name__}: {str(erro)[:300]}")
    resultado["tempo"] = time.monotonic() - inicio
    return resultado


def _corrigir_em(tmp: Path, modelo: bytes, exercicio: str, aluno: str, arquivos: dict[str, bytes], prazo: float, resultado: dict) -> str:
    raiz = tmp / "curso"
    with tarfile.open(fileobj=io.BytesIO(modelo), mode="r:gz") as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.12+ e correções de segurança do 3.10/3.11
            tar.extractall(raiz, filter="data")
        else:
            tar.extractall(raiz)  # noqa: S202 - o pacote foi feito por preparar_modelo
    # O gradebook fica fora da árvore do curso, numa pasta de nome aleatório: o notebook do aluno
    # roda em autograded/<aluno>/<exercicio> e não o alcança com caminhos relativos óbvios.
    banco = tmp / uuid.uuid4().hex / "gradebook.db"
    banco.parent.mkdir()
    shutil.move(raiz / "gradebook.db", banco)
    url = f"sqlite:///{banco}"
    pasta = raiz / "submitted" / aluno / exercicio
    pasta.mkdir(parents=True)
    for nome, conteudo in arquivos.items():
        (pasta / nome).write_bytes(conteudo)
    nome_nb = f"{exercicio}.ipynb"
    status = _conferir_notebook(pasta / nome_nb, resultado)
    if status is not None:
        return status
    faltam = _ids(raiz / "source" / exercicio / nome_nb) - _ids(pasta / nome_nb)
    if faltam:
        resultado["avisos"].append(f"células do enunciado apagadas pelo aluno: {', '.join(sorted(faltam))}")
    for tentativa in (1, 2):
        status = _autograde(raiz, url, exercicio, aluno, prazo, resultado)
        if status is None and tentativa == 1 and _kernel_nao_iniciou(resultado["log"]):
            # Falha da máquina, não do aluno (o notebook nem começou): corrige de novo, uma vez.
            resultado["avisos"].append("o kernel não iniciou na primeira tentativa; corrigido de novo")
            continue
        break
    if status is None and ("DeadKernelError" in resultado["log"] or "Kernel died" in resultado["log"]):
        status = KERNEL
    _ler_notas(url, exercicio, aluno, resultado)
    corrigidos = raiz / "autograded" / aluno / exercicio
    if corrigidos.exists():
        for arq in corrigidos.rglob("*"):
            if arq.is_file() and arq.suffix in (".ipynb", ".txt"):
                resultado["corrigidos"][arq.relative_to(corrigidos).as_posix()] = arq.read_bytes()
    if status is None and nome_nb not in resultado["corrigidos"]:
        status = KERNEL if "Kernel" in resultado["log"] else INVALIDO
    return status or OK


#: O que o nbgrader registra quando o kernel morre antes de rodar a primeira célula.
SINAIS_DE_PARTIDA_FALHA = ("Kernel died before replying to kernel_info", "Kernel didn't respond in", "Address already in use")


def _kernel_nao_iniciou(log: str) -> bool:
    return any(sinal in log for sinal in SINAIS_DE_PARTIDA_FALHA)


def _autograde(raiz: Path, url: str, exercicio: str, aluno: str, prazo: float, resultado: dict) -> str | None:
    """Roda o autograde do nbgrader neste processo (sem pagar a partida de um novo a cada aluno).

    O notebook do aluno roda num kernel, processo à parte, que herda a marca ``CORRIGIR_MARCA``;
    um relógio mata o kernel e tudo o que ele criou quando o prazo da submissão acaba, e no fim
    nada com a marca sobrevive. Devolve ``TEMPO`` quando o prazo estourou.
    """
    import threading

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(raiz)).load_config())
    config.CourseDirectory.root = str(raiz)
    config.CourseDirectory.db_url = url
    soquetes = None
    if os.name == "posix":
        # Kernels por soquetes de arquivo (IPC), não por portas TCP: com vários alunos corrigidos ao
        # mesmo tempo, o jupyter_client escolhe portas "livres" em cada processo e dois kernels
        # podiam disputar a mesma ("Address already in use"; o aluno ficava com zero).
        # O caminho é absoluto (o kernel roda noutra pasta) e curto (soquetes Unix aceitam ~100 bytes).
        config.KernelManager.transport = "ipc"
        soquetes = tempfile.mkdtemp(prefix="k")
        config.KernelManager.ip = os.path.join(soquetes, "k")
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    marca = uuid.uuid4().hex
    estourou = threading.Event()

    def cortar():
        estourou.set()
        _encerrar_marcados(marca)

    relogio = threading.Timer(prazo, cortar)
    anterior = os.environ.get("CORRIGIR_MARCA")
    os.environ["CORRIGIR_MARCA"] = marca  # o kernel (e o que ele criar) herda a marca
    relogio.start()
    try:
        with warnings.catch_warnings():
            # Avisos internos do SQLAlchemy dentro do nbgrader ("... not in session"), sem efeito nas notas.
            warnings.filterwarnings("ignore", message=".*not in session.*")
            saida = api.autograde(exercicio, aluno, force=True, create=True)
        resultado["log"] = (saida.get("log", "") + saida.get("error", ""))[-4000:]
    finally:
        relogio.cancel()
        if anterior is None:
            os.environ.pop("CORRIGIR_MARCA", None)
        else:
            os.environ["CORRIGIR_MARCA"] = anterior
        _encerrar_marcados(marca)
        if soquetes:
            shutil.rmtree(soquetes, ignore_errors=True)
    return TEMPO if estourou.is_set() else None


def _ids(caminho: Path) -> set[str]:
    nb = json.loads(caminho.read_text(encoding="utf-8"))
    return {
        c["metadata"]["nbgrader"]["grade_id"]
        for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    }


def _conferir_notebook(caminho: Path, resultado: dict) -> str | None:
    """Devolve o status quando o notebook não pode nem ser corrigido (ausente, inválido)."""
    import nbformat

    if not caminho.exists():
        return AUSENTE
    try:
        nb = json.loads(caminho.read_bytes().decode("utf-8"))
        nbformat.validate(nbformat.from_dict(nb))
    except (UnicodeDecodeError, ValueError, nbformat.ValidationError) as erro:
        resultado["avisos"].append(f"{type(erro).__name__}: {str(erro)[:200]}")
        return INVALIDO
    if _limpar_saidas(nb):
        resultado["avisos"].append("saídas enormes removidas antes de corrigir")
        caminho.write_text(json.dumps(nb), encoding="utf-8")
    return None


def _ler_notas(url: str, exercicio: str, aluno: str, resultado: dict) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(url) as gb:
        try:
            sub = gb.find_submission(exercicio, aluno)
        except MissingEntry:
            return
        resultado["nota"], resultado["maximo"] = float(sub.score), float(sub.max_score)
        for nb in sub.notebooks:
            for g in nb.grades:
                resultado["celulas"][f"{nb.name}/{g.name}"] = {
                    "auto_score": g.auto_score, "needs_manual_grade": g.needs_manual_grade,
                }
            for c in nb.comments:
                resultado["celulas"].setdefault(f"{nb.name}/{c.name}#comentario", {})["auto_comment"] = c.auto_comment


# ---------------------------------------------------------------------------------------------
# O processo principal: único que escreve no gradebook


def _impressao_digital(pasta: Path) -> str:
    h = hashlib.sha256()
    for arq in sorted(p for p in pasta.rglob("*") if p.is_file()):
        h.update(arq.relative_to(pasta).as_posix().encode())
        h.update(arq.read_bytes())
    return h.hexdigest()


def _gravar_no_gradebook(curso: Path, exercicio: str, r: dict, timestamp) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    warnings.filterwarnings("ignore", message=".*not in session.*")  # aviso interno do nbgrader ao criar a submissão
    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        gb.update_or_create_student(r["aluno"])
        with contextlib.suppress(MissingEntry):
            gb.remove_submission(exercicio, r["aluno"])  # corrigir de novo substitui, nunca soma
        sub = gb.add_submission(exercicio, r["aluno"], timestamp=timestamp)
        for nb in sub.notebooks:
            for g in nb.grades:
                dados = r["celulas"].get(f"{nb.name}/{g.name}")
                g.auto_score = dados["auto_score"] if dados else 0.0
                g.needs_manual_grade = dados["needs_manual_grade"] if dados else False
            for c in nb.comments:
                c.auto_comment = r["celulas"].get(f"{nb.name}/{c.name}#comentario", {}).get("auto_comment")
        gb.db.commit()


def _garantir_exercicio_no_gradebook(curso: Path, exercicio: str) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{curso / 'gradebook.db'}") as gb:
        try:
            gb.find_assignment(exercicio)
            return
        except MissingEntry:
            pass
    proc = _nbgrader(["generate_assignment", exercicio, "--force"], curso)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment falhou:\n{proc.stderr[-3000:]}")


@dataclass
class Linha:
    """Uma linha do relatório: a situação de um aluno."""

    aluno: str
    nota: float
    maximo: float
    status: str
    tempo: float
    avisos: list[str]


def _diario(curso: Path, exercicio: str) -> Path:
    pasta = curso / "relatorios" / exercicio
    pasta.mkdir(parents=True, exist_ok=True)
    return pasta / "diario.jsonl"


def _ler_diario(caminho: Path) -> dict[str, dict]:
    feitos = {}
    if caminho.exists():
        for linha in caminho.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(json.JSONDecodeError, KeyError):  # uma linha cortada por um kill no meio
                registro = json.loads(linha)
                feitos[registro["aluno"]] = registro
    return feitos


def corrigir(
    curso: Path,
    exercicio: str,
    *,
    jobs: int | None = None,
    prazo: float = 600.0,
    dask: str | None = None,
    saida=sys.stdout,
    feedback: bool = True,
) -> list[Linha]:
    """Corrige todas as submissões de ``submitted/*/<exercicio>`` que ainda não estão no diário."""
    curso = Path(curso).resolve()
    # O nbgrader chama o executável alembic ao criar um gradebook: o bin deste Python vai no PATH.
    os.environ["PATH"] = _ambiente()["PATH"]
    _garantir_exercicio_no_gradebook(curso, exercicio)
    pastas = sorted(p for p in (curso / "submitted").glob(f"*/{exercicio}") if p.is_dir())
    diario = _diario(curso, exercicio)
    feitos = _ler_diario(diario)
    pendentes, linhas = [], []
    for pasta in pastas:
        aluno = pasta.parent.name
        digital = _impressao_digital(pasta)
        if aluno in feitos and feitos[aluno]["digital"] == digital:
            linhas.append(Linha(**{k: feitos[aluno][k] for k in ("aluno", "nota", "maximo", "status", "tempo", "avisos")}))
            continue
        arquivos = {
            p.relative_to(pasta).as_posix(): p.read_bytes() for p in pasta.iterdir() if p.is_file() and p.name != "timestamp.txt"
        }
        carimbo = (pasta / "timestamp.txt").read_text().strip() if (pasta / "timestamp.txt").exists() else None
        pendentes.append((aluno, digital, arquivos, carimbo))
    print(f"{len(pastas)} submissões de {exercicio}: {len(linhas)} já corrigidas, {len(pendentes)} a corrigir.", file=saida, flush=True)
    if pendentes:
        modelo = preparar_modelo(curso, exercicio)
        for r, (_aluno, digital, _arquivos, carimbo) in _executar(modelo, exercicio, pendentes, jobs, prazo, dask):
            _guardar(curso, exercicio, r, carimbo)
            linha = Linha(r["aluno"], r["nota"], r["maximo"], r["status"], round(r["tempo"], 2), r["avisos"])
            with diario.open("a", encoding="utf-8") as f:  # por último: só o que está no gradebook entra no diário
                f.write(json.dumps({**asdict(linha), "digital": digital}, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
            linhas.append(linha)
            print(f"[{len(linhas)}/{len(pastas)}] {linha.aluno}: {linha.nota:g}/{linha.maximo:g} {linha.status} ({linha.tempo:.1f} s)",
                  file=saida, flush=True)
    if feedback and linhas:
        _nbgrader(["generate_feedback", exercicio, "--force"], curso, timeout=1800)
    _nbgrader(["export", "--to", str(curso / "grades.csv")], curso, timeout=600)
    relatorio(curso, exercicio, linhas, saida)
    return linhas


def _guardar(curso: Path, exercicio: str, r: dict, carimbo: str | None) -> None:
    destino = curso / "autograded" / r["aluno"] / exercicio
    if destino.exists():
        for arq in destino.rglob("*"):
            with contextlib.suppress(OSError):
                arq.chmod(0o644)
        shutil.rmtree(destino)
    destino.mkdir(parents=True)
    for nome, conteudo in r["corrigidos"].items():
        (destino / nome).parent.mkdir(parents=True, exist_ok=True)
        (destino / nome).write_bytes(conteudo)
    ts = None
    if carimbo:
        with contextlib.suppress(ValueError):
            ts = dt.datetime.strptime(carimbo.replace(" UTC", ""), "%Y-%m-%d %H:%M:%S.%f")
    _gravar_no_gradebook(curso, exercicio, r, ts)


def _executar(modelo, exercicio, pendentes, jobs, prazo, dask):
    """Gera (resultado, pendente) à medida que as correções terminam, em processos locais ou no Dask."""
    if dask:
        from distributed import Client, as_completed

        with Client(dask) as cliente:
            modelo_remoto = cliente.scatter(modelo, broadcast=True)
            futuros = {
                cliente.submit(corrigir_um, modelo_remoto, exercicio, aluno, arquivos, prazo, pure=False): (aluno, digital, arquivos, carimbo)
                for aluno, digital, arquivos, carimbo in pendentes
            }
            for futuro in as_completed(futuros):
                yield futuro.result(), futuros[futuro]
        return
    import multiprocessing

    contexto = multiprocessing.get_context("spawn")  # workers limpos, iguais em Linux, macOS e Windows
    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1, mp_context=contexto) as pool:
        futuros = {pool.submit(corrigir_um, modelo, exercicio, a, arqs, prazo): (a, d, arqs, c) for a, d, arqs, c in pendentes}
        restantes = set(futuros)
        while restantes:
            prontos, restantes = wait(restantes, return_when=FIRST_COMPLETED)
            for futuro in prontos:
                yield futuro.result(), futuros[futuro]


# ---------------------------------------------------------------------------------------------
# Relatório


def relatorio(curso: Path, exercicio: str, linhas: list[Linha], saida=sys.stdout) -> Path:
    """Tabela no terminal, as submissões mais lentas, as que pedem um olhar humano e o histograma PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pasta = curso / "relatorios" / exercicio
    pasta.mkdir(parents=True, exist_ok=True)
    largura = max([len(linha.aluno) for linha in linhas] + [5])
    texto = [f"{'aluno':<{largura}}  {'nota':>9}  {'status':<18}  tempo", "-" * (largura + 42)]
    for linha in sorted(linhas, key=lambda x: x.aluno):
        texto.append(f"{linha.aluno:<{largura}}  {linha.nota:>4g}/{linha.maximo:<4g}  {linha.status:<18}  {linha.tempo:6.1f} s")
    lentas = sorted(linhas, key=lambda x: -x.tempo)[:5]
    texto += ["", "Mais lentas: " + ", ".join(f"{x.aluno} ({x.tempo:.1f} s)" for x in lentas)]
    olhar = [x for x in linhas if x.status != OK or x.avisos]
    if olhar:
        texto += ["", "Pedem um olhar humano:"]
        texto += [f"  {x.aluno}: {x.status}" + (f" — {'; '.join(x.avisos)}" if x.avisos else "") for x in olhar]
    (pasta / "resumo.txt").write_text("\n".join(texto) + "\n", encoding="utf-8")
    print("\n".join(texto), file=saida, flush=True)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    maximo = max([x.maximo for x in linhas] + [1])
    ax.hist([x.nota for x in linhas], bins=[i - 0.5 for i in range(int(maximo) + 2)], edgecolor="black")
    ax.set(title=f"Notas de {exercicio} ({len(linhas)} submissões)", xlabel="nota", ylabel="alunos")
    fig.tight_layout()
    png = pasta / "histograma.png"
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exercicio", help="o nome do exercício, como em source/ (ex.: ex06_chat)")
    parser.add_argument("--curso", type=Path, default=Path.cwd(), help="pasta do curso (padrão: a atual)")
    parser.add_argument("--zip", type=Path, help="zip baixado do AVA com as entregas da turma")
    parser.add_argument("--padrao", default="simples",
                        help="padrão dos nomes no zip: simples, moodle ou uma regex com os grupos aluno e arquivo")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="correções ao mesmo tempo (padrão: o número de núcleos)")
    parser.add_argument("--prazo", type=float, default=600.0, help="segundos de relógio para cada submissão inteira")
    parser.add_argument("--dask", help="endereço de um scheduler do Dask (ex.: tcp://10.0.0.5:8786)")
    parser.add_argument("--sem-feedback", action="store_true", help="não gerar o feedback HTML")
    args = parser.parse_args(argv)
    if args.zip:
        coleta = coletar_zip(args.zip, args.curso, args.exercicio, args.padrao)
        print(f"Coletados {len(coleta.alunos)} alunos do zip.")
        for nome, motivo in coleta.recusadas:
            print(f"  recusado: {nome} ({motivo})")
        for escolha in coleta.escolhas:
            print(f"  {escolha}")
    corrigir(args.curso, args.exercicio, jobs=args.jobs, prazo=args.prazo, dask=args.dask, feedback=not args.sem_feedback)
    return 0


if __name__ == "__main__":
    sys.exit(main())
