"""Verificações do exercício 10 (memória compartilhada com nome): cada falha diz o que as sondas e os
roteiros viram — quem escreveu cada fatia, quem criou, fechou e destruiu cada bloco, e o que ficou."""

from __future__ import annotations

import math

from autograder.cenarios_ex10 import SENTINELA
from autograder.execucao import FalhaNoFilho, interpretar


def _falhar(mensagem: str):
    __tracebackhide__ = True
    raise FalhaNoFilho(mensagem)


def _quem(evento: dict) -> str:
    return f"o pai (pid {evento['pid']})" if evento["no_executor"] else f"o processo filho {evento['pid']}"


def _igual(a, b) -> bool:
    return isinstance(a, (int, float)) and not isinstance(a, bool) and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def _faixa(inicio: int, fim: int) -> str:
    return f"{inicio}" if fim == inicio + 1 else f"{inicio}..{fim - 1}"


# ---------------------------------------------------------------------------------------------
# Parte A: preencher_fatia, o lado do filho


def verificar_fatias(execucao, casos, blocos) -> None:
    """Parte A: cada caso ``(n, inicio, fim)`` rodado por :func:`autograder.cenarios_ex10.fatias`."""
    __tracebackhide__ = True
    resultados = interpretar(execucao, 30)
    for (n, inicio, fim), res in zip(casos, resultados):
        conferir_fatia(res, n, inicio, fim, blocos)


def conferir_fatia(res: dict, n: int, inicio: int, fim: int, blocos) -> None:
    """Parte A: a fatia ficou com i*i, o resto do bloco ficou como estava, o bloco foi fechado e não destruído."""
    __tracebackhide__ = True
    chamada = f"preencher_fatia(nome, {n}, {inicio}, {fim})"
    nome = res["nome"]
    criados = [e for e in blocos.eventos if e["op"] == "criar"]
    if criados:
        _falhar(f"{chamada} criou um bloco novo (SharedMemory(create=True, ...)): o bloco já existe; anexe a ele "
                "pelo nome, com SharedMemory(name=nome)")
    unlinks = blocos.do_bloco(nome, "unlink")
    if unlinks or not res["existe"]:
        _falhar(f"{chamada} destruiu o bloco (unlink): quem só anexa ao bloco não o destrói — o unlink é de quem o "
                "criou, uma vez, depois que todos terminaram. No filho, só close()")
    if res["aberto"]:
        _falhar(f"{chamada} voltou com o bloco ainda aberto (mapeado) neste processo: feche-o com shm.close() "
                "(de preferência num finally) antes de voltar")
    conteudo = res["conteudo"]
    for i, valor in enumerate(conteudo):
        if inicio <= i < fim:
            if not _igual(valor, float(i * i)):
                _falhar(f"depois de {chamada}, a posição {i} do bloco tem {valor!r}; esperava {float(i * i)!r} "
                        "(i * i, como float64: veja o bloco com np.ndarray((n,), dtype=np.float64, buffer=shm.buf))")
        elif valor != SENTINELA:
            _falhar(f"depois de {chamada}, a posição {i}, fora da fatia {inicio}..{fim - 1}, mudou de {SENTINELA!r} "
                    f"para {valor!r}: cada filho escreve só na sua fatia (vetor[inicio:fim]), nunca no resto")


# ---------------------------------------------------------------------------------------------
# Parte B: quadrados_em_paralelo, o lado do pai


def conferir_fatias_das_chamadas(chamadas: list[dict], n: int, processos: int) -> None:
    """As chamadas de preencher cobrem 0..n-1 com fatias disjuntas, uma por processo."""
    __tracebackhide__ = True
    contagem = [0] * n
    fatias = []
    for e in chamadas:
        inicio, fim = e.get("inicio"), e.get("fim")
        if not (isinstance(inicio, int) and isinstance(fim, int) and 0 <= inicio <= fim <= n) or e.get("n") != n:
            _falhar(f"{_quem(e)} chamou preencher(nome, {e.get('n')!r}, {inicio!r}, {fim!r}): com n={n}, cada fatia "
                    f"é preencher(nome, {n}, inicio, fim) com 0 <= inicio <= fim <= {n}")
        fatias.append((inicio, fim))
        for i in range(inicio, fim):
            contagem[i] += 1
    repetidas = [i for i, c in enumerate(contagem) if c > 1]
    if repetidas:
        i = repetidas[0]
        donas = sorted(f for f in fatias if f[0] <= i < f[1])
        _falhar(f"as fatias {donas[0][0]}..{donas[0][1] - 1} e {donas[1][0]}..{donas[1][1] - 1} se sobrepõem (a "
                f"posição {i} foi escrita por {contagem[i]} filhos): as fatias são disjuntas — fim de uma = início "
                "da seguinte")
    faltando = [i for i, c in enumerate(contagem) if c == 0]
    if faltando:
        _falhar(f"a(s) posição(ões) {faltando} não ficaram em fatia nenhuma (fatias: {sorted(fatias)}): juntas, as "
                f"fatias cobrem 0..{n - 1} — cuidado com o resto da divisão de {n} por {processos}")
    if len(chamadas) != processos:
        _falhar(f"preencher foi chamado {len(chamadas)} vez(es); esperava {processos}: uma fatia por processo")


