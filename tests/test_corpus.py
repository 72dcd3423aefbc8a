"""O corpus de submissões: cada uma tira exatamente a nota esperada em cada célula, e a mensagem de
cada falha nomeia a causa. Cada submissão roda com um método de início (rodízio determinístico);
CORPUS_METODOS=todos roda cada uma com fork, spawn e forkserver."""

from __future__ import annotations

import os

import pytest
from apoio import METODOS
from corpus import TIPOS
from corpus_apoio import conferir, corrigir_modulo, exercicios, metodo_de, submissoes


def _casos():
    todos = os.environ.get("CORPUS_METODOS") == "todos"
    for exercicio in exercicios():
        for nome in submissoes(exercicio):
            for metodo in (METODOS if todos else (metodo_de(f"{exercicio}/{nome}"),)):
                yield pytest.param(exercicio, nome, metodo, id=f"{exercicio}-{nome}-{metodo}")


@pytest.mark.lento
@pytest.mark.parametrize(("exercicio", "nome", "metodo"), list(_casos()))
def test_nota_exata_por_celula(exercicio, nome, metodo):
    sub = submissoes(exercicio)[nome]
    resultados = corrigir_modulo(exercicio, sub, metodo)
    problemas = conferir(exercicio, nome, sub, resultados)
    assert not problemas, "\n".join(problemas) + f"\n--- stderr ---\n{resultados['_stderr'][-2000:]}"


@pytest.mark.parametrize("exercicio", exercicios())
def test_corpus_tem_os_quatro_tipos_e_ao_menos_doze(exercicio):
    subs = submissoes(exercicio)
    assert len(subs) >= 12, f"{exercicio}: só {len(subs)} submissões"
    tipos = {s.tipo for s in subs.values()}
    assert tipos == set(TIPOS), f"{exercicio}: faltam tipos {set(TIPOS) - tipos}"
    for nome, sub in subs.items():
        falhas = [g for g, p in sub.notas.items() if p == 0]
        if sub.tipo == "sutil":
            assert falhas, f"{exercicio}/{nome}: uma submissão sutilmente errada tem de perder pontos"
        for g in falhas:
            assert g in sub.causas or sub.tipo in ("patologica", "trapaca"), f"{exercicio}/{nome} [{g}]: diga a causa esperada"
