"""Funções da aula 05 que rodam em processos filhos: cada primitiva de sincronização em ação."""

from __future__ import annotations

import time
from datetime import datetime
from multiprocessing import Process, current_process


def secao_critica(trava, registro, duracao: float = 0.05) -> None:
    """Entra na seção crítica (com a trava, se houver) e registra os instantes de entrada e saída."""
    if trava is not None:
        trava.acquire()
    try:
        entrada = time.time()
        time.sleep(duracao)  # "trabalho" dentro da região crítica
        registro.put((current_process().name, entrada, time.time()))
    finally:
        if trava is not None:
            trava.release()


def sobreposicoes(intervalos: list[tuple[str, float, float]]) -> int:
    """Quantos pares de intervalos (nome, entrada, saída) se sobrepõem no tempo."""
    ordenados = sorted(intervalos, key=lambda t: t[1])
    return sum(
        1
        for i, (_, _, fim_a) in enumerate(ordenados)
        for (_, ini_b, _) in ordenados[i + 1 :]
        if ini_b < fim_a
    )


def contagem_regressiva(trava, n: int, resultado) -> None:
    """Função recursiva que adquire a mesma trava em cada nível (precisa de RLock)."""
    with trava:
        if n > 0:
            contagem_regressiva(trava, n - 1, resultado)
        else:
            resultado.put(current_process().name)


def tentar_duas_vezes(trava, resultado) -> None:
    """Adquire a trava e tenta de novo, com prazo: Lock diz False (travaria), RLock diz True."""
    with trava:
        conseguiu = trava.acquire(timeout=0.5)
        if conseguiu:
            trava.release()
        resultado.put(conseguiu)


def produtor_condicao(condicao, itens, quantidade: int) -> None:
    """Produz ``quantidade`` itens numa lista do Manager e avisa quem espera pela condição."""
    for i in range(quantidade):
        time.sleep(0.02)
        with condicao:
            itens.append(i)
            condicao.notify_all()


def consumidor_condicao(condicao, itens, quantidade: int, resultado) -> None:
    """Espera (com prazo) até haver ``quantidade`` itens e devolve quando isso aconteceu."""
    with condicao:
        pronto = condicao.wait_for(lambda: len(itens) >= quantidade, timeout=10)
    resultado.put((current_process().name, pronto, len(itens), time.time()))


def esperar_largada(evento, resultado) -> None:
    """Espera o evento (com prazo) e registra o instante em que partiu."""
    partiu = evento.wait(timeout=10)
    resultado.put((current_process().name, partiu, time.time()))


def usar_recurso(semaforo, ocupacao, trava_ocupacao, maximo, duracao: float = 0.1) -> None:
    """Usa um recurso limitado pelo semáforo e registra quantos o usavam ao mesmo tempo."""
    with semaforo:
        with trava_ocupacao:
            ocupacao.value += 1
            maximo.value = max(maximo.value, ocupacao.value)
        time.sleep(duracao)
        with trava_ocupacao:
            ocupacao.value -= 1


class MeuProcesso(Process):
    """O exemplo dos slides: dorme ``tempo`` segundos, espera a barreira e segue.

    Corrigido: ``soneca = sleep(...)`` guardava ``None`` (sleep não devolve nada), e os instantes
    agora voltam ao pai por uma fila em vez de só aparecerem no terminal.
    """

    def __init__(self, barreira, tempo: float, resultado):
        super().__init__()
        self.barreira = barreira
        self.tempo = tempo
        self.resultado = resultado

    def run(self) -> None:
        inicio = time.time()
        time.sleep(self.tempo)
        acordou = time.time()
        self.barreira.wait(timeout=30)
        continuou = time.time()
        self.resultado.put(
            {
                "nome": self.name,
                "tempo": self.tempo,
                "inicio": inicio,
                "acordou": acordou,
                "continuou": continuou,
                "hora": datetime.fromtimestamp(continuou).strftime("%H:%M:%S.%f")[:-3],
            }
        )
