"""O driver do nbgrader: corrige UMA submissão num curso mínimo montado do modelo (num processo do pool
ou num worker do Dask), com o kernel no sandbox, e junta a nota de registro do módulo.

Vale para qualquer curso do nbgrader: a tarefa pode ter vários notebooks, de nomes quaisquer (os do
gradebook), e arquivos de dados, imagens e módulos auxiliares em ``source/<tarefa>/``; a configuração é
a do curso (prazos, ``IgnorePattern``, ``ClearSolutions``...).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path

from autograder.instrutor import registro, restos, suspeitas
from autograder.instrutor.feedback import anotar_registro
from autograder.instrutor.modelo import Modelo, config_do_modelo, montar, preparar_modelo  # noqa: F401 - API
from autograder.instrutor.sandbox import Limites, VigiaDosLimites, matar, processos_com
from autograder.instrutor.status import (
    AUSENTE,
    ERRO,
    INVALIDO,
    ISOLADO,
    KERNEL,
    OK,
    SEM_ISOLAMENTO,
    SUSPEITA,
    TEMPO,
)

#: Notebooks maiores que isto têm as saídas removidas antes de corrigir.
LIMITE_SAIDAS = 5 * 1024 * 1024
#: Cada saída do notebook corrigido fica com no máximo isto de texto: limita o patológico (dezenas de
#: MB) e deixa inteiro o que o instrutor quer ver; o feedback do aluno corta mais (instrutor/feedback.py).
LIMITE_POR_SAIDA = 1_000_000
#: O que o nbgrader registra quando o kernel morre antes de rodar a primeira célula.
SINAIS_DE_PARTIDA_FALHA = ("Kernel died before replying to kernel_info", "Kernel didn't respond in", "Address already in use")
#: Variável herdada por todo processo do kernel no modo sem isolamento (no sandbox, o token do bwrap).
VARIAVEL_MARCA = "CORRIGIR_MARCA"


def corrigir_um(
    modelo: Modelo, exercicio: str, aluno: str, arquivos: dict[str, bytes], prazo: float,
    isolar: bool = True, limites: Limites | None = None,
) -> dict:
    """Corrige UMA submissão; devolve só dados (também os arquivos corrigidos, em bytes).

    ``arquivos`` são os arquivos da entrega (caminho relativo -> bytes), com o ``timestamp.txt``, se
    houver. Não precisa de disco compartilhado com quem chamou: serve tanto a um processo local quanto a
    um worker do Dask noutra máquina. Qualquer falha vira um status daquele aluno, nunca uma exceção.
    """
    inicio = time.monotonic()
    resultado = {
        "aluno": aluno, "status": OK, "nota": 0.0, "maximo": 0.0, "celulas": {}, "corrigidos": {}, "log": "",
        "avisos": [], "modo": ISOLADO if isolar else SEM_ISOLAMENTO, "notebook": {}, "registro": {},
        "timestamp": None, "atrasos": {},
    }
    limites = limites or Limites(cpu=int(prazo) + 60)
    with tempfile.TemporaryDirectory(prefix=f"{restos.prefixo('corrigir')}{aluno}-") as tmp:
        try:
            resultado["status"] = _corrigir_em(Path(tmp), modelo, exercicio, aluno, arquivos, prazo, isolar, limites, resultado)
        except Exception as erro:  # noqa: BLE001 - um aluno não derruba a correção da turma
            resultado["status"] = ERRO
            resultado["avisos"].append(f"{type(erro).__name__}: {str(erro)[:300]}")
        finally:
            _tornar_apagavel(Path(tmp))
    resultado["tempo"] = time.monotonic() - inicio
    return resultado


def _tornar_apagavel(pasta: Path) -> None:
    """O nbgrader deixa o notebook corrigido só leitura; o TemporaryDirectory precisa apagar tudo."""
    for arq in pasta.rglob("*"):
        with contextlib.suppress(OSError):
            arq.chmod(0o755 if arq.is_dir() else 0o644)


def _escrever_entrega(pasta: Path, arquivos: dict[str, bytes]) -> None:
    pasta.mkdir(parents=True)
    for nome, conteudo in arquivos.items():
        destino = (pasta / nome).resolve()
        if pasta.resolve() not in destino.parents:
            raise ValueError(f"arquivo da entrega fora da pasta: {nome}")
        destino.parent.mkdir(parents=True, exist_ok=True)
        destino.write_bytes(conteudo)


def _corrigir_em(
    tmp: Path, modelo: Modelo, exercicio: str, aluno: str, arquivos: dict[str, bytes], prazo: float,
    isolar: bool, limites: Limites, resultado: dict,
) -> str:
    raiz = tmp / "curso"
    # O gradebook fica fora da árvore do curso, numa pasta de nome aleatório (e, no sandbox, nem existe).
    banco = tmp / uuid.uuid4().hex / "gradebook.db"
    banco.parent.mkdir()
    montar(modelo, raiz, banco)
    url = f"sqlite:///{banco}"
    pasta = raiz / "submitted" / aluno / exercicio
    _escrever_entrega(pasta, arquivos)
    entregues = [nb for nb in modelo.notebooks if (pasta / f"{nb}.ipynb").is_file()]
    if not entregues:
        esperados = ", ".join(f"{nb}.ipynb" for nb in modelo.notebooks)
        outros = sorted(nome for nome in arquivos if nome.endswith(".ipynb"))
        resultado["avisos"].append(f"nenhum notebook da tarefa entregue (esperados: {esperados})"
                                   + (f"; entregues: {', '.join(outros)}" if outros else ""))
        return AUSENTE
    for nb in entregues:
        status = conferir_notebook(pasta / f"{nb}.ipynb", resultado)
        if status is not None:
            resultado["avisos"].append(f"{nb}.ipynb não pode ser corrigido")
            return status
    faltam = [f"{nb}.ipynb" for nb in modelo.notebooks if nb not in entregues]
    if faltam:
        resultado["avisos"].append(f"notebooks não entregues (valem zero, como no nbgrader): {', '.join(faltam)}")
    fontes, submissoes = {}, {}
    for nb in entregues:
        submissoes[nb] = json.loads((pasta / f"{nb}.ipynb").read_text(encoding="utf-8"))
        fonte = modelo.fontes.get(f"{nb}.ipynb")
        fontes[nb] = json.loads(fonte) if fonte else None
        apagadas = _ids(fontes[nb] or {}) - _ids(submissoes[nb])
        if apagadas:
            onde = f" ({nb}.ipynb)" if len(modelo.notebooks) > 1 else ""
            resultado["avisos"].append(f"células do enunciado apagadas pelo aluno{onde}: {', '.join(sorted(apagadas))}")
    # A nota de registro de cada notebook roda enquanto o nbgrader roda o notebook (as duas são quase só
    # espera): cada aluno custa no relógio a maior das duas, e não a soma.
    inicio = time.monotonic()
    adiantadas = {
        nb: registro.Adiantada(tmp / "registro" / nb, fontes[nb], submissoes[nb], prazo, isolar, limites)
        for nb in entregues if fontes[nb] is not None
    }
    try:
        status = _corrigir_notebooks(tmp, raiz, url, modelo, exercicio, aluno, entregues, fontes, submissoes, prazo, isolar,
                                     limites, resultado, adiantadas, inicio)
    finally:
        for adiantada in adiantadas.values():
            # A que ninguém usou (o notebook não deu nota) é cortada; nada dela sobrevive à correção.
            adiantada.esperar() if adiantada.usada else adiantada.cancelar()
    # Quando cada parte rodou (segundos desde o começo das duas): os testes veem que a nota de registro
    # correu junto com o notebook.
    for nb, adiantada in adiantadas.items():
        if adiantada.usada and adiantada.inicio is not None:
            resultado.setdefault("fases", {})[f"registro/{nb}"] = (round(adiantada.inicio - inicio, 3), round(adiantada.fim - inicio, 3))
    return status


def _corrigir_notebooks(
    tmp: Path, raiz: Path, url: str, modelo: Modelo, exercicio: str, aluno: str, entregues: list[str], fontes: dict,
    submissoes: dict, prazo: float, isolar: bool, limites: Limites, resultado: dict, adiantadas: dict, inicio: float,
) -> str:
    for tentativa in (1, 2):
        status = autograde(raiz, url, exercicio, aluno, prazo, resultado, isolar=isolar, limites=limites)
        if status is None and kernel_nao_iniciou(resultado["log"]):
            if tentativa == 1:
                # Falha da máquina, não do aluno (o notebook nem começou): corrige de novo, uma vez.
                resultado["avisos"].append("o kernel não iniciou na primeira tentativa; corrigido de novo")
                continue
            resultado["avisos"].append("o kernel não iniciou nem na segunda tentativa: falha da máquina, não do aluno")
            return ERRO
        break
    kernel = re.search(r"NoSuchKernel: (.+)|No such kernel named (\S+)", resultado["log"])
    if status is None and kernel:
        # O curso pede um kernel que esta máquina não tem: falha da máquina, e não do aluno.
        nome = (kernel.group(1) or kernel.group(2)).strip()
        resultado["avisos"].append(f"o kernel {nome!r} que os notebooks da tarefa pedem não está instalado nesta máquina "
                                   "(jupyter kernelspec list): nenhuma célula rodou")
        return ERRO
    resultado.setdefault("fases", {})["notebook"] = (0.0, round(time.monotonic() - inicio, 3))
    if status is None and ("DeadKernelError" in resultado["log"] or "Kernel died" in resultado["log"]):
        status = KERNEL
    ler_notas(url, exercicio, aluno, resultado, modelo.course_id)
    corrigidos = raiz / "autograded" / aluno / exercicio
    if corrigidos.exists():
        for arq in corrigidos.rglob("*"):
            if arq.is_file():
                resultado["corrigidos"][arq.relative_to(corrigidos).as_posix()] = arq.read_bytes()
    if status is None and any(f"{nb}.ipynb" not in resultado["corrigidos"] for nb in entregues):
        status = KERNEL if "Kernel" in resultado["log"] else INVALIDO
        recusa = erro_do_nbgrader(resultado["log"]) if status == INVALIDO else None
        if recusa:
            resultado["avisos"].append(f"o nbgrader recusou o notebook: {recusa}")
    resultado["notebook"] = {chave: dados.get("auto_score") for chave, dados in resultado["celulas"].items() if "#" not in chave}
    for nb in entregues:
        nome_nb = f"{nb}.ipynb"
        fonte = fontes[nb] or submissoes[nb]
        if nome_nb in resultado["corrigidos"]:
            corrigido = json.loads(resultado["corrigidos"][nome_nb])
            if limitar_saidas(corrigido):
                resultado["avisos"].append("saídas longas demais encurtadas no notebook corrigido")
            resultado["corrigidos"][nome_nb] = json.dumps(corrigido, ensure_ascii=False).encode()
        else:
            # Sem notebook corrigido (o kernel morreu ou o prazo acabou), o aluno ainda recebe feedback.
            corrigido = notebook_de_falha(fonte, submissoes[nb], status or KERNEL, prazo)
            resultado["corrigidos"][nome_nb] = json.dumps(corrigido, ensure_ascii=False).encode()
        if fontes[nb] is not None:
            registro.aplicar(tmp / "registro" / nb, exercicio, fontes[nb], submissoes[nb], prazo, isolar, limites, resultado,
                             notebook=nb, adiantada=adiantadas.get(nb))
        # O feedback do aluno mostra a mensagem de falha da nota de registro (processo limpo), e não a
        # que o notebook escreveu: ela vai nos metadados das células de teste do notebook corrigido.
        anotar_registro(corrigido, (resultado.get("mensagens") or {}).get(nb))
        resultado["corrigidos"][nome_nb] = json.dumps(corrigido, ensure_ascii=False).encode()
        for aviso in suspeitas.procurar(fonte, submissoes[nb], corrigido, resultado):
            if aviso not in resultado["avisos"]:
                resultado["avisos"].append(aviso)
    registro.somar(resultado)
    status = status or OK
    if status == OK and any(aviso.startswith(suspeitas.PREFIXO) for aviso in resultado["avisos"]):
        status = SUSPEITA
    return status


def kernel_nao_iniciou(log: str) -> bool:
    return any(sinal in log for sinal in SINAIS_DE_PARTIDA_FALHA)


def encerrar_marcados(marca: str) -> int:
    """Mata todo processo que herdou a marca no ambiente (o kernel sem isolamento e os filhos dele)."""
    mortos = []
    import psutil

    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if proc.environ().get(VARIAVEL_MARCA) == marca:
                mortos.append(proc)
    return matar(mortos)


def autograde(
    raiz: Path, url: str, exercicio: str, aluno: str, prazo: float, resultado: dict,
    isolar: bool = True, limites: Limites | None = None,
) -> str | None:
    """Roda o autograde do nbgrader neste processo (sem pagar a partida de um novo a cada aluno).

    O kernel roda no sandbox (``isolar``) ou herda a marca ``CORRIGIR_MARCA``; um relógio mata o
    kernel e tudo o que ele criou quando o prazo da submissão acaba, e no fim nada dele sobrevive.
    Devolve ``TEMPO`` quando o prazo estourou, e ``SUSPEITA`` quando a vigia dos limites encerrou o sandbox
    (disco ou memória somados além do limite; o motivo vai para os avisos).
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = config_do_modelo(raiz)
    config.CourseDirectory.root = str(raiz)
    config.CourseDirectory.db_url = url
    soquetes = None
    token = "sbx-" + uuid.uuid4().hex
    if os.name == "posix":
        # Kernels por soquetes de arquivo (IPC), não por portas TCP: portas "livres" escolhidas em
        # processos diferentes colidiam, e TCP não atravessa a rede própria do sandbox. O caminho é
        # absoluto (o kernel roda noutra pasta) e curto (soquetes Unix aceitam ~100 bytes).
        config.KernelManager.transport = "ipc"
        soquetes = tempfile.mkdtemp(prefix="k")
        config.KernelManager.ip = os.path.join(soquetes, "k")
    if isolar:
        from autograder.instrutor.kernel_isolado import configurar

        configurar(config, Path(soquetes), token, limites or Limites())
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    marca = uuid.uuid4().hex
    estourou = threading.Event()

    def encerrar() -> int:
        return matar(processos_com(token)) + encerrar_marcados(marca)

    def cortar():
        estourou.set()
        encerrar()

    relogio = threading.Timer(prazo, cortar)
    anterior = os.environ.get(VARIAVEL_MARCA)
    os.environ[VARIAVEL_MARCA] = marca  # o kernel sem isolamento (e o que ele criar) herda a marca
    relogio.start()
    vigia = VigiaDosLimites(token, [soquetes], limites or Limites(), encerrar) if isolar and soquetes else contextlib.nullcontext()
    try:
        with vigia, warnings.catch_warnings():
            # Avisos internos do SQLAlchemy dentro do nbgrader ("... not in session"), sem efeito nas notas.
            warnings.filterwarnings("ignore", message=".*not in session.*")
            saida = api.autograde(exercicio, aluno, force=True, create=True)
        resultado["log"] = (saida.get("log", "") + saida.get("error", ""))[-4000:]
    finally:
        relogio.cancel()
        if anterior is None:
            os.environ.pop(VARIAVEL_MARCA, None)
        else:
            os.environ[VARIAVEL_MARCA] = anterior
        encerrar()
        if processos_com(token):  # não deveria acontecer: o namespace morre com o bwrap
            resultado["avisos"].append("processos do sandbox sobreviveram ao fim da correção e foram mortos")
            encerrar()
        if soquetes:
            shutil.rmtree(soquetes, ignore_errors=True)
    motivo = getattr(vigia, "motivo", None)
    if motivo:
        resultado["avisos"].append(f"{suspeitas.PREFIXO}{motivo}: o sandbox foi encerrado")
        return SUSPEITA
    return TEMPO if estourou.is_set() else None


