"""Conferências do exercício 06 (chat), no processo do teste, sobre o que os roteiros de
:mod:`autograder.sondas_ex06` observaram. Cada falha diz a causa observada."""

from __future__ import annotations

from autograder.execucao import FalhaNoFilho


def _falhar(mensagem: str) -> None:
    __tracebackhide__ = True
    raise FalhaNoFilho(mensagem)


def conferir_servidor(obs: dict) -> None:
    """Dois servidores sobem juntos, com spawn, em 127.0.0.1, cada um numa porta pedida como 0; o
    registro usa uma função de módulo; a caixa de A é a mesma para dois clientes."""
    __tracebackhide__ = True
    if obs.get("alvo_lambda"):
        _falhar("caixa_de foi registrada com uma lambda: o registro viaja por pickle até o processo do "
                "servidor (com spawn/forkserver), e uma lambda não vai. Registre a função de módulo caixa_de.")
    pedidos = obs.get("pedidos", [])
    fixas = [c for c in pedidos if c["porta_pedida"] != 0]
    if fixas:
        _falhar(f"o servidor pediu o endereço {fixas[0]['pedido']}: a porta tem de ser escolhida pelo sistema "
                "(porta 0 no endereço; a real aparece em servidor.address depois do start()): uma porta fixa só "
                "serve a um servidor por vez.")
    if obs["erro"] and obs.get("etapa", "").startswith("subir"):
        dica = ""
        if "pickle" in obs["erro"].lower() or "lambda" in obs["erro"] or "local object" in obs["erro"]:
            dica = (" — o registro viaja por pickle até o processo do servidor (o teste o sobe com spawn, como "
                    "no Windows e no macOS): registre uma função de módulo, nada de lambda ou função local")
        elif "Address already in use" in obs["erro"] or "Errno 98" in obs["erro"]:
            dica = (" — o segundo servidor não conseguiu a porta: uma porta fixa só serve a um servidor por vez. "
                    "Peça a porta 0 e deixe o sistema escolher")
        _falhar(f"ao {obs['etapa']}: {obs['erro']}{dica}.")
    enderecos = obs.get("enderecos", [])
    for endereco in enderecos:
        if not isinstance(endereco, list) or endereco[0] != "127.0.0.1":
            _falhar(f"o servidor escuta em {endereco!r}: deve escutar só na própria máquina, em ('127.0.0.1', 0).")
    if len(enderecos) == 2 and enderecos[0][1] == enderecos[1][1]:
        _falhar("dois servidores ficaram com a mesma porta: peça a porta 0.")
    if not pedidos:
        _falhar("iniciar_servidor não iniciou (start) nenhum BaseManager.")
    if obs["erro"] and "Empty" in obs["erro"]:
        _falhar("um cliente pôs 'teste' na caixa de A e outro cliente esperou 5 s e não achou nada nela: "
                "caixa_de(nome) tem de devolver SEMPRE a mesma fila para o mesmo nome (crie-a só na primeira vez).")
    if obs["erro"]:
        _falhar(f"ao {obs['etapa']}: {obs['erro']}.")
    if obs.get("eco") != "teste":
        _falhar(f"um cliente pôs 'teste' na caixa de A e outro cliente tirou {obs.get('eco')!r} dela: caixa_de(nome) "
                "tem de devolver SEMPRE a mesma fila para o mesmo nome (crie-a só na primeira vez).")


