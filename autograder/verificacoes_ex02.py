"""Verificações do exercício 02 (Pipe e Queue), usadas pelas células de teste.

O teste entrega filas instrumentadas (que anotam quem pôs e quem tirou cada item, e os join do
pai) e um alvo instrumentado, e confere o COMPORTAMENTO que o enunciado pede; a mensagem de cada
falha diz o que foi observado.
"""

from __future__ import annotations

from autograder import rodar_no_filho
from autograder.execucao import FalhaNoFilho, executar, interpretar, mostrar_saida
from autograder.sondas_ex0102 import Fila, Funcao
from autograder.verificacoes_ex01 import conferir_leitura_antes_do_join

FIM = "None"  # como a sonda anota o FIM (a constante None do módulo)


def _falha(mensagem: str):
    __tracebackhide__ = True
    raise FalhaNoFilho(mensagem)


def _pids(pids) -> str:
    return ", ".join(str(p) for p in sorted(pids)) or "nenhum"


def cubos_de_teste(con):
    """O alvo que o teste entrega a ``pedir_quadrados``: responde com os CUBOS (não os quadrados),
    para que se veja que a resposta veio do filho que rodou o alvo recebido."""
    lista = con.recv()
    con.send([n * n * n for n in lista])
    con.close()


def conferir_pedir_quadrados(sol, numeros: list) -> None:
    __tracebackhide__ = True
    chamada = f"pedir_quadrados({numeros!r}, alvo=...)"
    alvo = Funcao(cubos_de_teste)
    resposta = rodar_no_filho(sol.pedir_quadrados, list(numeros), alvo=alvo, prazo=30)
    chamadas = alvo.chamadas()
    if not chamadas:
        _falha(
            f"{chamada}: o alvo recebido nunca foi chamado — inicie o filho com target=alvo (o parâmetro), não "
            "com quadrados diretamente; o teste passa um alvo dele, que responde com os cubos."
        )
    if any(e["no_executor"] for e in chamadas):
        _falha(f"{chamada}: o alvo rodou no próprio processo que chamou pedir_quadrados; ele tem de rodar num processo filho.")
    if len(chamadas) != 1:
        _falha(f"{chamada}: o alvo foi chamado {len(chamadas)} vezes; esperava um filho só.")
    cubos = [n ** 3 for n in numeros]
    if resposta != cubos:
        origem = " (os quadrados, calculados sem o filho?)" if resposta == [n * n for n in numeros] and numeros else ""
        _falha(
            f"{chamada} devolveu {resposta!r}{origem}; o alvo do teste respondeu {cubos!r} pelo Pipe: devolva o que "
            "o filho respondeu."
        )
    filho = chamadas[0]["pid"]
    if not any(e["op"] in ("join", "viu_terminar") and e.get("alvo") == filho for e in alvo.eventos):
        _falha(f"{chamada}: o pai não deu join no filho (pid {filho}) depois de receber a resposta.")


def _texto_espiadas(quem: str, filas: dict[str, Fila]) -> str:
    for nome, fila in filas.items():
        espiadas = fila.espiadas()
        if espiadas:
            e = espiadas[0]
            processo = "o próprio processo que chamou" if e["no_executor"] else f"o processo {e['pid']}"
            return (
                f"{quem}: {processo} chamou {e['op']}() na fila {nome} ({len(espiadas)} chamada(s) de "
                "empty/qsize/full ao todo). Essas respostas podem estar velhas quando chegam: quem lê para ao "
                "receber o FIM, e o pai lê exatamente quantos resultados espera."
            )
    return ""


def _espiadas(quem: str, **filas: Fila) -> None:
    __tracebackhide__ = True
    texto = _texto_espiadas(quem, filas)
    if texto:
        _falha(texto)


def _rodar(quem: str, filas: dict[str, Fila], funcao, *args, prazo: float):
    """Como rodar_no_filho; se a função falhou e alguém chamou empty()/qsize()/full(), a mensagem
    começa por isso (a causa provável da falha, observada pelas sondas)."""
    __tracebackhide__ = True
    execucao = executar(funcao, *args, prazo=prazo)
    mostrar_saida(execucao)
    try:
        return interpretar(execucao, prazo)
    except FalhaNoFilho as falha:
        texto = _texto_espiadas(quem, filas)
        if texto:
            raise FalhaNoFilho(f"{texto}\nO que aconteceu depois: {falha}") from None
        raise


def _leitores(fila: Fila) -> dict[int, list[str]]:
    """pid -> valores tirados da fila, em ordem, por processo (sem o processo que chamou)."""
    por_pid: dict[int, list[str]] = {}
    for e in sorted(fila.gets(), key=lambda e: e["t"]):
        por_pid.setdefault(e["pid"], []).append(e["valor"])
    return por_pid


def _para_no_fim(quem: str, nome_fila: str, por_pid: dict[int, list[str]]) -> None:
    __tracebackhide__ = True
    for pid, valores in por_pid.items():
        if FIM not in valores:
            _falha(f"{quem}: o processo {pid} leu da fila {nome_fila} sem nunca receber o FIM — quem lê tem de parar ao receber o FIM.")
        if valores.index(FIM) != len(valores) - 1:
            _falha(f"{quem}: o processo {pid} continuou lendo da fila {nome_fila} depois de receber o FIM.")


