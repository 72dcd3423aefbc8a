"""Corrige o MÓDULO de uma submissão do corpus com as células de teste do source (visíveis e ocultas),
num processo Python novo por submissão — sem kernel, sem nbgrader: rápido, para conferir notas e
mensagens célula a célula. (A correção completa, notebook + nota de registro, é a do corretor.)"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from apoio import RAIZ

from autograder.instrutor.sinteticas import sem_marcadores

sys.path.insert(0, str(Path(__file__).parent))
from corpus import Submissao  # noqa: E402

CORPUS = Path(__file__).parent / "corpus"

_EXECUTOR_DE_CELULAS = r"""
import json, sys, traceback
celulas = json.load(open(sys.argv[1], encoding="utf-8"))
resultados = {}
ns = {"__name__": "__main__"}
for grade_id, codigo in celulas:
    try:
        exec(compile(codigo, f"<célula {grade_id}>", "exec"), ns)
        resultados[grade_id] = {"ok": True, "erro": ""}
    except BaseException as erro:
        resultados[grade_id] = {"ok": False, "erro": f"{type(erro).__name__}: {erro}"}
print("\n@@RESULTADOS@@" + json.dumps(resultados, ensure_ascii=False))
"""


def exercicios() -> list[str]:
    return sorted(p.stem for p in CORPUS.glob("ex*.py"))


def submissoes(exercicio: str) -> dict[str, Submissao]:
    return importlib.import_module(f"corpus.{exercicio}").SUBMISSOES


def _source(exercicio: str) -> dict:
    return json.loads((RAIZ / "source" / exercicio / f"{exercicio}.ipynb").read_text(encoding="utf-8"))


def _texto(celula) -> str:
    return "".join(celula["source"]) if isinstance(celula["source"], list) else celula["source"]


def celulas_de_teste(exercicio: str) -> list[tuple[str, str, float]]:
    """(grade_id, código com os testes ocultos, pontos) de cada célula corrigida, na ordem."""
    return [
        (c["metadata"]["nbgrader"]["grade_id"], sem_marcadores(_texto(c)), float(c["metadata"]["nbgrader"].get("points", 0)))
        for c in _source(exercicio)["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade")
    ]


def modulo_de(exercicio: str, sub: Submissao) -> tuple[str, str]:
    """(nome do arquivo, texto) do módulo da submissão."""
    celula = next(c for c in _source(exercicio)["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    linhas = sem_marcadores(_texto(celula)).splitlines()
    assert linhas[0].startswith("%%writefile "), linhas[0]
    arquivo = linhas[0].split()[1]
    if sub.modulo is not None:
        return arquivo, sub.modulo
    texto = "\n".join(linhas[1:]) + "\n"
    for trecho, novo in sub.trocas:
        if trecho not in texto:
            raise ValueError(f"trecho não encontrado na solução de {exercicio}: {trecho!r}")
        texto = texto.replace(trecho, novo)
    return arquivo, texto


def corrigir_modulo(exercicio: str, sub: Submissao, metodo: str | None = None, prazo: float = 600) -> dict[str, dict]:
    """{grade_id: {"pontos", "ok", "erro"}} de cada célula, rodando-as num processo novo."""
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        pasta = Path(tmp)
        arquivo, texto = modulo_de(exercicio, sub)
        (pasta / arquivo).write_text(texto, encoding="utf-8")
        celulas = celulas_de_teste(exercicio)
        (pasta / "celulas.json").write_text(json.dumps([(g, c) for g, c, _ in celulas]), encoding="utf-8")
        env = dict(os.environ)
        env.pop("AUTOGRADER_EXECUTOR", None)
        if metodo:
            env["PROCESSOS_METODO"] = metodo
        proc = subprocess.run(
            [sys.executable, "-c", _EXECUTOR_DE_CELULAS, str(pasta / "celulas.json")],
            cwd=pasta, capture_output=True, text=True, timeout=prazo, env=env,
        )
        marca = proc.stdout.rfind("@@RESULTADOS@@")
        if marca < 0:
            raise AssertionError(f"o executor de células não terminou ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
        resultados = json.loads(proc.stdout[marca + len("@@RESULTADOS@@"):])
        for grade_id, _, pontos in celulas:
            resultados[grade_id]["pontos"] = pontos if resultados[grade_id]["ok"] else 0.0
        resultados["_stderr"] = proc.stderr
        return resultados


def conferir(exercicio: str, nome: str, sub: Submissao, resultados: dict) -> list[str]:
    """As divergências entre o esperado e o obtido (lista vazia = tudo certo)."""
    problemas = []
    celulas = {g: p for g, _, p in celulas_de_teste(exercicio)}
    if set(sub.notas) != set(celulas):
        problemas.append(f"{nome}: notas esperadas para {sorted(sub.notas)}, células são {sorted(celulas)}")
    for grade_id in celulas:
        obtido = resultados[grade_id]["pontos"]
        esperado = sub.notas.get(grade_id)
        if obtido != esperado:
            problemas.append(f"{nome} [{grade_id}]: esperava {esperado}, obteve {obtido} — {resultados[grade_id]['erro'][:600]}")
        causa = sub.causas.get(grade_id)
        if causa and not re.search(causa, resultados[grade_id]["erro"], re.S):
            problemas.append(f"{nome} [{grade_id}]: a mensagem não nomeia a causa /{causa}/: {resultados[grade_id]['erro'][:600]}")
    return problemas


def metodo_de(nome: str, metodos=("fork", "spawn", "forkserver")) -> str:
    """O método de início com que a submissão é corrigida na suíte: um por submissão, em rodízio
    determinístico (CORPUS_METODOS=todos corrige cada uma com os três)."""
    import zlib

    return metodos[zlib.crc32(nome.encode()) % len(metodos)]
