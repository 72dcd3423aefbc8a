# Processos em Python: um comando para cada coisa.
#   make curso      cria o ambiente (.venv) e abre o curso no JupyterLab
#   make teste      cria o ambiente, instala o Chromium e o bubblewrap se puder e roda todos os testes (é o que o CI roda)
# Só precisa de Python 3.10+ e make.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORTA  ?= 8888
# Opções a mais para o jupyter lab (ex.: JUPYTER_OPCOES=--no-browser).
JUPYTER_OPCOES ?=
# Como root (um contêiner, por exemplo) o Jupyter só aceita abrir com --allow-root.
COMO_ROOT := $(shell [ "$$(id -u 2>/dev/null)" = 0 ] && echo --allow-root)
# Testes em paralelo: um processo do pytest por núcleo.
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := curso
.PHONY: curso instalar navegador sandbox teste lint release bench verificar livro

# O ambiente é refeito quando pyproject.toml (ou o configurador do JupyterLab) muda.
$(BIN)/.instalado: pyproject.toml ferramentas/configurar_jupyterlab.py
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Este curso precisa de Python 3.10 ou mais novo (você tem " + sys.version.split()[0] + ")."'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "Não consegui criar o venv com '$(PYTHON) -m venv' (no Debian/Ubuntu falta o pacote python3-venv)."; \
	  echo "Tentando com virtualenv..."; \
	  $(PYTHON) -m pip install --user --quiet virtualenv && $(PYTHON) -m virtualenv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[teste,instrutor,livro]"
	$(BIN)/python ferramentas/configurar_jupyterlab.py
	@touch $@

instalar: $(BIN)/.instalado

# O PATH leva o venv: o formgrader do nbgrader chama o alembic pelo nome.
curso: instalar
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORTA) --notebook-dir=. $(COMO_ROOT) $(JUPYTER_OPCOES) notebooks/00-Indice.ipynb

lint: instalar
	$(BIN)/ruff check .

# O Chromium do Debian (pacote chromium) para os testes de navegador: o Playwright usa o do
# sistema e não baixa navegador nenhum. Instala se puder (root ou sudo sem senha); se a instalação
# falhar, para com erro. Sem como instalar, avisa e os testes de navegador são pulados.
navegador:
	@if [ -n "$$CHROMIUM" ] || [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "Aviso: sem apt-get; instale o Chromium e defina CHROMIUM=/caminho/do/chromium (senão os testes de navegador são pulados)."; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
	  echo "Aviso: sem permissão para 'apt-get install chromium'; rode 'sudo make navegador' (senão os testes de navegador são pulados)."; exit 0; fi; \
	echo "Instalando o Chromium do Debian (apt-get install chromium)..."; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }

# O bubblewrap do Debian (pacote bubblewrap), o sandbox de cada submissão na correção em lote.
# Instala se puder (root ou sudo sem senha); sem como instalar, avisa: o corretor então se recusa a
# corrigir sem --sem-isolamento, e os testes do isolamento são pulados.
sandbox:
	@if command -v bwrap >/dev/null 2>&1; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "Aviso: sem apt-get; instale o bubblewrap (bwrap) pelo gerenciador de pacotes do sistema."; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
	  echo "Aviso: sem permissão para 'apt-get install bubblewrap'; rode 'sudo make sandbox'."; exit 0; fi; \
	echo "Instalando o bubblewrap do Debian (apt-get install bubblewrap)..."; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$SUDO apt-get install -y -q bubblewrap >/dev/null 2>&1 || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q bubblewrap >/dev/null; }

teste: instalar navegador sandbox
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Regenera release/ a partir de source/ (nbgrader generate_assignment) e o sumário do README.
release: instalar
	@for a in $$(ls source); do PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nbgrader generate_assignment $$a --force || exit 1; done
	@find release -name 'solucao_*.py' -delete
	$(BIN)/python ferramentas/sumario.py

# Benchmark da correção em lote: sequencial x paralelo, com -j 1, 2 e 4 (N=40 por padrão).
N ?= 40
bench: instalar
	$(BIN)/python -m autograder.instrutor.bench --n $(N) --jobs 1 2 4

# Este computador consegue rodar o curso? (Python, pacotes, idioma e um processo filho com spawn)
verificar: instalar
	$(BIN)/python notebooks/verificar_ambiente.py

# O livro estático (HTML) do curso em livro/_build/html, com cada aula executada na escala real
# (leva alguns minutos; PROCESSOS_ESCALA=0.01 make livro para uma prévia rápida).
livro: instalar
	$(BIN)/python livro/gerar_toc.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --config livro/_config.yml --toc livro/_toc.yml --path-output livro -W -n --keep-going
