"""Verificações do exercício 01 (processos e pools), usadas pelas células de teste.

Cada função roda a função do aluno num executor, com sondas, e confere o COMPORTAMENTO que o
enunciado pede; a mensagem de cada falha diz o que foi observado.
"""

from __future__ import annotations

import ast
import os

from autograder import esperas, rodar_no_filho
from autograder.execucao import FalhaNoFilho, _texto_da_excecao
from autograder.sondas_ex0102 import Fila, Funcao


def _falha(mensagem: str):
    __tracebackhide__ = True
    raise FalhaNoFilho(mensagem)


def _pids(pids) -> str:
    return ", ".join(str(p) for p in sorted(pids)) or "nenhum"


def conferir_leitura_antes_do_join(fila: Fila, quem: str) -> None:
    """O pai leu da ``fila`` TODOS os itens que os filhos puseram antes do primeiro join num deles
    (ler tudo, e só então dar join), e deu join em cada um."""
    __tracebackhide__ = True
    eventos = sorted((e for e in fila.eventos if e["no_executor"] and e["op"] in ("get", "join")), key=lambda e: e["t"])
    autores = {e["pid"] for e in fila.puts() if not e["no_executor"]}
    faltam = sum(1 for e in fila.puts() if e["pid"] in autores)
    for e in eventos:
        if e["op"] == "get" and e.get("origem") in autores:
            faltam -= 1
        elif e["op"] == "join" and e["alvo"] in autores and faltam > 0:
            _falha(
                f"{quem} deu join no processo {e['alvo']} quando ainda faltava ler {faltam} item(ns) da fila: leia "
                "primeiro TODOS os itens, e só então dê join em cada filho. (Um filho só termina depois que o "
                "que ele pôs na fila é lido — com itens grandes, um join antes de ler tudo pode esperar para "
                "sempre; e o item lido antes do join num filho pode ser de outro filho.)"
            )
    sem_join = autores - {e["alvo"] for e in fila.eventos if e["no_executor"] and e["op"] in ("join", "viu_terminar")}
    if sem_join:
        _falha(f"{quem} não deu join no(s) processo(s) {_pids(sem_join)}: espere cada filho com join depois de ler a fila.")


def conferir_iniciar_processos(sol, n: int) -> None:
    """Parte A: ``iniciar_processos(n, fila)`` com uma fila-sonda."""
    __tracebackhide__ = True
    fila = Fila()
    pids = rodar_no_filho(sol.iniciar_processos, n, fila, prazo=30)
    chamada = f"iniciar_processos({n}, fila)"
    if not isinstance(pids, list) or not all(isinstance(p, int) for p in pids):
        _falha(f"{chamada} devolveu {pids!r}: devolva uma lista de pids (inteiros).")
    no_pai = [e for e in fila.puts() if e["no_executor"]]
    if no_pai:
        _falha(
            f"{chamada}: o próprio processo que chamou iniciar_processos pôs {len(no_pai)} item(ns) na fila; "
            "quem põe (pid, nome) é cada filho, rodando _reportar."
        )
    autores = {e["pid"] for e in fila.puts()}
    if n and not autores:
        _falha(
            f"{chamada}: nenhum processo pôs nada na fila recebida. Inicie cada filho com target=_reportar e "
            "args=(fila,) — a fila do parâmetro, não uma nova."
        )
    if len(fila.puts()) != n or len(autores) != n:
        _falha(
            f"{chamada}: a fila recebeu {len(fila.puts())} item(ns), de {len(autores)} processo(s) filho(s) "
            f"diferente(s); esperava {n} itens, um de cada um de {n} filhos."
        )
    espiadas = fila.espiadas()
    if espiadas:
        ops = sorted({e["op"] for e in espiadas})
        _falha(
            f"{chamada} chamou {', '.join(op + '()' for op in ops)} na fila ({len(espiadas)} vez(es)): para saber "
            f"quantos itens ler não pergunte à fila — leia exatamente {n} itens, um por filho."
        )
    lidos = [e for e in fila.gets() if e["no_executor"]]
    if len(lidos) != n:
        _falha(f"{chamada}: o pai leu {len(lidos)} item(ns) da fila; tem de ler exatamente {n}, um por filho.")
    if len(pids) != n:
        _falha(f"{chamada} devolveu {len(pids)} pid(s); esperava {n}, um por processo iniciado.")
    if sorted(pids) != sorted(autores):
        _falha(
            f"{chamada} devolveu os pids {_pids(pids)}, mas os filhos que puseram itens na fila têm os pids "
            f"{_pids(autores)}: devolva os pids lidos da fila."
        )
    if pids != sorted(pids):
        _falha(f"{chamada} devolveu {pids}: devolva a lista ordenada.")
    conferir_leitura_antes_do_join(fila, "iniciar_processos")


