"""O chat do exercício 06 de verdade: servidor e dois participantes em três terminais (pseudo-terminais,
via pexpect), com a solução do source. Confere o que cada tela mostra: quem responde vê o que o outro
escreveu assim que chega, e `sair` encerra os dois."""

from __future__ import annotations

import io
import re
import signal
import sys

import pytest
from corpus import Submissao
from corpus_apoio import modulo_de

pexpect = pytest.importorskip("pexpect")

PRAZO = 60


def _como_num_terminal_novo() -> None:
    """No filho, antes do exec: Ctrl+C com o efeito de um terminal novo. Um sinal ignorado ou bloqueado
    passa pelo exec; se algo no processo do pytest (uma biblioteca, outro teste do mesmo processo do
    xdist) deixou o SIGINT assim, o servidor nunca receberia o Ctrl+C (visto duas vezes na suíte)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _terminal(pasta, *args):
    tela = io.StringIO()
    filho = pexpect.spawn(sys.executable, ["solucao_ex06.py", *args], cwd=str(pasta), encoding="utf-8",
                          timeout=PRAZO, dimensions=(40, 120), preexec_fn=_como_num_terminal_novo)
    filho.logfile_read = tela
    return filho, tela


def _em_ordem(tela: str, *trechos: str) -> None:
    posicao = 0
    for trecho in trechos:
        achado = tela.find(trecho, posicao)
        assert achado >= 0, f"a tela não mostra {trecho!r} depois da posição {posicao}:\n{tela}"
        posicao = achado + len(trecho)


@pytest.mark.lento
def test_dois_participantes_em_terminais_de_verdade(tmp_path):
    arquivo, texto = modulo_de("ex06_chat", Submissao("correta", {}))
    (tmp_path / arquivo).write_text(texto, encoding="utf-8")
    terminais = []
    try:
        servidor, tela_servidor = _terminal(tmp_path, "servidor")
        terminais.append(servidor)
        servidor.expect(r"Servidor em 127\.0\.0\.1:(\d+)")
        porta = servidor.match.group(1)
        servidor.expect(r"Chave: ([0-9a-f]{64})")
        chave = servidor.match.group(1)

        a, tela_a = _terminal(tmp_path, "participante", "A", "--porta", porta, "--chave", chave)
        b, tela_b = _terminal(tmp_path, "participante", "B", "--porta", porta, "--chave", chave)
        terminais += [a, b]
        a.expect_exact("A> ")
        b.expect_exact("espere A escrever")

        a.sendline("oi, B! tudo bem?")
        b.expect_exact("A: oi, B! tudo bem?")  # B vê a mensagem de A assim que chega...
        b.expect_exact("B> ")  # ...e só então é convidado a responder
        b.sendline("tudo ótimo, e você?")
        a.expect_exact("B: tudo ótimo, e você?")
        a.expect_exact("A> ")
        a.sendline("sair")
        a.expect_exact("Fim da conversa.")
        b.expect_exact("A: sair")
        b.expect_exact("Fim da conversa.")
        for participante in (a, b):
            participante.expect(pexpect.EOF)
            participante.close()
            assert participante.exitstatus == 0, participante.before

        servidor.sendintr()  # Ctrl+C no terminal do servidor
        servidor.expect(pexpect.EOF)
        servidor.close()

        _em_ordem(tela_a.getvalue(), "Você é A", "A> oi, B! tudo bem?", "B: tudo ótimo, e você?", "A> sair",
                  "Fim da conversa.")
        _em_ordem(tela_b.getvalue(), "Você é B", "A: oi, B! tudo bem?", "B> tudo ótimo, e você?", "A: sair",
                  "Fim da conversa.")
        # Cada um vê a mensagem do outro uma vez, e nunca a transcrição inteira repetida no fim.
        assert tela_b.getvalue().count("A: oi, B! tudo bem?") == 1
        assert tela_a.getvalue().count("B: tudo ótimo, e você?") == 1
        assert re.search(r"Chave: [0-9a-f]{64}", tela_servidor.getvalue())
    finally:
        for terminal in terminais:
            if terminal.isalive():
                terminal.terminate(force=True)
