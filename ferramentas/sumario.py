"""Gera o sumário do curso (README.md e notebooks/00-Indice.ipynb) a partir dos notebooks presentes.

Uso: ``python ferramentas/sumario.py`` reescreve os dois; ``--verificar`` só confere e sai com 1
se algum estiver desatualizado (os testes usam esta forma).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
NOTEBOOKS = RAIZ / "notebooks"
RELEASE = RAIZ / "release"
INDICE = NOTEBOOKS / "00-Indice.ipynb"
VERIFICACAO = NOTEBOOKS / "00-Verifique-seu-Ambiente.ipynb"
INICIO, FIM = "<!-- sumario:inicio -->", "<!-- sumario:fim -->"


def titulo(caminho: Path) -> str:
    """O primeiro título de nível 1 do notebook, sem o ``#``."""
    nb = json.loads(caminho.read_text(encoding="utf-8"))
    for celula in nb["cells"]:
        if celula["cell_type"] != "markdown":
            continue
        texto = "".join(celula["source"]) if isinstance(celula["source"], list) else celula["source"]
        for linha in texto.splitlines():
            if linha.startswith("# "):
                return linha[2:].strip()
    return caminho.stem


def aulas() -> list[Path]:
    return [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")) if not p.name.startswith("00-")]


def exercicios() -> list[Path]:
    return [p for p in sorted(RELEASE.glob("ex*/ex*.ipynb")) if p.stem == p.parent.name]


def linhas_sumario(base: Path) -> list[str]:
    """Lista em Markdown com links relativos a ``base`` (a pasta do arquivo que recebe o sumário)."""

    def rel(p: Path) -> str:
        return Path(*[".."] * len(base.relative_to(RAIZ).parts), p.relative_to(RAIZ)).as_posix()

    linhas = ["**Aulas**", ""]
    if VERIFICACAO.exists():
        linhas.append(f"0. [{titulo(VERIFICACAO)}]({rel(VERIFICACAO)}) — rode primeiro")
    for i, p in enumerate(aulas(), start=1):
        linhas.append(f"{i}. [{titulo(p)}]({rel(p)})")
    linhas += ["", "**Exercícios** (corrigidos automaticamente pelo nbgrader)", ""]
    for i, p in enumerate(exercicios(), start=1):
        linhas.append(f"{i}. [{titulo(p)}]({rel(p)})")
    return linhas


def readme_novo() -> str:
    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    antes, resto = readme.split(INICIO, 1)
    _, depois = resto.split(FIM, 1)
    corpo = "\n".join(linhas_sumario(RAIZ))
    return f"{antes}{INICIO}\n{corpo}\n{FIM}{depois}"


def _celula(n: int, texto: str) -> dict:
    return {"cell_type": "markdown", "id": f"indice-{n}", "metadata": {}, "source": texto}


def indice_novo() -> str:
    cabecalho = (
        "# Processos em Python — Sumário\n"
        "\n"
        "Bem-vindo! Este curso ensina programação paralela com **processos** em Python: como criá-los, "
        "como eles conversam (`Pipe`, `Queue`, managers), como se sincronizam e como compartilham dados "
        "sem corromper nada.\n"
        "\n"
        "Cada aula é um notebook para ler **e rodar**: execute as células em ordem (Shift+Enter), mude "
        "os números, quebre o código e veja o que acontece. Os exercícios ficam na pasta `release/` e "
        "dizem na hora, em português, o que está certo e o que falta."
    )
    como = (
        "## Como estudar\n"
        "\n"
        "1. Rode primeiro a verificação do ambiente: ela diz se o seu computador consegue rodar o curso.\n"
        "2. Leia cada aula na ordem; ao final de cada uma há o link do exercício correspondente.\n"
        "3. Nos exercícios, escreva seu código nas células indicadas e rode as células de teste.\n"
        "\n"
        "As cargas de trabalho das aulas têm o tamanho de uma aula de verdade (50 000 000 iterações). "
        "Num computador lento, abra o curso com `PROCESSOS_ESCALA=0.1 make curso` para dividir tudo por dez."
    )
    nb = {
        "cells": [
            _celula(1, cabecalho),
            _celula(2, "## Conteúdo\n\n" + "\n".join(linhas_sumario(NOTEBOOKS))),
            _celula(3, como),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__).parse_known_args(argv)[1]
    verificar = "--verificar" in args
    alvos = {RAIZ / "README.md": readme_novo(), INDICE: indice_novo()}
    desatualizados = []
    for caminho, conteudo in alvos.items():
        atual = caminho.read_text(encoding="utf-8") if caminho.exists() else None
        if atual != conteudo:
            desatualizados.append(caminho.relative_to(RAIZ).as_posix())
            if not verificar:
                caminho.write_text(conteudo, encoding="utf-8")
    if verificar and desatualizados:
        print("Sumário desatualizado em: " + ", ".join(desatualizados))
        print("Rode: python ferramentas/sumario.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
