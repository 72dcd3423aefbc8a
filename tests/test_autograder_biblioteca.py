"""Testes da biblioteca de correção (autograder): mensagens em português calculadas do que aconteceu,
saída do aluno que nunca derruba um teste, sondas que veem o comportamento e nada que fique vivo."""

import contextlib
import json
import os
import shutil
import signal
import time

import psutil
import pytest
import trabalhadores_teste as t
from apoio import METODOS, descendentes_restantes, descrever, vivos

from autograder import (
    FalhaNoFilho,
    carregar,
    executar,
    rodar_no_filho,
    sondas,
    verificar,
    verificar_igual,
)
from autograder.execucao import Execucao, carregar_seguro, interpretar

#: Prazo de quem está certo, nos testes que não conferem o prazo: o executor do spawn leva segundos
#: para nascer numa máquina ocupada (passou dos 5 s do padrão com os dois núcleos ocupados).
PRAZO = 60


@pytest.fixture(params=METODOS)
def metodo(request, monkeypatch):
    monkeypatch.setenv("PROCESSOS_METODO", request.param)
    return request.param


def test_devolve_o_valor_e_roda_em_outro_processo(metodo):
    assert rodar_no_filho(t.dobro, 21, prazo=PRAZO) == 42
    execucao = executar(os.getpid, prazo=PRAZO)
    assert execucao.resultado != os.getpid() and execucao.resultado == execucao.pid_executor
    assert rodar_no_filho(t.cria_e_espera_filhos, 2, prazo=20) == [0, 0]


def test_metodo_invalido_e_explicado(monkeypatch):
    monkeypatch.setenv("PROCESSOS_METODO", "teletransporte")
    with pytest.raises(FalhaNoFilho, match="não é um método de início deste sistema"):
        rodar_no_filho(t.dobro, 1)


def test_excecao_do_filho_vem_com_tipo_mensagem_e_linha(metodo):
    with pytest.raises(FalhaNoFilho) as erro:
        rodar_no_filho(t.divide, 1, 0, prazo=PRAZO)
    texto = str(erro.value)
    assert "divide levantou ZeroDivisionError: division by zero" in texto
    assert "trabalhadores_teste.py, linha" in texto and "return a / b" in texto


def test_excecao_sem_mensagem_diz_onde_foi_levantada():
    with pytest.raises(FalhaNoFilho) as erro:
        rodar_no_filho(t.excecao_sem_mensagem, prazo=PRAZO)
    texto = str(erro.value)
    assert "levantou _queue.Empty (sem mensagem), na chamada raise queue.Empty" in texto
    assert "fila continuou vazia" in texto


def test_excecao_com_processo_vivo_e_relatada_como_excecao(metodo):
    with pytest.raises(FalhaNoFilho) as erro:
        rodar_no_filho(t.excecao_com_neto_vivo, prazo=10)
    texto = str(erro.value)
    assert texto.startswith("excecao_com_neto_vivo levantou ValueError: deu errado")
    assert "ficaram vivos e foram encerrados" in texto
    assert "devolveu o resultado" not in texto


def test_sys_exit_e_explicado():
    with pytest.raises(FalhaNoFilho, match=r"chamou sys.exit\(3\)"):
        rodar_no_filho(t.sai_com_sys_exit, prazo=PRAZO)


def test_nao_resolvido_diz_em_portugues():
    with pytest.raises(FalhaNoFilho, match="Exercício ainda não resolvido.*raise NotImplementedError"):
        rodar_no_filho(t.nao_resolvido, prazo=PRAZO)


def test_laco_sem_fim_vai_ate_o_prazo_e_diz_que_trabalhava(metodo):
    inicio = time.monotonic()
    with pytest.raises(FalhaNoFilho, match="não terminou em 2 s. Os processos continuavam trabalhando"):
        rodar_no_filho(t.laco_sem_fim, prazo=2)
    # a mensagem prova o prazo usado; o relógio, que o corte não demorou (folga para a máquina ocupada)
    assert time.monotonic() - inicio < 2 + 28


def test_impasse_e_cortado_antes_do_prazo_e_diz_onde_esperava(metodo):
    inicio = time.monotonic()
    with pytest.raises(FalhaNoFilho) as erro:
        rodar_no_filho(t.impasse, prazo=180)
    # a ociosidade que denuncia o impasse é de segundos; o prazo, de minutos: metade dele é a folga
    assert time.monotonic() - inicio < 90, "o impasse deveria ser cortado em segundos, não no prazo de 180 s"
    texto = str(erro.value)
    assert "ficou bloqueado" in texto and "impasse" in texto
    assert "esperando dados num pipe" in texto, texto
    assert "travou" not in texto  # "trava" é o Lock: o programa fica bloqueado


