"""Conferências do exercício 05 (managers), no processo do teste, sobre o que os roteiros de
:mod:`autograder.sondas_ex05` observaram. Cada falha diz a causa observada (qual processo, qual
operação, quantas vezes), nunca uma dica fixa."""

from __future__ import annotations

from collections import Counter

from autograder import esperas
from autograder.execucao import FalhaNoFilho
from autograder.sondas import _curto

#: parte -> (função do pai, parâmetro com a função dos filhos, função do aluno, o que é cada item, dado)
PARTES = {
    "contagem": ("contagem_paralela", "contar", "contar_palavras", "texto", "contagem"),
    "unicos": ("unicos", "anexar", "anexar_se_ausente", "item", "lista"),
    "historico": ("historico_de", "registrar", "registrar", "nome", "historico"),
}

_PLURAL = {"texto": "textos", "item": "itens", "nome": "nomes"}


def _falhar(mensagem: str) -> None:
    __tracebackhide__ = True
    raise FalhaNoFilho(mensagem)


def _exemplos(lista: list[str], limite: int = 3) -> str:
    texto = "\n".join(f"    - {item}" for item in lista[:limite])
    if len(lista) > limite:
        texto += f"\n    (e mais {len(lista) - limite})"
    return texto


def conferir_chamadas(parte: str, obs: dict, entrada: list) -> list[dict]:
    """Filhos de verdade rodaram a função recebida, uma vez por item, com o MESMO dado e a MESMA
    trava do Manager, e ao menos dois ao mesmo tempo. Devolve os eventos ``chamada``."""
    __tracebackhide__ = True
    pai, parametro, _, item, dado = PARTES[parte]
    eventos = obs["eventos"]
    erradas = [e for e in eventos if e["op"] == "chamada_errada"]
    if erradas:
        _falhar(f"{parametro} foi chamada com argumentos errados: {erradas[0]['erro']} (argumentos {erradas[0]['args']}).")
    de_novo = [e for e in eventos if e["op"] == "trava_de_novo"]
    if de_novo:
        _falhar(
            f"o processo {de_novo[0]['pid']} pegou a trava e, sem soltá-la, pediu-a de novo ({len(de_novo)} "
            "vez(es)): a trava não é reentrante, então ele ficaria bloqueado para sempre esperando por si "
            "mesmo (impasse) — e os outros filhos esperando por ele. (O teste soltou a trava para não ficar parado.)"
        )
    saiu = [e for e in eventos if e["op"] == "saiu_com_a_trava"]
    if saiu:
        _falhar(
            f"{parametro} terminou segurando a trava no processo {saiu[0]['pid']} ({len(saiu)} vez(es)): "
            "um acquire() sem o release() correspondente. A trava do Manager não é solta quando o processo "
            "termina — fica pega até alguém chamar release() —, e os outros filhos esperariam para sempre "
            "no acquire (impasse). Use `with trava:`, que solta a trava mesmo se houver exceção. "
            "(O teste soltou a trava para não ficar parado.)"
        )
    # Os filhos criados com Process são esperados com join (os de um pool e o servidor do Manager, o
    # pool e o Manager esperam). Antes de contar as chamadas: sem join, um filho pode nem ter começado.
    nunca, vivos, _ = esperas.sem_esperar(obs.get("processos", []))
    if nunca or vivos:
        ainda = (f" (o join(timeout=...) em {esperas.pids(vivos)} voltou com eles ainda rodando)" if vivos else "")
        _falhar(
            f"{pai} não esperou (join) o(s) processo(s) filho(s) {esperas.pids(nunca + vivos)} terminar(em){ainda}: "
            "espere todos com join() "
            "antes de ler o resultado do Manager — dormir não é esperar (o filho pode ainda estar escrevendo, "
            "ou nem ter começado)."
        )
    chamadas = [e for e in eventos if e["op"] == "chamada"]
    if entrada and not chamadas:
        _falhar(
            f"nenhum processo chamou a função {parametro} que {pai} recebeu: o trabalho tem de ser feito "
            f"pela função do parâmetro {parametro}, em processos filhos (um por {item}). Um resultado "
            "calculado no próprio processo, sem filhos, não vale."
        )
    no_pai = [e for e in chamadas if e["no_executor"]]
    if no_pai:
        _falhar(
            f"{len(no_pai)} de {len(chamadas)} chamada(s) de {parametro} rodaram no próprio processo que chamou "
            f"{pai} (pid {no_pai[0]['pid']}), e não num processo filho: crie um Process por {item}."
        )
    if len(chamadas) != len(entrada):
        _falhar(f"esperava uma chamada de {parametro} por {item} ({len(entrada)}), houve {len(chamadas)}.")
    if not chamadas:
        return chamadas
    processos = Counter(e.get("processo", e["pid"]) for e in chamadas)
    if len(processos) < len(chamadas):
        repetido, vezes = processos.most_common(1)[0]
        _falhar(
            f"as {len(chamadas)} chamadas de {parametro} rodaram em só {len(processos)} processo(s) (o processo "
            f"{str(repetido).split(':')[0]} rodou {vezes}): o enunciado pede um processo filho por {item}. Um pool "
            f"com menos trabalhadores que {_PLURAL[item]} reaproveita o mesmo processo — crie um Process por {item}."
        )
    tipos = Counter(e["dado_tipo"] for e in chamadas)
    nao_proxy = [e for e in chamadas if " em " not in e["dado_id"]]
    if nao_proxy:
        _falhar(
            f"os filhos receberam em {dado} um {nao_proxy[0]['dado_tipo']} comum, não um objeto do Manager: "
            "cada processo mexe na própria cópia, e o pai não vê nada. Crie-o com o Manager (m.dict(), m.list())."
        )
    if len({e["dado_id"] for e in chamadas}) > 1:
        _falhar(
            f"os filhos receberam {len({e['dado_id'] for e in chamadas})} objetos diferentes em {dado} "
            f"({dict(tipos)}): todos têm de mexer no MESMO objeto do Manager, criado uma vez pelo pai."
        )
    travas = {e["trava_id"] for e in chamadas}
    locais = [e for e in chamadas if "(só deste processo)" in e["trava_id"]]
    if locais:
        _falhar(
            f"a trava que os filhos receberam é um {locais[0]['trava_tipo']}, que não é compartilhado entre "
            "processos (cada filho fica com a sua cópia): use a trava do Manager (m.Lock())."
        )
    if len(travas) > 1:
        _falhar(
            f"cada filho recebeu uma trava diferente ({len(travas)} travas para {len(chamadas)} chamadas): "
            "uma trava só protege se for a MESMA para todos — crie uma, antes dos processos, e passe-a a todos."
        )
    return chamadas