def dividir_em_lote(nome_modulo: str, casos: list) -> list:
    """Roda no executor: ``dividir(*caso)`` do aluno para cada caso, numa importação só. Devolve, por
    caso, ("ok", resultado) ou a exceção como dado simples."""
    from autograder import _executor

    modulo = _executor._importar({"pasta": os.getcwd(), "modulo": nome_modulo})
    respostas = []
    for caso in casos:
        try:
            respostas.append(("ok", _executor._simplificar(modulo.dividir(*caso))))
        except Exception as erro:  # noqa: BLE001 - volta ao teste como mensagem
            respostas.append(_executor.descrever_excecao(erro))
    return respostas


def conferir_divisoes(sol, casos: list[tuple[int, int, int]]) -> None:
    """Parte B: cada caso (inicio, fim, k), numa execução só (o aluno vê dividir(...) nas mensagens)."""
    __tracebackhide__ = True
    sol.dividir  # noqa: B018 - falha clara se o módulo não define dividir
    respostas = rodar_no_filho(dividir_em_lote, sol._nome, [list(c) for c in casos], prazo=30)
    for caso, resposta in zip(casos, respostas):
        chamada = "dividir({}, {}, {})".format(*caso)
        if resposta[0] != "ok":
            _falha(_texto_da_excecao(chamada, (*resposta, {})))
        conferir_divisao(*caso, resposta[1])


def conferir_divisao(inicio: int, fim: int, k: int, pedacos) -> None:
    """Parte B: as propriedades que o enunciado pede, e nenhuma resposta em particular."""
    __tracebackhide__ = True
    chamada = f"dividir({inicio}, {fim}, {k})"
    if not isinstance(pedacos, (list, tuple)):
        _falha(f"{chamada} devolveu {pedacos!r}: devolva uma lista de pares (a, b).")
    pedacos = list(pedacos)
    if len(pedacos) != k:
        _falha(f"{chamada} devolveu {len(pedacos)} pedaço(s): {pedacos!r}; esperava {k}.")
    for i, p in enumerate(pedacos):
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            _falha(f"{chamada}: o pedaço {i} é {p!r}; cada pedaço é um par (a, b).")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in p):
            _falha(f"{chamada}: o pedaço {i} é {tuple(p)!r}; os limites devem ser inteiros (use //, não /).")
        if p[1] < p[0]:
            _falha(f"{chamada}: o pedaço {i} é {tuple(p)!r}, que termina antes de começar.")
    if pedacos[0][0] != inicio:
        _falha(f"{chamada}: o primeiro pedaço começa em {pedacos[0][0]}, não em {inicio}.")
    for i in range(1, k):
        if pedacos[i][0] != pedacos[i - 1][1]:
            o_que = "um buraco" if pedacos[i][0] > pedacos[i - 1][1] else "uma sobreposição"
            _falha(
                f"{chamada} devolveu {pedacos!r}: o pedaço {i} começa em {pedacos[i][0]}, mas o anterior termina "
                f"em {pedacos[i - 1][1]} ({o_que})."
            )
    if pedacos[-1][1] != fim:
        _falha(f"{chamada} devolveu {pedacos!r}: o último pedaço termina em {pedacos[-1][1]}, não em {fim}.")
    tamanhos = [b - a for a, b in pedacos]
    if max(tamanhos) - min(tamanhos) > 1:
        _falha(
            f"{chamada} devolveu {pedacos!r}, com tamanhos {tamanhos}: os tamanhos podem diferir de no máximo 1 "
            "(distribua o resto, um a mais em alguns pedaços)."
        )