def test_impasse_pelo_manager_e_cortado_em_segundos(metodo):
    """O servidor do Manager acorda sozinho a cada 1 s (serve_forever espera o stop_event com prazo):
    isso não é sinal de vida do programa, e o impasse não pode custar o prazo inteiro."""
    inicio = time.monotonic()
    with pytest.raises(FalhaNoFilho) as erro:
        rodar_no_filho(t.impasse_pelo_manager, prazo=180)
    assert time.monotonic() - inicio < 90, "o impasse pelo Manager deveria ser cortado em segundos, não no prazo de 180 s"
    texto = str(erro.value)
    assert "ficou bloqueado" in texto and "impasse" in texto, texto
    # O diagnóstico aponta o pedido preso no servidor (o get da fila), não a linha principal dele, que
    # só espera o fim e antes aparecia como "um processo python esperando uma trava".
    servidor = [linha for linha in texto.splitlines() if "o servidor do Manager (pid " in linha]
    assert len(servidor) == 1 and "um pedido de um processo (get/acquire/wait) parado numa fila" in servidor[0], texto
    assert "o executor do teste: esperando dados num soquete" in texto, texto


def test_o_que_o_executor_faz_depois_que_a_funcao_volta_nao_conta_como_do_aluno(metodo):
    """O join que acontece depois de a função voltar (ao empacotar o resultado; ou o que o
    multiprocessing dá nos filhos ao terminar o executor, que chegava ao diário ou não conforme a
    pressa de quem lia: "não deu join no filho" do ex02 passou uma vez em muitas) não é do aluno."""
    execucao = executar(t.comeca_e_so_junta_ao_empacotar, prazo=PRAZO)
    assert execucao.resposta is not None and execucao.resposta[0] in ("ok", "nao_serializavel"), execucao.resposta
    filhos = [e["filho"] for e in execucao.iniciados if e["op"] == "process"]
    assert len(filhos) == 1, execucao.iniciados
    assert not [e for e in execucao.iniciados if e["op"] in ("join", "devolveu")], execucao.iniciados


def test_eventos_do_executor_depois_da_devolucao_sao_cortados_os_dos_filhos_nao():
    from autograder.execucao import _ate_a_devolucao

    def ev(op, t, no_executor=True, **dados):
        return {"op": op, "t": t, "no_executor": no_executor, "pid": 1 if no_executor else 2, **dados}

    lidas = {
        "_processos": ([ev("process", 10, filho=2), ev("join", 20, filho=2), ev("devolveu", 30),
                        ev("join", 40, filho=3), ev("process", 45, no_executor=False, filho=4)], None, 0),
        "fila": ([ev("put", 25), ev("get", 35), ev("get", 50, no_executor=False)], [1], 0),
    }
    cortadas = _ate_a_devolucao(lidas)
    assert [e["t"] for e in cortadas["_processos"][0]] == [10, 20, 45]
    assert cortadas["fila"] == ([ev("put", 25), ev("get", 50, no_executor=False)], [1], 0)
    # Sem a marca (um pedido de importação, um executor antigo), nada é cortado; com duas, vale a última
    # (uma marca anotada antes da hora só cortaria menos).
    assert _ate_a_devolucao({"fila": lidas["fila"]}) == {"fila": lidas["fila"]}
    duas = {"_processos": ([ev("devolveu", 5), ev("join", 20, filho=2), ev("devolveu", 30), ev("join", 40)], None, 0)}
    assert [e["t"] for e in _ate_a_devolucao(duas)["_processos"][0]] == [20]


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="o diagnóstico lê o /proc (Linux)")
def test_diagnostico_do_servidor_do_manager_conta_os_pedidos_presos():
    """Parado, o servidor "espera pedidos"; cada get sem prazo numa fila dele é um pedido preso."""
    import multiprocessing
    import threading

    from autograder.execucao import _onde_espera_o_servidor

    def ver(esperado: str) -> str:
        limite = time.monotonic() + 20
        while (visto := _onde_espera_o_servidor(pid)) != esperado and time.monotonic() < limite:
            time.sleep(0.05)
        return visto

    with multiprocessing.get_context("fork").Manager() as gerente:
        pid = gerente._process.pid
        fila = gerente.Queue()
        assert ver("esperando pedidos (nenhum pedido parado no servidor)").startswith("esperando pedidos")
        leitores = [threading.Thread(target=fila.get, daemon=True) for _ in range(2)]
        leitores[0].start()
        assert ver(um := "um pedido de um processo (get/acquire/wait) parado numa fila, trava ou condição do Manager") == um
        leitores[1].start()
        assert ver(dois := "2 pedidos de processos (get/acquire/wait) parados em filas, travas ou condições do Manager") == dois
        fila.put(1)
        fila.put(2)
        for leitor in leitores:
            leitor.join(timeout=20)
        assert not any(leitor.is_alive() for leitor in leitores)
        assert ver("esperando pedidos (nenhum pedido parado no servidor)").startswith("esperando pedidos")


