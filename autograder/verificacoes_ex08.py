"""Verificações do exercício 08 (Condition e buffer limitado): cada falha diz o que as sondas viram."""

from __future__ import annotations

from collections import Counter

from autograder.execucao import FalhaNoFilho, interpretar

NOMES = ("itens", "inicio", "quantidade")


def _capacidade(itens) -> int | None:
    """A capacidade do buffer: o tamanho do Array-sonda dos itens (None se não foi possível lê-lo)."""
    return len(itens.final) if isinstance(itens.final, list) else None


def _estouros(quantidade, capacidade: int | None, desde: int | None = None) -> list[dict]:
    """As escritas de ``quantidade`` (desde o instante ``desde``, se dado) fora de 0..``capacidade``."""
    if capacidade is None:
        return []
    return [e for e in quantidade.eventos if e["op"] == "escrever" and (desde is None or desde <= e["t"])
            and isinstance(e.get("valor"), int) and not 0 <= e["valor"] <= capacidade]

def _falhar(mensagem: str):
    __tracebackhide__ = True
    raise FalhaNoFilho(mensagem)


def _quem(evento: dict) -> str:
    return f"o pai (pid {evento['pid']})" if evento["no_executor"] else f"o processo filho {evento['pid']}"


def conteudo(itens, inicio, quantidade) -> list:
    """Os itens do buffer no fim, na ordem, lidos do estado final das sondas como o enunciado define."""
    dados, i, n = itens.final, inicio.final, quantidade.final
    if not dados or not isinstance(i, int) or not isinstance(n, int) or not 0 <= n <= len(dados):
        return [f"estado impossível: inicio={i}, quantidade={n}"]
    return [dados[(i + k) % len(dados)] for k in range(n)]


def conferir_condicao_segura(itens, inicio, quantidade) -> None:
    """Toda leitura e escrita de itens, inicio e quantidade aconteceu com a condição segura."""
    __tracebackhide__ = True
    for nome, sonda in zip(NOMES, (itens, inicio, quantidade)):
        ruins = sonda.sem_condicao()
        if ruins:
            e = ruins[0]
            acesso = f"{nome}[{e.get('i')}]" if nome == "itens" else f"{nome}.value"
            verbo = "leu" if e["op"] == "ler" else "escreveu"
            _falhar(
                f"{_quem(e)} {verbo} {acesso} sem segurar a condição ({len(ruins)} acesso(s) assim a {nome}): "
                "toda leitura e escrita do buffer acontece dentro de with condicao: (a condição recebida em "
                "__init__; a trava própria do Value/Array, get_lock(), não protege o buffer inteiro)"
            )


def esperas_sem_conferir(condicao, dados, pid: int | None = None, desde: int | None = None,
                         ate: int | None = None) -> list[dict]:
    """As esperas (``wait``) feitas sem ler o buffer na MESMA posse da trava: o processo olhou o
    estado, soltou a trava e só numa posse seguinte chamou ``wait``. Um aviso que chegue entre as
    duas posses se perde (o aviso perdido) — visto sempre nos eventos, não só quando a corrida acontece.
    Uma posse começa ao pegar a trava sem segurá-la (``adquirir`` com profundidade 1) ou ao voltar de
    um ``wait`` (``acordou``), que a devolve."""
    leituras: dict[int, list[int]] = {}
    for sonda in dados:
        for e in sonda.eventos:
            if e["op"] == "ler":
                leituras.setdefault(e["pid"], []).append(e["t"])
    inicios: dict[int, list[int]] = {}
    for e in condicao.eventos:
        if e["op"] == "acordou" or (e["op"] == "adquirir" and e.get("profundidade") == 1):
            inicios.setdefault(e["pid"], []).append(e["t"])
    ruins = []
    for espera in condicao.esperas(pid):
        if (desde is not None and espera["t"] < desde) or (ate is not None and espera["t"] > ate):
            continue
        antes = [t for t in inicios.get(espera["pid"], []) if t <= espera["t"]]
        if not antes:
            continue
        comeco = max(antes)
        if not any(comeco <= t <= espera["t"] for t in leituras.get(espera["pid"], [])):
            ruins.append(espera)
    return ruins


