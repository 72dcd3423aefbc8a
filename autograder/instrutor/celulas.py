"""O processo das células da nota de registro: roda o código das células de teste do source, uma a
uma, e escreve quais passaram.

    python -m autograder.instrutor.celulas [--vigiar-entrada] PEDIDO.json RESPOSTA.json

Roda na pasta que tem só o módulo do aluno. Não roda nenhuma célula do notebook do aluno: só as do
enunciado (o pedido), cada uma num espaço de nomes novo. Com a biblioteca que inicia executores pelo
``AUTOGRADER_EXECUTOR``, o código do aluno nunca roda neste processo, só nos executores (no sandbox).
A resposta é JSON simples: ``{id: {"ok": bool, "erro": texto}}``, regravada a cada célula (troca
atômica do arquivo): se o processo for cortado no meio (prazo, limites), as células que já rodaram
valem. Com ``-`` no lugar do arquivo de resposta, ela sai numa linha ``AUTOGRADER-RESPOSTA {...}`` do
stdout a cada célula (vale a última).

Com ``--vigiar-entrada``, a entrada padrão é um pipe cuja escrita fica com o corretor: quando ela fecha
(o corretor terminou ou foi morto, até com ``kill -9``), este processo mata o próprio grupo — ele e os
executores que iniciou (cada um leva o seu sandbox junto) —, em vez de rodar sozinho até o prazo.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

#: Prazo de cada célula (o mesmo do nbgrader: ``ExecutePreprocessor.timeout``).
PRAZO_CELULA = 120


class PrazoDaCelula(Exception):
    """A célula de teste passou do prazo."""


def _estourou(_sinal, _quadro):
    raise PrazoDaCelula(f"a célula passou de {PRAZO_CELULA} s")


def rodar(celulas: list[dict], gravar=None) -> dict:
    """Roda as células em ordem; ``gravar(respostas)`` é chamada depois de cada uma."""
    respostas = {}
    signal.signal(signal.SIGALRM, _estourou)
    for celula in celulas:
        espaco = {"__name__": "__main__"}
        signal.alarm(PRAZO_CELULA)
        try:
            exec(compile(celula["codigo"], f"<teste {celula['id']}>", "exec"), espaco)  # noqa: S102 - código do enunciado
            respostas[celula["id"]] = {"ok": True, "erro": None}
        except BaseException as erro:  # noqa: BLE001 - qualquer falha é uma célula que não passou
            ultima = traceback.format_exception_only(type(erro), erro)[-1].strip()
            respostas[celula["id"]] = {"ok": False, "erro": ultima[:2000]}
        finally:
            signal.alarm(0)
        if gravar is not None:
            gravar(respostas)
    return respostas


def _vigiar_entrada() -> None:
    """Numa thread: lê a entrada até o fim e então mata o grupo deste processo (sessão própria)."""

    def vigiar():
        with contextlib.suppress(OSError):
            while os.read(0, 4096):
                pass
        os.killpg(os.getpgrp(), signal.SIGKILL)

    if not hasattr(os, "killpg"):
        return  # sem grupos de processos (Windows): o corretor não pede a vigia ali
    if os.getpgrp() != os.getpid():
        raise SystemExit("--vigiar-entrada exige um processo líder do próprio grupo (start_new_session)")
    threading.Thread(target=vigiar, name="vigia-da-entrada", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--vigiar-entrada":
        _vigiar_entrada()
        argv = argv[1:]
    pedido, destino = Path(argv[0]), argv[1]
    celulas = json.loads(pedido.read_text(encoding="utf-8"))["celulas"]
    rodar(celulas, gravar=lambda respostas: _gravar(destino, respostas))
    return 0


def _gravar(destino: str, respostas: dict) -> None:
    if destino == "-":
        print("AUTOGRADER-RESPOSTA " + json.dumps(respostas), flush=True)
        return
    provisorio = Path(f"{destino}.parcial")
    provisorio.write_text(json.dumps(respostas), encoding="utf-8")
    os.replace(provisorio, destino)


if __name__ == "__main__":
    sys.exit(main())