def test_lento_mas_correto_pelo_manager_nao_e_cortado_como_impasse(metodo):
    """Com o servidor do Manager ignorado na vigia, o filho que dorme 6 s ainda é progresso, e uma
    espera com prazo numa fila do Manager (numa thread do servidor) também."""
    assert rodar_no_filho(t.dorme_e_poe_pelo_manager, 6, prazo=60) == 6
    inicio = time.monotonic()
    with pytest.raises(FalhaNoFilho, match="levantou _queue.Empty"):
        rodar_no_filho(t.espera_com_prazo_pelo_manager, 7, prazo=60)
    assert time.monotonic() - inicio >= 6.5


def test_lento_mas_correto_nao_e_cortado_como_impasse(metodo):
    """Um filho que dorme 6 s (mais que a ociosidade de 4 s) com o pai esperando: é progresso."""
    assert rodar_no_filho(t.dorme_e_devolve, 6, prazo=30) == 6


def test_espera_com_prazo_nao_e_impasse_e_acaba_como_excecao(metodo):
    inicio = time.monotonic()
    with pytest.raises(FalhaNoFilho, match="levantou _queue.Empty"):
        rodar_no_filho(t.espera_com_prazo, 6, prazo=30)
    assert time.monotonic() - inicio >= 5.5


def test_processo_que_morre_informa_o_codigo(metodo):
    with pytest.raises(FalhaNoFilho, match="código de saída 3"):
        rodar_no_filho(t.morre, 3, prazo=PRAZO)
    with pytest.raises(FalhaNoFilho, match="sinal SIGKILL"):
        rodar_no_filho(t.mata_a_si_mesmo, prazo=PRAZO)


def test_sinal_sem_nome_e_executor_que_nao_terminou_sao_explicados():
    # SIGRTMIN + 6: um sinal de tempo real, que encerra o processo e não tem nome no módulo signal.
    sinal = signal.SIGRTMIN + 6
    with pytest.raises(FalhaNoFilho, match=rf"morreu pelo sinal {sinal} \(código de saída -{sinal}\) antes"):
        rodar_no_filho(t.mata_a_si_mesmo, sinal, prazo=PRAZO)
    # Sem resposta, sem prazo estourado e sem código de saída: o executor não terminou.
    with pytest.raises(FalhaNoFilho, match="^f: o processo não terminou antes de devolver um resultado.$"):
        interpretar(Execucao(nome="f"), prazo=5)


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


@pytest.mark.parametrize("metodo_sem_copia", ["spawn", "forkserver"])
def test_argumento_que_nao_vai_por_pickle_com_spawn(monkeypatch, metodo_sem_copia):
    monkeypatch.setenv("PROCESSOS_METODO", metodo_sem_copia)
    with pytest.raises(FalhaNoFilho, match="pickle"):
        rodar_no_filho(t.dobro, lambda: 1)


def test_valor_que_nao_e_dado_simples_e_recusado_sem_executar_nada(tmp_path, monkeypatch):
    with pytest.raises(FalhaNoFilho, match="não pode|não é dado simples"):
        rodar_no_filho(t.devolve_lock, prazo=PRAZO)
    # Um objeto cujo unpickle executaria código: o unpickler restrito recusa antes.
    import pickle

    with pytest.raises(Exception, match="posix.system|os.system"):
        carregar_seguro(pickle.dumps(t.Objeto()))
    with pytest.raises(FalhaNoFilho, match="não é dado simples"):
        rodar_no_filho(t.devolve_objeto, prazo=PRAZO)


def test_numpy_volta_como_dados_simples():
    assert rodar_no_filho(t.devolve_numpy, prazo=PRAZO) == {"soma": 6, "vetor": [0, 1, 2]}


def test_saida_do_aluno_vai_para_o_stdout_limitada_e_nunca_para_o_stderr(metodo, capfd):
    assert rodar_no_filho(t.imprime_muito, 2_000_000, prazo=20) == "ok"
    saida, erro = capfd.readouterr()
    assert erro == ""
    assert "linha do stdout" in saida and "linha do stderr" in saida and "fim do filho" in saida
    assert "bytes cortados" in saida and len(saida) < 10_000