def verificar_paralelo(execucao, n: int, processos: int, preencher, blocos) -> None:
    """Parte B: filhos de verdade, em paralelo, preencheram fatias disjuntas que cobrem o bloco criado
    pelo pai, e a função devolveu o que ficou no bloco."""
    __tracebackhide__ = True
    chamadas = preencher.chamadas()
    if not chamadas:
        if execucao.resposta and execucao.resposta[0] == "ok":
            _falhar("quadrados_em_paralelo não chamou o preencher que o teste entregou: cada filho chama "
                    "preencher(nome, n, inicio, fim), que escreve a fatia no bloco; o resultado é o que ficou no bloco "
                    "(calcular no pai, ou receber os valores por uma fila, não é o que o enunciado pede)")
        interpretar(execucao, 60)
    do_pai = [e for e in chamadas if e["no_executor"]]
    if do_pai:
        _falhar(f"o próprio pai chamou preencher {len(do_pai)} vez(es): cada fatia é preenchida por um processo filho "
                "(Process(target=preencher, args=(...)) ou um pool)")
    sem_bloco = [e for e in preencher.eventos if e["op"] == "sem_bloco"]
    if sem_bloco:
        _falhar(f"{_quem(sem_bloco[0])} chamou preencher com o nome {sem_bloco[0]['nome']!r}, que não é de um bloco "
                "existente: passe shm.name do bloco que o pai criou (e só faça unlink depois que os filhos terminarem)")
    conferir_fatias_das_chamadas(chamadas, n, processos)
    nomes = {e["nome"] for e in chamadas}
    criados = blocos.criados_pelo_pai()
    estranhos = sorted(nomes - set(criados))
    if estranhos:
        _falhar(f"preencher recebeu o nome {estranhos[0]!r}, de um bloco que o pai não criou: o pai cria o bloco "
                "(SharedMemory(create=True, size=8 * n)) e passa shm.name aos filhos")
    if len(nomes) > 1:
        _falhar(f"os filhos receberam {len(nomes)} blocos diferentes: todos escrevem no mesmo bloco, cada um na sua fatia")
    fora = [e for e in preencher.eventos if e["op"] == "fora"]
    if fora:
        _falhar(f"o bloco tem {fora[0].get('tamanho')} bytes, pouco para {n} floats de 8 bytes: crie-o com size=8 * n")
    separados = [e for e in preencher.eventos if e["op"] in ("fim", "falhou") and e.get("encontro") is False]
    if separados:
        _falhar(f"os {processos} preenchimentos não rodaram ao mesmo tempo (o processo {separados[0]['pid']} esperou "
                f"os outros e eles não vieram): inicie todos os filhos e só depois espere por eles (join)")
    resultado = interpretar(execucao, 60)
    esperado = [preencher.valor(i) for i in range(n)]
    if not isinstance(resultado, (list, tuple)) or len(resultado) != n:
        _falhar(f"quadrados_em_paralelo devolveu {resultado!r}; esperava uma lista com os {n} valores do bloco")
    if all(_igual(a, b) for a, b in zip(resultado, esperado)):
        return
    if all(_igual(a, float(i * i)) for i, a in enumerate(resultado)):
        _falhar(f"quadrados_em_paralelo devolveu i * i calculado à parte, não o que ficou no bloco: o preencher do "
                f"teste escreveu {esperado[:4]}... Leia o vetor do bloco depois do join")
    _falhar(f"quadrados_em_paralelo devolveu {list(resultado)}; o bloco tinha {esperado}: devolva o que ficou no "
            "bloco (vetor.tolist()) depois que todos os filhos terminaram")


# ---------------------------------------------------------------------------------------------
# Parte C: o ciclo de vida do bloco, também quando um filho falha


