"""Verificações do exercício 09 (pools): cada falha diz o que as sondas viram."""

from __future__ import annotations

from collections import Counter

from autograder.execucao import FalhaNoFilho, interpretar, mostrar_saida

#: Prazo (segundos) de cada chamada às funções do aluno nos testes.
PRAZO = 60.0


def _falhar(mensagem: str):
    __tracebackhide__ = True
    raise FalhaNoFilho(mensagem)


def _lista(valores) -> str:
    return ", ".join(repr(v) for v in valores)


def _resultado(execucao, tarefa=None):
    """O que a função devolveu (ou a falha explicada); a saída do aluno vai para o stdout da célula."""
    __tracebackhide__ = True
    mostrar_saida(execucao)
    resposta = execucao.resposta
    if tarefa is not None and resposta and resposta[0] == "excecao":
        classe, mensagem = resposta[1], resposta[2]
        levantadas = {e["tipo"]: e["x"] for e in tarefa.eventos if e["op"] == "levantou"}
        nome = classe.rsplit(".", 1)[-1]
        if nome in levantadas:
            _falhar(
                f"{execucao.nome} levantou {nome}: {mensagem} — a exceção da tarefa x={levantadas[nome]!r} "
                "subiu e levou junto os resultados das outras. Uma exceção numa tarefa vai para falhas, e as "
                "outras tarefas continuam (Pool.map e Executor.map levantam a primeira exceção e descartam o "
                "resto: trate cada futuro com result() dentro de try/except)"
            )
        if nome == "BrokenProcessPool":
            _falhar(
                f"{execucao.nome} levantou BrokenProcessPool: {mensagem} — um trabalhador morreu e o executor "
                "marcou as tarefas pendentes com BrokenProcessPool. Essas tarefas também vão para falhas "
                "(com o texto da exceção), e os resultados que já chegaram ficam em resultados"
            )
    if tarefa is not None and resposta is None and not execucao.estourou and execucao.codigo_saida == 1 and tarefa.params["morrem"]:
        morre = tarefa.params["morrem"][0]
        _falhar(
            f"{execucao.nome}: o processo que o chamou morreu de repente (código de saída 1) — a tarefa x={morre!r} "
            "encerra com os._exit(1) o processo que a roda, e ela rodou no próprio processo que chamou "
            f"{execucao.nome}, e não num processo trabalhador: as tarefas têm de ir para um pool de PROCESSOS "
            "(ProcessPoolExecutor ou multiprocessing.Pool), e não de threads (multiprocessing.dummy, ThreadPoolExecutor)"
        )
    return interpretar(execucao, PRAZO)


#: O alvo dos processos trabalhadores de multiprocessing.Pool e de ProcessPoolExecutor.
_ALVOS_DE_POOL = ("worker", "_process_worker")


def _conferir_tamanho_do_pool(execucao, processos: int) -> None:
    """O pool foi criado com ``processos`` trabalhadores: conta os processos trabalhadores INICIADOS
    (anotados no start(), não os que por acaso rodaram tarefas — o ProcessPoolExecutor inicia os seus
    sob demanda, e um trabalhador a mais nem sempre chega a rodar uma tarefa)."""
    __tracebackhide__ = True
    trabalhadores = [p for p in execucao.iniciados if p.get("op") == "process" and p.get("alvo") in _ALVOS_DE_POOL]
    if len(trabalhadores) > processos:
        _falhar(f"o pool tem {len(trabalhadores)} trabalhadores; o enunciado pede {processos} (o parâmetro "
                f"processos): crie o pool com processos trabalhadores, nem mais nem menos")