def conferir_encontro(parte: str, obs: dict, entrada: list) -> None:
    """Com dois ou mais itens, pelo menos dois filhos estiveram trabalhando ao mesmo tempo."""
    __tracebackhide__ = True
    pai, parametro, _, item, _ = PARTES[parte]
    if len(entrada) < 2:
        return
    sem = [e for e in obs["eventos"] if e["op"] == "fim" and e.get("encontro") is False]
    if sem:
        _falhar(
            f"as chamadas de {parametro} nunca estiveram em andamento ao mesmo tempo (a primeira esperou "
            f"uma segunda por vários segundos): os filhos rodaram um depois do outro. Comece (start) todos "
            f"os processos e só depois espere (join) todos."
        )


def _violacoes(eventos: list[dict], dado: str) -> list[str]:
    """Cada escrita tem de acontecer segurando a trava, na MESMA posse em que o processo leu o valor
    que está escrevendo. Escritas em proxies aninhados (``historico['log'].append``) não dependem de uma
    leitura (cada uma é atômica no servidor), mas também têm de acontecer segurando a trava."""
    por_chamada: dict[str, list[dict]] = {}
    for e in eventos:
        if e["op"] in ("ler", "escrever"):
            por_chamada.setdefault(e["chamada"], []).append(e)
    problemas = []
    for lista in por_chamada.values():
        lida: dict[str, tuple[int, int]] = {}
        for ordem, e in enumerate(sorted(lista, key=lambda e: e["t"])):
            if "[" in e["dado"]:
                # Um proxy aninhado (m.dict({"log": m.list()})): o append vai direto ao servidor, sem ler
                # antes; mas o enunciado pede a escrita em historico["log"] segurando a trava.
                if e["op"] == "escrever" and e["posse"] == 0:
                    problemas.append(f"o processo {e['pid']} escreveu em {e['dado']} ({e['metodo']}) sem segurar a trava")
                continue
            chave, posse = e["chave"], e["posse"]
            nome = dado if chave == "*" else f"{dado}[{chave}]"
            if e["op"] == "ler":
                lida[chave] = (ordem, posse)
                continue
            candidatas = [v for v in (lida.get(chave), lida.get("*") if chave != "*" else None) if v]
            posse_lida = max(candidatas)[1] if candidatas else None
            onde = f"o processo {e['pid']}"
            if posse == 0:
                problemas.append(f"{onde} escreveu em {nome} ({e['metodo']}) sem segurar a trava")
            elif posse_lida is None:
                problemas.append(
                    f"{onde} escreveu em {nome} ({e['metodo']}) sem ter lido antes, na mesma posse da trava, "
                    "o que já estava lá: sobrescreve o que outro processo escreveu")
            elif posse_lida == 0:
                problemas.append(
                    f"{onde} leu {nome} sem segurar a trava e depois escreveu ({e['metodo']}): entre a "
                    "leitura e a escrita outro processo pode ter escrito")
            elif posse_lida != posse:
                problemas.append(
                    f"{onde} leu {nome} com a trava, soltou-a, e escreveu ({e['metodo']}) numa outra posse "
                    "da trava: entre as duas outro processo pode ter escrito")
    return problemas


