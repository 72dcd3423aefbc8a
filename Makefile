# Processos em Python: um comando para cada coisa.
#   make curso      cria o ambiente (.venv) e abre o curso no JupyterLab
#   make teste      cria o ambiente e roda todos os testes (é o que o CI roda)
# Só precisa de Python 3.10+ e make.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORTA  ?= 8888
# Testes em paralelo: um processo do pytest por núcleo.
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := curso
.PHONY: curso instalar teste lint release bench verificar livro

# O ambiente é refeito quando pyproject.toml muda.
$(BIN)/.instalado: pyproject.toml
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

curso: instalar
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORTA) --notebook-dir=. notebooks/00-Indice.ipynb

lint: instalar
	$(BIN)/ruff check .

teste: instalar
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Regenera release/ a partir de source/ (nbgrader generate_assignment) e o sumário do README.
release: instalar
	@for a in $$(ls source); do PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nbgrader generate_assignment $$a --force || exit 1; done
	@find release -name 'solucao_*.py' -delete
	$(BIN)/python ferramentas/sumario.py

# Benchmark da correção em lote: sequencial x paralelo, com -j 1, 2 e 4 (N=40 por padrão).
N ?= 40
bench: instalar
	$(BIN)/python -m autograder.bench --n $(N) --jobs 1 2 4

# Este computador consegue rodar o curso? (Python, pacotes, idioma e um processo filho com spawn)
verificar: instalar
	$(BIN)/python notebooks/verificar_ambiente.py

# O livro estático (HTML) do curso em livro/_build/html, com cada aula executada na escala real
# (leva alguns minutos; PROCESSOS_ESCALA=0.01 make livro para uma prévia rápida).
livro: instalar
	$(BIN)/python livro/gerar_toc.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --config livro/_config.yml --toc livro/_toc.yml --path-output livro -W -n --keep-going