def test_filho_que_deixa_neto_vivo_falha_e_o_neto_morre(metodo, tmp_path):
    with pytest.raises(FalhaNoFilho, match="deixou .* processo"):
        rodar_no_filho(t.neto_eterno, str(tmp_path / "neto"), prazo=10)
    neto = int((tmp_path / "neto").read_text())
    with contextlib.suppress(psutil.NoSuchProcess):
        assert vivos([psutil.Process(neto)]) == [], f"o neto {neto} continua vivo"
    restantes = descendentes_restantes()
    assert restantes == [], descrever(restantes)


def test_neto_orfao_em_outra_sessao_tambem_e_encerrado():
    execucao = executar(t.neto_daemon_orfao, prazo=10)
    orfao = execucao.resultado
    assert orfao and execucao.sobras >= 1
    assert not psutil.pid_exists(orfao) or psutil.Process(orfao).status() == psutil.STATUS_ZOMBIE


def test_manager_sem_shutdown_e_encerrado_pelo_finalizador(metodo):
    assert rodar_no_filho(t.manager_esquecido, prazo=20) == [1, 2, 3]


def test_carregar_le_a_versao_nova_do_arquivo_sem_importar_no_teste(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FalhaNoFilho, match="não existe.*%%writefile solucao_x.py"):
        carregar("solucao_x", prazo=PRAZO)
    (tmp_path / "solucao_x.py").write_text("def f():\n    return 1\n")
    assert carregar("solucao_x", prazo=PRAZO).f() == 1
    (tmp_path / "solucao_x.py").write_text("def f():\n    return 2\n")
    assert carregar("solucao_x", prazo=PRAZO).f() == 2
    import sys

    assert "solucao_x" not in sys.modules  # o processo do teste nunca importou o código do aluno
    (tmp_path / "solucao_x.py").write_text("def f(:\n")
    with pytest.raises(FalhaNoFilho, match="erro de sintaxe em solucao_x.py, linha 1"):
        carregar("solucao_x", prazo=PRAZO)
    (tmp_path / "solucao_x.py").write_text("def f():\n    return 1\n")
    with pytest.raises(FalhaNoFilho, match="solucao_x.py não define g: a função tem de estar no módulo"):
        _ = carregar("solucao_x", prazo=PRAZO).g


def test_carregar_corta_importacao_que_nao_termina_e_explica(tmp_path, monkeypatch, metodo):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "solucao_y.py").write_text("import multiprocessing\nmultiprocessing.Queue().get()\n")
    inicio = time.monotonic()
    with pytest.raises(FalhaNoFilho, match="(?s)importar solucao_y.py ficou bloqueado.*nível do módulo"):
        carregar("solucao_y", prazo=180)
    assert time.monotonic() - inicio < 90, "o impasse na importação deveria ser cortado em segundos, não no prazo"
    (tmp_path / "solucao_y.py").write_text("raise NotImplementedError\n")
    with pytest.raises(FalhaNoFilho, match="Exercício ainda não resolvido"):
        carregar("solucao_y", prazo=PRAZO)
    (tmp_path / "solucao_y.py").write_text("x = input('nome? ')\n")
    with pytest.raises(FalhaNoFilho, match="importar solucao_y.py falhou: EOFError"):
        carregar("solucao_y", prazo=PRAZO)


def test_verificacoes_com_mensagem():
    verificar_igual(1, 1)
    with pytest.raises(FalhaNoFilho, match="esperava 2, recebi 1: conte de novo"):
        verificar_igual(1, 2, "conte de novo")
    with pytest.raises(FalhaNoFilho, match="^ruim$"):
        verificar(False, "ruim")
    assert isinstance(FalhaNoFilho("x"), AssertionError)
    assert os.environ.get("AUTOGRADER_MARCA") is None


# --- sondas ---------------------------------------------------------------------------------


def test_sonda_value_ve_toda_leitura_e_escrita_sem_trava_em_todas_as_vezes(metodo):
    """Sem trava, a leitura-e-escrita é vista SEMPRE (não só quando uma soma se perde)."""
    for _ in range(3):
        contador = sondas.Value("i", 0)
        rodar_no_filho(t.incrementadores, contador, 2, 50, False, prazo=30)
        assert len(contador.sem_trava()) == 100
        assert len(contador.pids("escrever", no_executor=False)) == 2
    contador = sondas.Value("i", 0)
    rodar_no_filho(t.incrementadores, contador, 3, 100, True, prazo=30)
    assert contador.sem_trava() == [] and contador.final == 300
    assert contador.pids("escrever", no_executor=True) == set()  # ninguém escreveu no executor


def test_sonda_barrier_e_queue(metodo):
    barreira = sondas.Barrier(3)
    rodar_no_filho(t.usa_barreira, barreira, [0.0, 0.3, 0.1], prazo=30)
    assert len(barreira.pids("chegou")) == 3 and not barreira.saiu_antes_de_todos_chegarem()
    fila = sondas.Queue()
    assert rodar_no_filho(t.usa_fila, fila, True, prazo=10) == 1
    assert fila.contar("empty") == 1
    fila = sondas.Queue()
    rodar_no_filho(t.usa_fila, fila, False, prazo=10)
    assert fila.contar("empty") == 0 and fila.contar("put") == 1