def conferir_trava(parte: str, obs: dict) -> None:
    """Toda leitura-e-escrita do dado compartilhado aconteceu inteira dentro de uma posse da trava."""
    __tracebackhide__ = True
    _, _, funcao, _, dado = PARTES[parte]
    problemas = _violacoes(obs["eventos"], dado)
    if problemas:
        contagem = Counter(p.split(" escreveu", 1)[0].split(" leu", 1)[0] for p in problemas)
        _falhar(
            f"{funcao} fez {len(problemas)} leitura(s)-e-escrita(s) no {dado} do Manager sem que ler e escrever "
            f"acontecessem juntos dentro da trava ({', '.join(f'{q}: {n}' for q, n in contagem.items())}). "
            "Cada operação num proxy é uma mensagem ao servidor: ler, mudar e escrever não é atômico.\n"
            + _exemplos(problemas)
        )


def _escreve_no_log(e: dict) -> bool:
    """Uma escrita que muda historico["log"] no servidor: reatribuir a chave (``[]=``, ``update``) ou
    mexer numa lista do Manager aninhada (``historico["log"].append``)."""
    return e["op"] == "escrever" and (e["dado"] == "historico['log']" or (
        e["dado"] == "historico" and e["chave"] == "'log'" and e["metodo"] in ("[]=", "update")))


def _outras_chaves(eventos: list[dict], chamadas) -> list[str]:
    """As chaves do historico (fora "log") em que essas chamadas escreveram, na ordem em que apareceram."""
    chaves = []
    for e in eventos:
        if (e["op"] == "escrever" and e["chamada"] in chamadas and e["dado"] == "historico"
                and e["chave"] not in ("'log'", "*") and f"historico[{e['chave']}]" not in chaves):
            chaves.append(f"historico[{e['chave']}]")
    return chaves


def conferir_escritas_chegaram(obs: dict) -> None:
    """Parte C: cada chamada de registrar acrescentou o nome a historico["log"] de um jeito que chega ao
    servidor — reatribuindo a chave, ou numa lista do Manager aninhada. Escrever em outra chave não vale."""
    __tracebackhide__ = True
    eventos = obs["eventos"]
    chamadas = [e["chamada"] for e in eventos if e["op"] == "chamada"]
    escreveram = {e["chamada"] for e in eventos if _escreve_no_log(e)}
    mudas = [c for c in chamadas if c not in escreveram]
    if not mudas:
        return
    leram = {e["chamada"] for e in eventos if e["op"] == "ler" and e["dado"] == "historico" and e["chave"] == "'log'"}
    outras = _outras_chaves(eventos, set(mudas))
    so_em = f" (escreveu só em {', '.join(outras)})" if outras else ""
    if set(mudas) <= leram:
        causa = (f"leu historico['log'], que devolve uma CÓPIA da lista, e não reatribuiu a chave{so_em}: o append "
                 "foi feito na cópia, que não volta ao servidor — leia, mude e reatribua historico['log'] = ... "
                 "dentro da trava.")
    elif outras:
        causa = (f"não escreveu em historico['log']{so_em}: o nome tem de ser acrescentado à lista "
                 "historico['log'] do Manager (leia, mude e reatribua historico['log'] = ... dentro da trava).")
    else:
        causa = "não escreveu nada no historico do Manager: o nome tem de chegar a historico['log']."
    _falhar(f"em {len(mudas)} de {len(chamadas)} chamada(s), registrar {causa}")


