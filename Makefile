# Processos em Python: um comando para cada coisa.
#   make curso      cria o ambiente (.venv) só com o que o aluno precisa e abre o curso no JupyterLab
#   make instrutor  o mesmo, com o nbgrader (Formgrader, Assignment List) e as ferramentas do instrutor
#   make teste      cria o ambiente, instala o Chromium e o bubblewrap se puder e roda todos os testes (é o que o CI roda)
#   make edicao-aluno DESTINO=../processos-em-python-aluno   a edição do aluno, sem soluções
# Só precisa de Python 3.10+ e make. Cada comando instala os extras de que precisa (EXTRAS abaixo).

# PYTHON, VENV, PORTA, JUPYTER_OPCOES, EXTRAS e os alvos curso, instalar e verificar.
include ferramentas/curso.mk

# Testes em paralelo: três processos do pytest por núcleo. Medido (TESTES_CPU, ferramentas/
# cpu_da_suite.py): a maior parte do relógio dos testes é espera (prazos, impasses cortados em
# segundos, kernels, o pip), e com dois por núcleo a máquina ficava ociosa em boa parte da suíte; os
# testes não dependem da carga da máquina.
# --maxschedchunk 1: o xdist entrega os testes aos poucos, na ordem da fila (os demorados primeiro,
# tests/conftest.py); sem ele, o primeiro processo recebia de uma vez o primeiro quarto da fila — todos
# os demorados, um depois do outro.
PYTEST_ARGS ?= -n $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) * 3 ))) --maxschedchunk 1

.DEFAULT_GOAL := curso
.PHONY: instrutor navegador sandbox teste lint release bench livro edicao-aluno

# O que cada comando instala além do que o aluno precisa (vale para os pré-requisitos, como instalar).
instrutor: EXTRAS = instrutor
teste: EXTRAS = teste,instrutor,livro
lint: EXTRAS = teste
release: EXTRAS = instrutor
bench: EXTRAS = instrutor
livro: EXTRAS = livro

instrutor: curso

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

# Benchmark da correção em lote: nbgrader sequencial x corrigir com -j 1, 2, 4 e o padrão (com o sandbox), no chat
# (1/5 em impasse) e num curso de vários notebooks (o exemplo da documentação do nbgrader), N submissões
# em cada (N=40 por padrão; make bench N=10 para uma rodada curta).
N ?= 40
bench: instalar sandbox
	$(BIN)/python -m autograder.instrutor.bench --n $(N)

# A edição do aluno: aulas, enunciados (release/) e a parte da biblioteca que os testes importam, sem
# soluções, testes ocultos nem ferramentas do instrutor (README: "A edição do aluno").
DESTINO ?=
edicao-aluno: instalar
	@test -n "$(DESTINO)" || { echo "Diga onde criar a edição: make edicao-aluno DESTINO=../processos-em-python-aluno"; exit 1; }
	$(BIN)/python ferramentas/edicao_aluno.py "$(DESTINO)"

# O livro estático (HTML) do curso em livro/_build/html, com cada aula executada na escala real
# (leva alguns minutos; PROCESSOS_ESCALA=0.01 make livro para uma prévia rápida).
livro: instalar
	$(BIN)/python livro/gerar_toc.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --config livro/_config.yml --toc livro/_toc.yml --path-output livro -W -n --keep-going
