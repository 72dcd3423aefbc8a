"""Verificações do exercício 03 (Lock, Semaphore, Barrier), calculadas dos eventos das sondas.

O teste entrega a primitiva (``sondas.Lock``, ``sondas.Semaphore``, ``sondas.Barrier``) e as funções
de trabalho (``sondas.Funcao``); depois da chamada, estas funções conferem, pela ORDEM dos eventos de
cada processo (e não por janelas de relógio), que o trabalho rodou em filhos de verdade, dentro da
primitiva recebida. A nota não depende da carga da máquina.
"""

from __future__ import annotations

import ast
import os
import time
from collections import defaultdict

from autograder import esperas
from autograder.execucao import FalhaNoFilho


def marcar(x):
    """Trabalho de teste: devolve ``(x, pid de quem chamou)`` — o pai não tem como inventá-lo."""
    return (x, os.getpid())


def dormir(segundos):
    """Fase 1 de teste: dorme ``segundos`` e devolve o valor."""
    time.sleep(segundos)
    return segundos


# ---------------------------------------------------------------------------------------------


def _chamadas(funcao) -> list[tuple[int, int, int | None, dict]]:
    """(pid, início, fim, evento de fim) de cada chamada da sonda Funcao, na ordem de cada processo."""
    abertas: dict[int, list[int]] = defaultdict(list)
    chamadas = []
    for e in sorted(funcao.eventos, key=lambda e: e["t"]):
        if e["op"] == "chamada":
            abertas[e["pid"]].append(e["t"])
        elif e["op"] == "fim" and abertas.get(e["pid"]):
            chamadas.append((e["pid"], abertas[e["pid"]].pop(0), e["t"], e))
    for pid, inicios in abertas.items():  # chamadas que não terminaram (exceção no meio, processo morto)
        chamadas.extend((pid, t, None, {}) for t in inicios)
    return chamadas


def _posses(eventos: list[dict]) -> list[tuple[int, int, int]]:
    abertos: dict[int, list[int]] = defaultdict(list)
    posses = []
    for e in sorted(eventos, key=lambda e: e["t"]):
        if e["op"] == "adquirir":
            abertos[e["pid"]].append(e["t"])
        elif e["op"] == "liberar" and abertos.get(e["pid"]):
            posses.append((e["pid"], abertos[e["pid"]].pop(), e["t"]))
    return posses


def _conferir_chamadas_em_filhos(funcao, quem: str, nome_funcao: str, n: int) -> list:
    chamadas = _chamadas(funcao)
    if not chamadas:
        raise FalhaNoFilho(
            f"{quem} não chamou a função {nome_funcao} que recebeu (o teste entrega uma função que anota cada "
            "chamada): cada processo filho tem de chamá-la."
        )
    no_pai = [c for c in chamadas if funcao.eventos and _no_executor(funcao, c[0])]
    if no_pai:
        raise FalhaNoFilho(
            f"{len(no_pai)} chamada(s) de {nome_funcao} aconteceram no próprio processo que chamou {quem}, e não "
            "em processos filhos: cada filho tem de chamá-la ele mesmo."
        )
    pids = {c[0] for c in chamadas}
    if len(chamadas) != n or len(pids) != n:
        raise FalhaNoFilho(
            f"esperava {n} chamadas de {nome_funcao}, uma em cada um de {n} processos filhos diferentes; vi "
            f"{len(chamadas)} chamada(s) em {len(pids)} processo(s)."
        )
    return chamadas


def _no_executor(sonda, pid: int) -> bool:
    return any(e["no_executor"] for e in sonda.eventos if e["pid"] == pid)


def _conferir_dentro(chamadas, posses, primitiva: str, nome_funcao: str, variavel: str) -> None:
    """``primitiva``: como a frase a nomeia ("a trava"); ``variavel``: o parâmetro do aluno ("trava")."""
    for pid, inicio, fim, _ in chamadas:
        dentro = any(p == pid and adq < inicio and (fim is not None and fim < lib) for p, adq, lib in posses)
        if not dentro:
            raise FalhaNoFilho(
                f"o processo filho {pid} chamou {nome_funcao} sem segurar {primitiva} durante a chamada inteira: "
                f"o trabalho tem de acontecer dentro do with {variavel} (entre o acquire e o release)."
            )


def _esperado(funcao) -> list:
    """O que cada chamada de ``marcar`` devolveu no filho: (argumento, pid)."""
    esperado = []
    for e in funcao.eventos:
        if e["op"] == "chamada":
            try:
                argumento = ast.literal_eval(e["args"])[0]
            except (ValueError, SyntaxError, IndexError, KeyError):
                continue
            esperado.append((argumento, e["pid"]))
    return esperado


def _conferir_resultado(devolvido, funcao, quem: str) -> None:
    esperado = _esperado(funcao)
    try:
        iguais = sorted(devolvido) == sorted(esperado)
    except TypeError:
        iguais = False
    if not iguais:
        raise FalhaNoFilho(
            f"{quem} devolveu {devolvido!r}; esperava, em qualquer ordem, o que a função de trabalho devolveu "
            f"em cada filho: {sorted(esperado)!r} (pares (argumento, pid do filho)). Os resultados têm de vir "
            "dos filhos (por uma Queue, por exemplo), e não ser calculados no pai."
        )


# ---------------------------------------------------------------------------------------------
# Parte A: Lock