def _log_dos_filhos(eventos: list[dict]) -> tuple[list[str] | None, bool]:
    """O que os filhos deixaram em historico["log"], refeito das escritas deles em ordem (cada escrita
    acontece com a trava, então a ordem dos instantes é a ordem no servidor): a lista (itens como
    :func:`autograder.sondas._curto`), ou None se nenhum filho escreveu lá; e se não dá para saber
    (uma escrita que a reconstrução não acompanha, como trocar um item pelo índice)."""
    log: list[str] | None = None
    for e in sorted(eventos, key=lambda e: e["t"]):
        if e["op"] != "escrever":
            continue
        if e["dado"] == "historico":
            if e["chave"] == "'log'" and e["metodo"] in ("[]=", "update"):
                if "itens" not in e:  # não é uma lista
                    return None, True
                log = list(e["itens"])
            elif (e["chave"] == "'log'" and e["metodo"] == "del") or e["metodo"] == "clear":
                log = None
        elif e["dado"] == "historico['log']":
            if e["metodo"] in ("append", "extend", "insert"):
                log = (log or []) + list(e.get("itens", []))
            elif e["metodo"] in ("remove", "pop") and log and e.get("valor") in log:
                log.remove(e["valor"])
            else:
                return None, True
    return log, False


def _ultimas_escritas(eventos: list[dict]) -> dict[str, str]:
    ultimas = {}
    for e in sorted(eventos, key=lambda e: e["t"]):
        if e["op"] == "escrever" and e["metodo"] in ("[]=", "update"):
            ultimas[e["chave"]] = e.get("valor")
    return ultimas


def conferir_resultado(parte: str, obs: dict, esperado) -> None:
    """O valor devolvido é o esperado, é dado simples, e é o que os filhos deixaram no Manager."""
    __tracebackhide__ = True
    pai, parametro, _, _, dado = PARTES[parte]
    if obs["resultado"] is None:
        _falhar(f"{pai} devolveu um {obs['tipo']}; devolva um {type(esperado).__name__} comum, copiado do "
                f"Manager antes de encerrá-lo (ex.: dict(contagem), sorted(lista)).")
    resultado = obs["resultado"]
    if resultado != esperado:
        _falhar(f"{pai}: esperava {esperado!r}, recebi {resultado!r}.")
    eventos = obs["eventos"]
    if parte == "contagem":
        ultimas = _ultimas_escritas(eventos)
        no_manager = {chave: valor for chave, valor in ultimas.items()}
        devolvido = {repr(k): repr(v) for k, v in resultado.items()}
        if no_manager != devolvido:
            _falhar(f"{pai} devolveu a contagem certa, mas não é o que os filhos deixaram no {dado} do Manager "
                    f"(lá ficou {no_manager}): o resultado tem de vir do Manager, não ser calculado no pai.")
    elif parte == "historico":
        log, incerto = _log_dos_filhos(eventos)
        devolvido = sorted(_curto(x) for x in resultado)
        if not incerto and (log is not None or devolvido) and sorted(log or []) != devolvido:
            chamadas = {e["chamada"] for e in eventos if e["op"] == "chamada"}
            if log is None:
                leram = any(e["op"] == "ler" and e["dado"] == "historico" and e["chave"] == "'log'" for e in eventos)
                outras = _outras_chaves(eventos, chamadas)
                causa = ("nenhum filho escreveu em historico['log']"
                         + (f" (escreveram em {', '.join(outras)})" if outras else "")
                         + (": o append foi feito na cópia devolvida por historico['log'], que não volta ao "
                            "servidor — reatribua a chave (historico['log'] = ...) dentro da trava, e devolva a "
                            "lista que ficou no Manager." if leram else
                            ": o nome tem de ser acrescentado a historico['log'], e o resultado tem de vir de lá, "
                            "não ser calculado no pai."))
            else:
                causa = (f"lá ficou [{', '.join(log)}]: o resultado tem de ser a lista historico['log'] que os "
                         "filhos deixaram no Manager, ordenada, não ser calculado no pai.")
            _falhar(f"{pai} devolveu {resultado!r}, mas não é o que os filhos deixaram em historico['log'] no "
                    f"Manager — {causa}")
    elif parte == "unicos":
        anexados = sorted(i for e in eventos if e["op"] == "escrever" for i in e.get("itens", []))
        if anexados != sorted(repr(x) for x in resultado):
            _falhar(f"{pai} devolveu a lista certa, mas não é o que os filhos anexaram à {dado} do Manager "
                    f"({', '.join(anexados) or 'nada'}): o resultado tem de vir do Manager.")