def test_sonda_event_esperar_olhada_da_sempre_a_mesma_vencedora(metodo):
    """Com ``esperar_olhada``, o set() do pai espera o filho olhar o evento desligado: a corrida
    "o filho olha" × "o pai levanta" tem sempre o mesmo resultado, qualquer que seja a carga."""
    for _ in range(2):
        parar = sondas.Event(esperar_olhada=True, espera=15)
        assert rodar_no_filho(t.levanta_com_filho_olhando, parar, 0.3, False, prazo=40) is False
        (levantou,) = [e for e in parar.eventos if e["op"] == "set"]
        assert levantou["olhada"] is True and parar.final is True
        vistos = [e for e in parar.eventos if e["op"] == "is_set"]
        # O filho viu o evento desligado (o instante anotado é o da escrita no diário, que pode vir
        # depois do set: não se compara).
        assert [e["resposta"] for e in vistos] == [False]
    # Sem a opção, o pai levanta na hora e o filho, que olha 0,3 s depois, vê o evento levantado.
    parar = sondas.Event()
    assert rodar_no_filho(t.levanta_com_filho_olhando, parar, 0.3, False, prazo=40) is True
    assert "olhada" not in [e for e in parar.eventos if e["op"] == "set"][0]
    # Quem está parado no wait já conta como olhando: acorda com o set() e vê True.
    parar = sondas.Event(esperar_olhada=True, espera=15)
    assert rodar_no_filho(t.levanta_com_filho_olhando, parar, 0.3, True, prazo=40) is True
    assert [e["olhada"] for e in parar.eventos if e["op"] == "set"] == [True]
    # Ninguém olha: o set() acontece mesmo assim, depois da espera, e anota que ninguém olhou.
    parar = sondas.Event(esperar_olhada=True, espera=0.3)
    assert rodar_no_filho(t.levanta_sozinho, parar, prazo=20) is True
    assert [e["olhada"] for e in parar.eventos if e["op"] == "set"] == [False]


def test_sonda_funcao_prova_paralelismo_por_encontro(metodo):
    # até 30 s pelo encontro: o segundo trabalhador do spawn pode levar segundos para nascer numa
    # máquina ocupada, e o encontro acaba assim que os dois chegam (a espera longa não custa nada)
    funcao = sondas.Funcao(t.quadrado, encontro=2, espera=30)
    assert rodar_no_filho(t.pool_chama, funcao, 2, prazo=30) == [0, 1]
    fins = [e for e in funcao.eventos if e["op"] == "fim"]
    assert len(fins) == 2 and all(e["encontro"] for e in fins)
    assert len(funcao.pids("chamada", no_executor=False)) == 2
    funcao = sondas.Funcao(t.quadrado, encontro=2, espera=1)
    rodar_no_filho(t.sequencial_chama, funcao, 2, prazo=30)
    assert not any(e["encontro"] for e in funcao.eventos if e["op"] == "fim")
    assert funcao.pids("chamada", no_executor=False) == set()


def test_sonda_funcao_sem_encontro_custa_uma_espera_e_nao_uma_por_chamada():
    """Chamadas em fila: a primeira espera o encontro em vão (``espera`` s); as seguintes já sabem que
    ele não veio e não esperam de novo — a solução errada perde o ponto em segundos, não em minutos."""
    funcao = sondas.Funcao(t.quadrado, encontro=2, espera=3)
    assert rodar_no_filho(t.sequencial_chama, funcao, 4, prazo=60) == [0, 1, 4, 9]
    chamadas = [e for e in funcao.eventos if e["op"] == "chamada"]
    fins = [e for e in funcao.eventos if e["op"] == "fim"]
    assert len(chamadas) == len(fins) == 4 and not any(e["encontro"] for e in fins)
    esperas = [(f["t"] - c["t"]) / 1e9 for c, f in zip(chamadas, fins)]
    assert esperas[0] >= 3, esperas
    assert all(e < 1.5 for e in esperas[1:]), esperas


# --- modo do corretor: executor por comando ----------------------------------------------------


