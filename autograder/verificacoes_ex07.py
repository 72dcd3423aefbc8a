"""Verificações do exercício 07 (Event): cada falha diz o que foi observado nas sondas."""

from __future__ import annotations

from autograder import esperas
from autograder.execucao import FalhaNoFilho


def _falhar(mensagem: str):
    __tracebackhide__ = True
    raise FalhaNoFilho(mensagem)


def conferir_largada(pids, n, largada, chegadas) -> None:
    """Parte A: ``pids`` são os ``n`` corredores, filhos de verdade que esperaram a largada."""
    __tracebackhide__ = True
    if not isinstance(pids, list):
        _falhar(f"largada_simultanea devolveu {type(pids).__name__}; devolva uma lista de pids")
    if len(pids) != n:
        _falhar(f"esperava {n} pid(s), um por corredor; recebi {len(pids)}: {pids}")
    if len(set(pids)) != n:
        _falhar(f"há pids repetidos em {pids}: cada corredor é um processo diferente")
    if pids != sorted(pids):
        _falhar(f"devolva a lista ordenada: recebi {pids}")
    nunca, vivos, _ = esperas.sem_esperar(chegadas.processos)
    if nunca or vivos:
        ainda = (f" (o join(timeout=...) em {esperas.pids(vivos)} voltou com ele(s) ainda rodando)" if vivos else "")
        _falhar(
            f"largada_simultanea não esperou (join) o(s) corredor(es) {esperas.pids(nunca + vivos)} terminar(em)"
            f"{ainda}: depois de ler as chegadas, espere cada processo com join(timeout=...) antes de devolver"
        )
    puts = [e for e in chegadas.eventos if e["op"] == "put"]
    do_pai = [e for e in puts if e["no_executor"]]
    if do_pai:
        _falhar(f"o próprio pai pôs {len(do_pai)} item(ns) na fila chegadas: quem põe o pid é cada corredor, no filho")
    postos = {e["pid"]: e for e in puts}
    for pid in pids:
        if pid not in postos:
            _falhar(
                f"o pid {pid} devolvido não é de nenhum processo que pôs algo na fila chegadas: os pids têm de "
                "vir da fila, postos por cada corredor com os.getpid()"
            )
        if postos[pid]["valor"] != repr(pid):
            _falhar(f"o processo {pid} pôs {postos[pid]['valor']} na fila, e não o próprio pid")
    if chegadas.contar("empty"):
        _falhar("alguém chamou chegadas.empty(): leia exatamente n itens, cada get com prazo")
    if n == 0:
        return
    sets = [e for e in largada.eventos if e["op"] == "set"]
    if not sets:
        _falhar("ninguém chamou largada.set(): os corredores só podem chegar depois do sinal")
    if not any(e["no_executor"] for e in sets):
        _falhar("quem levantou a largada foi um filho; o sinal é do pai (largada_simultanea)")
    sinal = min(e["t"] for e in sets if e["no_executor"])
    esperas_largada = {}
    for e in largada.eventos:
        if e["op"] == "esperando" and not e["no_executor"]:
            esperas_largada.setdefault(e["pid"], e["t"])
    for pid, put in sorted(postos.items()):
        if pid not in esperas_largada or esperas_largada[pid] > put["t"]:
            _falhar(f"o corredor {pid} pôs o pid na fila sem ter esperado com largada.wait(...)")
        if put["t"] < sinal:
            _falhar(f"o corredor {pid} chegou antes da largada (antes do largada.set() do pai)")


def conferir_parada(respostas, mensagens, parar, execucao=None) -> None:
    """Parte B: as respostas vieram de um filho que olhou ``parar`` e terminou por causa dele."""
    __tracebackhide__ = True
    esperadas = [m.upper() for m in mensagens]
    if respostas != esperadas:
        _falhar(f"esperava as respostas {esperadas!r}, recebi {respostas!r}")
    sets = [e for e in parar.eventos if e["op"] == "set" and e["no_executor"]]
    if not sets:
        _falhar("o pai não levantou o evento parar (parar.set()): é ele que manda o eco terminar")
    nunca, vivos, _ = esperas.sem_esperar(parar.processos)
    sinal = min(e["t"] for e in sets)
    viu_parar = [e for e in parar.eventos if e["op"] in ("is_set", "acordou") and not e["no_executor"]
                 and e["t"] >= sinal and e.get("resposta") is True]
    if vivos and viu_parar:
        prazos = sorted({e.get("timeout") for e in esperas.joins(parar.processos) if e["filho"] in vivos} - {None})
        _falhar(
            f"conversar_e_parar deu join(timeout={prazos[-1] if prazos else '...'}) no processo filho "
            f"{esperas.pids(vivos)}, mas o prazo acabou com ele ainda rodando. O eco viu o parar (is_set() deu "
            "True) e ia terminar, mas ainda não tinha terminado: o prazo do join é curto demais para o "
            "intervalo em que o eco olha o evento (o poll/wait dele) — dê ao join um prazo folgado, bem maior "
            "que esse intervalo"
        )
    if vivos:
        _falhar(
            f"conversar_e_parar deu join(timeout=...) no processo filho {esperas.pids(vivos)}, mas o prazo acabou "
            "com ele ainda rodando: depois do parar.set() o eco não terminou — ele tem de olhar parar a cada volta "
            "(um recv() sem prazo o deixa bloqueado)"
        )
    if nunca:
        _falhar(
            f"conversar_e_parar não esperou (join) o processo filho {esperas.pids(nunca)} depois de levantar "
            "parar: sem o join(timeout=...), o pai devolve enquanto o eco ainda pode estar rodando — espere o "
            "filho terminar antes de devolver as respostas"
        )
    olhadas = [e for e in parar.eventos if e["op"] in ("is_set", "acordou") and not e["no_executor"]]
    if not olhadas:
        iniciados = getattr(execucao, "iniciados", None)
        if iniciados is not None and not any(e["no_executor"] and e["op"] in ("process", "fork", "subprocess") for e in iniciados):
            _falhar("nenhum processo filho foi criado: o eco tem de rodar num Process, e o pai conversa com ele pelo Pipe")
        _falhar(
            "o filho nunca olhou o evento parar: ele tem de conferir parar.is_set() (ou parar.wait(prazo)) "
            "a cada volta — um Event não acorda quem está parado num recv()"
        )
    sinal = min(e["t"] for e in sets)
    viu = [e for e in olhadas if e["t"] >= sinal and e.get("resposta") is True]
    if not viu:
        _falhar(
            "o filho terminou sem ver o evento parar levantado: ele deve sair do laço porque parar.is_set() "
            "ficou verdadeiro (não por uma mensagem especial, nem porque a conexão fechou)"
        )