def _conferir_trabalhadores(tarefa, argumentos, processos: int, uma_vez: bool = True) -> dict:
    """A tarefa rodou em trabalhadores do pool (não no pai), cada argumento uma vez; devolve {x: chamada}."""
    __tracebackhide__ = True
    chamadas = tarefa.chamadas()
    if argumentos and not chamadas:
        _falhar("a tarefa do teste nunca foi chamada: chame tarefa(x) para cada argumento, nos trabalhadores do "
                "pool (os resultados têm de vir dela — não calcule nem invente os valores)")
    no_pai = [e for e in chamadas if e["no_executor"]]
    if no_pai:
        _falhar(f"a tarefa rodou no próprio processo que chamou a função (pid {no_pai[0]['pid']}), para "
                f"x={_lista(e['x'] for e in no_pai)}: ela tem de rodar nos processos do pool (uma thread, ou "
                "chamar tarefa(x) direto no pai, não é um pool de processos)")
    vezes = Counter(e["x"] for e in chamadas)
    estranhos = [x for x in vezes if x not in argumentos]
    if estranhos:
        _falhar(f"a tarefa foi chamada com argumentos que o teste não mandou: {_lista(estranhos)}")
    repetidos = {x: n for x, n in vezes.items() if n > 1}
    if repetidos:
        x, n = next(iter(repetidos.items()))
        _falhar(f"a tarefa x={x!r} foi entregue {n} vezes: cada argumento vai ao pool uma vez só")
    if uma_vez:
        faltam = [x for x in argumentos if x not in vezes]
        if faltam:
            _falhar(f"a tarefa nunca foi chamada para x={_lista(faltam)}: entregue todos os argumentos ao pool")
    pids = {e["pid"] for e in chamadas}
    if len(pids) > processos:
        _falhar(f"a tarefa rodou em {len(pids)} processos diferentes, mais que os {processos} trabalhadores "
                "pedidos: use um pool com processos trabalhadores (e não um processo por tarefa)")
    return {e["x"]: e for e in chamadas}


# ---------------------------------------------------------------------------------------------
# Parte A


def conferir_chegada(execucao, tarefa, ao_chegar, argumentos, processos: int) -> None:
    """Parte A: os pares (x, resultado) na ordem de chegada, com ao_chegar chamado no pai na hora."""
    __tracebackhide__ = True
    obtido = _resultado(execucao)
    if not isinstance(obtido, list) or not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in obtido):
        _falhar(f"em_ordem_de_chegada devolveu {obtido!r}; devolva uma lista de pares (x, resultado)")
    obtido = [tuple(p) for p in obtido]
    _conferir_tamanho_do_pool(execucao, processos)
    _conferir_trabalhadores(tarefa, argumentos, processos)
    esperados = {x: tarefa.esperado(x) for x in argumentos}
    for x, r in obtido:
        if x not in esperados:
            _falhar(f"o par ({x!r}, {r!r}) tem um x que não está entre os argumentos {argumentos}")
        if r != esperados[x]:
            _falhar(f"o par ({x!r}, {r!r}) não tem o resultado de tarefa({x!r}), que devolveu {esperados[x]!r}")
    if sorted(x for x, _ in obtido) != sorted(argumentos):
        _falhar(f"esperava um par para cada argumento {argumentos}, recebi os x {[x for x, _ in obtido]}")
    chegadas = ao_chegar.chegadas()
    fora = [e for e in chegadas if not e["no_executor"]]
    if fora:
        _falhar(f"ao_chegar foi chamado num trabalhador do pool (pid {fora[0]['pid']}): chame-o no pai, ao "
                "receber cada resultado")
    if sorted(e["x"] for e in chegadas) != sorted(argumentos):
        _falhar(f"ao_chegar(x, resultado) tem de ser chamado uma vez para cada argumento; foi chamado com x = "
                f"{[e['x'] for e in chegadas]}")
    if [e["x"] for e in chegadas] != [x for x, _ in obtido]:
        _falhar(f"a lista devolvida {[x for x, _ in obtido]} não está na ordem em que ao_chegar foi chamado "
                f"{[e['x'] for e in chegadas]}: devolva os pares na ordem de chegada")
    for e in chegadas:
        if e["resultado"] != repr(esperados[e["x"]]):
            _falhar(f"ao_chegar({e['x']!r}, {e['resultado']}) recebeu um resultado que não é o de tarefa({e['x']!r}), "
                    f"{esperados[e['x']]!r}")
    fins = {e["x"]: e for e in tarefa.eventos if e["op"] == "fim"}
    for e in chegadas:
        if e["x"] in fins and e["t"] < fins[e["x"]]["t"]:
            _falhar(f"ao_chegar({e['x']!r}, ...) foi chamado antes de a tarefa x={e['x']!r} terminar: chame-o "
                    "com o resultado que chegou do pool")
    lentas = tarefa.params["lentas"]
    outras = [x for x in argumentos if x not in lentas]
    for x in lentas:
        fim = fins.get(x)
        if fim is None or fim.get("liberada"):
            continue
        terminaram_antes = [y for y in outras if y in fins and fins[y]["t"] < fim["t"]]
        if not terminaram_antes:
            _falhar(f"enquanto a tarefa lenta x={x!r} rodava, nenhuma outra tarefa terminou: as outras "
                    f"esperaram por ela — o pool tem de ter {processos} trabalhadores, com todas as tarefas "
                    "entregues antes de esperar qualquer resultado")
        ordem = [e["x"] for e in chegadas]
        depois = [y for y in terminaram_antes if ordem.index(y) > ordem.index(x)]
        if depois:
            _falhar(f"a tarefa lenta x={x!r} foi esperada pelo pai antes das que já tinham terminado "
                    f"({_lista(depois)}): o pai recebeu os resultados na ordem de envio (map, ou result() de cada "
                    "futuro na ordem), e nenhum chegou a ao_chegar enquanto a lenta rodava — receba cada "
                    "resultado quando a tarefa termina (as_completed) e chame ao_chegar na hora")
        _falhar(f"as tarefas {_lista(terminaram_antes)} terminaram antes da lenta (x={x!r}), mas o pai só chamou "
                "ao_chegar para elas depois que a lenta terminou: chame ao_chegar(x, resultado) assim que cada "
                "resultado chega, e não no fim")