def test_executor_que_nao_inicia_e_iniciado_de_novo_uma_vez(tmp_path, monkeypatch):
    """Numa máquina carregada, o sandbox ou o Python podem falhar ao iniciar o executor (a ci66 da
    sessão 9 viu um aluno correto perder 3 pontos assim: "terminou de repente com código de saída 1").
    Sem ter chegado ao código do aluno, o executor é iniciado de novo, uma vez; falhando de novo, a
    mensagem culpa a máquina, com a causa, e não o aluno. O código do aluno que sai sem resposta não
    ganha segunda tentativa."""
    partidas = tmp_path / "partidas"
    falha_a_primeira = ["sh", "-c", f'echo x >> {partidas}; if [ "$(wc -l < {partidas})" -eq 1 ]; then '
                        'echo "bwrap: falha de teste na partida" >&2; exit 1; fi; exec "$@"', "sh"]
    monkeypatch.setenv("AUTOGRADER_EXECUTOR", json.dumps(falha_a_primeira))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "solucao_y.py").write_text("import os\ndef f(x):\n    return x + 1\ndef sai():\n    os._exit(1)\n")
    sol = carregar("solucao_y", prazo=PRAZO)  # a primeira partida (a da importação) falha
    assert rodar_no_filho(sol.f, 1, prazo=20) == 2
    assert partidas.read_text().count("x") == 3
    with pytest.raises(FalhaNoFilho, match="terminou de repente com código de saída 1"):
        rodar_no_filho(sol.sai, prazo=20)
    assert partidas.read_text().count("x") == 4
    monkeypatch.setenv("AUTOGRADER_EXECUTOR", json.dumps(["sh", "-c", 'echo "bwrap: sem namespace" >&2; exit 1', "sh"]))
    with pytest.raises(FalhaNoFilho, match=r"não conseguiu começar, 2 vez\(es\) \(o processo terminou de repente com "
                                           r"código de saída 1.*: bwrap: sem namespace\) — uma falha da máquina"):
        rodar_no_filho(sol.f, 1, prazo=20)
    with pytest.raises(FalhaNoFilho, match=r"importar solucao_y.py: o processo do teste não conseguiu começar, 2 vez"):
        carregar("solucao_y", prazo=PRAZO)


def test_executor_por_comando_com_prefixo(tmp_path, monkeypatch):
    """Com AUTOGRADER_EXECUTOR, o executor é um comando (aqui, `unshare` com PID próprio, se houver)."""
    prefixo = []
    if shutil.which("unshare") and os.geteuid() == 0:
        prefixo = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"]
    monkeypatch.setenv("AUTOGRADER_EXECUTOR", json.dumps(prefixo))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "solucao_z.py").write_text(
        "import multiprocessing, os, sys, time\n"
        "def f(c):\n"
        "    print('olá do aluno', file=sys.stderr)\n"
        "    p = multiprocessing.Process(target=g, args=(c,)); p.start(); p.join()\n"
        "    return c.value\n"
        "def g(c):\n"
        "    with c.get_lock():\n"
        "        c.value += 5\n"
        "def dorme():\n"
        "    multiprocessing.Process(target=time.sleep, args=(600,)).start()\n"
        "    return 1\n"
    )
    sol = carregar("solucao_z", prazo=PRAZO)
    contador = sondas.Value("i", 1)
    assert rodar_no_filho(sol.f, contador, prazo=20) == 6
    assert contador.final == 6 and contador.sem_trava() == []
    with pytest.raises(FalhaNoFilho, match="deixou"):
        rodar_no_filho(sol.dorme, prazo=20)
    assert not (tmp_path / ".autograder").exists() or list((tmp_path / ".autograder").iterdir()) == []


def test_iniciados_anota_cada_processo_que_o_codigo_inicia(metodo):
    execucao = executar(t.cria_e_espera_filhos, 3, prazo=20)
    iniciados = [e for e in execucao.iniciados if e["op"] == "process"]
    assert len(iniciados) == 3 and all(e["no_executor"] and e["filho"] for e in iniciados)
    assert executar(t.dobro, 2, prazo=PRAZO).iniciados == []
    funcao = sondas.Funcao(t.quadrado)
    execucao = executar(t.pool_chama, funcao, 2, prazo=30)
    assert len([e for e in execucao.iniciados if e["op"] == "process"]) == 2  # os workers do pool


@pytest.mark.parametrize("outro", METODOS)
def test_sondas_servem_a_processos_de_qualquer_contexto(metodo, outro):
    contador = sondas.Value("i", 0)
    assert rodar_no_filho(t.incrementa_com_contexto, contador, outro, prazo=30) == 10
    assert contador.sem_trava() == []


