"""Guarda dos instrumentos do teste: o código do aluno não pode forjar a evidência que as sondas anotam.

As sondas (:mod:`autograder.sondas` e ``sondas_exNN``) anotam cada operação em arquivos numa pasta da
chamada (o "registro") e usam pastas de marcas para os encontros. As verificações confiam nisso. A
guarda, instalada no executor ANTES de o módulo do aluno ser importado (e herdada pelos filhos por
``fork``; nos filhos por ``spawn``/``forkserver`` ela é instalada quando o primeiro objeto de sonda é
desempacotado lá — o código no nível do módulo do aluno pode rodar antes disso nesses filhos), vê
por um gancho de auditoria (``sys.addaudithook``) e por conferências nas próprias sondas:

1. atribuir ou apagar atributos de classes do autograder (ou trocar uma função que o autograder pôs
   numa classe da biblioteca padrão, como ``BaseProcess.start``), ou pegar/trocar o ``__code__`` de
   funções do autograder;
2. abrir para escrever, criar, renomear, apagar ou ligar qualquer coisa nas pastas das sondas;
3. anotações no diário que não vêm de um método público de uma sonda (``_anotar``, ``anotar`` do
   diário chamados direto, objetos de sonda construídos pelo aluno, métodos trocados no objeto,
   ``os.getpid`` e companhia trocados);
4. ``sys.addaudithook`` e ``ctypes`` usados para mexer no interpretador.

Tudo isso só quando quem faz é código que não é do autograder (a biblioteca padrão no meio é
atravessada: decide o primeiro quadro que não é dela). Ao ver uma dessas coisas, a guarda escreve uma
marca na pasta de trabalho da chamada (lida pelo processo do teste: :func:`ler_marca`), avisa no
stderr, mata o executor (SIGKILL) e encerra o processo atual com ``os._exit`` — o código do aluno não
tem como se recuperar. A célula falha com "a submissão mexeu nos instrumentos do teste".

As regras são estreitas de propósito: uma solução correta nunca mexe nessas coisas.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import sysconfig
import threading
import time
import types

#: Variável de ambiente (JSON) com a pasta de trabalho, o pid do executor e as pastas protegidas.
VARIAVEL = "AUTOGRADER_GUARDA"
#: Nome da marca escrita na pasta de trabalho da chamada.
ARQUIVO_MARCA = "adulteracao.txt"

_AQUI = os.path.dirname(os.path.abspath(__file__))
_PREFIXO_AQUI = _AQUI + os.sep
_STDLIB = tuple(sorted({
    os.path.dirname(os.path.abspath(os.__file__)) + os.sep,
    *(os.path.abspath(p) + os.sep for p in (sysconfig.get_paths().get("stdlib"), sysconfig.get_paths().get("platstdlib")) if p),
}))

# As funções de que a guarda e as sondas dependem, guardadas antes de o código do aluno rodar.
_getpid = os.getpid
_os_open = os.open
_os_write = os.write
_os_close = os.close
_os_kill = os.kill
_os_exit = os._exit
_realpath = os.path.realpath
_abspath = os.path.abspath
_getframe = sys._getframe
_CRITICAS = (
    (os, "getpid"), (os, "open"), (os, "write"), (os, "close"), (os, "listdir"), (os, "unlink"),
    (os, "makedirs"), (os.path, "exists"), (os.path, "join"), (time, "monotonic_ns"), (time, "monotonic"),
    (json, "dumps"), (threading, "get_ident"),
)
_ORIGINAIS = tuple(getattr(modulo, nome) for modulo, nome in _CRITICAS)

_ESTADO: dict = {
    "ativo": False,      # o gancho está instalado neste processo (um filho por fork o herda)
    "trabalho": None,    # a pasta de trabalho da chamada (a marca vai para lá)
    "executor": None,    # o pid do executor (morto com SIGKILL ao disparar)
    "pastas": (),        # as pastas protegidas (caminhos absolutos e reais, com separador no fim)
    "disparou": False,
    "modulos": {},       # {nome do módulo do autograder: {nome: id(valor)}} no começo
}

_CLASSIFICACAO: dict[str, str] = {}
#: {classe: {nome: id(valor)}}: o conteúdo das classes do autograder (e das instrumentadas) no começo.
_CLASSES: dict[type, dict[str, int]] = {}
#: {classe de um objeto: as classes fotografadas na sua MRO} (cache).
_MRO: dict[type, tuple] = {}


def _classe_do_arquivo(arquivo: str) -> str:
    """"ag" (autograder), "std" (biblioteca padrão e código gerado), "ext" (site-packages), "aluno"."""
    tipo = _CLASSIFICACAO.get(arquivo)
    if tipo is None:
        if arquivo.startswith("<"):
            tipo = "std"
        else:
            caminho = _abspath(arquivo)
            if caminho.startswith(_PREFIXO_AQUI):
                tipo = "ag"
            elif "site-packages" in caminho or "dist-packages" in caminho:
                tipo = "ext"
            elif caminho.startswith(_STDLIB):
                tipo = "std"
            else:
                tipo = "aluno"
        _CLASSIFICACAO[arquivo] = tipo
    return tipo


def _quem(quadro) -> tuple[str, object]:
    """O primeiro quadro, a partir de ``quadro`` e subindo, que não é da biblioteca padrão."""
    while quadro is not None:
        tipo = _classe_do_arquivo(quadro.f_code.co_filename)
        if tipo != "std":
            return tipo, quadro
        quadro = quadro.f_back
    return "nenhum", None


def _onde(quadro) -> str:
    if quadro is None:
        return "?"
    return f"{os.path.basename(quadro.f_code.co_filename)}, linha {quadro.f_lineno}"


def _no_autograder(obj) -> bool:
    modulo = getattr(obj, "__module__", None)
    return isinstance(modulo, str) and (modulo == "autograder" or modulo.startswith("autograder."))


def _codigo_do_autograder(codigo) -> bool:
    return isinstance(codigo, types.CodeType) and _classe_do_arquivo(codigo.co_filename) == "ag"


# ---------------------------------------------------------------------------------------------
# Disparo


def _disparar(motivo: str) -> None:
    """Marca, avisa, mata o executor e encerra este processo. Não volta."""
    if _ESTADO["disparou"]:
        _os_exit(86)
    _ESTADO["disparou"] = True
    texto = motivo
    trabalho = _ESTADO["trabalho"]
    if trabalho:
        try:
            fd = _os_open(os.path.join(trabalho, ARQUIVO_MARCA), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                _os_write(fd, (texto + "\n").encode("utf-8", "replace"))
            finally:
                _os_close(fd)
        except OSError:
            pass
    try:
        _os_write(2, f"\n[autograder] a submissão mexeu nos instrumentos do teste: {texto}\n".encode("utf-8", "replace"))
    except OSError:
        pass
    executor = _ESTADO["executor"]
    if executor and executor != _getpid():
        try:
            _os_kill(executor, signal.SIGKILL)
        except OSError:
            pass
    _os_exit(86)


# ---------------------------------------------------------------------------------------------
# O gancho de auditoria


def _protegido(caminho, real: bool = False) -> bool:
    pastas = _ESTADO["pastas"]
    if not pastas or caminho is None or isinstance(caminho, int):
        return False
    try:
        caminho = os.fsdecode(caminho)
    except (TypeError, ValueError):
        return False
    absoluto = _abspath(caminho) + os.sep
    if absoluto.startswith(pastas):
        return True
    if real:
        try:
            return (_realpath(caminho) + os.sep).startswith(pastas)
        except (OSError, ValueError):
            return False
    return False


_ESCRITA = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _ev_open(args) -> str | None:
    caminho, modo, flags = (tuple(args) + (None, None, None))[:3]
    if isinstance(modo, str):
        escreve = any(c in modo for c in "wax+")
    else:
        escreve = bool((flags or 0) & _ESCRITA)
    if escreve:
        if _protegido(caminho, real=True):
            return f"abriu para escrever {os.fsdecode(caminho)}"
    elif _protegido(caminho):
        try:
            if os.path.isdir(caminho):
                return f"abriu a pasta das sondas {os.fsdecode(caminho)}"
        except (OSError, TypeError, ValueError):
            return None
    return None


def _ev_caminhos(*indices):
    def conferir(args, _evento=None):
        for i in indices:
            if i < len(args) and _protegido(args[i], real=True):
                return f"mexeu em {os.fsdecode(args[i])}"
        return None
    return conferir


def _ev_symlink(args) -> str | None:
    origem, destino = args[0], args[1]
    if _protegido(destino, real=True):
        return f"criou um atalho em {os.fsdecode(destino)}"
    try:
        alvo = os.path.join(os.path.dirname(_abspath(os.fsdecode(destino))), os.fsdecode(origem))
    except (TypeError, ValueError):
        return None
    if _protegido(alvo, real=True):
        return f"criou um atalho para {alvo}"
    return None


def _ev_setattr(args) -> str | None:
    obj, nome = args[0], args[1]
    if isinstance(obj, type):
        if _no_autograder(obj):
            return f"trocou {obj.__qualname__}.{nome} (uma classe do autograder)"
        atual = obj.__dict__.get(nome) if isinstance(getattr(obj, "__dict__", None), types.MappingProxyType) else None
        if isinstance(atual, types.FunctionType) and _codigo_do_autograder(atual.__code__):
            return f"trocou {obj.__qualname__}.{nome} (instrumentado pelo autograder)"
        return None
    if isinstance(obj, types.FunctionType) and nome in ("__code__", "__defaults__", "__kwdefaults__") \
            and _codigo_do_autograder(obj.__code__):
        return f"trocou {nome} de {obj.__qualname__} (uma função do autograder)"
    return None


def _ev_getattr_code(args) -> str | None:
    obj, nome = args[0], args[1]
    if nome == "__code__" and isinstance(obj, types.FunctionType) and _codigo_do_autograder(obj.__code__):
        return f"pegou o __code__ de {obj.__qualname__} (uma função do autograder)"
    return None


def _ev_codigo(args) -> str | None:
    # compile(source, filename) e code.__new__(code, filename, ...): código que se passa pelo autograder.
    nome = args[1] if len(args) > 1 else None
    if isinstance(nome, (str, bytes)) and _classe_do_arquivo(os.fsdecode(nome)) == "ag":
        return f"criou código com o nome de arquivo do autograder ({os.fsdecode(nome)})"
    return None


def _ev_exec(args) -> str | None:
    codigo = args[0] if args else None
    if _codigo_do_autograder(codigo) and codigo.co_name != "<module>":
        return f"executou o código de {codigo.co_qualname} (do autograder) por conta própria"
    return None


def _ev_function_new(args) -> str | None:
    codigo = args[0] if args else None
    if _codigo_do_autograder(codigo):
        return f"criou uma função com o código de {codigo.co_qualname} (do autograder)"
    return None


def _ev_sempre(descricao):
    def conferir(args):
        return descricao
    return conferir


def _ev_dlsym(args) -> str | None:
    nome = args[1] if len(args) > 1 else None
    if isinstance(nome, (str, bytes)) and os.fsdecode(nome).lstrip("_").startswith("Py"):
        return f"usou a API interna do Python por ctypes ({os.fsdecode(nome)})"
    return None


def _ev_comando(*indices):
    """Um comando (outro programa, sem a guarda) que recebe o caminho de uma pasta das sondas."""
    def conferir(args):
        pastas = _ESTADO["pastas"]
        if not pastas:
            return None
        textos = []
        for i in indices:
            valor = args[i] if i < len(args) else None
            if isinstance(valor, (str, bytes, os.PathLike)):
                textos.append(os.fsdecode(valor))
            elif isinstance(valor, (list, tuple)):
                textos.extend(os.fsdecode(v) for v in valor if isinstance(v, (str, bytes, os.PathLike)))
        for texto in textos:
            for pasta in pastas:
                if pasta.rstrip(os.sep) in texto:
                    return f"passou a pasta das sondas a outro programa ({texto[:120]})"
        return None
    return conferir


#: evento -> (conferência, de quem é proibido: "naoag" = tudo que não é autograder; "aluno" = só o
#: código do aluno, não bibliotecas instaladas; "aluno_imediato" = só quando o próprio quadro do aluno
#: chama, sem a biblioteca padrão no meio)
_EVENTOS = {
    "open": (_ev_open, "naoag"),
    "os.rename": (_ev_caminhos(0, 1), "naoag"),
    "os.remove": (_ev_caminhos(0), "naoag"),
    "os.rmdir": (_ev_caminhos(0), "naoag"),
    "os.mkdir": (_ev_caminhos(0), "naoag"),
    "os.link": (_ev_caminhos(0, 1), "naoag"),
    "os.symlink": (_ev_symlink, "naoag"),
    "os.truncate": (_ev_caminhos(0), "naoag"),
    "os.chmod": (_ev_caminhos(0), "naoag"),
    "os.chown": (_ev_caminhos(0), "naoag"),
    "os.utime": (_ev_caminhos(0), "naoag"),
    "os.chdir": (_ev_caminhos(0), "naoag"),
    "shutil.rmtree": (_ev_caminhos(0), "naoag"),
    "subprocess.Popen": (_ev_comando(0, 1), "naoag"),
    "os.system": (_ev_comando(0), "naoag"),
    "os.exec": (_ev_comando(0, 1), "naoag"),
    "os.posix_spawn": (_ev_comando(0, 1), "naoag"),
    "os.spawn": (_ev_comando(1, 2), "naoag"),
    "object.__setattr__": (_ev_setattr, "naoag"),
    "object.__delattr__": (_ev_setattr, "naoag"),
    "object.__getattr__": (_ev_getattr_code, "aluno_imediato"),
    "compile": (_ev_codigo, "aluno_compile"),
    "code.__new__": (_ev_codigo, "aluno"),
    "exec": (_ev_exec, "aluno"),
    "function.__new__": (_ev_function_new, "aluno"),
    "sys.addaudithook": (_ev_sempre("instalou um gancho de auditoria próprio (sys.addaudithook)"), "aluno"),
    "ctypes.dlsym": (_ev_dlsym, "aluno"),
    "ctypes.dlsym/handle": (_ev_dlsym, "aluno"),
    "ctypes.PyObj_FromPtr": (_ev_sempre("transformou um endereço em objeto Python por ctypes"), "aluno"),
    "ctypes.cdata": (_ev_sempre("leu ou escreveu memória por endereço com ctypes (from_address)"), "aluno_imediato"),
}


def _gancho(evento: str, args) -> None:
    regra = _EVENTOS.get(evento)
    if regra is None or _ESTADO["disparou"]:
        return
    conferir, quem_nao_pode = regra
    try:
        motivo = conferir(args)
    except Exception:  # noqa: BLE001 - a guarda nunca derruba código correto
        return
    if motivo is None:
        return
    quadro = _getframe(1)
    if quem_nao_pode == "aluno_imediato":
        tipo = _classe_do_arquivo(quadro.f_code.co_filename) if quadro is not None else "nenhum"
    elif quem_nao_pode == "aluno_compile" and quadro is not None \
            and quadro.f_code.co_filename.startswith("<frozen importlib"):
        return  # o import de um módulo do autograder sem .pyc compila o fonte
    else:
        tipo, quadro = _quem(quadro)
    if tipo == "ag":
        return
    if quem_nao_pode != "naoag" and tipo != "aluno":
        return
    _disparar(f"{motivo}, em {_onde(quadro)}")


# ---------------------------------------------------------------------------------------------
# Conferências chamadas pelas sondas


#: Classes do autograder cujos métodos públicos não são primitivas das sondas.
_NAO_PRIMITIVAS = frozenset({"_Diario", "Materializacao", "_Instrumentada"})


def _cadeia_do_autograder(quadro):
    """O quadro mais de fora da sequência de quadros do autograder que começa em ``quadro`` (e se
    ela foi chamada por código que não é do autograder)."""
    externo = quadro
    while quadro is not None and _classe_do_arquivo(quadro.f_code.co_filename) == "ag":
        externo = quadro
        quadro = quadro.f_back
    return externo, quadro


def _publico(nome: str) -> bool:
    return not nome.startswith("_") or (nome.startswith("__") and nome.endswith("__"))


def conferir_anotacao(diario=None) -> None:
    """No :class:`autograder.sondas._Diario` antes de escrever um evento: quem anota é um método
    público de uma sonda chamado pelo código (e não ``_anotar``/``anotar`` chamados direto), e as
    funções de que a anotação depende são as originais."""
    if not _ESTADO["ativo"]:
        return
    for (modulo, nome), original in zip(_CRITICAS, _ORIGINAIS):
        if getattr(modulo, nome, None) is not original:
            _disparar(f"trocou {getattr(modulo, '__name__', '?')}.{nome}")
    if diario is not None:
        _conferir_classes(diario)
    externo, chamador = _cadeia_do_autograder(_getframe(1))
    if chamador is None:
        return
    qualname = externo.f_code.co_qualname
    partes = qualname.split(".")
    # Um método: público e de uma sonda. Uma função interna (``<locals>``), como o ``start`` que o
    # executor põe em Process: o próprio nome público.
    if not _publico(partes[-1]) or ("<locals>" not in partes and partes[0] in _NAO_PRIMITIVAS):
        _disparar(f"anotou no diário de uma sonda chamando {qualname} direto, em {_onde(chamador)}")


def conferir_construcao() -> None:
    """Nos construtores das sondas: só o autograder constrói uma sonda (um objeto de sonda feito pelo
    aluno, com o diário de outra, anotaria o que ele quisesse). Uma sonda pode nascer dentro de um
    método público de outra (o proxy aninhado do ex05), nunca de um construtor chamado pelo aluno."""
    if not _ESTADO["ativo"]:
        return
    externo, chamador = _cadeia_do_autograder(_getframe(1))
    if chamador is None:
        return
    qualname = externo.f_code.co_qualname
    partes = qualname.split(".")
    if not _publico(partes[-1]) or partes[-1] in ("__init__", "__new__") \
            or ("<locals>" not in partes and partes[0] in _NAO_PRIMITIVAS):
        _disparar(f"construiu um objeto das sondas ({qualname}), em {_onde(chamador)}")


def _classes_de(classe: type) -> tuple:
    classes = _MRO.get(classe)
    if classes is None:
        classes = _MRO[classe] = tuple(c for c in classe.__mro__ if c in _CLASSES)
    return classes


def _conferir_classes(objeto) -> None:
    for c in _classes_de(type(objeto)):
        mudou = _classe_mudou(c)
        if mudou:
            _disparar(f"trocou {mudou} (uma classe do autograder)")


def conferir_objeto(objeto) -> None:
    """Antes de uma sonda anotar: o objeto é da classe do autograder, nenhum método dele foi
    trocado por um atributo do próprio objeto, e as classes dele (e dos objetos do autograder que
    ele guarda: a trava, as travas que protegem um dado) estão como o autograder as deixou."""
    if not _ESTADO["ativo"]:
        return
    classe = type(objeto)
    if not _no_autograder(classe):
        _disparar(f"trocou a classe de uma sonda por {classe.__qualname__}")
    _conferir_classes(objeto)
    for nome, valor in getattr(objeto, "__dict__", {}).items():
        atributo = getattr(classe, nome, None)
        if callable(atributo) or isinstance(atributo, property):
            _disparar(f"trocou o método {nome} de uma sonda ({classe.__qualname__})")
        if isinstance(valor, (list, tuple)):
            for item in valor[:8]:
                if _no_autograder(type(item)):
                    _conferir_classes(item)
        elif _no_autograder(type(valor)):
            _conferir_classes(valor)


def conferir_modulos() -> None:
    """Na coleta, no executor: nada do que os módulos e as classes do autograder definiam foi trocado."""
    if not _ESTADO["ativo"]:
        return
    for classe in list(_CLASSES):
        mudou = _classe_mudou(classe)
        if mudou:
            _disparar(f"trocou {mudou}")
    for nome, antes in _ESTADO["modulos"].items():
        modulo = sys.modules.get(nome)
        if modulo is None:
            continue
        if id(modulo) != _ESTADO.get("objetos_modulos", {}).get(nome, id(modulo)):
            _disparar(f"trocou o módulo {nome} em sys.modules")
        agora = vars(modulo)
        for chave, ident in antes.items():
            if id(agora.get(chave)) != ident:
                _disparar(f"trocou {nome}.{chave}")
    for (modulo, nome), original in zip(_CRITICAS, _ORIGINAIS):
        if getattr(modulo, nome, None) is not original:
            _disparar(f"trocou {getattr(modulo, '__name__', '?')}.{nome}")
    from multiprocessing import process

    if _ESTADO.get("filhos") is not None and process._children is not _ESTADO["filhos"]:
        _disparar("trocou multiprocessing.process._children")


# ---------------------------------------------------------------------------------------------
# Instalação


def _normalizar(pasta: str) -> set[str]:
    return {_abspath(pasta) + os.sep, _realpath(pasta) + os.sep}


def proteger(pasta: str) -> None:
    """Acrescenta ``pasta`` (e tudo dentro dela) às pastas protegidas deste processo."""
    if not pasta:
        return
    novas = _normalizar(pasta) - set(_ESTADO["pastas"])
    if novas:
        _ESTADO["pastas"] = tuple(sorted(set(_ESTADO["pastas"]) | novas))


def _ativar() -> None:
    if _ESTADO["ativo"]:
        return
    _ESTADO["ativo"] = True
    sys.addaudithook(_gancho)


def fotografar_classe(classe: type) -> None:
    """Guarda o conteúdo de ``classe`` (nome -> identidade de cada atributo): trocar, acrescentar ou
    apagar um atributo depois disso é visto por :func:`conferir_objeto` e na coleta. O autograder
    chama isto também depois de instrumentar uma classe da biblioteca (``BaseProcess.join``...)."""
    _CLASSES[classe] = {chave: id(valor) for chave, valor in vars(classe).items() if chave not in _CACHES}
    _MRO.clear()


#: Atributos que a biblioteca padrão guarda nas classes como cache (o pickle guarda ``__slotnames__``).
_CACHES = frozenset({"__slotnames__"})


def _classe_mudou(classe: type) -> str | None:
    foto = _CLASSES.get(classe)
    if foto is None:
        return None
    atual = vars(classe)
    if len(atual) != len(foto) and len(atual) - len(foto) != sum(1 for c in _CACHES if c in atual):
        novos = (set(atual) - _CACHES) ^ set(foto)
        return f"{classe.__qualname__}.{sorted(novos)[0] if novos else '?'}"
    for chave, ident in foto.items():
        if id(atual.get(chave)) != ident:
            return f"{classe.__qualname__}.{chave}"
    return None


def _fotografar_classes_novas() -> None:
    """As classes dos módulos do autograder importados depois da instalação (num filho por spawn,
    uma sonda de outro módulo desempacotada depois da primeira)."""
    for nome, modulo in list(sys.modules.items()):
        if (nome == "autograder" or nome.startswith("autograder.")) and modulo is not None:
            for valor in list(vars(modulo).values()):
                if isinstance(valor, type) and _no_autograder(valor) and valor not in _CLASSES:
                    fotografar_classe(valor)


def _fotografar_modulos() -> None:
    fotos = {}
    for nome, modulo in list(sys.modules.items()):
        if (nome == "autograder" or nome.startswith("autograder.")) and modulo is not None:
            fotos[nome] = {chave: id(valor) for chave, valor in vars(modulo).items()
                           if not chave.startswith("__") and not isinstance(valor, types.ModuleType)}
            _ESTADO.setdefault("objetos_modulos", {})[nome] = id(modulo)
            for valor in list(vars(modulo).values()):
                if isinstance(valor, type) and _no_autograder(valor) and valor not in _CLASSES:
                    fotografar_classe(valor)
    _ESTADO["modulos"] = fotos


class _Filhos(set):
    """``multiprocessing.process._children`` no executor: tirar um processo da lista sem ``join``
    (para esconder um filho não esperado) só pode a biblioteca, não o código do aluno."""

    def _conferir(self):
        quadro = _getframe(2)
        if quadro is not None and _classe_do_arquivo(quadro.f_code.co_filename) == "aluno":
            _disparar(f"tirou processos da lista de filhos do multiprocessing, em {_onde(quadro)}")

    def discard(self, item):
        self._conferir()
        return super().discard(item)

    def remove(self, item):
        self._conferir()
        return super().remove(item)

    def pop(self):
        self._conferir()
        return super().pop()

    def clear(self):
        self._conferir()
        return super().clear()

    def difference_update(self, *outros):
        self._conferir()
        return super().difference_update(*outros)

    def intersection_update(self, *outros):
        self._conferir()
        return super().intersection_update(*outros)

    def symmetric_difference_update(self, outro):
        self._conferir()
        return super().symmetric_difference_update(outro)

    def __isub__(self, outro):
        self._conferir()
        return super().__isub__(outro)

    def __iand__(self, outro):
        self._conferir()
        return super().__iand__(outro)

    def __ixor__(self, outro):
        self._conferir()
        return super().__ixor__(outro)


def instalar(trabalho: str, executor: int, pastas=()) -> None:
    """No executor, antes de importar o módulo do aluno: protege ``pastas`` e instala o gancho. A
    configuração vai numa variável de ambiente, para os filhos por spawn/forkserver."""
    _ESTADO["trabalho"] = trabalho
    _ESTADO["executor"] = executor
    for pasta in pastas:
        proteger(pasta)
    os.environ[VARIAVEL] = json.dumps({"trabalho": trabalho, "executor": executor, "pastas": list(pastas)})
    from multiprocessing import process

    import autograder.sondas  # noqa: F401 - entra na fotografia

    if type(process._children) is not _Filhos:
        process._children = _Filhos(process._children)
    _ESTADO["filhos"] = process._children
    _fotografar_modulos()
    _ativar()


def instalar_no_filho(executor: int | None = None, pastas=(), trabalho: str | None = None) -> None:
    """Num filho do código do aluno (chamado ao desempacotar uma sonda): instala a guarda, se ela
    ainda não está instalada (um filho por fork já a herdou). O que a sonda traz (o pid do executor,
    a sua pasta) vale mesmo se o código do aluno apagou a variável de ambiente."""
    for pasta in pastas:
        proteger(pasta)
    if _ESTADO["ativo"]:
        _fotografar_classes_novas()
        return
    try:
        config = json.loads(os.environ.get(VARIAVEL, "") or "{}")
    except ValueError:
        config = {}
    if not isinstance(config, dict):
        config = {}
    if not config and executor is None:
        return  # fora de uma correção (a sonda num processo que não é do teste)
    _ESTADO["trabalho"] = trabalho or config.get("trabalho")
    _ESTADO["executor"] = executor or config.get("executor")
    for pasta in config.get("pastas", ()):
        proteger(pasta)
    _fotografar_modulos()
    _ativar()


def ler_marca(trabalho) -> str | None:
    """No processo do teste: o que a guarda viu nesta chamada (None se nada)."""
    try:
        with open(os.path.join(trabalho, ARQUIVO_MARCA), encoding="utf-8", errors="replace") as arq:
            texto = arq.read().strip()
    except OSError:
        return None
    return texto or None