def conferir_somar_com_fila(sol, itens: list, consumidores: int) -> None:
    __tracebackhide__ = True
    chamada = f"somar_com_fila({len(itens)} itens, {consumidores}, fila, resultados)"
    fila, resultados = Fila(), Fila()
    total = _rodar(chamada, {"fila": fila, "resultados": resultados}, sol.somar_com_fila, list(itens), consumidores,
                   fila, resultados, prazo=30)
    _espiadas(chamada, fila=fila, resultados=resultados)
    postos = fila.puts()
    if any(e["no_executor"] for e in postos):
        _falha(f"{chamada}: o próprio processo que chamou pôs itens na fila; quem põe os itens (e os FIM) é o produtor, num processo filho.")
    produtores = {e["pid"] for e in postos}
    if len(produtores) != 1:
        _falha(f"{chamada}: {len(produtores)} processo(s) puseram itens na fila ({_pids(produtores)}); esperava um produtor só.")
    fins = sum(1 for e in postos if e["valor"] == FIM)
    if fins != consumidores or len(postos) - fins != len(itens):
        _falha(
            f"{chamada}: o produtor pôs {len(postos) - fins} item(ns) e {fins} FIM na fila; esperava {len(itens)} "
            f"itens e {consumidores} FIM, um por consumidor."
        )
    por_pid = _leitores(fila)
    if any(e["no_executor"] for e in fila.gets()):
        _falha(f"{chamada}: o próprio processo que chamou tirou itens da fila; quem consome são os processos consumidores.")
    if len(por_pid) != consumidores:
        _falha(f"{chamada}: {len(por_pid)} processo(s) leram da fila ({_pids(por_pid)}); esperava {consumidores} consumidores.")
    _para_no_fim(chamada, "fila", por_pid)
    parciais = resultados.puts()
    if {e["pid"] for e in parciais} != set(por_pid) or len(parciais) != consumidores:
        _falha(
            f"{chamada}: a fila resultados recebeu {len(parciais)} soma(s) parcial(is), de {_pids({e['pid'] for e in parciais})}; "
            f"esperava uma de cada consumidor ({_pids(por_pid)})."
        )
    lidas = [e for e in resultados.gets() if e["no_executor"]]
    if len(lidas) != consumidores:
        _falha(f"{chamada}: o pai leu {len(lidas)} soma(s) parcial(is) de resultados; esperava {consumidores}, uma por consumidor.")
    conferir_leitura_antes_do_join(resultados, "somar_com_fila")
    if total != sum(itens):
        _falha(f"{chamada} devolveu {total!r}; a soma dos itens é {sum(itens)} (as parciais foram {[e['valor'] for e in lidas]}).")


def conferir_dois_estagios(sol, palavras: list[str]) -> None:
    __tracebackhide__ = True
    chamada = f"dois_estagios({palavras!r}, entrada, meio, resultados)"
    entrada, meio, resultados = Fila(), Fila(), Fila()
    pares = _rodar(chamada, {"entrada": entrada, "meio": meio, "resultados": resultados}, sol.dois_estagios,
                   list(palavras), entrada, meio, resultados, prazo=30)
    _espiadas(chamada, entrada=entrada, meio=meio, resultados=resultados)
    leitores1, leitores2 = _leitores(entrada), _leitores(meio)
    for nome, leitores, estagio in (("entrada", leitores1, "maiusculas"), ("meio", leitores2, "tamanhos")):
        if len(leitores) != 1 or any(e["no_executor"] for e in (entrada if nome == "entrada" else meio).gets()):
            quem = "o próprio processo que chamou" if any(
                e["no_executor"] for e in (entrada if nome == "entrada" else meio).gets()) else f"{len(leitores)} processo(s)"
            _falha(f"{chamada}: {quem} leu da fila {nome}; esperava um processo filho só, o estágio {estagio}.")
    estagio1, estagio2 = next(iter(leitores1)), next(iter(leitores2))
    if estagio1 == estagio2:
        _falha(f"{chamada}: o mesmo processo ({estagio1}) fez os dois estágios; cada estágio é um processo.")
    _para_no_fim(chamada, "entrada", leitores1)
    _para_no_fim(chamada, "meio", leitores2)
    de_1 = {e["pid"] for e in meio.puts()}
    if de_1 != {estagio1} or not any(e["valor"] == FIM for e in meio.puts()):
        _falha(
            f"{chamada}: na fila meio puseram itens os processos {_pids(de_1)}; esperava só o estágio 1 ({estagio1}), "
            "com as palavras em maiúsculas e, no fim, o FIM repassado."
        )
    de_2 = resultados.puts()
    if {e["pid"] for e in de_2} != {estagio2} or len(de_2) != 1:
        _falha(
            f"{chamada}: a fila resultados recebeu {len(de_2)} item(ns), de {_pids({e['pid'] for e in de_2})}; esperava "
            f"uma lista só, posta pelo estágio 2 ({estagio2})."
        )
    conferir_leitura_antes_do_join(resultados, "dois_estagios")
    esperado = [(p.upper(), len(p)) for p in palavras]
    obtido = [tuple(p) if isinstance(p, (list, tuple)) else p for p in pares] if isinstance(pares, list) else pares
    if obtido != esperado:
        _falha(f"{chamada} devolveu {pares!r}; esperava {esperado!r} (pares (palavra em maiúsculas, tamanho), na ordem de entrada).")