# ---------------------------------------------------------------------------------------------
# Partes B e C


def conferir_falhas(execucao, tarefa, argumentos, processos: int) -> None:
    """Partes B e C: (resultados, falhas) com cada resultado que chegou e cada falha com o tipo e a
    mensagem da exceção; um trabalhador morto vira BrokenProcessPool nas tarefas que não terminaram."""
    __tracebackhide__ = True
    obtido = _resultado(execucao, tarefa)
    if not (isinstance(obtido, (tuple, list)) and len(obtido) == 2 and all(isinstance(d, dict) for d in obtido)):
        _falhar(f"processar_todos devolveu {obtido!r}; devolva o par (resultados, falhas), dois dicionários")
    resultados, falhas = obtido
    morrem = tarefa.params["morrem"]
    falham = tarefa.params["falham"]
    chamadas = _conferir_trabalhadores(tarefa, argumentos, processos, uma_vez=not morrem)
    estranhos = [x for x in list(resultados) + list(falhas) if x not in argumentos]
    if estranhos:
        _falhar(f"resultados/falhas têm chaves que não são argumentos: {_lista(estranhos)}")
    nos_dois = [x for x in resultados if x in falhas]
    if nos_dois:
        _falhar(f"x={nos_dois[0]!r} está em resultados e em falhas ao mesmo tempo")
    fins = tarefa.fins()
    # Na ordem dos argumentos, não na de término: com várias tarefas perdidas, a mensagem nomeia
    # sempre a mesma (a ordem de término muda com a carga da máquina).
    ordem = {x: i for i, x in enumerate(argumentos)}
    for x, fim in sorted(fins.items(), key=lambda item: ordem.get(item[0], len(ordem))):
        if x not in resultados:
            causa = ("a exceção de outra tarefa não pode levar junto os resultados das outras" if not morrem else
                     "o resultado chegou antes de o trabalhador morrer: não o descarte")
            _falhar(f"o resultado da tarefa x={x!r} se perdeu (ela terminou e devolveu {fim['resultado']!r}, mas "
                    f"não está em resultados): {causa}")
        if resultados[x] != fim["resultado"]:
            _falhar(f"resultados[{x!r}] é {resultados[x]!r}, mas a tarefa devolveu {fim['resultado']!r}")
    for x in argumentos:
        if x in fins:
            continue
        if x not in falhas:
            _falhar(f"a tarefa x={x!r} não terminou normalmente e não está em falhas: toda tarefa que falhou "
                    "(exceção, ou o pool quebrado) vai para falhas, com o texto da exceção")
        texto = str(falhas[x])
        if x in falham and x in chamadas:
            nome, mensagem = falham[x]
            if nome not in texto or mensagem not in texto:
                _falhar(f"falhas[{x!r}] é {texto!r}: diga o tipo e a mensagem da exceção que a tarefa levantou "
                        f"(por exemplo f\"{{type(erro).__name__}}: {{erro}}\" dá {nome}: {mensagem})")
        elif "BrokenProcessPool" not in texto:
            if not morrem:
                _falhar(f"a tarefa x={x!r} não terminou normalmente, e falhas[{x!r}] diz {texto!r}")
            onde = "matou o trabalhador" if x in morrem else "não terminou porque o trabalhador morreu"
            _falhar(f"a tarefa x={x!r} {onde}; falhas[{x!r}] devia dizer BrokenProcessPool (a exceção que o "
                    f"ProcessPoolExecutor põe em cada futuro pendente), e diz {texto!r}")


