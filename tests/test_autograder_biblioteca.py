"""Testes da biblioteca de correção (autograder.execucao): mensagens em português e nada fica vivo."""

import contextlib
import os
import time

import psutil
import pytest
import trabalhadores_teste as t
from apoio import METODOS, VARIAVEL_MARCA, descendentes_restantes, descrever, vivos

from autograder import FalhaNoFilho, carregar, rodar_no_filho, verificar, verificar_igual


@pytest.fixture(params=METODOS)
def metodo(request, monkeypatch):
    monkeypatch.setenv("PROCESSOS_METODO", request.param)
    return request.param


def test_devolve_o_valor_e_roda_em_outro_processo(metodo):
    assert rodar_no_filho(t.dobro, 21) == 42
    pid = rodar_no_filho(t.meu_pid)
    assert isinstance(pid, int) and pid != os.getpid()
    assert rodar_no_filho(t.cria_e_espera_filhos, 2, prazo=20) == [0, 0]


def test_excecao_do_filho_vem_com_tipo_mensagem_e_linha(metodo):
    with pytest.raises(FalhaNoFilho) as erro:
        rodar_no_filho(t.divide, 1, 0)
    texto = str(erro.value)
    assert "divide levantou ZeroDivisionError: division by zero" in texto
    assert "trabalhadores_teste.py, linha" in texto and "return a / b" in texto


def test_nao_resolvido_diz_em_portugues():
    with pytest.raises(FalhaNoFilho, match="Exercício ainda não resolvido.*raise NotImplementedError"):
        rodar_no_filho(t.nao_resolvido)


@pytest.mark.parametrize("alvo", [t.laco_sem_fim, t.impasse])
def test_travou_e_cortado_no_prazo(metodo, alvo):
    inicio = time.monotonic()
    with pytest.raises(FalhaNoFilho, match="travou: não terminou em 1 s.*impasse"):
        rodar_no_filho(alvo, prazo=1)
    assert time.monotonic() - inicio < 1 + 4


def test_processo_que_morre_informa_o_codigo(metodo):
    with pytest.raises(FalhaNoFilho, match="código de saída 3"):
        rodar_no_filho(t.morre, 3)
    with pytest.raises(FalhaNoFilho, match="sinal SIGKILL"):
        rodar_no_filho(t.mata_a_si_mesmo)


def test_lambda_e_funcao_de_celula_sao_explicadas():
    with pytest.raises(FalhaNoFilho, match="lambda"):
        rodar_no_filho(lambda: 1)

    def local():
        return 1

    with pytest.raises(FalhaNoFilho, match="dentro de outra função"):
        rodar_no_filho(local)
    local.__module__ = "__main__"
    local.__qualname__ = "local"
    with pytest.raises(FalhaNoFilho, match="célula do notebook"):
        rodar_no_filho(local)


def test_valor_que_nao_volta_por_pickle_e_explicado():
    with pytest.raises(FalhaNoFilho, match="não pode voltar ao processo do teste"):
        rodar_no_filho(t.devolve_lock)


def test_filho_que_deixa_neto_vivo_falha_e_o_neto_morre(metodo, tmp_path):
    with pytest.raises(FalhaNoFilho, match="deixou .* processo"):
        rodar_no_filho(t.neto_eterno, str(tmp_path / "neto"), prazo=10)
    neto = int((tmp_path / "neto").read_text())
    with contextlib.suppress(psutil.NoSuchProcess):
        assert vivos([psutil.Process(neto)]) == [], f"o neto {neto} continua vivo"
    restantes = descendentes_restantes()
    assert restantes == [], descrever(restantes)


def test_neto_orfao_em_outra_sessao_tambem_e_encerrado():
    with pytest.raises(FalhaNoFilho, match="deixou"):
        rodar_no_filho(t.neto_daemon_orfao, prazo=10)
    # Só os processos que este teste iniciou (herdam a marca do fixture automático): com pytest -n,
    # outro processo do pytest pode estar, neste instante, dentro de um rodar_no_filho.
    minha_marca = os.environ[VARIAVEL_MARCA]
    marcados = []
    for proc in psutil.process_iter():
        try:
            ambiente = proc.environ()
            if (
                ambiente.get("AUTOGRADER_MARCA")
                and ambiente.get(VARIAVEL_MARCA) == minha_marca
                and proc.status() != psutil.STATUS_ZOMBIE
            ):
                marcados.append(proc.pid)
        except psutil.Error:
            continue
    assert marcados == []


def test_manager_sem_shutdown_e_encerrado_pelo_finalizador(metodo):
    assert rodar_no_filho(t.manager_esquecido, prazo=20) == [1, 2, 3]


def test_carregar_le_a_versao_nova_do_arquivo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FalhaNoFilho, match="não existe.*%%writefile solucao_x.py"):
        carregar("solucao_x")
    (tmp_path / "solucao_x.py").write_text("def f():\n    return 1\n")
    assert carregar("solucao_x").f() == 1
    (tmp_path / "solucao_x.py").write_text("def f():\n    return 2\n")
    assert carregar("solucao_x").f() == 2
    (tmp_path / "solucao_x.py").write_text("def f(:\n")
    with pytest.raises(FalhaNoFilho, match="erro de sintaxe em solucao_x.py, linha 1"):
        carregar("solucao_x")


def test_verificacoes_com_mensagem():
    verificar_igual(1, 1)
    with pytest.raises(FalhaNoFilho, match="esperava 2, recebi 1: conte de novo"):
        verificar_igual(1, 2, "conte de novo")
    with pytest.raises(FalhaNoFilho, match="^ruim$"):
        verificar(False, "ruim")
    assert isinstance(FalhaNoFilho("x"), AssertionError)
    assert os.environ.get("AUTOGRADER_MARCA") is None


def test_no_jupyter_a_falha_mostra_as_linhas_do_aluno_e_nao_o_interior_da_biblioteca(tmp_path):
    """Num kernel de verdade: a FalhaNoFilho continua um erro da célula (o nbgrader conta o teste como
    errado), com a mensagem em português, mas sem os quadros de autograder/execucao.py."""
    import nbformat
    from apoio import ambiente_kernel, sem_ansi
    from nbclient import NotebookClient

    (tmp_path / "modulo_aluno.py").write_text("def f():\n    raise NotImplementedError('falta')\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from autograder import rodar_no_filho, verificar_igual\nimport modulo_aluno"),
        nbformat.v4.new_code_cell("x = 1\nrodar_no_filho(modulo_aluno.f)"),
        nbformat.v4.new_code_cell("verificar_igual(1 + 1, 3, 'soma errada')"),
        nbformat.v4.new_code_cell("raise ValueError('outro erro')"),
    ]
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(tmp_path)}},
                   shutdown_kernel="immediate").execute(env=ambiente_kernel())
    for celula, mensagem in ((nb.cells[1], "Exercício ainda não resolvido"), (nb.cells[2], "esperava 3, recebi 2: soma errada")):
        erros = [s for s in celula.outputs if s.output_type == "error"]
        assert len(erros) == 1 and erros[0].ename == "FalhaNoFilho"
        assert mensagem in erros[0].evalue
        rastro = sem_ansi("\n".join(erros[0].traceback))
        assert "execucao.py" not in rastro, rastro
        assert "Cell In[" in rastro and ("x = 1" in rastro or "soma errada" in rastro), rastro  # a linha do aluno fica
    # As outras exceções seguem com o rastro normal do IPython.
    outro = [s for s in nb.cells[3].outputs if s.output_type == "error"][0]
    assert outro.ename == "ValueError"
