"""O modelo da correção: o que cada correção de uma submissão precisa do curso, sem o curso.

- a configuração do nbgrader do curso (o texto de cada ``nbgrader_config`` que o nbgrader carregaria),
- um gradebook só com a tarefa (uma cópia das linhas dela no banco do curso — o mesmo que o ``nbgrader
  autograde`` do curso usaria, venha de onde vier o ``db_url``),
- os notebooks da tarefa (os nomes do gradebook, quaisquer que sejam) e os do ``source`` (para a nota de
  registro e o feedback de quem não terminou),
- os outros arquivos de ``source/<tarefa>/`` (dados, imagens, módulos auxiliares), que o ``nbgrader
  autograde`` copia por cima dos do aluno, menos os ignorados pelo curso.

O modelo é feito no processo principal, sem rodar nenhum comando do nbgrader (nada de ``generate_assignment``
numa cópia: o gradebook do curso já tem a tarefa, e é ele que o nbgrader puro usaria). Só dados: vai
para processos locais ou workers do Dask.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.instrutor.ambiente import nbgrader
from autograder.instrutor.curso import NOME_CONFIG, Curso

#: As tabelas com a tarefa (o resto do banco — alunos, submissões, outras tarefas — fica de fora).
TABELAS_DA_TAREFA = ("course", "assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "task_cells", "source_cell")


class NaoCorrigivel(RuntimeError):
    """A tarefa não pode ser corrigida neste curso (a mensagem diz por quê); nenhuma nota é escrita."""


@dataclass
class Modelo:
    exercicio: str
    course_id: str
    #: (nome do arquivo, texto) de cada configuração, na ordem em que o nbgrader as carrega.
    configs: list[tuple[str, str]]
    #: O gradebook (sqlite) só com a tarefa.
    gradebook: bytes
    #: Os notebooks da tarefa, como no gradebook (sem ``.ipynb``).
    notebooks: list[str]
    #: Os notebooks de ``source/<tarefa>/`` (caminho relativo -> bytes).
    fontes: dict[str, bytes] = field(default_factory=dict)
    #: Os outros arquivos de ``source/<tarefa>/`` que o nbgrader copia na correção.
    arquivos: dict[str, bytes] = field(default_factory=dict)
    #: Os padrões ignorados pelo curso (``CourseDirectory.ignore``).
    ignorados: list[str] = field(default_factory=list)


def _textos_de_config(curso: Curso) -> list[tuple[str, str]]:
    from jupyter_core.paths import jupyter_config_path

    textos = []
    for onde in [*reversed(jupyter_config_path()), str(curso.pasta)]:
        for nome in (f"{NOME_CONFIG}.json", f"{NOME_CONFIG}.py"):
            caminho = Path(onde) / nome
            if caminho.is_file():
                textos.append((nome, caminho.read_text(encoding="utf-8")))
    return textos


def garantir_exercicio(curso: Curso, exercicio: str) -> None:
    """A tarefa está no gradebook do curso com seus notebooks; senão, ``nbgrader generate_assignment``
    (como o instrutor faria antes do ``nbgrader autograde``). Levanta :class:`NaoCorrigivel` se não der."""
    if curso.notebooks(exercicio):
        return
    if not curso.pasta_de("source", exercicio).is_dir():
        raise NaoCorrigivel(f"a tarefa {exercicio} não está no gradebook e não há {curso.pasta_de('source', exercicio)}")
    proc = nbgrader(["generate_assignment", exercicio, "--force"], curso.pasta)
    if proc.returncode != 0:
        linhas = [x.strip() for x in (proc.stderr or proc.stdout or "").splitlines() if x.strip()]
        # A exceção que o nbgrader registrou (ex.: o cabeçalho que não existe), e não o "veja acima" final.
        excecoes = [x for x in linhas if re.match(r"^[\w.]+(Error|Exception): ", x)]
        motivo = (excecoes or linhas or ["sem mensagem"])[-1][:300]
        raise NaoCorrigivel(f"nbgrader generate_assignment {exercicio} falhou (código {proc.returncode}): {motivo}")
    if not curso.notebooks(exercicio):
        raise NaoCorrigivel(f"a tarefa {exercicio} não tem notebooks em {curso.pasta_de('source', exercicio)}")


def copiar_tarefa(curso: Curso, exercicio: str, destino: Path) -> None:
    """Um gradebook novo (sqlite em ``destino``) com as linhas da tarefa copiadas do banco do curso."""
    from nbgrader.api import Base
    from sqlalchemy import create_engine, inspect, select, text

    tabelas = Base.metadata.tables
    origem = create_engine(curso.db_url, future=True)
    novo = create_engine(f"sqlite:///{destino}", future=True)
    try:
        Base.metadata.create_all(novo)
        with origem.connect() as o, novo.begin() as d:
            if inspect(origem).has_table("alembic_version"):
                versao = o.execute(text("SELECT version_num FROM alembic_version")).scalar()
                d.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
                d.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": versao})
            a = tabelas["assignment"]
            tarefa = o.execute(select(a).where(a.c.name == exercicio)).mappings().all()
            if not tarefa:
                raise NaoCorrigivel(f"a tarefa {exercicio} não está no gradebook ({curso.db_url})")
            linhas = {"assignment": tarefa}
            linhas["course"] = o.execute(select(tabelas["course"]).where(tabelas["course"].c.id.in_([t["course_id"] for t in tarefa]))).mappings().all()
            n = tabelas["notebook"]
            linhas["notebook"] = o.execute(select(n).where(n.c.assignment_id.in_([t["id"] for t in tarefa]))).mappings().all()
            ids_nb = [x["id"] for x in linhas["notebook"]]
            b = tabelas["base_cell"]
            linhas["base_cell"] = o.execute(select(b).where(b.c.notebook_id.in_(ids_nb))).mappings().all()
            ids_celula = [x["id"] for x in linhas["base_cell"]]
            for nome in ("grade_cells", "solution_cells", "task_cells"):
                t = tabelas[nome]
                linhas[nome] = o.execute(select(t).where(t.c.id.in_(ids_celula))).mappings().all()
            s = tabelas["source_cell"]
            linhas["source_cell"] = o.execute(select(s).where(s.c.notebook_id.in_(ids_nb))).mappings().all()
            for nome in TABELAS_DA_TAREFA:
                if linhas[nome]:
                    d.execute(tabelas[nome].insert(), [dict(x) for x in linhas[nome]])
    finally:
        origem.dispose()
        novo.dispose()


def _arquivos_do_source(curso: Curso, exercicio: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(notebooks, outros arquivos) de ``source/<tarefa>/``; os outros, como o nbgrader os acha
    (``find_all_files`` com os ignorados do curso e ``*.ipynb``)."""
    from nbgrader.utils import find_all_files

    pasta = curso.pasta_de("source", exercicio)
    fontes, arquivos = {}, {}
    if not pasta.is_dir():
        return fontes, arquivos
    for caminho in pasta.glob("*.ipynb"):
        fontes[caminho.name] = caminho.read_bytes()
    for caminho in find_all_files(str(pasta), [*curso.ignorados, "*.ipynb"]):
        arquivos[Path(caminho).relative_to(pasta).as_posix()] = Path(caminho).read_bytes()
    return fontes, arquivos


