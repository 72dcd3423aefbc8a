"""Funções da aula 05 que rodam em processos filhos: cada primitiva de sincronização deixando provas.

Cada filho anota instantes (``time.time()``, o relógio do sistema, o mesmo para todos os processos)
e devolve as anotações ao pai por uma fila; o pai confere e desenha o que aconteceu.
Nenhuma espera é infinita: toda aquisição, ``wait`` e ``join`` tem prazo.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from multiprocessing import Process, current_process

#: Prazo padrão (segundos) de toda espera desta aula. Passou disso, algo ficou bloqueado: melhor um erro claro.
PRAZO = 30.0


# --------------------------------------------------------------------------------------------------
# Utilidades usadas pelo pai e pelos filhos
# --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def segurando(trava, prazo: float = PRAZO) -> Iterator[None]:
    """``with trava:``, mas com prazo: levanta ``TimeoutError`` em vez de esperar para sempre.

    Serve para ``Lock``, ``RLock``, ``Semaphore`` e ``Condition`` (todos têm
    ``acquire(timeout=...)``, que devolve ``False`` quando o prazo acaba).
    """
    if not trava.acquire(timeout=prazo):
        raise TimeoutError(f"{current_process().name}: não consegui adquirir {trava!r} em {prazo} s (impasse?)")
    try:
        yield
    finally:
        trava.release()


def esperar_ate(instante: float) -> None:
    """Dorme até o instante ``instante`` (de ``time.time()``): todos os filhos largam juntos."""
    time.sleep(max(0.0, instante - time.time()))


def iniciar_e_esperar(processos: Iterable[Process], prazo: float = PRAZO) -> None:
    """Inicia os processos, espera cada um com prazo e exige que todos terminem bem (código 0).

    Um filho que passa do prazo é encerrado (``terminate``) e vira um erro em português, em vez
    de deixar a célula parada para sempre.
    """
    processos = list(processos)
    for p in processos:
        p.start()
    limite = time.monotonic() + prazo
    for p in processos:
        p.join(timeout=max(0.0, limite - time.monotonic()))
    atrasados = [p for p in processos if p.is_alive()]
    for p in atrasados:
        p.terminate()
        p.join(timeout=5)
    if atrasados:
        nomes = ", ".join(p.name for p in atrasados)
        raise RuntimeError(f"{nomes} não terminou em {prazo} s e foi encerrado (impasse?)")
    falhos = [p for p in processos if p.exitcode != 0]
    if falhos:
        detalhes = ", ".join(f"{p.name} (código {p.exitcode})" for p in falhos)
        raise RuntimeError(f"processo filho terminou com erro: {detalhes}")


def coletar(fila, quantidade: int, prazo: float = PRAZO) -> list:
    """Tira ``quantidade`` itens da fila, cada ``get`` com prazo."""
    return [fila.get(timeout=prazo) for _ in range(quantidade)]


def esvaziar(fila) -> list:
    """Tudo o que está na fila, depois que quem escrevia nela já terminou (``join``)."""
    itens = []
    while not fila.empty():
        itens.append(fila.get(timeout=PRAZO))
    return itens


def sobreposicoes(intervalos: Iterable[tuple[str, float, float]]) -> int:
    """Quantos pares de intervalos ``(nome, entrada, saída)`` se sobrepõem no tempo."""
    ordenados = sorted(intervalos, key=lambda t: t[1])
    return sum(
        1
        for i, (_, _, fim_a) in enumerate(ordenados)
        for (_, ini_b, _) in ordenados[i + 1 :]
        if ini_b < fim_a
    )


def ocupacao(intervalos: Iterable[tuple[str, float, float]]) -> list[tuple[float, int]]:
    """Quantos estavam "lá dentro" a cada instante: lista de ``(instante, quantos)``, em ordem.

    Cada entrada soma 1 e cada saída subtrai 1; numa saída e numa entrada no mesmo instante, a
    saída conta primeiro (quem saiu liberou a vaga para quem entrou).
    """
    eventos = sorted(
        [(entrada, +1) for _, entrada, _ in intervalos] + [(saida, -1) for _, _, saida in intervalos],
        key=lambda e: (e[0], e[1]),
    )
    curva, dentro = [], 0
    for instante, delta in eventos:
        dentro += delta
        curva.append((instante, dentro))
    return curva


def ocupacao_maxima(intervalos: Iterable[tuple[str, float, float]]) -> int:
    """O maior número de intervalos simultâneos."""
    return max((quantos for _, quantos in ocupacao(intervalos)), default=0)


# --------------------------------------------------------------------------------------------------
# Lock: a seção crítica
# --------------------------------------------------------------------------------------------------


def visitar_secao_critica(trava, registro, largada: float, visitas: int = 3, duracao: float = 0.05) -> None:
    """Entra ``visitas`` vezes na seção crítica e anota ``(nome, entrada, saída)`` de cada visita.

    Com ``trava=None`` entra sem pedir licença (para ver o que acontece sem Lock). Os instantes são
    tomados **dentro** da seção crítica: se dois intervalos se sobrepõem, dois processos estiveram
    lá dentro ao mesmo tempo.
    """
    esperar_ate(largada)
    nome = current_process().name
    for _ in range(visitas):
        with segurando(trava) if trava is not None else contextlib.nullcontext():
            entrada = time.time()
            time.sleep(duracao)  # o "trabalho" que não pode ser feito por dois ao mesmo tempo
            saida = time.time()
        registro.put((nome, entrada, saida))
        time.sleep(duracao / 5)  # um respiro fora da seção crítica, para os outros terem vez


# --------------------------------------------------------------------------------------------------
# RLock: a mesma trava, de novo, pelo mesmo processo
# --------------------------------------------------------------------------------------------------


def descer(trava, nivel: int, profundidade: int, tentativas: list[tuple[int, bool]], prazo: float) -> None:
    """Função recursiva: cada nível adquire a trava (com prazo) antes de descer ao próximo.

    Anota em ``tentativas`` se conseguiu entrar em cada nível. Com um ``Lock`` comum, o nível 2
    espera por uma trava que o próprio processo segura: sem prazo, esperaria para sempre.
    """
    conseguiu = trava.acquire(timeout=prazo)
    tentativas.append((nivel, conseguiu))
    if not conseguiu:
        return
    try:
        if nivel < profundidade:
            descer(trava, nivel + 1, profundidade, tentativas, prazo)
    finally:
        trava.release()


def recursao_com_trava(trava, profundidade: int, resultado, prazo: float = 0.5) -> None:
    """Roda ``descer`` num filho e devolve ao pai ``(nome, tipo da trava, tentativas)``."""
    tentativas: list[tuple[int, bool]] = []
    descer(trava, 1, profundidade, tentativas, prazo)
    resultado.put((current_process().name, type(trava).__name__, tentativas))


# --------------------------------------------------------------------------------------------------
# Condition: produtor e consumidores
# --------------------------------------------------------------------------------------------------


def produzir(condicao, estoque, quantidade: int, registro, intervalo: float = 0.05) -> None:
    """Produz ``quantidade`` itens, um a cada ``intervalo`` s; a cada um, avisa (``notify``) um consumidor.

    ``estoque`` é um ``Value('i', lock=False)``: quem o protege é a trava da própria ``Condition``.
    """
    nome = current_process().name
    for _ in range(quantidade):
        time.sleep(intervalo)  # produzir leva tempo
        with segurando(condicao):
            estoque.value += 1
            registro.put((time.time(), nome, "produziu", estoque.value))
            condicao.notify()  # acorda um dos que esperam (se houver)


def consumir(condicao, estoque, quantidade: int, registro, prazo: float = PRAZO) -> None:
    """Consome ``quantidade`` itens; quando o estoque está vazio, espera (``wait_for``) sem gastar CPU.

    ``wait_for`` solta a trava enquanto espera, retoma-a ao acordar e confere o predicado de novo:
    só sai quando ``estoque.value > 0`` (ou quando o prazo acaba, e então devolve ``False``).
    """
    nome = current_process().name
    for _ in range(quantidade):
        with segurando(condicao):
            if estoque.value == 0:
                registro.put((time.time(), nome, "esperando", estoque.value))
            if not condicao.wait_for(lambda: estoque.value > 0, timeout=prazo):
                raise TimeoutError(f"{nome}: nenhum item em {prazo} s")
            estoque.value -= 1
            registro.put((time.time(), nome, "consumiu", estoque.value))


# --------------------------------------------------------------------------------------------------
# Event: a largada
# --------------------------------------------------------------------------------------------------


def esperar_largada(evento, resultado, prazo: float = PRAZO) -> None:
    """Anota quando começou a esperar, espera o evento (com prazo) e anota quando partiu."""
    comecou = time.time()
    partiu = evento.wait(timeout=prazo)  # True: o evento foi ligado; False: o prazo acabou
    resultado.put((current_process().name, partiu, comecou, time.time()))


# --------------------------------------------------------------------------------------------------
# Semaphore: no máximo k ao mesmo tempo
# --------------------------------------------------------------------------------------------------


def usar_recurso(semaforo, registro, largada: float, duracao: float = 0.2) -> None:
    """Usa um recurso limitado pelo semáforo e anota ``(nome, entrada, saída)`` do uso."""
    esperar_ate(largada)
    with segurando(semaforo):
        entrada = time.time()
        time.sleep(duracao)
        saida = time.time()
    registro.put((current_process().name, entrada, saida))


# --------------------------------------------------------------------------------------------------
# Barrier: o exemplo dos slides
# --------------------------------------------------------------------------------------------------


class MeuProcesso(Process):
    """O processo dos slides: dorme ``tempo`` segundos, espera na barreira e continua.

    Três correções em relação ao slide:

    * ``soneca = sleep(self.tempo)`` guardava ``None`` (``sleep`` não devolve nada): basta ``sleep``;
    * ``agora = time()`` era tomado **antes** de ``barreira.wait()``: o slide mostrava a hora em que
      o processo acordou, não a hora em que continuou. Aqui o instante é tomado depois do ``wait``;
    * ``barreira.wait(timeout=...)``: se o outro nunca chegar, a barreira se quebra
      (``BrokenBarrierError``) em vez de esperar para sempre.

    Além de imprimir (como no slide, com f-strings), devolve os instantes ao pai por ``registro``.
    """

    def __init__(self, barreira, tempo: float, registro=None, prazo: float = PRAZO):
        super().__init__()
        self.barreira = barreira
        self.tempo = tempo
        self.registro = registro
        self.prazo = prazo

    def run(self) -> None:
        inicio = time.time()
        print(f"{self.name} iniciando!!", flush=True)
        time.sleep(self.tempo)
        acordou = time.time()
        print(f"{self.name} acordei!!", flush=True)
        self.barreira.wait(timeout=self.prazo)
        agora = time.time()
        print(f"{self.name} - {datetime.fromtimestamp(agora):%H:%M:%S.%f} continuando processamento!!!", flush=True)
        if self.registro is not None:
            self.registro.put(
                {"nome": self.name, "tempo": self.tempo, "inicio": inicio, "acordou": acordou, "continuou": agora}
            )


# --------------------------------------------------------------------------------------------------
# Desenho (só no pai; o matplotlib é importado por quem chama)
# --------------------------------------------------------------------------------------------------


def _numero_no_fim(nome: str) -> tuple[str, int]:
    prefixo, _, numero = nome.rpartition("-")
    return (prefixo, int(numero)) if numero.isdigit() else (nome, 0)


def desenhar_intervalos(ax, intervalos, t0: float, titulo: str, cor: str = "tab:blue") -> None:
    """Uma linha por processo e uma barra por intervalo ``(nome, entrada, saída)``, em segundos desde ``t0``."""
    nomes = sorted({nome for nome, _, _ in intervalos}, key=_numero_no_fim)
    for y, nome in enumerate(nomes):
        barras = [(entrada - t0, saida - entrada) for n, entrada, saida in intervalos if n == nome]
        ax.broken_barh(barras, (y - 0.35, 0.7), facecolor=cor, edgecolor="black", linewidth=0.5)
    ax.set_yticks(range(len(nomes)), nomes)
    ax.set_ylim(-0.6, len(nomes) - 0.4)
    ax.set_title(titulo)
    ax.grid(axis="x", alpha=0.3)

