"""Verificações do exercício 04 (Value, Array e corridas), calculadas dos eventos das sondas.

Cada função recebe as sondas depois da chamada (``autograder.sondas``) e o que a função do aluno
devolveu, e levanta :class:`~autograder.FalhaNoFilho` com a causa observada: quem leu ou escreveu
sem a trava, quantos filhos de verdade mexeram no dado, se o pai leu antes de os filhos terminarem.
Nada aqui depende de relógio ou de sorte: cada leitura e cada escrita é vista, com quem a fez e se
segurava a trava.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from autograder import esperas
from autograder.execucao import FalhaNoFilho


def nada(*args, **kwargs) -> None:
    """Função de teste entregue no lugar de ``soma``/``subtracao``: não mexe em nada."""
    return None


# ---------------------------------------------------------------------------------------------
# Leitura dos eventos


def _em_ordem(eventos: list[dict]) -> list[dict]:
    return sorted(eventos, key=lambda e: e["t"])


def _posicoes(indice, tamanho: int | None) -> list:
    """As posições de um evento de Array (um índice, ou o texto ``slice(a, b, c)`` de uma fatia)."""
    if isinstance(indice, int):
        return [indice % tamanho if tamanho and indice < 0 else indice]
    if isinstance(indice, str):
        achado = re.fullmatch(r"slice\((-?\d+|None), (-?\d+|None), (-?\d+|None)\)", indice)
        if achado and tamanho is not None:
            partes = [None if p == "None" else int(p) for p in achado.groups()]
            return list(range(*slice(*partes).indices(tamanho)))
    return [indice]


def corridas(eventos: list[dict], tamanho: int | None = None) -> dict[int, dict[str, int]]:
    """Para cada processo filho, quantas leituras-e-escritas não foram protegidas pela trava do dado.

    Conta três defeitos (cada um perde somas quando dois processos se cruzam):
    ``leu_sem_trava`` e ``escreveu_sem_trava`` (a operação aconteceu sem segurar ``get_lock()``) e
    ``secoes_separadas`` (leu segurando a trava, soltou, e escreveu numa outra posse da trava).
    """
    por_pid: dict[int, dict[str, int]] = defaultdict(Counter)
    estado: dict[int, dict] = {}
    for e in _em_ordem(eventos):
        if e.get("no_executor"):
            continue
        pid = e["pid"]
        st = estado.setdefault(pid, {"posse": 0, "profundidade": 0, "lido": {}})
        op = e["op"]
        if op == "adquirir":
            if st["profundidade"] == 0:
                st["posse"] += 1
            st["profundidade"] += 1
        elif op == "liberar":
            st["profundidade"] = max(0, st["profundidade"] - 1)
        elif op in ("ler", "escrever"):
            for pos in _posicoes(e.get("i"), tamanho):
                if op == "ler":
                    if not e.get("segura"):
                        por_pid[pid]["leu_sem_trava"] += 1
                    st["lido"][pos] = st["posse"] if e.get("segura") else None
                else:
                    lido = st["lido"].pop(pos, None)
                    if not e.get("segura"):
                        por_pid[pid]["escreveu_sem_trava"] += 1
                    elif lido is not None and lido != st["posse"]:
                        por_pid[pid]["secoes_separadas"] += 1
    return {pid: dict(c) for pid, c in por_pid.items() if sum(c.values())}


def _descrever_corridas(achadas: dict[int, dict[str, int]], dado: str, trava: str) -> str:
    linhas = []
    for pid, defeitos in sorted(achadas.items()):
        partes = []
        if defeitos.get("leu_sem_trava") or defeitos.get("escreveu_sem_trava"):
            vezes = max(defeitos.get("leu_sem_trava", 0), defeitos.get("escreveu_sem_trava", 0))
            partes.append(f"leu e escreveu {dado} sem segurar {trava} ({vezes} vezes)")
        if defeitos.get("secoes_separadas"):
            partes.append(
                f"leu {dado} segurando {trava}, soltou a trava e só então escreveu "
                f"({defeitos['secoes_separadas']} vezes): ler e escrever têm de ficar na MESMA posse da trava"
            )
        linhas.append(f"  o processo filho {pid} " + "; ".join(partes))
    return (
        "há corrida: um outro processo pode ler o mesmo valor entre a sua leitura e a sua escrita, e uma "
        "das operações se perde (mesmo quando, por sorte, o total sai certo):\n" + "\n".join(linhas)
    )


def escritores(sonda) -> set[int]:
    return sonda.pids("escrever", no_executor=False)


def _ultima_escrita_dos_filhos(sonda) -> int | None:
    return max((e["t"] for e in sonda.eventos if e["op"] == "escrever" and not e["no_executor"]), default=None)


def _leitura_final(sonda) -> int | None:
    return max((e["t"] for e in sonda.eventos if e["op"] == "ler" and e["no_executor"]), default=None)


def _conferir_leitura_depois_dos_filhos(sonda, nome: str, dado: str, devolvido, esperado) -> None:
    ultima_escrita = _ultima_escrita_dos_filhos(sonda)
    leitura = _leitura_final(sonda)
    if leitura is None:
        raise FalhaNoFilho(
            f"{nome} devolveu {devolvido!r} sem ler {dado} no processo pai depois que os filhos terminaram: "
            f"o resultado tem de ser lido de {dado} depois do join() (e não calculado à parte)."
        )
    if ultima_escrita is not None and leitura < ultima_escrita:
        raise FalhaNoFilho(
            f"{nome} leu {dado} antes de os filhos terminarem: houve escritas dos filhos depois da última "
            f"leitura do pai (devolveu {devolvido!r}; no fim, {dado} valia {esperado!r}). Leia o valor só "
            "depois do join() de todos os filhos."
        )


def _conferir_join(sonda, nome: str, dado: str) -> None:
    """Cada filho que o pai iniciou foi esperado (um join que voltou com ele terminado) antes da
    última leitura de ``dado`` no pai: dormir, ou esperar o valor chegar ao total, não é esperar."""
    nunca, vivos, tarde = esperas.sem_esperar(sonda.processos, ate=_leitura_final(sonda))
    if vivos:
        raise FalhaNoFilho(
            f"{nome} deu join(timeout=...) no(s) processo(s) filho(s) {esperas.pids(vivos)}, mas o prazo acabou "
            f"com eles ainda rodando, e o pai leu {dado} mesmo assim: espere até os filhos terminarem (um prazo "
            "maior, ou join() de novo) antes de ler."
        )
    if nunca:
        raise FalhaNoFilho(
            f"{nome} não esperou (join) o(s) processo(s) filho(s) {esperas.pids(nunca)}: o pai lê {dado} só "
            "depois do join() de todos os filhos — dormir, ou esperar o valor chegar a um total, não é "
            "esperar: o filho pode ainda estar escrevendo (ou nem ter começado)."
        )
    if tarde:
        raise FalhaNoFilho(
            f"{nome} leu {dado} antes do join() no(s) processo(s) filho(s) {esperas.pids(tarde)}: leia o valor "
            "só depois do join() de todos os filhos (antes disso eles ainda podem estar escrevendo)."
        )


def _conferir_processos(sonda, nome: str, dado: str, quantos: int, caso: str = "") -> None:
    filhos = escritores(sonda)
    no_pai = sonda.contar("escrever", no_executor=True)
    if not sonda.eventos:
        raise FalhaNoFilho(
            f"{nome} não usou o {dado.split('.')[0].split('[')[0]} que recebeu: nenhuma leitura ou escrita foi "
            "vista nele (criou outro no lugar?). Use o objeto recebido como argumento."
        )
    if not filhos:
        onde = (f" ({no_pai} escritas foram feitas no próprio processo que chamou {nome})" if no_pai else "")
        raise FalhaNoFilho(
            f"nenhum processo filho escreveu em {dado}: o trabalho não foi feito em processos filhos{onde}."
        )
    if len(filhos) != quantos:
        raise FalhaNoFilho(
            f"esperava {quantos} processo(s) filho(s) diferentes escrevendo em {dado}{caso}, e vi {len(filhos)} "
            f"(pids {sorted(filhos)})."
        )


# ---------------------------------------------------------------------------------------------
# Parte A: o contador


def conferir_contador(contador, devolvido, processos: int, vezes: int) -> None:
    """``contar(contador, processos, vezes)``: filhos de verdade, trava em toda leitura-e-escrita,
    total exato e lido depois do join."""
    __tracebackhide__ = True
    esperado = processos * vezes
    _conferir_join(contador, "contar", "contador.value")
    if vezes > 0:
        _conferir_processos(contador, "contar", "contador.value", processos)
        achadas = corridas(contador.eventos)
        if achadas:
            raise FalhaNoFilho(_descrever_corridas(achadas, "contador.value", "contador.get_lock()"))
        somas = contador.contar("escrever", no_executor=False)
        if somas != esperado:
            raise FalhaNoFilho(
                f"esperava {esperado} escritas dos filhos em contador.value ({processos} processos × {vezes} "
                f"somas), e vi {somas}."
            )
    if contador.final != esperado:
        raise FalhaNoFilho(f"o contador terminou valendo {contador.final}, e esperava {esperado}.")
    if devolvido != contador.final:
        if vezes > 0:
            _conferir_leitura_depois_dos_filhos(contador, "contar", "contador.value", devolvido, contador.final)
        raise FalhaNoFilho(f"contar devolveu {devolvido!r}, mas o contador terminou valendo {contador.final}.")
    if vezes > 0:
        _conferir_leitura_depois_dos_filhos(contador, "contar", "contador.value", devolvido, contador.final)


# ---------------------------------------------------------------------------------------------
# Parte B: as fatias


def conferir_fatias(vet, devolvido, k: int) -> None:
    """``quadrados_compartilhados(vet, k)``: o Array inteiro com i*i, escrito por min(k, n) filhos em
    fatias contíguas e disjuntas, e lido depois do join."""
    __tracebackhide__ = True
    n = len(vet.final) if vet.final is not None else 0
    esperado = [i * i for i in range(n)]
    _conferir_join(vet, "quadrados_compartilhados", "vet")
    _conferir_processos(vet, "quadrados_compartilhados", "vet", min(k, n),
                        caso=f" (Array de {n} posições e k={k}: min(k, n) = {min(k, n)} fatias não vazias)")
    fatias: dict[int, list[int]] = defaultdict(list)
    for e in _em_ordem(vet.eventos):
        if e["op"] == "escrever" and not e["no_executor"]:
            fatias[e["pid"]].extend(_posicoes(e.get("i"), n))
    dono: dict = {}
    for pid, posicoes in sorted(fatias.items()):
        unicas = sorted(set(posicoes))
        if not unicas:
            continue
        if unicas != list(range(unicas[0], unicas[-1] + 1)):
            raise FalhaNoFilho(
                f"o processo filho {pid} escreveu nas posições {unicas}: a fatia de cada processo tem de ser "
                "contígua (um pedaço vet[a:b] sem buracos)."
            )
        for pos in unicas:
            if pos in dono:
                raise FalhaNoFilho(
                    f"os processos {dono[pos]} e {pid} escreveram os dois em vet[{pos}]: as fatias têm de ser "
                    "disjuntas (cada posição é de um processo só)."
                )
            dono[pos] = pid
    faltam = [i for i in range(n) if i not in dono]
    if faltam:
        raise FalhaNoFilho(f"nenhum processo filho escreveu nas posições {faltam}: as fatias têm de cobrir o Array todo.")
    if vet.final != esperado:
        errados = [i for i in range(n) if vet.final[i] != esperado[i]]
        raise FalhaNoFilho(
            f"vet terminou {vet.final}; esperava {esperado} (diferem nas posições {errados[:10]})."
        )
    if devolvido != vet.final:
        _conferir_leitura_depois_dos_filhos(vet, "quadrados_compartilhados", "vet", devolvido, vet.final)
        raise FalhaNoFilho(f"quadrados_compartilhados devolveu {devolvido!r}, mas vet terminou {vet.final}.")
    _conferir_leitura_depois_dos_filhos(vet, "quadrados_compartilhados", "vet", devolvido, vet.final)


# ---------------------------------------------------------------------------------------------
# Parte C: soma e subtração


def conferir_ao_mesmo_tempo(funcao) -> None:
    """``soma_e_subtracao(vet, vezes, somar=f, subtrair=f)`` com a sonda ``f`` (encontro=2): as duas
    chamadas em dois filhos diferentes, em andamento ao mesmo tempo."""
    __tracebackhide__ = True
    chamadas = [e for e in funcao.eventos if e["op"] == "chamada"]
    fins = [e for e in funcao.eventos if e["op"] == "fim"]
    if not chamadas:
        raise FalhaNoFilho(
            "soma_e_subtracao não chamou as funções recebidas em somar e subtrair (o teste entrega as duas): "
            "use os parâmetros somar e subtrair, e não soma e subtracao diretamente."
        )
    no_pai = [e for e in chamadas if e["no_executor"]]
    if no_pai:
        raise FalhaNoFilho(
            f"{len(no_pai)} das chamadas de somar/subtrair aconteceram no próprio processo que chamou "
            "soma_e_subtracao: cada uma tem de rodar num processo filho."
        )
    if len(chamadas) != 2:
        raise FalhaNoFilho(f"esperava 2 chamadas (somar e subtrair), uma em cada filho, e vi {len(chamadas)}.")
    if len({e["pid"] for e in chamadas}) != 2:
        raise FalhaNoFilho("somar e subtrair rodaram no mesmo processo filho: cada uma tem de ter o seu processo.")
    fora_de_ordem = esperas.join_antes_de_start(funcao.processos, {e["pid"] for e in chamadas})
    if fora_de_ordem:
        raise FalhaNoFilho(
            f"soma_e_subtracao deu join() no processo {fora_de_ordem[0]} antes do start() do processo "
            f"{fora_de_ordem[1]}: assim um filho espera o outro terminar (mesmo com prazo no join). Dê start() "
            "nos dois e só depois join() nos dois."
        )
    if not all(e.get("encontro") for e in fins):
        raise FalhaNoFilho(
            "somar e subtrair não estiveram em andamento ao mesmo tempo: uma terminou antes de a outra "
            "começar (join() do primeiro processo antes do start() do segundo?). Dê start() nos dois e só "
            "depois join() nos dois."
        )


def conferir_soma_e_subtracao(vet, devolvido) -> None:
    """``soma_e_subtracao(vet, vezes)``: dois filhos, trava do Array em toda leitura-e-escrita, tudo
    de volta a zero e lido depois do join."""
    __tracebackhide__ = True
    n = len(vet.final) if vet.final is not None else 0
    _conferir_join(vet, "soma_e_subtracao", "vet")
    _conferir_processos(vet, "soma_e_subtracao", "vet", 2)
    achadas = corridas(vet.eventos, n)
    if achadas:
        raise FalhaNoFilho(_descrever_corridas(achadas, "vet[i]", "vet.get_lock()"))
    if vet.final != [0] * n:
        raise FalhaNoFilho(f"vet terminou {vet.final}; soma e subtração deviam se anular e deixar {[0] * n}.")
    if devolvido != vet.final:
        _conferir_leitura_depois_dos_filhos(vet, "soma_e_subtracao", "vet", devolvido, vet.final)
        raise FalhaNoFilho(f"soma_e_subtracao devolveu {devolvido!r}, mas vet terminou {vet.final}.")
    _conferir_leitura_depois_dos_filhos(vet, "soma_e_subtracao", "vet", devolvido, vet.final)
