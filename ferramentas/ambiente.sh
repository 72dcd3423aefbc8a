#!/bin/sh
# Prepara o ambiente do curso (um venv) e diz, em português, o que fazer quando não consegue.
#
# Uso (o Makefile chama):  sh ferramentas/ambiente.sh PYTHON VENV [EXTRAS]
#   PYTHON  o Python que cria o venv (python3, python3.12, /caminho/do/python)
#   VENV    a pasta do venv (.venv)
#   EXTRAS  extras do pyproject.toml separados por vírgula (vazio: só o que o aluno precisa)
# Variáveis de ambiente opcionais:
#   PYTHON_EXPLICITO  não vazio: o PYTHON foi escolhido (PYTHON=...); vazio: vale o que criou o venv
#   ALVO        o comando do make que o aluno rodou (para as mensagens: "make curso PYTHON=...")
#   ASSINAR     arquivos cujo conteúdo, se mudar, pede uma reinstalação (padrão: pyproject.toml)
#   EDITAVEL    "-e" instala o pacote em modo editável (quem desenvolve o curso); vazio: cópia
#
# O que este script garante:
# - Python velho demais ou ausente: mensagem clara com a correção (make curso PYTHON=python3.12).
# - O venv foi criado por outro Python (PYTHON= mudou), ficou pela metade ou quebrou: é refeito.
# - Sem o pacote python3-venv (Debian/Ubuntu): cria o venv sem pip e põe o pip do sistema nele;
#   sem pip no sistema, diz qual pacote instalar. Nunca usa "pip install --user".
# - Só reinstala quando os arquivos de ASSINAR mudam ou quando pedem extras que faltam.
set -u

PYTHON=${1:?uso: ambiente.sh PYTHON VENV [EXTRAS]}
VENV=${2:?uso: ambiente.sh PYTHON VENV [EXTRAS]}
PEDIDOS=${3:-}
ALVO=${ALVO:-curso}
ASSINAR=${ASSINAR:-pyproject.toml}
EDITAVEL=${EDITAVEL:-}
ORIGEM="$VENV/.python-do-curso"   # qual Python criou este venv
CARIMBO="$VENV/bin/.instalado"    # assinatura dos arquivos e extras já instalados

falhar() {
  echo >&2
  for linha in "$@"; do echo "$linha" >&2; done
  exit 1
}