def _falhar_aviso_perdido(ruins: list[dict]) -> None:
    __tracebackhide__ = True
    _falhar(
        f"{_quem(ruins[0])} chamou wait na condição sem olhar o buffer na mesma posse da trava "
        f"({len(ruins)} espera(s) assim): ele conferiu o buffer, soltou a trava e só depois a pegou de novo "
        "para esperar. Um notify_all() que chegue nesse intervalo se perde, e ele dorme até o prazo (o "
        "aviso perdido). Confira o buffer e chame wait dentro do mesmo with condicao: — "
        "condicao.wait_for(predicado, timeout=...) faz isso"
    )


def _simular(operacoes: list) -> tuple[list, list]:
    fila, esperado = [], []
    for op in operacoes:
        if op[0] == "colocar":
            fila.append(op[1])
            esperado.append(None)
        elif op[0] == "retirar":
            esperado.append(fila.pop(0))
        else:
            esperado.append(len(fila))
    return esperado, fila


def _descrever(operacoes: list, ate: int) -> str:
    partes = []
    for op in operacoes[: ate + 1]:
        partes.append(f"colocar({op[1]})" if op[0] == "colocar" else f"{op[0]}()")
    return ", ".join(partes)


def verificar_sequencias(execucao, casos) -> None:
    """Parte A: cada caso ``(condicao, itens, inicio, quantidade, operacoes)`` rodado por
    :func:`autograder.cenarios_ex08.sequencias`."""
    __tracebackhide__ = True
    resultados = interpretar(execucao, 30)
    for (_, itens, inicio, quantidade, operacoes), obtido in zip(casos, resultados):
        conferir_sequencia(obtido, operacoes, itens, inicio, quantidade)


def conferir_sequencia(obtido, operacoes, itens, inicio, quantidade) -> None:
    """Parte A: as operações num processo só devolvem o que uma fila (FIFO) devolveria, com a condição segura."""
    __tracebackhide__ = True
    conferir_condicao_segura(itens, inicio, quantidade)
    if not quantidade.contar("escrever"):
        _falhar("ninguém escreveu em quantidade.value: o buffer tem de ficar em itens, inicio e quantidade, "
                "a memória compartilhada recebida em __init__ (uma lista comum não existe nos outros processos)")
    esperado, restantes = _simular(operacoes)
    for i, (o, e) in enumerate(zip(obtido, esperado)):
        if o != e:
            op = operacoes[i][0]
            explicacao = ("o mais antigo sai primeiro (FIFO)" if op == "retirar" else
                          "quantos() devolve quantos itens há no buffer")
            _falhar(f"depois de {_descrever(operacoes, i)}, {op}() devolveu {o!r}; esperava {e!r}: {explicacao}")
    final = conteudo(itens, inicio, quantidade)
    if final != restantes:
        _falhar(
            f"no fim, o buffer (itens[inicio], itens[(inicio + 1) % capacidade], ..., quantidade deles) tem "
            f"{final}; esperava {restantes}: inicio e quantidade têm de representar a fila como o enunciado pede"
        )


def verificar_esperas(execucao, casos) -> None:
    """Parte B: cada caso rodado por :func:`autograder.cenarios_ex08.esperas`."""
    __tracebackhide__ = True
    if execucao.impasse:
        _falhar("colocar(..., prazo=...) num buffer cheio (ou retirar num vazio) ficou bloqueado para sempre: a "
                "espera tem de usar o prazo (wait_for(..., timeout=prazo)) e levantar TimeoutError quando ele "
                f"acabar.{execucao.diagnostico}")
    resultados = interpretar(execucao, 60)
    for caso, res in zip(casos, resultados):
        if caso[0] == "prazo":
            conferir_prazo(res, caso[1], caso[2], *caso[3])
        elif caso[0] == "dois":
            conferir_dois(res, caso[1], *caso[2])
        else:
            conferir_acordar(res, caso[1], *caso[2])