def conferir_participantes(obs: dict, esperada: list[str], mostrar: bool = True) -> None:
    """As duas transcrições são a conversa esperada; cada participante mostrou cada linha que recebeu,
    assim que ela chegou (antes de pedir a próxima mensagem à fonte), e só essas."""
    __tracebackhide__ = True
    transcricoes = obs["transcricoes"]
    for nome in ("A", "B"):
        if nome not in transcricoes:
            _falhar(f"o participante {nome} não terminou: ficou esperando (o prazo de cada get não foi respeitado?).")
        obtida = transcricoes[nome]
        if isinstance(obtida, str) and obtida.startswith("erro: "):
            _falhar(f"participante {nome} levantou {obtida.removeprefix('erro: ')}")
        if obtida != esperada:
            _falhar(f"transcrição de {nome}: esperava {esperada!r}, recebi {obtida!r}.")
    if not mostrar:
        return
    for nome in ("A", "B"):
        meus = [e for e in obs["eventos"] if e[0] == nome]
        mostradas = [e[2] for e in meus if e[1] == "mostrar"]
        recebidas = [linha for linha in esperada if not linha.startswith(f"{nome}: ")]
        if mostradas != recebidas:
            _falhar(f"{nome} mostrou {mostradas!r}, mas recebeu {recebidas!r}: chame mostrar(linha) com cada "
                    "linha recebida (\"quem: mensagem\"), uma vez, e só com as recebidas.")
        vistas = 0
        antes_de_cada_fonte = [
            sum(1 for anterior in esperada[:i] if not anterior.startswith(f"{nome}: "))
            for i, linha in enumerate(esperada) if linha.startswith(f"{nome}: ")
        ]
        k = 0
        for e in meus:
            if e[1] == "mostrar":
                vistas += 1
            elif e[1] == "fonte":
                if k < len(antes_de_cada_fonte) and vistas < antes_de_cada_fonte[k]:
                    _falhar(f"{nome} pediu a mensagem {e[2]!r} à fonte antes de mostrar a linha que tinha "
                            "recebido: mostre cada mensagem assim que ela chega, antes de responder.")
                k += 1


def conferir_conversa(obs: dict, esperada: list[str] | None) -> None:
    """A e B rodaram em dois processos filhos; o servidor usou uma chave aleatória; as transcrições são
    a conversa; quando conversar terminou, o servidor estava encerrado e os filhos, esperados (join)."""
    __tracebackhide__ = True
    if not obs["terminou"]:
        _falhar(f"conversar não terminou em {obs['segundos']:g} s: as esperas pelos participantes e pelas "
                "transcrições precisam de prazo (get(timeout=...), join(timeout=...)).")
    participantes = obs["participantes"]
    if esperada is not None and obs["erro"]:
        _falhar(f"conversar levantou {obs['erro']}")
    nomes = sorted(e["nome"] for e in participantes)
    if nomes != ["'A'", "'B'"]:
        _falhar(f"conversar tem de rodar a função participar recebida uma vez para A e uma para B, em processos "
                f"filhos; ela rodou {len(participantes)} vez(es) ({', '.join(nomes) or 'nenhuma'}).")
    no_pai = [e for e in participantes if e["no_executor"]]
    if no_pai:
        _falhar(f"o participante {no_pai[0]['nome']} rodou no próprio processo de conversar (pid {no_pai[0]['pid']}), "
                "não num processo filho: crie um Process para cada participante.")
    if len({e["pid"] for e in participantes}) != 2:
        _falhar("A e B rodaram no mesmo processo: cada participante precisa do seu processo.")
    if not obs["criados"]:
        _falhar("conversar não subiu um servidor (BaseManager): use iniciar_servidor.")
    for pedido in obs.get("pedidos", []):
        if pedido.get("porta_pedida") not in (0, None) and not pedido.get("via_iniciar_servidor"):  # None: sem endereço TCP (um Manager() local)
            _falhar(f"o servidor que conversar subiu pediu o endereço {pedido['pedido']}: a porta tem de ser "
                    "escolhida pelo sistema (porta 0) — uma porta fixa só serve a uma conversa por vez. Suba-o "
                    "com iniciar_servidor.")
    for servidor in obs.get("servidores", []):
        if servidor.get("host") not in ("127.0.0.1", None) and not servidor.get("via_iniciar_servidor"):
            _falhar(f"o servidor que conversar subiu escuta em {servidor['endereco']}: deve escutar só na própria "
                    "máquina, em 127.0.0.1 (a conexão desserializa o que recebe). Suba-o com iniciar_servidor.")
    sem_chave = [c for c in obs["criados"] if c["tamanho_chave"] < 16]
    if sem_chave:
        _falhar(f"o servidor da conversa foi criado com uma chave de {sem_chave[0]['tamanho_chave']} byte(s): use "
                "uma chave aleatória, como secrets.token_bytes(32).")
    if esperada is not None:
        resultado = obs["resultado"]
        if resultado is None:
            _falhar(f"conversar devolveu {obs.get('tipo')}, não um dict com as duas transcrições.")
        if resultado != {"A": esperada, "B": esperada}:
            _falhar(f"esperava {{'A': {esperada!r}, 'B': {esperada!r}}}, recebi {resultado!r}.")
    conferir_encerramento(obs, "terminou")
    sem_join = obs["sem_join"]
    if sem_join:
        vivos = sum(1 for p in sem_join if p["vivo"])
        _falhar(f"quando conversar voltou, {len(sem_join)} processo(s) filho(s) não tinham sido esperados com "
                f"join() ({vivos} ainda rodando): espere os participantes antes de voltar.")