# Os Pythons 3.10+ deste computador, para sugerir um na mensagem de erro.
sugestao() {
  achados=""
  for candidato in python3.14 python3.13 python3.12 python3.11 python3.10; do
    if command -v "$candidato" >/dev/null 2>&1 &&
      "$candidato" -c 'import sys; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1; then
      achados="$achados $candidato"
    fi
  done
  if [ -n "$achados" ]; then
    primeiro=${achados# }
    primeiro=${primeiro%% *}
    echo "Este computador tem outro Python que serve:$achados. Use-o assim:"
    echo "    make $ALVO PYTHON=$primeiro"
  else
    echo "Instale um Python 3.10 ou mais novo (Debian/Ubuntu: sudo apt install python3;"
    echo "macOS: brew install python@3.12; ou https://www.python.org/downloads/) e indique-o:"
    echo "    make $ALVO PYTHON=python3.12"
  fi
}

# Sem PYTHON= explícito (na linha do make ou no ambiente), vale o Python que criou o venv: quem fez
# "make curso PYTHON=python3.12" uma vez não precisa repetir o PYTHON= a cada vez.
if [ -z "${PYTHON_EXPLICITO:-}" ] && [ -f "$ORIGEM" ]; then
  anterior=$(sed 's/ [^ ]* [^ ]*$//' "$ORIGEM")
  if [ -x "$anterior" ]; then PYTHON=$anterior; fi
fi

# 1. O Python existe e é novo o bastante?
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  falhar "Não encontrei o Python '$PYTHON'." "$(sugestao)"
fi
# Uma chamada só (num pyenv, cada chamada ao python3 passa por um atalho lento): a versão, se ela
# serve, e quem é este Python — o executável de verdade, a versão e se é free-threaded.
info=$("$PYTHON" -c 'import os, sys, sysconfig
v = sys.version_info
print("%d.%d.%d" % tuple(v[:3]))
print(int(tuple(v[:2]) >= (3, 10)))
print("%s %d.%d %s" % (os.path.realpath(sys.executable), v[0], v[1], "free-threaded" if sysconfig.get_config_var("Py_GIL_DISABLED") else "gil"))' 2>/dev/null) ||
  falhar "'$PYTHON' não funcionou como Python (tente '$PYTHON --version')." "$(sugestao)"
versao=$(echo "$info" | sed -n 1p)
identidade=$(echo "$info" | sed -n 3p)
if [ "$(echo "$info" | sed -n 2p)" != 1 ]; then
  falhar "Este curso precisa de Python 3.10 ou mais novo, e '$PYTHON' é o Python $versao." "$(sugestao)"
fi

# Um make de cada vez neste ambiente (dois ao mesmo tempo se atropelam no pip e no rm).
TRAVA="$VENV.trava"
if ! mkdir "$TRAVA" 2>/dev/null; then
  dono=$(cat "$TRAVA/pid" 2>/dev/null)
  if [ -n "$dono" ] && kill -0 "$dono" 2>/dev/null; then
    falhar "Outro 'make' está preparando o ambiente $VENV agora (processo $dono). Espere-o terminar e rode de novo."
  fi
  rm -rf "$TRAVA"  # de um make interrompido
  mkdir "$TRAVA" || falhar "Não consegui criar $TRAVA."
fi
echo $$ >"$TRAVA/pid"
trap 'rm -rf "$TRAVA"' EXIT
trap 'exit 130' INT TERM HUP

# 2. Um venv que já existe serve? Se não, é refeito (só se for mesmo um venv).
if [ -e "$VENV" ]; then
  motivo=""
  if [ ! -f "$VENV/pyvenv.cfg" ]; then
    # Sem pyvenv.cfg: só apaga se tudo o que há ali é resto de um venv (uma remoção interrompida).
    for item in "$VENV"/* "$VENV"/.[!.]*; do
      [ -e "$item" ] || continue
      case "${item##*/}" in
        bin | include | lib | lib64 | share | etc | .python-do-curso) ;;
        *) falhar "A pasta '$VENV' existe e não é um ambiente virtual do Python; não vou apagá-la." \
          "Apague-a você mesmo (rm -rf $VENV) ou use outra pasta: make $ALVO VENV=.venv-curso" ;;
      esac
    done
    motivo="está incompleto (sem pyvenv.cfg)"
  elif [ ! -f "$ORIGEM" ]; then
    motivo="ficou pela metade (ou foi criado por uma versão antiga deste Makefile)"
  elif [ "$(cat "$ORIGEM")" != "$identidade" ]; then
    motivo="foi criado com outro Python ($(cat "$ORIGEM")); agora o pedido é $identidade"
  elif ! "$VENV/bin/python" -c 'import pip' >/dev/null 2>&1; then
    motivo="está quebrado (o Python dele não roda ou não tem o pip)"
  fi
  if [ -n "$motivo" ]; then
    echo "O ambiente $VENV $motivo: vou refazê-lo do zero."
    rm -rf "$VENV"
  fi
fi

# 3. Criar o venv. Plano B sem python3-venv: venv sem pip + o pip do sistema (nunca --user).
if [ ! -e "$VENV" ]; then
  echo "Criando o ambiente do curso em $VENV com o Python $versao ($PYTHON)..."
  log=$(mktemp)
  if ! "$PYTHON" -m venv "$VENV" >"$log" 2>&1; then
    rm -rf "$VENV"
    menor=${versao%.*}
    if "$PYTHON" -m venv --without-pip "$VENV" >>"$log" 2>&1 &&
      "$PYTHON" -m pip --version >/dev/null 2>&1 &&
      "$PYTHON" -m pip --python "$VENV/bin/python" install --quiet pip >>"$log" 2>&1; then
      echo "(Sem o módulo ensurepip — no Debian/Ubuntu, o pacote python$menor-venv —, criei o venv sem pip e instalei nele o pip deste computador.)"
    elif rm -rf "$VENV" && "$PYTHON" -m virtualenv --quiet "$VENV" >>"$log" 2>&1; then
      echo "(Sem o módulo ensurepip, criei o ambiente com o virtualenv.)"
    else
      rm -rf "$VENV"
      echo "--- o que o Python disse ---" >&2
      tail -n 5 "$log" >&2
      rm -f "$log"
      if command -v apt-get >/dev/null 2>&1; then
        falhar "Não consegui criar o ambiente: falta a parte do Python que cria ambientes virtuais." \
          "No Debian/Ubuntu ela vem no pacote python$menor-venv. Instale e rode de novo:" \
          "    sudo apt install python$menor-venv" "    make $ALVO"
      fi
      falhar "Não consegui criar o ambiente com '$PYTHON -m venv' (veja a mensagem acima)." \
        "Instale um Python completo (https://www.python.org/downloads/) ou use o conda (README)."
    fi
  fi
  rm -f "$log"
  echo "$identidade" >"$ORIGEM"
