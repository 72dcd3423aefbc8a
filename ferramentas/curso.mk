# O que o aluno usa: criar o ambiente e abrir o curso. Incluído pelo Makefile do repositório e pelo
# da edição do aluno (make edicao-aluno), para que "make curso" seja o mesmo comando nos dois.
#   make curso                   cria o ambiente (.venv) e abre o curso no JupyterLab
#   make curso PYTHON=python3.12 usa outro Python (o ambiente é refeito; depois, make curso basta)
#   make verificar               este computador consegue rodar o curso?

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORTA  ?= 8888
# Opções a mais para o jupyter lab (ex.: JUPYTER_OPCOES=--no-browser numa máquina remota).
JUPYTER_OPCOES ?=
# Extras do pyproject.toml além do que o aluno precisa (ex.: EXTRAS=nbgrader).
EXTRAS ?=
# Se o conteúdo de um destes arquivos mudar, a instalação é refeita.
ASSINAR ?= pyproject.toml ferramentas/configurar_jupyterlab.py ferramentas/ambiente.sh
# Como root (um contêiner, por exemplo) o Jupyter só aceita abrir com --allow-root.
COMO_ROOT := $(shell [ "$$(id -u 2>/dev/null)" = 0 ] && echo --allow-root)
# A página que o JupyterLab abre (e cujo endereço ele imprime): o sumário do curso.
INICIO := /lab/tree/notebooks/00-Indice.ipynb

.PHONY: curso instalar verificar

# Sempre roda: o script confere o Python, refaz um ambiente velho ou quebrado e só instala o que falta.
instalar:
	@ALVO="$(or $(firstword $(MAKECMDGOALS)),curso)" ASSINAR="$(ASSINAR)" EDITAVEL=-e \
	  PYTHON_EXPLICITO="$(filter command environment,$(firstword $(origin PYTHON)))" \
	  sh ferramentas/ambiente.sh "$(PYTHON)" "$(VENV)" "$(EXTRAS)"

# Kernels por soquetes locais (ipc), não por TCP: nada de porta aberta nem do aviso "Kernel is
# running over TCP without encryption". Um soquete local tem no máximo ~100 caracteres de caminho:
# se a pasta de execução do Jupyter tiver um caminho longo demais (um HOME comprido), ela vai para
# uma pasta temporária curta, só desta sessão. O PATH leva o venv (o formgrader chama o alembic).
curso: instalar
	@echo "Abrindo o curso no JupyterLab. Se o navegador não abrir sozinho, copie para ele o endereço"
	@echo "http://127.0.0.1:$(PORTA)$(INICIO)?token=... que aparece abaixo. Para encerrar: Ctrl+C duas vezes."
	@rt=$$($(BIN)/python -c 'from jupyter_core.paths import jupyter_runtime_dir; print(jupyter_runtime_dir())'); \
	curta=""; if [ $${#rt} -gt 50 ]; then curta=$$(mktemp -d /tmp/jupyter-XXXXXX) && export JUPYTER_RUNTIME_DIR=$$curta; fi; \
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORTA) \
	  --ServerApp.root_dir=. --LabApp.default_url=$(INICIO) --KernelManager.transport=ipc \
	  $(COMO_ROOT) $(JUPYTER_OPCOES); \
	status=$$?; [ -z "$$curta" ] || rm -rf "$$curta"; exit $$status

verificar: instalar
	$(BIN)/python notebooks/verificar_ambiente.py
