"""Regras de ordem entre start, get e join, tiradas dos eventos de processos de uma execução.

O executor anota (veja :meth:`autograder.sondas.Materializacao.vigiar_inicios`) cada ``start()``
(op ``process``, instante depois do start), cada ``join`` (op ``join``: ``t0`` ao entrar, ``t`` ao
voltar, ``terminou``: se o filho tinha acabado quando o join voltou; com ``via``, o pai viu o filho
terminado por ``is_alive()`` ou ``exitcode``, sem join — conta como espera cumprida), cada trabalho entregue a um pool
(``entregar``) e cada espera por um resultado (``esperar_resultado``). Todos os instantes são do mesmo
relógio (``time.monotonic_ns``) e os do pai saem da mesma linha de execução: a ordem entre eles é a
ordem do programa, e as regras daqui são de causa e efeito — a nota não depende da carga da máquina.

As funções devolvem o que acharam (ou nada); a mensagem, que nomeia a função do aluno e o dado, é de
cada exercício.
"""

from __future__ import annotations

#: (módulo, alvo) dos processos que a biblioteca padrão cria por dentro (trabalhadores de Pool e de
#: ProcessPoolExecutor, o servidor de um Manager): quem os espera é o pool ou o manager, não um join do aluno.
ALVOS_INTERNOS = {
    ("multiprocessing.pool", "worker"),
    ("concurrent.futures.process", "_process_worker"),
    ("multiprocessing.managers", "BaseManager._run_server"),
}


def _interno(evento: dict) -> bool:
    return (evento.get("modulo"), evento.get("alvo")) in ALVOS_INTERNOS


def inicios(processos: list[dict]) -> dict[int, dict]:
    """pid do filho -> evento do ``start()`` feito pelo pai (o processo que chamou a função do aluno),
    sem os processos internos de pools e managers."""
    return {e["filho"]: e for e in processos
            if e.get("op") == "process" and e.get("no_executor") and e.get("filho") and not _interno(e)}


def joins(processos: list[dict]) -> list[dict]:
    """Os ``join`` feitos pelo pai, em ordem."""
    return sorted((e for e in processos if e.get("op") == "join" and e.get("no_executor")), key=lambda e: e["t0"])


def sem_esperar(processos: list[dict], filhos=None, ate: int | None = None) -> tuple[list[int], list[int], list[int]]:
    """Os filhos que o pai não esperou: ``(nunca, vivos, tarde)``.

    ``filhos``: os pids a conferir (por padrão, todos os que o pai iniciou, menos os internos de pools
    e managers; pids que o pai não iniciou com ``Process.start`` são ignorados). Um filho foi esperado
    quando um ``join`` do pai voltou com ele terminado. ``nunca``: nenhum join nele; ``vivos``: houve
    join, mas todos voltaram (o prazo acabou) com ele ainda rodando; ``tarde``: esperados só depois do
    instante ``ate`` (a leitura do resultado, por exemplo)."""
    iniciados = inicios(processos)
    alvo = set(iniciados) if filhos is None else {p for p in filhos if p in iniciados}
    esperado_em: dict[int, int] = {}
    com_join: set[int] = set()
    for e in joins(processos):
        if e["filho"] in alvo:
            com_join.add(e["filho"])
            if e.get("terminou"):
                esperado_em.setdefault(e["filho"], e["t"])
    nunca = sorted(p for p in alvo if p not in com_join)
    vivos = sorted(p for p in com_join if p not in esperado_em)
    tarde = sorted(p for p, t in esperado_em.items() if ate is not None and t > ate)
    return nunca, vivos, tarde


def join_antes_de_start(processos: list[dict], filhos) -> tuple[int, int] | None:
    """``(esperado, iniciado_depois)`` quando o pai deu join num dos ``filhos`` antes de dar start em
    outro deles (``start`` em todos, e só depois ``join``: o contrário os põe em fila)."""
    iniciados = inicios(processos)
    alvo = {p for p in filhos if p in iniciados}
    if len(alvo) < 2:
        return None
    for e in joins(processos):
        if e["filho"] in alvo and not e.get("via"):  # ver que um filho acabou (is_alive) não espera nada
            depois = sorted((iniciados[p]["t"], p) for p in alvo if iniciados[p]["t"] > e["t0"])
            return (e["filho"], depois[0][1]) if depois else None
    return None


def espera_antes_de_entregar(processos: list[dict]) -> dict | None:
    """A primeira espera por um resultado ainda não pronto (``result()``, ``wait()``, ``get()``...)
    que aconteceu antes de o pai entregar ao pool o último trabalho; ``None`` se não houve."""
    entregas = [e["t"] for e in processos if e.get("op") == "entregar" and e.get("no_executor")]
    if not entregas:
        return None
    ultima = max(entregas)
    esperas = sorted((e for e in processos if e.get("op") == "esperar_resultado" and e.get("no_executor")
                      and not e.get("pronto") and e["t"] < ultima), key=lambda e: e["t"])
    return esperas[0] if esperas else None


def pids(lista) -> str:
    return ", ".join(str(p) for p in sorted(lista)) or "nenhum"
