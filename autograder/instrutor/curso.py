"""A configuração de um curso do nbgrader, lida como o próprio ``nbgrader`` a lê quando roda na pasta do
curso: os ``nbgrader_config`` das pastas de configuração do Jupyter e, por cima, o da pasta do curso.

Daqui saem a raiz, o banco de notas (``db_url``, qualquer URL do SQLAlchemy; um ``sqlite`` relativo é
relativo à pasta do curso, como para o nbgrader rodado nela), o ``course_id``, os padrões ignorados e
as pastas de cada tarefa. Serve a qualquer curso, não só a este: ``python -m autograder.corrigir
--curso DIR`` usa o ``nbgrader_config.py`` de DIR.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

NOME_CONFIG = "nbgrader_config"


def ler_config(pasta: Path):
    """A ``Config`` do traitlets que o ``nbgrader`` montaria rodando em ``pasta``."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    config = Config()
    # As pastas do Jupyter vêm da mais importante para a menos: carregadas ao contrário, a primeira
    # vence; a da pasta do curso vem por último e vence todas (como no NbGrader.load_config_file).
    for onde in [*reversed(jupyter_config_path()), str(pasta)]:
        for carregador in (JSONFileConfigLoader(f"{NOME_CONFIG}.json", path=onde),
                           PyFileConfigLoader(f"{NOME_CONFIG}.py", path=onde)):
            if os.path.isfile(os.path.join(onde, carregador.filename)):
                config.merge(carregador.load_config())
    return config


@dataclass
class Curso:
    """Um curso do nbgrader: a pasta, a configuração e o que o corretor precisa dela."""

    pasta: Path
    config: object  # traitlets.config.Config

    @classmethod
    def carregar(cls, pasta: Path) -> Curso:
        pasta = Path(pasta).resolve()
        return cls(pasta, ler_config(pasta))

    @property
    def raiz(self) -> Path:
        """A raiz do curso (``CourseDirectory.root``; sem ela, a pasta onde o nbgrader roda)."""
        raiz = self.config.CourseDirectory.get("root")
        return (self.pasta / raiz).resolve() if raiz else self.pasta

    @property
    def course_id(self) -> str:
        return self.config.CourseDirectory.get("course_id") or ""

    @property
    def db_url(self) -> str:
        url = self.config.CourseDirectory.get("db_url")
        if not url:
            return f"sqlite:///{self.raiz / 'gradebook.db'}"
        prefixo = "sqlite:///"
        if url.startswith(prefixo) and not url.startswith(prefixo + "/") and url != prefixo + ":memory:":
            # sqlite:///relativo.db é relativo à pasta onde o nbgrader roda: a do curso.
            return prefixo + str((self.pasta / url[len(prefixo):]).resolve())
        return url

    def coursedir(self):
        """O ``CourseDirectory`` do nbgrader com a configuração do curso e a raiz certa."""
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config, root=str(self.raiz))

    @property
    def ignorados(self) -> list[str]:
        return list(self.coursedir().ignore)

    def pasta_de(self, etapa: str, exercicio: str, aluno: str = ".") -> Path:
        """A pasta de uma etapa (``source``, ``submitted``, ``autograded``...) da tarefa, como o nbgrader a acha."""
        cd = self.coursedir()
        return Path(cd.format_path(getattr(cd, f"{etapa}_directory"), aluno, exercicio))

    def gradebook(self):
        """O gradebook do curso (o banco de ``db_url``, com o ``course_id`` do curso, como o nbgrader o abre)."""
        from nbgrader.api import Gradebook

        from autograder.instrutor.ambiente import ambiente

        # Um banco novo chama o executável alembic: o bin deste Python vai no PATH.
        os.environ["PATH"] = ambiente()["PATH"]
        return Gradebook(self.db_url, self.course_id)

    def notebooks(self, exercicio: str) -> list[str]:
        """Os notebooks da tarefa no gradebook (os que o ``nbgrader autograde`` corrige), em ordem."""
        from nbgrader.api import MissingEntry

        with self.gradebook() as gb:
            try:
                return sorted(nb.name for nb in gb.find_assignment(exercicio).notebooks)
            except MissingEntry:
                return []