def conferir_prazo(res, lado: str, segundos: float, condicao, itens, inicio, quantidade) -> None:
    """Parte B: a operação impossível espera na condição, com prazo, e levanta TimeoutError sem mudar o buffer."""
    __tracebackhide__ = True
    chamada = f"{lado}(..., prazo={segundos:g})" + (" num buffer cheio" if lado == "colocar" else " num buffer vazio")
    t0, t1 = res["marcas"]
    if res["resultado"] != "TimeoutError":
        _falhar(f"{chamada} {res['resultado']}; esperava TimeoutError depois de esperar o prazo")
    esperas = [e for e in condicao.esperas(res["pid"]) if t0 <= e["t"] <= t1]
    if not esperas:
        _falhar(f"{chamada} levantou TimeoutError sem esperar na condição: espere com condicao.wait_for(..., "
                "timeout=prazo) (ou wait) até haver vaga/item ou o prazo acabar")
    ruins = esperas_sem_conferir(condicao, (itens, inicio, quantidade), res["pid"], t0, t1)
    if ruins:
        _falhar_aviso_perdido(ruins)
    mudou = [e for s in (itens, inicio, quantidade) for e in s.eventos
             if e["op"] == "escrever" and t0 <= e["t"] <= t1]
    if mudou:
        _falhar(f"{chamada} levantou TimeoutError, mas antes mudou o buffer ({len(mudou)} escrita(s)): quem "
                "desiste não mexe em nada")


def conferir_acordar(res, lado: str, condicao, itens, inicio, quantidade) -> None:
    """Parte B: o filho que encontra o buffer cheio/vazio espera na condição (com prazo) e a operação
    contrária, no pai, o acorda com notify_all()."""
    __tracebackhide__ = True
    pid, t0 = res["pid_filho"], res["marcas"][0]
    estado = "cheio" if lado == "colocar" else "vazio"
    contraria = "retirar" if lado == "colocar" else "colocar"
    antes = [e for e in condicao.eventos if e["pid"] == pid and e["t"] < t0]
    esperas = [e for e in antes if e["op"] == "esperando"]
    if not esperas:
        olhadas = sum(1 for e in antes if e["op"] == "adquirir")
        if not olhadas:
            _falhar(f"o processo filho chamou {lado}() com o buffer {estado} e nem pegou a trava da condição")
        _falhar(
            f"o processo filho chamou {lado}() com o buffer {estado}, pegou e soltou a trava da condição "
            f"{olhadas} vez(es) sem esperar nela: isso é espera ocupada. Com o buffer {estado}, espere com "
            "condicao.wait_for(predicado, timeout=prazo) (ou wait), que solta a trava e dorme até alguém avisar"
        )
    ruins = esperas_sem_conferir(condicao, (itens, inicio, quantidade), pid, ate=t0)
    if ruins:
        _falhar_aviso_perdido(ruins)
    sem_prazo = [e for e in esperas if e.get("timeout") is None]
    if sem_prazo:
        _falhar(f"o processo filho esperou na condição sem prazo (wait()/wait_for() sem timeout): use o prazo de {lado}")
    if not res["avisou"]:
        _falhar(
            f"com um processo esperando em {lado}(), {contraria}() não avisou ninguém: depois de mudar o "
            "buffer, chame condicao.notify_all() (com a condição segura) — sem o aviso, quem espera só "
            "acordaria quando o prazo acabasse"
        )
    t1 = res["marcas"][1]
    so_um = [e for e in condicao.eventos if e["op"] == "notify" and e["pid"] != pid and t0 <= e["t"] <= t1]
    if so_um:
        _falhar(
            f"com um processo esperando em {lado}(), {contraria}() avisou com condicao.notify(), que acorda UM só "
            "processo: produtores e consumidores esperam na mesma condição, e o acordado pode ser do mesmo lado "
            "de quem avisou. Avise com condicao.notify_all(), como o enunciado pede"
        )
    if not res["terminou"] or res["filho"] is None:
        _falhar(f"o processo filho avisado não terminou {lado}() (o que ele mandou: {res['filho']!r})")
    if res["filho"][0] != "ok":
        _falhar(f"no processo filho, {lado}() levantou {res['filho'][1]}")
    final = conteudo(itens, inicio, quantidade)
    if lado == "colocar":
        if 999 not in final or len(final) != len(itens.final):
            _falhar(f"o filho colocou 999 no buffer cheio depois de uma vaga abrir, mas o buffer ficou {final}")
    else:
        if res["filho"][1] != 777:
            _falhar(f"o filho esperava um item num buffer vazio; o pai colocou 777 e o filho retirou {res['filho'][1]!r}")
        if final:
            _falhar(f"o único item foi retirado, mas o buffer ficou {final}")