def parcela_de_teste(inicio, fim):
    """A parcela que o teste entrega a ``soma_paralela``: a soma de i para i em [inicio, fim)."""
    return sum(range(inicio, fim))


def _pedaco(evento: dict):
    try:
        args = ast.literal_eval(evento.get("args", "()"))
        kwargs = ast.literal_eval(evento.get("kwargs", "{}"))
    except (ValueError, SyntaxError):
        return None
    valores = [*args, *(kwargs[c] for c in ("inicio", "fim") if c in kwargs)]
    if len(valores) != 2 or not all(isinstance(v, int) for v in valores):
        return None
    return tuple(valores)


def conferir_soma_paralela(sol, n: int, k: int) -> None:
    """Parte C: ``soma_paralela(n, k, parcela=...)`` com uma parcela-sonda que só termina quando as
    k chamadas estão em andamento ao mesmo tempo (k processos do pool, em paralelo)."""
    __tracebackhide__ = True
    chamada = f"soma_paralela({n}, {k}, parcela=...)"
    parcela = Funcao(parcela_de_teste, encontro=k, espera=10.0)
    total = rodar_no_filho(sol.soma_paralela, n, k, parcela=parcela, prazo=60)
    chamadas = parcela.chamadas()
    if not chamadas:
        _falha(
            f"{chamada}: a parcela recebida nunca foi chamada; cada pedaço tem de ser calculado com a função do "
            "parâmetro parcela (não com soma_de_quadrados diretamente)."
        )
    no_pai = [e for e in chamadas if e["no_executor"]]
    if no_pai:
        _falha(
            f"{chamada}: {len(no_pai)} de {len(chamadas)} parcela(s) foram calculadas no próprio processo que chamou "
            "soma_paralela (uma soma sequencial): cada pedaço tem de ser calculado por um processo do pool."
        )
    if len(chamadas) != k:
        _falha(f"{chamada}: a parcela foi chamada {len(chamadas)} vez(es); esperava {k}, uma por pedaço.")
    pedacos = sorted(p for p in map(_pedaco, chamadas) if p is not None)
    if len(pedacos) != k:
        _falha(f"{chamada}: a parcela tem de ser chamada com dois inteiros (inicio, fim); recebeu {[e.get('args') for e in chamadas]}.")
    esperado = [(a, b) for a, b in pedacos]
    if pedacos[0][0] != 0 or pedacos[-1][1] != n or any(esperado[i][0] != esperado[i - 1][1] for i in range(1, k)):
        _falha(f"{chamada}: as parcelas foram chamadas com os pedaços {pedacos}, que não cobrem [0, {n}) sem buracos nem sobreposições.")
    espera = esperas.espera_antes_de_entregar(parcela.processos)
    if espera is not None:
        _falha(
            f"{chamada}: o pai esperou um resultado ({espera['via']}() de um pedaço ainda em andamento) antes de "
            f"entregar ao pool todos os {k} pedaços: assim os pedaços rodam um depois do outro. Entregue todos "
            "(submit/apply_async/map) e só depois espere os resultados."
        )
    sozinhas = [e for e in parcela.eventos if e["op"] == "fim" and not e.get("encontro")]
    if sozinhas:
        processos = len({e["pid"] for e in chamadas})
        _falha(
            f"{chamada}: as {k} parcelas não estiveram em andamento ao mesmo tempo (rodaram em {processos} "
            f"processo(s), e {len(sozinhas)} delas não encontraram as outras em andamento): use um pool com {k} processos e "
            "entregue todos os pedaços antes de esperar os resultados."
        )
    if total != sum(range(n)):
        _falha(
            f"{chamada} devolveu {total!r}; as parcelas devolveram valores que somam {sum(range(n))}: devolva a soma "
            "do que cada parcela devolveu (o result() de cada Future)."
        )


# Nas mensagens do executor (prazo, impasse, processo que morreu), o nome que o aluno conhece.
dividir_em_lote.__name__ = "dividir"
