"""O corpus de submissões: cada uma tira exatamente a nota esperada em cada célula, e a mensagem de
cada falha nomeia a causa. Cada submissão roda com um método de início (rodízio determinístico);
CORPUS_METODOS=todos roda cada uma com fork, spawn e forkserver.

O corpus roda pelo executor de células rápido (tests/corpus_apoio.py). Uma amostra de cada exercício,
uma submissão de cada tipo, também é corrigida pelo corretor completo na turma da suíte
(tests/turma_apoio.py: notebook no nbgrader, nota de registro, sandbox), e as duas notas são
comparadas célula a célula: o executor rápido dá a nota do corretor de verdade."""

from __future__ import annotations

import os

import pytest
from apoio import METODOS
from corpus import TIPOS
from corpus_apoio import conferir, corrigir_modulo, exercicios, metodo_de, submissoes
from turma_apoio import aluno_do_corpus, amostra_do_corpus

from autograder.instrutor.registro import MOTIVO_NOTEBOOK_A_MAIS


def _casos(na_amostra: bool = False):
    """Os casos do corpus; com ``na_amostra``, só os da amostra corrigida também pelo corretor (os
    outros, sem ela: cada caso é conferido pelo executor rápido uma vez só)."""
    todos = os.environ.get("CORPUS_METODOS") == "todos"
    for exercicio in exercicios():
        amostra = amostra_do_corpus(exercicio)
        for nome in submissoes(exercicio):
            if (nome in amostra) != na_amostra:
                continue
            for metodo in (METODOS if todos else (metodo_de(f"{exercicio}/{nome}"),)):
                yield pytest.param(exercicio, nome, metodo, id=f"{exercicio}-{nome}-{metodo}")


@pytest.mark.lento
@pytest.mark.parametrize(("exercicio", "nome", "metodo"), list(_casos()))
def test_nota_exata_por_celula(exercicio, nome, metodo):
    sub = submissoes(exercicio)[nome]
    resultados = corrigir_modulo(exercicio, sub, metodo)
    problemas = conferir(exercicio, nome, sub, resultados)
    assert not problemas, "\n".join(problemas) + f"\n--- stderr ---\n{resultados['_stderr'][-2000:]}"


@pytest.mark.lento
@pytest.mark.parametrize(("exercicio", "nome", "metodo"), list(_casos(na_amostra=True)))
def test_amostra_nota_do_executor_rapido_igual_a_do_corretor_completo(exercicio, nome, metodo, turma):
    sub = submissoes(exercicio)[nome]
    resultados = corrigir_modulo(exercicio, sub, metodo)
    problemas = conferir(exercicio, nome, sub, resultados)
    assert not problemas, "\n".join(problemas) + f"\n--- stderr ---\n{resultados['_stderr'][-2000:]}"
    rapido = {g: dados["pontos"] for g, dados in resultados.items() if g != "_stderr"}
    corrigido = turma["exercicios"][exercicio]
    aluno = aluno_do_corpus(nome)
    linha = corrigido["linhas"][aluno]
    assert corrigido["celulas"][aluno] == rapido, f"corretor completo: {corrigido['celulas'][aluno]}, executor rápido: {rapido}\n{linha}"
    # O menor entre notebook e registro; sem o aviso de "notebook a mais", o notebook deu o mesmo.
    if sub.tipo != "trapaca":
        assert not any(MOTIVO_NOTEBOOK_A_MAIS in aviso for aviso in linha["avisos"]), linha


def test_amostra_tem_os_quatro_tipos_em_cada_exercicio():
    for exercicio in exercicios():
        assert {s.tipo for s in amostra_do_corpus(exercicio).values()} == set(TIPOS), exercicio


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
