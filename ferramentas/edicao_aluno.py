"""Monta a edição do aluno: o que um aluno clona, baixa ou abre no Binder, sem nenhuma solução.

Uso: ``python ferramentas/edicao_aluno.py DESTINO`` (ou ``make edicao-aluno DESTINO=...``).

A edição leva só o que está nas listas explícitas abaixo: um arquivo novo do instrutor nunca entra
por descuido. Ela contém as aulas (``notebooks/``), os enunciados gerados pelo nbgrader
(``release/``), a parte da biblioteca ``autograder`` que as células de teste importam, o
``Makefile`` com o mesmo ``make curso`` deste repositório, um ``pyproject.toml`` só com as
dependências do aluno, o ``environment.yml`` e o ``binder/`` do aluno e um README para o aluno.
Não contém ``source/``, ``tests/``, as ferramentas do instrutor nem ``autograder/instrutor/``.

DESTINO tem de estar vazio, não existir ou ser uma edição anterior (com o arquivo
``.edicao-do-aluno``): ela é refeita no lugar, preservando ``.git`` para que o instrutor publique a
atualização com um commit.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None

RAIZ = Path(__file__).resolve().parents[1]
MODELOS = RAIZ / "ferramentas" / "aluno"
MARCA = ".edicao-do-aluno"

# A parte da biblioteca que as células de teste (e o aluno) importam. Só isto vai para a edição.
AUTOGRADER_DO_ALUNO = (
    "__init__.py", "execucao.py", "sondas.py", "_executor.py", "guarda.py", "esperas.py",
    # As verificações e sondas próprias de cada exercício (as células de teste as importam).
    "verificacoes_ex01.py", "verificacoes_ex02.py", "verificacoes_ex03.py", "verificacoes_ex04.py",
    "verificacoes_ex05.py", "verificacoes_ex06.py",
    "verificacoes_ex07.py", "sondas_ex0102.py", "sondas_ex05.py", "sondas_ex06.py",
    "verificacoes_ex08.py", "sondas_ex08.py", "cenarios_ex08.py",
    "verificacoes_ex09.py", "sondas_ex09.py",
    "verificacoes_ex10.py", "sondas_ex10.py", "cenarios_ex10.py",
)
# O que fica só com o instrutor (um teste exige que todo arquivo de autograder/ esteja numa das duas).
AUTOGRADER_DO_INSTRUTOR = ("corrigir.py", "README.md", "instrutor")
# As ferramentas que o make curso usa.
FERRAMENTAS_DO_ALUNO = ("ambiente.sh", "curso.mk", "configurar_jupyterlab.py")
# Nas aulas e nos enunciados: o que entra (os módulos solucao_*.py que o aluno grava nunca entram).
PADROES_DAS_AULAS = ("*.ipynb", "*.py", "*.png", "*.svg", "*.md")
PADROES_DOS_EXERCICIOS = ("*.ipynb",)
NUNCA = ("solucao_*",)
# O tamanho do .venv do aluno (make curso), medido com du -sh: vai para os dois READMEs.
TAMANHO_DO_AMBIENTE = "340 MB"


def endereco_da_edicao() -> tuple[str, str]:
    """O endereço (repositório no GitHub) e o branch da edição, de ``livro/_config.yml``: a mesma
    configuração que dá os botões do Binder do livro."""
    texto = (RAIZ / "livro" / "_config.yml").read_text(encoding="utf-8")
    bloco = texto.split("\nrepository:", 1)[1]
    url = re.search(r"^\s+url:\s*(\S+)", bloco, re.M).group(1)
    branch = re.search(r"^\s+branch:\s*(\S+)", bloco, re.M).group(1)
    return url.rstrip("/"), branch


def dependencias_do_aluno() -> list[str]:
    texto = (RAIZ / "pyproject.toml").read_text(encoding="utf-8")
    if tomllib is not None:
        return list(tomllib.loads(texto)["project"]["dependencies"])
    bloco = texto.split("\ndependencies = [", 1)[1].split("\n]", 1)[0]
    return re.findall(r'"([^"]+)"', bloco)


def _extra(nome: str) -> list[str]:
    texto = (RAIZ / "pyproject.toml").read_text(encoding="utf-8")
    bloco = texto.split(f"\n{nome} = [", 1)[1].split("\n]", 1)[0]
    return re.findall(r'"([^"]+)"', bloco)


def pyproject() -> str:
    deps = "\n".join(f'    "{d}",' for d in dependencias_do_aluno())
    nbgrader = "\n".join(f'    "{d}",' for d in _extra("nbgrader"))
    return f'''[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "processos-em-python"
version = "1.0.0"
description = "Curso em português de programação paralela com processos em Python (edição do aluno)."
requires-python = ">=3.10"
license = "MIT"
# O que o aluno precisa para estudar e resolver os exercícios.
dependencies = [
{deps}
]

[project.optional-dependencies]
# A Assignment List do nbgrader, se a sua turma a usa: make curso EXTRAS=nbgrader
nbgrader = [
{nbgrader}
]

[tool.setuptools]
packages = ["autograder"]
'''


def _conda(requisito: str) -> str:
    return requisito.replace(" ", "")


def environment_yml() -> str:
    linhas = [
        "# Ambiente conda do curso (Windows, macOS, Linux e Binder): o mesmo do pyproject.toml.",
        "name: processos-em-python",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python>=3.10",
        "  - pip",
        *[f"  - {_conda(d)}" for d in dependencias_do_aluno()],
        "  - pip:",
        "      - -e .",
    ]
    return "\n".join(linhas) + "\n"


def readme(url: str, branch: str) -> str:
    modelo = (MODELOS / "README.md").read_text(encoding="utf-8")
    caminho = url.removeprefix("https://github.com/")
    binder = f"https://mybinder.org/v2/gh/{caminho}/{branch}?urlpath=lab/tree/notebooks/00-Indice.ipynb"
    sumario = (RAIZ / "README.md").read_text(encoding="utf-8")
    sumario = sumario.split("<!-- sumario:inicio -->", 1)[1].split("<!-- sumario:fim -->", 1)[0].strip()
    return modelo.replace("{{URL}}", url).replace("{{BINDER}}", binder).replace("{{SUMARIO}}", sumario).replace("{{TAMANHO}}", TAMANHO_DO_AMBIENTE)


def _copiar(origem: Path, destino: Path, padroes: tuple[str, ...]) -> list[Path]:
    copiados = []
    for padrao in padroes:
        for arquivo in sorted(origem.glob(padrao)):
            if not arquivo.is_file() or any(arquivo.match(n) for n in NUNCA):
                continue
            alvo = destino / arquivo.relative_to(origem)
            alvo.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(arquivo, alvo)
            copiados.append(alvo)
    return copiados


def _preparar_destino(destino: Path) -> None:
    if destino.resolve() in (RAIZ, *RAIZ.parents) or RAIZ in destino.resolve().parents:
        raise SystemExit(f"{destino}: a edição do aluno tem de ficar fora deste repositório (ex.: ../processos-em-python-aluno).")
    if destino.exists():
        conteudo = [p for p in destino.iterdir() if p.name != ".git"]
        if conteudo and not (destino / MARCA).exists():
            raise SystemExit(
                f"{destino} não está vazia e não é uma edição do aluno (falta {MARCA}); não vou apagar nada. "
                "Escolha uma pasta nova ou vazia."
            )
        for p in conteudo:  # refaz no lugar, preservando o .git da edição publicada
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    destino.mkdir(parents=True, exist_ok=True)


def montar(destino: Path) -> Path:
    destino = Path(destino)
    _preparar_destino(destino)
    url, branch = endereco_da_edicao()

    _copiar(RAIZ / "notebooks", destino / "notebooks", PADROES_DAS_AULAS)
    for exercicio in sorted((RAIZ / "release").iterdir()):
        if exercicio.is_dir():
            _copiar(exercicio, destino / "release" / exercicio.name, PADROES_DOS_EXERCICIOS)
    for nome in AUTOGRADER_DO_ALUNO:
        if (RAIZ / "autograder" / nome).exists():
            _copiar(RAIZ / "autograder", destino / "autograder", (nome,))
    for nome in FERRAMENTAS_DO_ALUNO:
        _copiar(RAIZ / "ferramentas", destino / "ferramentas", (nome,))

    arquivos = {
        "Makefile": (MODELOS / "Makefile").read_text(encoding="utf-8"),
        ".gitignore": (MODELOS / "gitignore").read_text(encoding="utf-8"),
        "pyproject.toml": pyproject(),
        "environment.yml": environment_yml(),
        "binder/environment.yml": environment_yml(),
        "binder/postBuild": (RAIZ / "binder" / "postBuild").read_text(encoding="utf-8"),
        "README.md": readme(url, branch),
        MARCA: "Gerada por 'make edicao-aluno' no repositório do instrutor; não edite à mão.\n",
    }
    for nome, texto in arquivos.items():
        (destino / nome).parent.mkdir(parents=True, exist_ok=True)
        (destino / nome).write_text(texto, encoding="utf-8")
    (destino / "binder" / "postBuild").chmod(0o755)
    return destino


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("Uso: python ferramentas/edicao_aluno.py DESTINO", file=sys.stderr)
        return 2
    destino = montar(Path(argv[0]))
    n = sum(1 for p in destino.rglob("*") if p.is_file() and ".git" not in p.relative_to(destino).parts)
    print(f"Edição do aluno em {destino} ({n} arquivos). Para publicá-la, veja o README, seção 'A edição do aluno'.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