def _ids(nb: dict) -> set[str]:
    return {
        c["metadata"]["nbgrader"]["grade_id"]
        for c in nb.get("cells", [])
        if isinstance(c, dict) and c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    }


def conferir_notebook(caminho: Path, resultado: dict) -> str | None:
    """Devolve o status quando o notebook não pode nem ser corrigido (ausente, inválido)."""
    import nbformat

    if not caminho.exists():
        return AUSENTE
    try:
        nb = json.loads(caminho.read_bytes().decode("utf-8"))
        if not isinstance(nb, dict):
            raise ValueError("o arquivo é JSON, mas não é um notebook")
        nbformat.validate(nbformat.from_dict(nb))
    except Exception as erro:  # noqa: BLE001 - o nbformat levanta de tudo (TypeError, KeyError...) para JSON estranho
        resultado["avisos"].append(f"{type(erro).__name__}: {str(erro)[:200]}")
        return INVALIDO
    if _limpar_saidas(nb):
        resultado["avisos"].append("saídas enormes removidas antes de corrigir")
        caminho.write_text(json.dumps(nb), encoding="utf-8")
    return None


def _limpar_saidas(nb: dict) -> bool:
    grande = len(json.dumps(nb)) > LIMITE_SAIDAS
    if grande:
        for celula in nb.get("cells", []):
            if celula.get("cell_type") == "code":
                celula["outputs"] = []
    return grande