def conferir_dois(res, lado: str, condicao, itens, inicio, quantidade) -> None:
    """Parte B: dois filhos esperam no buffer cheio (vazio); uma vaga (um item) só: o notify_all() acorda
    os dois e só um segue — o outro confere o buffer de novo e volta a esperar, sem estourar o buffer."""
    __tracebackhide__ = True
    t0, t1 = res["marcas"]
    capacidade = _capacidade(itens)
    estado = "cheio" if lado == "colocar" else "vazio"
    estourou = _estouros(quantidade, capacidade, desde=t0)
    if estourou:
        _falhar(
            f"com dois processos esperando em {lado}() no buffer {estado} e "
            f"{'uma vaga só' if lado == 'colocar' else 'um item só'}, o notify_all() acordou os dois e os dois "
            f"seguiram: quantidade chegou a {estourou[0]['valor']} (capacidade {capacidade}). Quem acorda confere "
            "o buffer de novo antes de mexer nele — espere num laço (while) ou com wait_for, não com um if"
        )
    ruins = esperas_sem_conferir(condicao, (itens, inicio, quantidade), desde=t0, ate=t1)
    if ruins:
        _falhar_aviso_perdido(ruins)
    erros = [r for r in res["respostas"] if r[0] != "ok"]
    if erros:
        _falhar(f"com dois processos esperando em {lado}(), um deles levantou {erros[0][1]}")
    if len(res["respostas"]) < 2:
        _falhar(f"com dois processos esperando em {lado}() e {'duas vagas' if lado == 'colocar' else 'dois itens'} "
                f"abertos um depois do outro, só {len(res['respostas'])} terminou: quem acorda e não pode seguir "
                "volta a esperar, e o próximo notify_all() o acorda de novo")