def test_a_arvore_e_percorrida_a_cada_intervalo_e_nao_a_cada_volta(monkeypatch):
    """Percorrer a árvore do aluno lê o /proc de todos os processos da máquina: enquanto o teste espera
    uma resposta (em fatias de 50 ms), a busca dos marcados roda no máximo a cada INTERVALO_DA_VIGIA."""
    from autograder import execucao

    chamadas = []
    original = execucao._marcados
    monkeypatch.setattr(execucao, "_marcados", lambda *a, **k: chamadas.append(1) or original(*a, **k))
    inicio = time.monotonic()
    assert rodar_no_filho(t.dorme_e_devolve, 2, prazo=PRAZO) == 2
    segundos = time.monotonic() - inicio
    # a cada 50 ms seriam ~20 por segundo; o encerramento faz uma ou duas buscas a mais
    assert len(chamadas) <= segundos / execucao.INTERVALO_DA_VIGIA + 4, (len(chamadas), segundos)


def test_iniciados_anota_join_entregas_e_esperas_na_ordem(metodo):
    from autograder import esperas

    execucao = executar(t.cria_e_espera_filhos, 3, prazo=20)
    filhos = [e["filho"] for e in execucao.iniciados if e["op"] == "process"]
    joins = [e for e in execucao.iniciados if e["op"] == "join"]
    assert sorted(e["filho"] for e in joins) == sorted(filhos)
    assert all(e["no_executor"] and e["terminou"] and e["t0"] <= e["t"] and e["timeout"] is None for e in joins)
    assert esperas.sem_esperar(execucao.iniciados) == ([], [], [])
    assert esperas.join_antes_de_start(execucao.iniciados, filhos) is None

    execucao = executar(t.join_antes_do_proximo_start, 3, prazo=20)
    pids = interpretar(execucao, 20)
    assert esperas.join_antes_de_start(execucao.iniciados, pids) == (pids[0], pids[1])
    prazo_curto = [e for e in execucao.iniciados if e["op"] == "join" and e["timeout"] == 0.05]
    assert len(prazo_curto) == 3 and not any(e["terminou"] for e in prazo_curto)

    execucao = executar(t.join_em_laco, prazo=20)
    pid = interpretar(execucao, 20)
    joins = [e for e in execucao.iniciados if e["op"] == "join"]
    assert [e["terminou"] for e in joins] == [False, True] and esperas.sem_esperar(execucao.iniciados) == ([], [], [])
    assert joins[0]["filho"] == pid  # um laço de join com prazo curto anota o primeiro e a mudança, não cada volta

    execucao = executar(t.sem_join, 2, prazo=20)
    nunca, _, _ = esperas.sem_esperar(execucao.iniciados)
    assert nunca == sorted(interpretar(execucao, 20))

    # O pai que viu cada filho terminado (is_alive() falso) esperou por ele, mesmo sem join — e ver não
    # é um join antes do start de outro.
    execucao = executar(t.espera_com_is_alive, 3, prazo=20)
    pids = interpretar(execucao, 20)
    vistos = [e for e in execucao.iniciados if e["op"] == "join"]
    assert sorted(e["filho"] for e in vistos) == sorted(pids) and all(e["via"] == "is_alive" and e["terminou"] for e in vistos)
    assert esperas.sem_esperar(execucao.iniciados) == ([], [], [])
    assert esperas.join_antes_de_start(execucao.iniciados, pids) is None

    funcao = sondas.Funcao(t.quadrado)
    execucao = executar(t.pool_chama, funcao, 2, prazo=30)
    assert esperas.sem_esperar(funcao.processos) == ([], [], [])  # os workers do pool são esperados pelo pool
    assert [e["op"] for e in funcao.processos if e["op"] in ("entregar", "esperar_resultado")][:2] == ["entregar", "entregar"]
    assert esperas.espera_antes_de_entregar(funcao.processos) is None

    funcao = sondas.Funcao(t.quadrado, encontro=2, espera=3)
    execucao = executar(t.espera_cada_um, funcao, 2, prazo=30)
    assert interpretar(execucao, 30) == [0, 1]  # o wait com um gerador continua funcionando
    espera = esperas.espera_antes_de_entregar(funcao.processos)
    assert espera is not None and espera["via"] == "wait"


def test_array_sondado_nao_anota_fatia_vazia_como_escrita():
    vet = sondas.Array("i", [0] * 3)
    assert rodar_no_filho(t.atribui_fatias, vet, prazo=20) == [1, 2, 0]
    escritas = [e for e in vet.eventos if e["op"] == "escrever"]
    assert len(escritas) == 1 and escritas[0]["i"] == repr(slice(0, 2, None)), escritas