def _encurtar(texto: str, limite: int) -> str:
    if len(texto) <= limite:
        return texto
    metade = limite // 2
    return f"{texto[:metade]}\n[... {len(texto) - limite} caracteres omitidos ...]\n{texto[-metade:]}"


def limitar_saidas(nb: dict, limite: int = LIMITE_POR_SAIDA) -> bool:
    """Encurta cada saída de texto longa do notebook corrigido (o feedback fica pequeno)."""
    mudou = False
    for celula in nb.get("cells", []):
        for saida in celula.get("outputs", []) or []:
            campos = [("text", saida)] if "text" in saida else []
            campos += [(tipo, saida["data"]) for tipo in list(saida.get("data", {})) if tipo.startswith("text/")]
            for chave, onde in campos:
                valor = onde[chave]
                texto = "".join(valor) if isinstance(valor, list) else str(valor)
                if len(texto) > limite:
                    onde[chave] = _encurtar(texto, limite)
                    mudou = True
            if "traceback" in saida and sum(len(x) for x in saida["traceback"]) > limite:
                saida["traceback"] = [_encurtar("\n".join(saida["traceback"]), limite)]
                mudou = True
    return mudou


MOTIVOS_DA_FALHA = {
    TEMPO: "o prazo da correção ({prazo:g} s) acabou antes de o notebook terminar (um laço sem fim, um "
           "impasse ou um kernel que ignora a interrupção?)",
    KERNEL: "o kernel (o processo que roda o notebook) morreu no meio da correção (os._exit, sys.exit no "
            "kernel, falta de memória?)",
    SUSPEITA: "o notebook passou dos limites da correção (disco ou memória somados) e foi encerrado",
    INVALIDO: "o nbgrader recusou o notebook entregue: os metadados do nbgrader de alguma célula (o "
              "identificador ou os pontos de uma célula de teste) foram alterados, duplicados ou criados. Baixe o "
              "enunciado de novo, copie para ele só as suas soluções e entregue outra vez",
}