def verificar_producao(execucao, lotes, n_consumidores, condicao, itens, inicio, quantidade) -> None:
    """Parte C: produtores e consumidores em processos, com a condição segura, notify_all, sem estourar
    a capacidade, cada item retirado uma vez por um consumidor."""
    __tracebackhide__ = True
    # Um filho que chamou wait/notify sem a condição morreu com o AssertionError (e o pai, esperando os
    # itens, só vê a fila vazia): a causa vem primeiro.
    sem_trava = [e for e in condicao.eventos if e["op"] == "sem_trava"]
    if sem_trava:
        operacao = sem_trava[0].get("operacao", "notify_all")
        _falhar(
            f"{_quem(sem_trava[0])} chamou condicao.{operacao}() sem segurar a condição ({len(sem_trava)} vez(es)), "
            "e o multiprocessing recusa ('lock is not owned'): o processo morreu ali. Espere e avise dentro de "
            "'with condicao:', no mesmo bloco em que mexe no buffer"
        )
    notifies = condicao.notificacoes("notify")
    if notifies:
        _falhar(
            f"{_quem(notifies[0])} chamou condicao.notify() ({len(notifies)} vez(es)): produtores e consumidores "
            "esperam na mesma condição, e notify() acorda um só — que pode ser do mesmo lado (um produtor "
            "acordando outro produtor), deixando o outro lado esperando até o prazo. Use notify_all()"
        )
    conferir_condicao_segura(itens, inicio, quantidade)
    ruins = esperas_sem_conferir(condicao, (itens, inicio, quantidade))
    if ruins:
        _falhar_aviso_perdido(ruins)
    capacidade = _capacidade(itens)
    # Estourar a capacidade (ou ficar negativo) é a causa; os itens repetidos ou perdidos, a consequência.
    estourou = _estouros(quantidade, capacidade)
    if estourou:
        _falhar(f"{_quem(estourou[0])} fez quantidade chegar a {estourou[0]['valor']}, com capacidade {capacidade}: "
                "colocar espera enquanto o buffer está cheio (e retirar, enquanto está vazio) — confira o buffer "
                "de novo ao acordar, num laço (while) ou com wait_for")
    resultado = interpretar(execucao, 60)
    todos = [x for lote in lotes for x in lote]
    if not isinstance(resultado, list):
        _falhar(f"produzir_e_consumir devolveu {type(resultado).__name__}; devolva a lista dos itens retirados")
    if Counter(resultado) != Counter(todos):
        _falhar(f"esperava os itens {sorted(todos)} (em qualquer ordem), cada um uma vez; recebi {sorted(resultado, key=repr)}")
    escritas = [e for e in itens.eventos if e["op"] == "escrever" and isinstance(e.get("valor"), int) and e["valor"] >= 0]
    do_pai = [e for e in escritas if e["no_executor"]]
    if do_pai:
        _falhar(f"o próprio pai colocou {len(do_pai)} item(ns) no buffer: cada lote é colocado por um processo produtor")
    por_pid: dict[int, list] = {}
    for e in sorted(escritas, key=lambda e: e["t"]):
        por_pid.setdefault(e["pid"], []).append(e["valor"])
    lotes_restantes = [list(lote) for lote in lotes if lote]
    for pid, colocados in por_pid.items():
        if colocados not in lotes_restantes:
            _falhar(f"o processo filho {pid} colocou {colocados} no buffer: cada produtor coloca um lote inteiro, "
                    f"na ordem (os lotes são {lotes})")
        lotes_restantes.remove(colocados)
    if lotes_restantes:
        _falhar(f"nenhum processo produtor colocou o(s) lote(s) {lotes_restantes}: um produtor por lote")
    leituras = [e for e in itens.eventos if e["op"] == "ler" and isinstance(e.get("valor"), int) and e["valor"] >= 0]
    pelo_pai = [e for e in leituras if e["no_executor"]]
    if pelo_pai:
        _falhar(f"o próprio pai retirou {len(pelo_pai)} item(ns) do buffer: quem retira são os processos consumidores")
    retirados = {e["valor"] for e in leituras}
    if retirados != set(todos):
        _falhar(f"os consumidores retiraram do buffer {sorted(retirados)}; esperava {sorted(set(todos))}")
    iniciados = [e for e in execucao.iniciados if e["op"] == "process" and e["no_executor"]]
    minimo = len([lote for lote in lotes if lote]) + n_consumidores
    if len(iniciados) < minimo:
        _falhar(f"o pai iniciou {len(iniciados)} processo(s); esperava ao menos {minimo}: um produtor por lote e "
                f"{n_consumidores} consumidor(es)")


def verificar_despertar(execucao, condicao, itens, inicio, quantidade) -> None:
    """Parte C: rodado por :func:`autograder.cenarios_ex08.despertar`. Com o buffer cheio e o ``produtor``
    do aluno esperando num filho, o teste avisa com ``notify_all()`` sem abrir vaga: quem acorda confere o
    buffer de novo e volta a esperar, sem estourar a capacidade."""
    __tracebackhide__ = True
    res = interpretar(execucao, 60)
    capacidade = _capacidade(itens)
    estourou = _estouros(quantidade, capacidade)
    if res.get("pulou") or not estourou:
        return
    e = estourou[0]
    if res["esperavam"] and e["pid"] == res["pid_filho"] and e["t"] >= res["t_aviso"]:
        _falhar(
            f"com o buffer cheio e o processo filho {e['pid']} esperando em colocar() (rodando produtor), o teste "
            "chamou condicao.notify_all() sem abrir vaga — como no programa de verdade, quando outro produtor "
            "coloca um item e avisa todos: quem espera acorda com o buffer ainda cheio. O filho acordou com a "
            f"condição falsa e seguiu sem conferir o buffer de novo: quantidade chegou a {e['valor']} "
            f"(capacidade {capacidade}). Acordar do wait não garante que a condição vale: espere num laço "
            "(while), conferindo o buffer a cada volta, ou com condicao.wait_for(predicado, timeout=prazo) — "
            "nunca com um if"
        )
    _falhar(
        f"{_quem(e)} fez quantidade chegar a {e['valor']}, com capacidade {capacidade}: com o buffer cheio, "
        "produtor(buffer, [900]) colocou sem esperar vaga — colocar espera na condição enquanto o buffer está "
        "cheio, e confere o buffer de novo ao acordar (num laço while ou com wait_for)"
    )
