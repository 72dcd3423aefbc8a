"""A mesma submissão tira sempre a mesma nota (ex05 e ex06): as partes sensíveis a corrida e a tempo,
corrigidas várias vezes seguidas, dão o mesmo resultado e a mesma causa. REPETICOES=20 (e os dois
núcleos ocupados) para a conferência longa; na suíte, poucas repetições."""

from __future__ import annotations

import os
import re

import pytest
from corpus_apoio import modulo_de, submissoes

from autograder import (
    FalhaNoFilho,
    rodar_no_filho,
    sondas_ex05,
    sondas_ex06,
    verificacoes_ex05,
    verificacoes_ex06,
)

REPETICOES = int(os.environ.get("REPETICOES", "3"))


def _parte_ex05(parte, roteiro, entrada, esperado):
    def corrigir():
        obs = rodar_no_filho(roteiro, "solucao_ex05", entrada, prazo=60)
        verificacoes_ex05.conferir_chamadas(parte, obs, entrada)
        verificacoes_ex05.conferir_trava(parte, obs)
        verificacoes_ex05.conferir_encontro(parte, obs, entrada)
        verificacoes_ex05.conferir_resultado(parte, obs, esperado)
    return corrigir


def _conversa():
    obs = rodar_no_filho(sondas_ex06.conversa_observada, "solucao_ex06", ["oi", "e aí?"], ["oi", "sair"], 3, prazo=40)
    verificacoes_ex06.conferir_conversa(obs, ["A: oi", "B: oi", "A: e aí?", "B: sair"])


def _encerramento():
    obs = rodar_no_filho(sondas_ex06.conversa_observada, "solucao_ex06", ["oi"], ["oi"], 1, falhar=True, prazo=40)
    verificacoes_ex06.conferir_encerramento(obs)


def _prazo_de_a():
    obs = rodar_no_filho(sondas_ex06.participante_sem_resposta, "solucao_ex06", 1.0, 20.0, "A", prazo=60)
    verificacoes_ex06.conferir_prazo_do_get(obs)


CONTAGEM = _parte_ex05("contagem", sondas_ex05.contagem_observada, ["o rato roeu", "o rato", "o rei"],
                       {"o": 3, "rato": 2, "roeu": 1, "rei": 1})
UNICOS = _parte_ex05("unicos", sondas_ex05.unicos_observados, [7] * 6, [7])
HISTORICO = _parte_ex05("historico", sondas_ex05.historico_observado, ["rui", "eva", "ana", "leo", "bia"],
                        ["ana", "bia", "eva", "leo", "rui"])

CASOS = {
    "ex05-referencia-contagem": ("ex05_managers", "referencia", CONTAGEM, None),
    "ex05-sem_trava-contagem": ("ex05_managers", "sem_trava_a", CONTAGEM, r"sem segurar a trava"),
    "ex05-referencia-unicos": ("ex05_managers", "referencia", UNICOS, None),
    "ex05-confere_fora_da_trava-unicos": ("ex05_managers", "confere_fora_da_trava", UNICOS, r"leu lista sem segurar a trava"),
    "ex05-referencia-historico": ("ex05_managers", "referencia", HISTORICO, None),
    "ex05-armadilha_mascarada-historico": ("ex05_managers", "armadilha_mascarada", HISTORICO,
                                           r"o append foi feito na cópia devolvida por historico\['log'\]"),
    "ex06-referencia-prazo_de_a": ("ex06_chat", "referencia", _prazo_de_a, None),
    "ex06-get_sem_prazo_em_a-prazo_de_a": ("ex06_chat", "get_sem_prazo_em_a", _prazo_de_a,
                                           r"A começou escrevendo.*o get não tem prazo"),
    "ex06-referencia-conversa": ("ex06_chat", "referencia", _conversa, None),
    "ex06-sem_join-conversa": ("ex06_chat", "sem_join", _conversa, r"não tinham sido esperados com join"),
    "ex06-sem_finally-encerramento": ("ex06_chat", "sem_finally", _encerramento, r"shutdown\(\) num finally"),
}


@pytest.mark.lento
@pytest.mark.parametrize("caso", list(CASOS))
def test_mesma_nota_em_cada_repeticao(caso, tmp_path, monkeypatch):
    exercicio, nome, corrigir, causa = CASOS[caso]
    arquivo, texto = modulo_de(exercicio, submissoes(exercicio)[nome])
    (tmp_path / arquivo).write_text(texto, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    resultados = []
    for _ in range(REPETICOES):
        try:
            corrigir()
            resultados.append("passou")
        except FalhaNoFilho as erro:
            texto = str(erro)
            resultados.append("falhou: " + ("causa certa" if causa and re.search(causa, texto) else texto[:300]))
    esperado = "passou" if causa is None else "falhou: causa certa"
    assert resultados == [esperado] * REPETICOES, resultados
