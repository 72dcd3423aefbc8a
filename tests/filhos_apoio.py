"""Funções de módulo que os testes das aulas rodam em processos filhos (importáveis com spawn e
forkserver): largada comum por uma barreira, aviso de "já estou esperando", janela alargada."""

from __future__ import annotations

import os
import sys
import time
import types
from pathlib import Path

_NOTEBOOKS = str(Path(__file__).resolve().parents[1] / "notebooks")
if _NOTEBOOKS not in sys.path:
    sys.path.insert(0, _NOTEBOOKS)

import aula02_cpu  # noqa: E402
import aula05_sincronizacao  # noqa: E402
import aula06_memoria  # noqa: E402

PRAZO = 60.0  # nenhuma espera daqui é infinita

_computer_original = aula02_cpu.computer  # guardado antes de qualquer monkeypatch (com fork, o filho herda o módulo)

def computer_em_encontro(pasta: str, quantos: int, start: int, end: int) -> dict:
    """``computer`` da aula 02, mas só depois que ``quantos`` tarefas estão rodando ao mesmo tempo
    (cada uma anota um arquivo em ``pasta``): um trabalhador preso aqui não pega outra tarefa, então
    cada tarefa cai num processo diferente se (e só se) o pool tem trabalhadores para isso. Sem
    parceiros, desiste no prazo e calcula assim mesmo."""
    (Path(pasta) / f"{os.getpid()}-{start}").touch()
    fim = time.monotonic() + PRAZO  # o encontro acaba quando o parceiro chega: esperar muito não custa
    while len(list(Path(pasta).iterdir())) < quantos and time.monotonic() < fim:
        time.sleep(0.01)
    return _computer_original(start, end)


def largar_juntos(barreira, alvo, *args) -> None:
    """Espera todos os irmãos na barreira (a largada comum) e chama ``alvo(*args)``."""
    barreira.wait(timeout=PRAZO)
    alvo(*args)


class MeuProcessoComLargada(aula05_sincronizacao.MeuProcesso):
    """O ``MeuProcesso`` da aula, com uma largada comum antes de começar a dormir."""

    def __init__(self, largada, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.largada = largada

    def run(self) -> None:
        self.largada.wait(timeout=PRAZO)
        super().run()


class EventoQueAvisa:
    """Um ``Event`` que avisa (por ``avisos``) quando alguém começa a esperá-lo."""

    def __init__(self, evento, avisos):
        self.evento = evento
        self.avisos = avisos

    def wait(self, timeout=None):
        self.avisos.put(os.getpid())
        return self.evento.wait(timeout)


def incremento_com_janela_larga(contador, barreira, repeticoes: int, usar_trava: bool, janela: float) -> None:
    """``incremento_lento`` da aula 06 com a pausa entre ler e escrever alargada para ``janela``
    segundos (só neste filho), depois de uma largada comum: sem trava, a corrida aparece sempre."""
    barreira.wait(timeout=PRAZO)
    aula06_memoria.time = types.SimpleNamespace(sleep=lambda s: time.sleep(s + janela))
    aula06_memoria.incremento_lento(contador, repeticoes, usar_trava)