#: Linhas do log do nbgrader que não dizem a causa de uma recusa.
_SEM_CAUSA = re.compile(r"Traceback|There was an error processing|Please see the|One or more notebooks in the assignment")


def erro_do_nbgrader(log: str) -> str | None:
    """A causa de o nbgrader ter recusado um notebook, tirada do log dele (a primeira linha de erro que
    diz alguma coisa), ou None."""
    for linha in log.splitlines():
        casamento = re.search(r"\| ERROR\] (.+)|(?:ValidationError|MissingEntry|ValueError): (.+)", linha)
        if casamento and not _SEM_CAUSA.search(linha):
            return (casamento.group(1) or casamento.group(2)).strip()[:300]
    return None


def notebook_de_falha(fonte: dict, submissao: dict, status: str, prazo: float) -> dict:
    """O notebook "corrigido" de quem não terminou: o do aluno, com as células de teste do enunciado
    e um aviso no topo — para que todo aluno receba um feedback que diz o que aconteceu."""
    da_fonte = {
        c["metadata"]["nbgrader"]["grade_id"]: c for c in fonte["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    }
    nb = json.loads(json.dumps(submissao))
    vistos = set()
    for celula in nb.get("cells", []):
        meta = celula.get("metadata", {}).get("nbgrader", {})
        if meta and (meta.get("grade_id") not in da_fonte or meta.get("grade_id") in vistos):
            # Metadados que o enunciado não tem (um identificador trocado ou inventado, uma célula de teste
            # copiada): a célula vira uma célula comum, senão o nbgrader generate_feedback a recusa.
            celula["metadata"].pop("nbgrader")
            continue
        vistos.add(meta.get("grade_id"))
        if meta.get("grade_id") in da_fonte and (meta.get("locked") or meta.get("grade")):
            original = da_fonte[meta["grade_id"]]
            celula["source"] = original["source"]
            celula["metadata"]["nbgrader"] = original["metadata"]["nbgrader"]
        if celula.get("cell_type") == "code":
            celula["outputs"], celula["execution_count"] = [], None
    motivo = MOTIVOS_DA_FALHA.get(status, "a correção não terminou").format(prazo=prazo)
    nb["cells"].insert(0, {
        "cell_type": "markdown", "id": "aviso-da-correcao", "metadata": {},
        "source": f"**A correção automática não terminou:** {motivo}. As células de teste que não chegaram a "
                  "rodar valem zero.",
    })
    return nb


def ler_notas(url: str, exercicio: str, aluno: str, resultado: dict, course_id: str | None = None) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with (Gradebook(url) if course_id is None else Gradebook(url, course_id)) as gb:
        try:
            sub = gb.find_submission(exercicio, aluno)
        except MissingEntry:
            return
        resultado["nota"], resultado["maximo"] = float(sub.score), float(sub.max_score)
        resultado["timestamp"] = sub.timestamp
        for nb in sub.notebooks:
            resultado["atrasos"][nb.name] = nb.late_submission_penalty
            for g in nb.grades:
                resultado["celulas"][f"{nb.name}/{g.name}"] = {
                    "auto_score": g.auto_score, "needs_manual_grade": g.needs_manual_grade,
                }
            for c in nb.comments:
                resultado["celulas"].setdefault(f"{nb.name}/{c.name}#comentario", {})["auto_comment"] = c.auto_comment