def verificar_ciclo(execucao, casos, blocos) -> None:
    """Parte C: cada caso ``(n, processos, preencher)`` rodado por :func:`autograder.cenarios_ex10.ciclo`."""
    __tracebackhide__ = True
    resultados = interpretar(execucao, 60)
    for (_, _, preencher), res in zip(casos, resultados):
        conferir_ciclo(res, preencher, blocos)
    if "leaked shared_memory" in execucao.saida:
        _falhar("o rastreador de recursos avisou de bloco(s) de memória compartilhada esquecidos (leaked "
                "shared_memory): todo bloco criado é destruído (unlink) por quem o criou")


def conferir_ciclo(res: dict, preencher, blocos) -> None:
    """Parte C: o pai criou o bloco, fechou-o e o destruiu uma vez, depois dos filhos — também quando um
    filho falhou, caso em que a função levanta uma exceção."""
    __tracebackhide__ = True
    falha = preencher.params["falhar_em"] is not None
    situacao = "com um filho que falha" if falha else "sem falhas"
    t0, t1 = res["marcas"]
    if falha and res["erro"] is None:
        _falhar("um filho falhou (preencher levantou RuntimeError e o filho terminou com exitcode 1), mas "
                "quadrados_em_paralelo voltou normalmente: depois do join, confira o exitcode de cada filho e "
                "levante RuntimeError se algum falhou")
    if falha and not res.get("runtime"):
        _falhar(f"um filho falhou e quadrados_em_paralelo levantou {res['erro'].split(':')[0]}; o enunciado pede "
                "RuntimeError (por exemplo, raise RuntimeError(f\"o filho {pid} terminou com exitcode "
                "{exitcode}\"))")
    if not falha and res["erro"] is not None:
        _falhar(f"quadrados_em_paralelo levantou {res['erro']} num caso sem falhas")
    depois = "levantou a exceção" if falha else "voltou"
    if not res["blocos"]:
        _falhar(f"quadrados_em_paralelo ({situacao}) não criou nenhum bloco com SharedMemory(create=True, ...)")
    for nome, estado in res["blocos"].items():
        eventos = [e for e in blocos.do_bloco(nome) if t0 <= e["t"] <= t1]
        unlinks = [e for e in eventos if e["op"] == "unlink"]
        dos_filhos = [e for e in unlinks if not e["no_executor"]]
        if dos_filhos:
            _falhar(f"{_quem(dos_filhos[0])} fez unlink do bloco ({situacao}): só quem criou o bloco (o pai) o "
                    "destrói, uma vez, depois que os filhos terminaram; os filhos só fazem close()")
        if len(unlinks) > 1:
            falhos = sum(1 for e in unlinks if not e.get("ok"))
            _falhar(f"o pai chamou unlink {len(unlinks)} vezes no mesmo bloco ({situacao}; {falhos} delas com o bloco já "
                    "destruído): o unlink acontece uma vez só, num finally")
        if not unlinks and not estado["existe"]:
            _falhar(f"o pai não fez unlink do bloco {nome} ({situacao}), e ele sumiu mesmo assim: só quem criou o "
                    "bloco (o pai) o destrói, com shm.unlink(), uma vez, depois que os filhos terminaram")
        if not unlinks or estado["existe"]:
            onde = (" O caminho da exceção também tem de destruir o bloco: feche e faça unlink num finally."
                    if falha else "")
            _falhar(f"o bloco {nome} continua existindo depois que quadrados_em_paralelo {depois} ({situacao}): quem "
                    f"cria o bloco faz unlink (uma vez), senão ele fica no sistema até o rastreador de recursos "
                    f"avisar do vazamento.{onde}")
        # Sem limite no fim: um filho não esperado termina DEPOIS de a função voltar (cada caso tem o seu
        # preencher, então todos os eventos dele são deste caso).
        ultimos = [e["t"] for e in preencher.eventos if e["op"] in ("fim", "falhou") and t0 <= e["t"]]
        if ultimos and unlinks[0]["t"] < max(ultimos):
            if falha:
                _falhar("o pai fez unlink do bloco com um filho ainda trabalhando (caso com um filho que falha): "
                        "levantou a exceção sem esperar todos os filhos. Espere todos (join), confira o "
                        "exitcode de cada um e só então levante RuntimeError — o finally fecha e destrói")
            _falhar(f"o pai fez unlink do bloco antes de os filhos terminarem ({situacao}): espere todos (join) e "
                    "só então feche e destrua")
        if estado["mapeado"]:
            _falhar(f"quadrados_em_paralelo {depois} com o bloco ainda aberto (mapeado) no pai ({situacao}): "
                    "shm.close() antes do unlink, num finally")