#: Um aluno que forja a resposta: sobe a pilha até o canal do executor e escreve ali a resposta que
#: quer (a equipe de trapaças da sessão 7 tirou nota cheia assim, sem criar processo nenhum).
FORJA = '''
import os, pickle, sys


def _canal():
    pedido = canal = None
    quadro = sys._getframe(1)
    while quadro is not None:
        nome, local = quadro.f_code.co_name, quadro.f_locals
        if nome == "executar_pedido" and pedido is None:
            pedido = local.get("pedido")
        elif nome == "principal_multiprocessing":
            canal = ("conexao", local.get("conexao"))
        elif nome == "principal_comando":
            canal = ("fd", local.get("fd"))
        quadro = quadro.f_back
    return pedido, canal


def _escrever(canal, dados):
    if canal[0] == "conexao":
        canal[1].send_bytes(dados)
    else:
        os.write(canal[1], len(dados).to_bytes(8, "big") + dados)


def responde_no_canal(x):
    _pedido, canal = _canal()
    _escrever(canal, pickle.dumps(("ok", 42, {}), protocol=4))
    os._exit(0)


def inventa_eventos(contador):
    pedido, canal = _canal()
    evento = {"pid": 999999, "op": "escrever", "t": 1, "no_executor": False, "segura": True}
    _escrever(canal, pickle.dumps(("ok", 42, {pedido["args"][0].ident: ([evento], 42, 0)}), protocol=4))
    os._exit(0)


def honesta():
    return 42


def chama_o_principal_de_novo(x):
    # Roda o executor de novo, por dentro, com um pedido trocado (a função honesta): a resposta é
    # empacotada pelo próprio executor, mas não pela partida do processo.
    from autograder import _executor

    pedido, canal = _canal()
    trocado = dict(pedido, funcao=("referencia", pedido["modulo"], "honesta"), args=[], kwargs={})
    if canal[0] == "conexao":
        _executor.principal_multiprocessing(canal[1], trocado)
    os._exit(0)
'''


@pytest.mark.parametrize("funcao", ["responde_no_canal", "chama_o_principal_de_novo"])
def test_resposta_escrita_pelo_aluno_no_canal_nao_vale(tmp_path, monkeypatch, metodo, funcao):
    """O que chega ao teste tem de ser a resposta que o executor registrou ao terminar (pid e sha256
    gravados na pasta das sondas, que a guarda protege): escrita pelo aluno no canal, ou empacotada
    por uma chamada do executor feita de dentro do código do aluno, não vale."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "solucao_forja.py").write_text(FORJA, encoding="utf-8")
    sol = carregar("solucao_forja", prazo=PRAZO)
    with pytest.raises(FalhaNoFilho, match=r"mexeu nos instrumentos do teste \(a resposta do executor não é a que ele registrou"):
        rodar_no_filho(getattr(sol, funcao), 1, prazo=PRAZO)
    assert rodar_no_filho(sol.honesta, prazo=PRAZO) == 42  # e a resposta de verdade continua valendo


def test_eventos_que_nenhuma_sonda_anotou_denunciam_a_resposta(tmp_path):
    """Valem os diários das sondas, lidos pelo processo do teste; um evento da resposta que não está no
    diário da sua sonda é forjado, e o que o diário tem vale mesmo se a resposta o omitiu."""
    from autograder.execucao import sondas_dos_diarios

    real = {"pid": 7, "op": "escrever", "t": 5, "no_executor": False, "segura": True}
    (tmp_path / "s1.jsonl").write_text(json.dumps(real) + "\n" + json.dumps(dict(real, t=6)) + "\n{cortad", encoding="utf-8")
    confiaveis, forjada = sondas_dos_diarios({"s1": ([real], 3, 0)}, tmp_path)
    assert forjada is None
    assert confiaveis["s1"] == ([real, dict(real, t=6)], 3, 1)  # a linha cortada é contada, não lida
    confiaveis, forjada = sondas_dos_diarios({"s1": ([], 3, 0), "s2": ([], 0, 0)}, tmp_path)
    assert forjada is None and confiaveis["s1"][0] == [real, dict(real, t=6)] and confiaveis["s2"] == ([], 0, 0)
    _, forjada = sondas_dos_diarios({"s1": ([real, real, real], 3, 0)}, tmp_path)  # um a mais que o diário
    assert "nenhuma sonda anotou (sonda s1)" in forjada
    _, forjada = sondas_dos_diarios({"s1": ([dict(real, pid=8)], 3, 0)}, tmp_path)
    assert "resposta forjada" in forjada
    _, forjada = sondas_dos_diarios({"s1": "qualquer coisa"}, tmp_path)
    assert "num formato que as sondas não produzem" in forjada


def test_resposta_com_eventos_inventados_nao_vale(tmp_path, monkeypatch, metodo):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "solucao_forja.py").write_text(FORJA, encoding="utf-8")
    sol = carregar("solucao_forja", prazo=PRAZO)
    with pytest.raises(FalhaNoFilho, match="mexeu nos instrumentos do teste"):
        rodar_no_filho(sol.inventa_eventos, sondas.Value("i", 0), prazo=PRAZO)