def conferir_encerramento(obs: dict, como: str = "falhou") -> None:
    """Quando conversar terminou (mesmo com um participante que caiu), o servidor estava encerrado."""
    __tracebackhide__ = True
    if not obs["terminou"]:
        _falhar(f"com um participante que caiu sem mandar a transcrição, conversar não terminou em "
                f"{obs['segundos']:g} s: a espera pelas transcrições precisa de prazo (get(timeout=...)).")
    if obs.get("falhas"):
        _falhar(f"o servidor da conversa não subiu: {obs['falhas'][0]}.")
    if not obs["servidores"]:
        _falhar("conversar não subiu um servidor (BaseManager.start): use iniciar_servidor.")
    abertos = [s for s in obs["servidores"] if not s["encerrado"] or s["vivo"]]
    if abertos:
        quando = ("depois que um participante caiu, conversar terminou" if como == "falhou" else "conversar terminou")
        _falhar(f"{quando} ({'levantando ' + obs['erro'] if obs['erro'] else 'sem erro'}) com o servidor em "
                f"{abertos[0]['endereco']} ainda no ar: encerre-o com shutdown() num finally, para que ele "
                "termine mesmo quando algo dá errado.")


def mesma_chave(primeira: dict, segunda: dict) -> None:
    """Duas conversas não usam a mesma chave."""
    __tracebackhide__ = True
    chaves = {c["chave"] for c in primeira["criados"]} & {c["chave"] for c in segunda["criados"]}
    if chaves:
        _falhar("duas conversas usaram a MESMA chave: ela tem de ser aleatória (secrets.token_bytes(32)) a "
                "cada conversa, não uma constante.")


def conferir_chaves_erradas(obs: dict) -> None:
    """O servidor usa a chave que recebeu, e ``conectar`` com uma chave errada (curta ou do tamanho
    normal) é recusado com AuthenticationError."""
    __tracebackhide__ = True
    if obs["chave_certa"] != "conectou":
        _falhar(f"iniciar_servidor ignora a chave: um cliente com a chave que o teste passou a iniciar_servidor foi "
                f"recusado ({obs['chave_certa']}). Passe essa chave como authkey do servidor.")
    for rotulo in ("b'abc'", "32 bytes aleatórios"):
        if obs[rotulo] != "AuthenticationError":
            como = "conectou" if obs[rotulo] == "conectou" else f"falhou com {obs[rotulo]}, não com AuthenticationError"
            _falhar(f"um cliente com uma chave errada ({rotulo}) {como}: passe a chave recebida como authkey no "
                    "servidor e no cliente (conectar), sem trocá-la.")


def conferir_prazo_do_get(obs: dict) -> None:
    """Um participante sozinho, sem resposta (B, que começa recebendo; ou A, que começa escrevendo e
    ninguém responde): com ``get(timeout=prazo)``, ele termina logo depois do prazo."""
    __tracebackhide__ = True
    if not obs["terminou"]:
        nome, outro = obs.get("nome", "B"), obs.get("outro", "A")
        if nome == "A":
            situacao = (f"A começou escrevendo, com prazo={obs['prazo']:g} s, pôs {obs.get('primeira', 'oi')!r} na "
                        f"caixa de {outro}, e {outro} nunca respondeu")
        else:
            situacao = f"B começou recebendo, com prazo={obs['prazo']:g} s, e {outro} nunca escreveu"
        _falhar(f"{situacao}: {obs['janela']:g} s depois, {nome} ainda esperava na própria caixa — o get não tem "
                "prazo. Leia com get(timeout=prazo) dos dois lados da conversa, quem começa e quem responde: "
                "nunca espere para sempre.")