def conferir_secao(trava, trabalho, devolvido, n: int) -> None:
    """``secao_critica(trava, trabalho, n)``: n filhos, cada chamada de trabalho dentro da trava."""
    __tracebackhide__ = True
    chamadas = _conferir_chamadas_em_filhos(trabalho, "secao_critica", "trabalho", n)
    posses = _posses(trava.eventos)
    if not posses:
        raise FalhaNoFilho(
            "ninguém adquiriu a trava recebida (nenhum acquire nela): use a trava que secao_critica recebe, "
            "e não uma criada por você."
        )
    _conferir_dentro(chamadas, posses, "a trava", "trabalho", "trava")
    _conferir_resultado(devolvido, trabalho, "secao_critica")


# ---------------------------------------------------------------------------------------------
# Parte B: Semaphore


def conferir_semaforo(semaforo, trabalho, devolvido, n: int, k: int) -> None:
    """``limitar(semaforo, trabalho, n)`` com Semaphore(k) e trabalho com encontro=k: cada chamada
    dentro do semáforo, nunca mais de k ao mesmo tempo, e k chamadas em andamento juntas."""
    __tracebackhide__ = True
    chamadas = _conferir_chamadas_em_filhos(trabalho, "limitar", "trabalho", n)
    posses = _posses(semaforo.eventos)
    if not posses:
        raise FalhaNoFilho(
            "ninguém adquiriu o semáforo recebido (nenhum acquire nele): use o semáforo que limitar recebe, "
            "e não um criado por você."
        )
    _conferir_dentro(chamadas, posses, "o semáforo", "trabalho", "semaforo")
    fora_de_ordem = esperas.join_antes_de_start(trabalho.processos, {c[0] for c in chamadas})
    if fora_de_ordem:
        raise FalhaNoFilho(
            f"limitar deu join() no processo {fora_de_ordem[0]} antes do start() do processo {fora_de_ordem[1]}: "
            "um join antes do próximo start põe os filhos em fila (mesmo com prazo no join) — o semáforo é que "
            "limita quantos trabalham juntos. Dê start() em todos e só depois join() em todos."
        )
    if semaforo.maximo > k:  # pragma: no cover - o semáforo de verdade não deixa
        raise FalhaNoFilho(f"{semaforo.maximo} processos seguraram o semáforo ao mesmo tempo; o limite era {k}.")
    sem_encontro = [c for c in chamadas if c[3].get("encontro") is False]
    if sem_encontro:
        raise FalhaNoFilho(
            f"nunca houve {k} chamadas de trabalho em andamento ao mesmo tempo (ocupação máxima do semáforo: "
            f"{semaforo.maximo}): o Semaphore({k}) deixa {k} processos trabalharem juntos, e a sua solução os pôs "
            "em fila (um Lock junto do semáforo? join de um processo antes do start do próximo?)."
        )
    _conferir_resultado(devolvido, trabalho, "limitar")


# ---------------------------------------------------------------------------------------------
# Parte C: Barrier


def conferir_fases(barreira, fase1, fase2, devolvido, valores: list) -> None:
    """``fases(barreira, fase1, fase2, valores)``: um filho por valor; em cada um, a fase 1 termina
    antes de ele chegar à barreira e a fase 2 começa depois de ele sair dela."""
    __tracebackhide__ = True
    n = len(valores)
    chamadas1 = _conferir_chamadas_em_filhos(fase1, "fases", "fase1", n)
    chamadas2 = _conferir_chamadas_em_filhos(fase2, "fases", "fase2", n)
    chegadas = {e["pid"]: e["t"] for e in barreira.eventos if e["op"] == "chegou"}
    saidas = {e["pid"]: e["t"] for e in barreira.eventos if e["op"] == "saiu"}
    if not chegadas:
        raise FalhaNoFilho(
            "ninguém esperou na barreira recebida (nenhum wait nela): a fase 2 só pode começar quando todos "
            "terminaram a fase 1, e quem garante isso é barreira.wait() — dormir até um instante combinado "
            "ou criar outra barreira não vale."
        )
    for pid, _inicio, fim, _ in chamadas1:
        if pid not in chegadas:
            raise FalhaNoFilho(f"o processo filho {pid} fez a fase 1 e não esperou na barreira.")
        if fim is None or fim > chegadas[pid]:
            raise FalhaNoFilho(
                f"o processo filho {pid} chegou à barreira antes de terminar a fase 1: a ordem em cada filho é "
                "fase1, barreira.wait(), fase2."
            )
    for pid, inicio, _fim, _ in chamadas2:
        if pid not in saidas or inicio < saidas[pid]:
            raise FalhaNoFilho(
                f"o processo filho {pid} começou a fase 2 sem ter saído da barreira: a ordem em cada filho é "
                "fase1, barreira.wait(), fase2."
            )
    if barreira.saiu_antes_de_todos_chegarem():  # pragma: no cover - a barreira de verdade não deixa
        raise FalhaNoFilho("alguém saiu da barreira antes de todos chegarem.")
    ultimo_fim = max(f for _, _, f, _ in chamadas1)
    primeiro_inicio = min(i for _, i, _, _ in chamadas2)
    if primeiro_inicio < ultimo_fim:  # pragma: no cover - implicado pelas conferências acima
        raise FalhaNoFilho("um processo começou a fase 2 antes de outro terminar a fase 1.")
    _conferir_resultado(devolvido, fase2, "fases")