fi

# 4. Instalar o que falta. A assinatura: o Python e o conteúdo dos arquivos de ASSINAR.
# shellcheck disable=SC2086 # ASSINAR é uma lista de arquivos
assinatura="$identidade $(cat $ASSINAR | cksum)"
anteriores=""
faltam=1
if [ -f "$CARIMBO" ]; then
  anteriores=$(sed -n 2p "$CARIMBO")
  if [ "$(sed -n 1p "$CARIMBO")" = "$assinatura" ]; then
    faltam=0
    for extra in $(echo "$PEDIDOS" | tr ',' ' '); do
      case ",$anteriores," in *",$extra,"*) ;; *) faltam=1 ;; esac
    done
  fi
fi
[ "$faltam" = 0 ] && exit 0

# Os extras já instalados continuam (pip não desinstala nada; assim eles se atualizam juntos).
todos=$(echo "$anteriores,$PEDIDOS" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
alvo_pip="."
[ -n "$todos" ] && alvo_pip=".[$todos]"
echo "Instalando os pacotes do curso${todos:+ (extras: $todos)} em $VENV; na primeira vez leva alguns minutos..."
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$VENV/bin/python" -m pip install --quiet --no-compile --upgrade pip ||
  falhar "Não consegui atualizar o pip do ambiente. Sem internet? Apague o ambiente e tente de novo:" \
    "    rm -rf $VENV && make $ALVO"
# O ambiente do aluno (só o curso) sai sem pré-compilar (--no-compile): o Python compila só os módulos
# que o curso usa, quando os usa (uns 60 MB a menos). Com os extras do instrutor ou dos testes, tudo
# (também o que já estava instalado) é compilado em .pyc (~20 s de CPU uma vez): o corretor roda o
# aluno num sandbox em que a pasta é só de leitura, e muitos CI e contêineres ligam
# PYTHONDONTWRITEBYTECODE — sem os .pyc, todo processo recompilava tudo o que importa (importar o
# nbgrader custava 2,5 s de CPU em vez de 1,5 s; iniciar um kernel, 0,55 s em vez de 0,3 s).
PYTHONWARNINGS=ignore "$VENV/bin/python" -m pip install --quiet --no-compile $EDITAVEL "$alvo_pip" ||
  falhar "A instalação dos pacotes falhou (a mensagem do pip está acima). Sem internet? Depois de" \
    "resolver, rode de novo 'make $ALVO' (o que já foi baixado não é baixado outra vez)."
case ",$todos," in
  *,instrutor,*|*,teste,*)
    "$VENV/bin/python" -m compileall -q -j 0 "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null 2>&1 || true ;;
esac
# O jsonschema (que o nbformat importa em todo processo do Jupyter e do nbgrader) importa, se estiver
# instalado, o rfc3987-syntax, que monta uma gramática do Lark a cada importação: ~1 s de CPU em cada
# processo, só para conferir o formato "iri", que nenhum esquema do Jupyter usa. Sem ele, o jsonschema
# só deixa de conferir esse formato (a importação dele é protegida por ImportError).
"$VENV/bin/python" -m pip uninstall --quiet --yes rfc3987-syntax >/dev/null 2>&1 || true
"$VENV/bin/python" ferramentas/configurar_jupyterlab.py >/dev/null ||
  falhar "Não consegui pôr o JupyterLab em português (veja acima)."
printf '%s\n%s\n' "$assinatura" "$todos" >"$CARIMBO"
echo "Ambiente pronto em $VENV (Python $versao)."
