"""Testes de notebooks/aula04_pingpong.py: a transcrição, o 'sair' de cada lado e o modo interativo."""

import multiprocessing
import subprocess
import sys

from apoio import NOTEBOOKS

sys.path.insert(0, str(NOTEBOOKS))
import aula04_pingpong as pingpong  # noqa: E402


def test_roteiro_padrao_sai_na_ordem_e_termina(metodo):
    transcricao = pingpong.conversar(pingpong.ROTEIRO_PADRAO)
    esperadas = [f"Processo {quem} enviou: {msg}" for quem, msg in pingpong.ROTEIRO_PADRAO]
    assert transcricao == [*esperadas, "Processo pong encerrou porque ping saiu"]
    assert multiprocessing.active_children() == []


def test_sair_do_pong_encerra_o_ping_e_ignora_o_resto(metodo):
    roteiro = [("ping", "oi"), ("pong", "SAIR"), ("ping", "nunca enviada")]
    assert pingpong.conversar(roteiro) == [
        "Processo ping enviou: oi",
        "Processo pong enviou: sair",
        "Processo ping encerrou porque pong saiu",
    ]


def test_fonte_pode_ser_uma_funcao():
    falas = iter(["a", "b", "sair"])
    perguntados = []

    def fonte(nome):
        perguntados.append(nome)
        return next(falas)

    transcricao = pingpong.conversar(fonte)
    assert perguntados == ["ping", "pong", "ping"]
    assert transcricao[-1] == "Processo pong encerrou porque ping saiu"


def test_modo_interativo_no_terminal_le_do_stdin():
    proc = subprocess.run(
        [sys.executable, "aula04_pingpong.py", "--interativo"],
        input="olá\ntudo bem?\nsair\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=NOTEBOOKS,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Processo ping enviou: olá" in proc.stdout
    assert "Processo pong enviou: tudo bem?" in proc.stdout
    assert "Ping Pong concluído." in proc.stdout