# ---------------------------------------------------------------------------------------------
# Parte D


def conferir_lotes(execucao, tarefa, argumentos, processos: int, lote: int) -> None:
    """Parte D: os resultados na ordem dos argumentos, cada lote de ``lote`` argumentos consecutivos
    inteiro num trabalhador, um depois do outro, e o lote seguinte em outro trabalhador."""
    __tracebackhide__ = True
    obtido = _resultado(execucao)
    esperado = [tarefa.esperado(x) for x in argumentos]
    if not isinstance(obtido, list):
        _falhar(f"em_lotes devolveu {type(obtido).__name__}; devolva a lista dos resultados")
    chamadas = _conferir_trabalhadores(tarefa, argumentos, processos)
    if obtido != esperado:
        if sorted(obtido, key=repr) == sorted(esperado, key=repr):
            _falhar(f"os resultados vieram fora da ordem dos argumentos: {obtido} (esperava {esperado}); map e "
                    "imap devolvem na ordem das entradas, imap_unordered e as_completed não")
        _falhar(f"esperava {esperado}, recebi {obtido}")
    por_pid: dict[int, list] = {}
    for e in sorted(tarefa.chamadas(), key=lambda e: e["t"]):
        por_pid.setdefault(e["pid"], []).append(e["x"])
    for inicio in range(0, len(argumentos), lote):
        grupo = argumentos[inicio:inicio + lote]
        pids = sorted({chamadas[x]["pid"] for x in grupo})
        if len(pids) > 1:
            _falhar(f"o lote {grupo} foi dividido entre trabalhadores diferentes (pids {_lista(pids)}): cada lote "
                    f"de {lote} argumentos consecutivos vai inteiro para um trabalhador — passe chunksize={lote} "
                    "(sem ele, ProcessPoolExecutor.map manda um por vez e Pool.map escolhe o tamanho sozinho)")
        sequencia = por_pid[pids[0]]
        i = sequencia.index(grupo[0])
        if sequencia[i:i + len(grupo)] != grupo:
            _falhar(f"o trabalhador {pids[0]} rodou {sequencia}: o lote {grupo} tem de rodar em sequência, sem "
                    "outros argumentos no meio")
    for e in tarefa.eventos:
        if e["op"] == "fim" and e.get("encontrou") is False:
            indice = argumentos.index(e["x"])
            seguinte = argumentos[indice + lote]
            _falhar(f"o lote que começa em x={seguinte!r} não começou enquanto o lote de x={e['x']!r} rodava: "
                    f"ele foi para o mesmo trabalhador, depois (lotes maiores que {lote}? o chunksize tem de ser "
                    f"exatamente {lote}), ou o pool não tinha {processos} trabalhadores")
