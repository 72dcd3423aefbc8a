"""A nota de registro: o módulo ``solucao_*.py`` corrigido fora do notebook, com os testes do source.

O ``nbgrader autograde`` roda o notebook inteiro, e o notebook pode enganar a si mesmo (células a
mais, transformadores de entrada, módulos trocados, funções remendadas). A nota de registro não roda
o notebook: extrai o módulo da célula ``%%writefile`` da submissão e roda o código das MESMAS células
de teste do source (visíveis e ocultas), célula a célula, num processo Python novo e confiável
(``python -m autograder.instrutor.celulas``), fora do sandbox. O código do aluno só roda nos
executores da biblioteca, cada um iniciado dentro do sandbox pela variável ``AUTOGRADER_EXECUTOR``.

Por célula vale o MENOR entre o notebook e o registro; quando o notebook dá mais, a submissão vai
para a lista do olhar humano.

**Quando vale.** A nota de registro só existe para notebooks escritos para ela: o enunciado (o source)
tem uma célula de solução que começa com ``%%writefile <módulo>.py`` e as células de teste usam a
biblioteca ``autograder`` (que roda o código do aluno nos executores). Num curso qualquer do nbgrader —
testes que usam variáveis do notebook, sem módulo —, rodar as células de teste fora do notebook só
tiraria pontos de quem acertou; ali a nota de registro é DISPENSADA (a decisão é pelo source, e não
pela submissão: o aluno não escapa dela apagando a célula), vale a nota do ``nbgrader autograde``, e a
coluna "modo" do relatório diz ``sem nota de registro``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from autograder.instrutor import restos
from autograder.instrutor.sandbox import Limites, Sandbox, VigiaDosLimites, matar, processos_com
from autograder.instrutor.sinteticas import texto

#: Quando o notebook dá mais pontos que o módulo numa célula.
MOTIVO_NOTEBOOK_A_MAIS = "as células do notebook deram mais pontos que o módulo: código a mais no notebook?"
#: Modos da nota de registro (aparecem nos avisos quando não é o normal).
CONFIAVEL, NO_SANDBOX = "processo confiável fora do sandbox", "processo das células no sandbox (biblioteca sem AUTOGRADER_EXECUTOR)"
#: O que a coluna "modo" ganha quando a nota de registro não se aplica ao notebook (veja o módulo).
DISPENSADA = "sem nota de registro"
USA_BIBLIOTECA = re.compile(r"^\s*(from\s+autograder[\s.]|import\s+autograder\b)", re.MULTILINE)
MARCADOR_OCULTOS = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")
WRITEFILE = re.compile(r"\A\s*%%writefile\s+(?P<nome>\S+\.py)\s*\n")


def biblioteca_com_executor() -> bool:
    """A biblioteca desta instalação inicia executores pelo ``AUTOGRADER_EXECUTOR``?"""
    return importlib.util.find_spec("autograder._executor") is not None


def celulas_de_teste(fonte: dict) -> list[dict]:
    """As células de teste do source, com os testes ocultos (sem as linhas de marcador), e seus pontos."""
    celulas = []
    for celula in fonte.get("cells", []):
        meta = celula.get("metadata", {}).get("nbgrader", {})
        if celula.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            codigo = "\n".join(linha for linha in texto(celula).splitlines() if not MARCADOR_OCULTOS.match(linha))
            celulas.append({"id": meta["grade_id"], "pontos": float(meta.get("points", 0)), "codigo": codigo})
    return celulas


def aplicavel(fonte: dict) -> bool:
    """O notebook do enunciado foi escrito para a nota de registro (módulo por ``%%writefile`` e testes
    com a biblioteca ``autograder``)?"""
    tem_modulo = any(
        c.get("cell_type") == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution") and WRITEFILE.match(texto(c))
        for c in fonte.get("cells", [])
    )
    return tem_modulo and any(USA_BIBLIOTECA.search(c["codigo"]) for c in celulas_de_teste(fonte))


def modulo_da_submissao(fonte: dict, submissao: dict) -> tuple[str, str] | str:
    """(nome do arquivo, código) do módulo da submissão, ou o motivo de não haver um.

    Só vale a célula de solução do enunciado que escreve o módulo (pelo grade_id), e só se ela
    continua começando com ``%%writefile`` do mesmo arquivo: nenhuma outra célula conta.
    """
    esperado = None
    for celula in fonte.get("cells", []):
        meta = celula.get("metadata", {}).get("nbgrader", {})
        casamento = WRITEFILE.match(texto(celula)) if celula.get("cell_type") == "code" else None
        if meta.get("solution") and casamento:
            esperado = (meta["grade_id"], casamento["nome"])
            break
    if esperado is None:
        return "o enunciado não tem uma célula %%writefile de solução"
    grade_id, nome = esperado
    for celula in submissao.get("cells", []):
        if not isinstance(celula, dict) or celula.get("metadata", {}).get("nbgrader", {}).get("grade_id") != grade_id:
            continue
        codigo = texto(celula)
        casamento = WRITEFILE.match(codigo)
        if not casamento or casamento["nome"] != nome:
            return f"a célula da solução não começa com %%writefile {nome}: não há módulo para corrigir"
        return nome, codigo[casamento.end():]
    return f"a célula da solução ({grade_id}) foi apagada: não há módulo para corrigir"


def rodar_celulas(
    pasta: Path, nome: str, codigo: str, celulas: list[dict], prazo: float, isolar: bool, limites: Limites,
    env_base: dict[str, str] | None = None, ao_iniciar=None,
) -> dict:
    """Roda as células de teste contra o módulo e devolve ``{"celulas": {id: {pontos, erro}}, "modo": ...}``.

    ``pasta`` recebe só o módulo. O processo das células é novo (``python -m
    autograder.instrutor.celulas``); com isolamento, o código do aluno roda nos executores no sandbox
    (ou, com uma biblioteca que ainda não os inicia pelo ``AUTOGRADER_EXECUTOR``, o processo das
    células inteiro vai para o sandbox). Todo processo desta correção morre antes de voltar.
    ``ao_iniciar``, se dado, recebe logo depois da partida uma função que mata tudo (quem desistiu da
    resposta a chama de outra thread).
    """
    pasta.mkdir(parents=True, exist_ok=True)
    (pasta / nome).write_text(codigo, encoding="utf-8")
    env_base = dict(os.environ if env_base is None else env_base)
    env = {k: v for k, v in env_base.items() if k.startswith(("PROCESSOS_", "LANG", "LC_", "TZ", "PATH"))}
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "HOME": str(pasta), "MPLBACKEND": "Agg"})
    # A biblioteca guarda a saída capturada e os diários das sondas de cada executor em
    # <pasta>/.autograder, que o processo das células lê: essa pasta é montada com escrita no sandbox.
    compartilhada = pasta / ".autograder"
    compartilhada.mkdir(exist_ok=True)
    caixa = Sandbox(pasta, gravaveis=[compartilhada], limites=limites) if isolar else None
    confiavel = not isolar or biblioteca_com_executor()
    with tempfile.TemporaryDirectory(prefix=restos.prefixo("registro")) as fora:
        pedido_dados = {"celulas": celulas}
        if confiavel:
            # O pedido (com os testes ocultos) e a resposta ficam fora da pasta que o sandbox vê.
            pedido, resposta = Path(fora) / "pedido.json", Path(fora) / "resposta.json"
            pedido.write_text(json.dumps(pedido_dados), encoding="utf-8")
            cmd = [sys.executable, "-m", "autograder.instrutor.celulas", *opcoes_da_vigia(), str(pedido), str(resposta)]
            if caixa is not None:
                caixa.preparar()
                env["AUTOGRADER_EXECUTOR"] = caixa.variavel_executor(env_base)
        else:
            pedido, resposta = pasta / ".pedido.json", None
            pedido.write_text(json.dumps(pedido_dados), encoding="utf-8")
            cmd = [*caixa.prefixo(env_base, vigiar_entrada=True), sys.executable, "-m", "autograder.instrutor.celulas", pedido.name, "-"]
        inicio = time.monotonic()
        # A entrada do processo das células é a vigia: a escrita fica aqui até o fim. Se este processo
        # morrer (kill -9 no corretor), o processo das células e os sandboxes dele morrem em seguida,
        # em vez de rodar sozinhos até o prazo.
        leitura, vigia = os.pipe()
        try:
            proc = subprocess.Popen(
                cmd, cwd=pasta, env=env, stdin=leitura, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except BaseException:
            os.close(vigia)
            raise
        finally:
            os.close(leitura)
        def cortar() -> None:
            _matar_tudo(proc, caixa)

        if ao_iniciar is not None:
            ao_iniciar(cortar)
        limitada = VigiaDosLimites(caixa.token, [compartilhada], limites, cortar) if caixa is not None else contextlib.nullcontext()
        try:
            with limitada:
                saida, _ = proc.communicate(timeout=prazo)
            estourou = False
        except subprocess.TimeoutExpired:
            estourou = True
            saida = b""
        finally:
            _encerrar(proc, caixa)
            os.close(vigia)
        if estourou:
            # O que o processo das células já tinha escrito (a resposta até a última célula que rodou).
            with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
                saida = proc.communicate(timeout=10)[0] or b""
        motivo = getattr(limitada, "motivo", None)
        pedido.unlink(missing_ok=True)
        texto_saida = saida.decode("utf-8", "replace")
        dados = _ler_resposta(resposta, texto_saida)
    shutil.rmtree(pasta, ignore_errors=True)
    resultado = {"celulas": {}, "modo": CONFIAVEL if confiavel else NO_SANDBOX, "tempo": time.monotonic() - inicio}
    if motivo:
        resultado["tentou"] = motivo
    # As células que o processo não chegou a rodar (cortado antes delas: prazo, limites).
    resultado["sem_resposta"] = [c["id"] for c in celulas if not isinstance(dados, dict) or not isinstance(dados.get(c["id"]), dict)]
    for celula in celulas:
        obtido = dados.get(celula["id"]) if isinstance(dados, dict) else None
        if isinstance(obtido, dict) and obtido.get("ok") is True:
            resultado["celulas"][celula["id"]] = {"pontos": celula["pontos"], "erro": None}
        else:
            erro = obtido.get("erro") if isinstance(obtido, dict) else None
            if motivo:
                erro = f"a nota de registro foi interrompida: o código tentou {motivo}"
            elif estourou and erro is None:
                erro = f"o prazo da nota de registro ({prazo:g} s) acabou"
            resultado["celulas"][celula["id"]] = {"pontos": 0.0, "erro": str(erro or "sem resposta")[:2000]}
    return resultado


def opcoes_da_vigia() -> list[str]:
    """A vigia da entrada do processo das células mata o grupo dele: só onde há grupos de processos
    (POSIX). No Windows (``--sem-isolamento``), o processo das células morre pelo prazo, como antes."""
    return ["--vigiar-entrada"] if os.name == "posix" else []


def _matar_tudo(proc: subprocess.Popen, caixa: Sandbox | None) -> None:
    """Mata o processo das células, os filhos dele e o sandbox (os executores); não colhe o processo das células."""
    import psutil

    vivos = []
    try:
        vivos = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.Error:
        pass
    matar(vivos)
    if caixa is not None:
        matar(processos_com(caixa.token))


def _encerrar(proc: subprocess.Popen, caixa: Sandbox | None) -> None:
    _matar_tudo(proc, caixa)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _ler_resposta(resposta: Path | None, saida: str) -> dict:
    try:
        if resposta is not None:
            return json.loads(resposta.read_text(encoding="utf-8")) if resposta.exists() else {}
        linha = [x for x in saida.splitlines() if x.startswith("AUTOGRADER-RESPOSTA ")]
        return json.loads(linha[-1].split(" ", 1)[1]) if linha else {}
    except (ValueError, OSError):
        return {}


class Adiantada:
    """A nota de registro de um notebook, rodando numa thread ENQUANTO o nbgrader roda o notebook.

    As duas partes de uma correção são quase só espera (a partida do kernel, as conversas, o impasse
    que a biblioteca corta em segundos): uma depois da outra, cada aluno custava a soma das duas no
    relógio; ao mesmo tempo, a maior. Roda todas as células de teste do source, na ordem do source (a
    nota do notebook ainda não existe); :func:`aplicar` usa o resultado como se tivesse rodado só as
    células que importam e roda de novo, sozinhas, as que deram pontos no notebook e ficaram sem
    resposta aqui (um corte antes delas), como sem a antecipação.

    Não há antecipação (``resultado()`` devolve ``None``) quando a nota de registro não se aplica ao
    notebook ou não há módulo na submissão: :func:`aplicar` decide como sempre.
    """

    def __init__(self, pasta: Path, fonte: dict, submissao: dict, prazo: float, isolar: bool, limites: Limites):
        self.inicio = self.fim = None
        #: Alguém pediu o resultado (:meth:`resultado`); senão, no fim ela é cancelada.
        self.usada = False
        self._feito: dict | None = None
        self._erro: BaseException | None = None
        self._thread = None
        self._trava = threading.Lock()
        self._cancelada = False
        self._cortar = None
        modulo = modulo_da_submissao(fonte, submissao)
        celulas = celulas_de_teste(fonte)
        if not aplicavel(fonte) or isinstance(modulo, str) or not celulas:
            return
        self._thread = threading.Thread(
            target=self._rodar, args=(pasta, *modulo, celulas, prazo, isolar, limites), name="registro-adiantado", daemon=True,
        )
        self._thread.start()

    def _rodar(self, *args) -> None:
        self.inicio = time.monotonic()
        try:
            self._feito = rodar_celulas(*args, ao_iniciar=self._iniciou)
        except BaseException as erro:  # noqa: BLE001 - vai para quem pede o resultado, na thread dele
            self._erro = erro
        finally:
            self.fim = time.monotonic()

    def _iniciou(self, cortar) -> None:
        with self._trava:
            self._cortar = cortar
            cancelada = self._cancelada
        if cancelada:
            cortar()

    def esperar(self) -> None:
        """Espera o fim (o prazo da nota de registro limita a espera)."""
        if self._thread is not None:
            self._thread.join()

    def cancelar(self) -> None:
        """Ninguém vai usar o resultado (o notebook não deu nota: inválido, kernel morto, erro): mata o
        processo das células e o sandbox dele já, em vez de esperar as células até o fim, e espera a thread."""
        with self._trava:
            self._cancelada = True
            cortar = self._cortar
        if cortar is not None:
            cortar()
        self.esperar()

    def resultado(self) -> dict | None:
        """Espera o fim (o prazo da nota de registro limita a espera) e devolve o que ``rodar_celulas`` devolveu."""
        self.usada = True
        if self._thread is None:
            return None
        self.esperar()
        if self._erro is not None:
            raise self._erro
        return self._feito


def _completar(feito: dict, pasta: Path, nome: str, codigo: str, pendentes: list[dict], prazo: float, isolar: bool,
               limites: Limites) -> dict:
    """O resultado adiantado, com as células que deram pontos no notebook e não tiveram resposta (o
    processo foi cortado antes delas) rodadas de novo, sozinhas e primeiro, como sem a antecipação."""
    faltam = [c for c in pendentes if c["id"] in feito.get("sem_resposta", ())]
    if not faltam:
        return feito
    de_novo = rodar_celulas(pasta, nome, codigo, faltam, prazo, isolar, limites)
    # O modo é o mesmo nas duas rodadas (depende só de ``isolar`` e da biblioteca instalada).
    rodadas_de_novo = {c["id"] for c in faltam}
    junto = {**feito, "celulas": {**feito["celulas"], **de_novo["celulas"]}}
    junto["sem_resposta"] = [cid for cid in feito.get("sem_resposta", ()) if cid not in rodadas_de_novo]
    junto["sem_resposta"] += list(de_novo.get("sem_resposta", ()))
    if de_novo.get("tentou"):
        junto["tentou"] = de_novo["tentou"]
    return junto


def aplicar(
    pasta: Path, exercicio: str, fonte: dict, submissao: dict, prazo: float, isolar: bool, limites: Limites, resultado: dict,
    notebook: str | None = None, adiantada: Adiantada | None = None,
) -> None:
    """Calcula a nota de registro do ``notebook`` (por padrão, o de nome igual ao da tarefa) e põe em
    ``resultado["celulas"]`` o menor dos dois, célula a célula; recalcula a nota total.

    Sem ``adiantada``, as células em que o notebook deu pontos rodam primeiro: elas dão a nota. As outras
    (já valem zero pelo mínimo) rodam depois, no mesmo processo e dentro do mesmo prazo, só pela mensagem
    de falha que o feedback do aluno mostra (:data:`resultado["mensagens"]`, ``{notebook: {id: {"ok", "mensagem"}}}``):
    a do processo limpo, e não a que o notebook escreveu. O processo das células grava a resposta a cada
    célula: se uma das últimas travar até o prazo, as primeiras valem. Só há mensagens de um processo
    confiável (:data:`CONFIAVEL`); sem elas, o feedback não mostra mensagem.
    Num notebook que não foi escrito para a nota de registro (:func:`aplicavel`), ela é dispensada.

    Com ``adiantada`` (:class:`Adiantada`, iniciada junto com o notebook), usa o que ela já rodou (todas
    as células, na ordem do source) e roda de novo, sozinhas, as que deram pontos e ficaram sem resposta.
    """
    notebook = notebook or exercicio
    celulas = celulas_de_teste(fonte)
    if not aplicavel(fonte):
        if DISPENSADA not in resultado.get("modo", ""):
            resultado["modo"] = f"{resultado.get('modo', '')}, {DISPENSADA}".lstrip(", ")
        somar(resultado)
        return
    notas_nb = {c["id"]: resultado["notebook"].get(f"{notebook}/{c['id']}") for c in celulas}
    if not resultado.get("maximo"):
        resultado["maximo"] = sum(c["pontos"] for c in celulas)
    pendentes = [c for c in celulas if (notas_nb.get(c["id"]) or 0) > 0]
    so_mensagem = [c for c in celulas if c not in pendentes and notas_nb.get(c["id"]) is not None]
    registro = {c["id"]: {"pontos": 0.0, "erro": None} for c in celulas}
    mensagens = resultado.setdefault("mensagens", {}).setdefault(notebook, {})
    mensagens.clear()
    modulo = modulo_da_submissao(fonte, submissao)
    if isinstance(modulo, str):
        resultado["avisos"].append(f"nota de registro zero: {modulo}")
        for c in celulas:
            registro[c["id"]]["erro"] = modulo
            mensagens[c["id"]] = {"ok": False, "mensagem": modulo}
    elif pendentes or so_mensagem:
        nome, codigo = modulo
        feito = adiantada.resultado() if adiantada is not None else None
        if feito is None:
            feito = rodar_celulas(pasta, nome, codigo, pendentes + so_mensagem, prazo, isolar, limites)
        else:
            feito = _completar(feito, pasta, nome, codigo, pendentes, prazo, isolar, limites)
        registro.update({c["id"]: feito["celulas"][c["id"]] for c in pendentes})
        if feito.get("tentou"):
            resultado["avisos"].append(f"tentou {feito['tentou']}: o sandbox da nota de registro foi encerrado")
        if feito["modo"] == CONFIAVEL:
            # Uma célula só pela mensagem que o processo não chegou a rodar (uma anterior travou até o
            # prazo) fica sem mensagem: "o prazo acabou" ali culparia a célula errada.
            for c in pendentes + [c for c in so_mensagem if c["id"] not in feito.get("sem_resposta", ())]:
                dados = feito["celulas"].get(c["id"]) or {"erro": "sem resposta"}
                mensagens[c["id"]] = {"ok": dados["erro"] is None, "mensagem": dados["erro"]}
        elif "registro no sandbox" not in resultado.get("modo", ""):
            resultado["modo"] = f"{resultado.get('modo', '')}, registro no sandbox".lstrip(", ")
    resultado.setdefault("registro", {}).update({cid: dados["pontos"] for cid, dados in registro.items()})
    discordantes = []
    for c in celulas:
        chave = f"{notebook}/{c['id']}"
        nb = notas_nb.get(c["id"])
        if nb is None:
            continue
        menor = min(float(nb), registro[c["id"]]["pontos"])
        if float(nb) > menor:
            erro = registro[c["id"]]["erro"]
            discordantes.append(f"{c['id']} ({nb:g} no notebook, {menor:g} no módulo" + (f": {erro.splitlines()[0][:160]}" if erro else "") + ")")
        resultado["celulas"].setdefault(chave, {})["auto_score"] = menor
    if discordantes:
        resultado["avisos"].append(f"{MOTIVO_NOTEBOOK_A_MAIS} Células: {'; '.join(discordantes)}")
    somar(resultado)


def somar(resultado: dict) -> None:
    """A nota total: a soma das notas por célula (depois do mínimo com o registro)."""
    resultado["nota"] = float(sum(
        dados.get("auto_score") or 0 for chave, dados in resultado["celulas"].items() if "#" not in chave
    ))