def preparar_modelo(curso: Curso | Path, exercicio: str) -> Modelo:
    """O modelo da tarefa (veja o módulo). Levanta :class:`NaoCorrigivel` se a tarefa não puder ser corrigida."""
    if not isinstance(curso, Curso):
        curso = Curso.carregar(curso)
    garantir_exercicio(curso, exercicio)
    with tempfile.TemporaryDirectory(prefix="modelo-") as tmp:
        banco = Path(tmp) / "gradebook.db"
        copiar_tarefa(curso, exercicio, banco)
        with sqlite3.connect(banco) as conexao:
            conexao.execute("VACUUM")
        conteudo = banco.read_bytes()
    fontes, arquivos = _arquivos_do_source(curso, exercicio)
    return Modelo(
        exercicio=exercicio, course_id=curso.course_id, configs=_textos_de_config(curso), gradebook=conteudo,
        notebooks=curso.notebooks(exercicio), fontes=fontes, arquivos=arquivos, ignorados=curso.ignorados,
    )


def montar(modelo: Modelo, raiz: Path, banco: Path) -> None:
    """O curso mínimo do modelo em ``raiz`` (configuração e ``source``) e o gradebook em ``banco``."""
    raiz.mkdir(parents=True, exist_ok=True)
    for i, (nome, texto) in enumerate(modelo.configs):
        # A configuração do curso (a última) fica na raiz, como nbgrader_config.py; as do Jupyter, numa pasta cada.
        destino = raiz / nome if i == len(modelo.configs) - 1 and nome.endswith(".py") else raiz / ".config" / str(i) / nome
        destino.parent.mkdir(parents=True, exist_ok=True)
        destino.write_text(texto, encoding="utf-8")
    source = raiz / "source" / modelo.exercicio
    for relativo, conteudo in {**modelo.fontes, **modelo.arquivos}.items():
        (source / relativo).parent.mkdir(parents=True, exist_ok=True)
        (source / relativo).write_bytes(conteudo)
    banco.write_bytes(modelo.gradebook)
    os.chmod(banco, 0o600)


def config_do_modelo(raiz: Path):
    """A configuração montada por :func:`montar`, na mesma ordem em que o nbgrader a carregaria."""
    from traitlets.config import Config
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    config = Config()
    pastas = sorted((raiz / ".config").glob("*"), key=lambda p: int(p.name)) if (raiz / ".config").exists() else []
    for pasta in [*pastas, raiz]:
        for carregador in (JSONFileConfigLoader(f"{NOME_CONFIG}.json", path=str(pasta)),
                           PyFileConfigLoader(f"{NOME_CONFIG}.py", path=str(pasta))):
            if (pasta / carregador.filename).is_file():
                config.merge(carregador.load_config())
    return config
