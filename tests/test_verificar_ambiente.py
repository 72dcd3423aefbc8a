"""A verificação do ambiente e a configuração do idioma do JupyterLab."""

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from apoio import NOTEBOOKS, RAIZ

sys.path.insert(0, str(NOTEBOOKS))
sys.path.insert(0, str(RAIZ / "ferramentas"))
import configurar_jupyterlab  # noqa: E402
import verificar_ambiente  # noqa: E402


def test_verificacao_passa_neste_ambiente_e_inicia_um_filho_com_spawn():
    resultados = verificar_ambiente.verificar_tudo()
    assert all(ok for ok, _ in resultados), verificar_ambiente.relatorio(resultados)
    ok, texto = verificar_ambiente.verificar_processo_filho()
    assert ok and "processo filho com spawn: pid" in texto


def test_relatorio_diz_o_que_falta_em_portugues(monkeypatch):
    texto = verificar_ambiente.relatorio([(True, "Python 3.11"), (False, "nbgrader: não encontrado")])
    assert "✘ nbgrader: não encontrado" in texto and "Falta corrigir 1 item(ns)" in texto
    assert verificar_ambiente.verificar_pacote("numpy")[0]
    monkeypatch.setitem(verificar_ambiente.PACOTES, "pacote_que_nao_existe", "Pacote")
    ok, texto = verificar_ambiente.verificar_pacote("pacote_que_nao_existe")
    assert not ok and "não encontrado" in texto


def test_script_sai_com_zero_e_tudo_certo():
    proc = subprocess.run([sys.executable, str(NOTEBOOKS / "verificar_ambiente.py")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Tudo certo" in proc.stdout


def test_idioma_vai_para_o_prefixo_do_ambiente_e_preserva_o_resto(tmp_path):
    destino = configurar_jupyterlab.arquivo_de_padroes(tmp_path)
    destino.parent.mkdir(parents=True)
    destino.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    config = configurar_jupyterlab.arquivo_de_config_do_servidor(tmp_path)
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"ServerApp": {"port": 9999}}))
    assert configurar_jupyterlab.configurar(tmp_path) == destino
    dados = json.loads(destino.read_text())
    assert dados["@jupyterlab/translation-extension:plugin"] == {"locale": "pt_BR"}
    assert dados["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert dados["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    # O servidor (que traduz menus e configurações) lê o idioma da pasta de usuário deste ambiente.
    servidor = json.loads(config.read_text())
    assert servidor["ServerApp"] == {"port": 9999}
    pasta = Path(servidor["LabServerApp"]["user_settings_dir"])
    assert pasta == configurar_jupyterlab.pasta_do_usuario(tmp_path)
    idioma = pasta / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    assert json.loads(idioma.read_text()) == {"locale": "pt_BR"}
    for arquivo in (destino, config, idioma):
        assert str(arquivo).startswith(str(tmp_path)), "nada fora do prefixo do ambiente"


def test_escolha_de_idioma_do_aluno_e_respeitada(tmp_path):
    idioma = configurar_jupyterlab.pasta_do_usuario(tmp_path) / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    idioma.parent.mkdir(parents=True)
    idioma.write_text(json.dumps({"locale": "en"}))
    configurar_jupyterlab.configurar(tmp_path)
    assert json.loads(idioma.read_text()) == {"locale": "en"}


def test_json_invalido_para_com_mensagem_em_portugues(tmp_path):
    destino = configurar_jupyterlab.arquivo_de_padroes(tmp_path)
    destino.parent.mkdir(parents=True)
    destino.write_text("{ isto não é json")
    with pytest.raises(SystemExit, match="não é um JSON válido"):
        configurar_jupyterlab.configurar(tmp_path)


def test_o_ambiente_do_curso_esta_configurado():
    """O make instalar rodou o configurador no venv em uso (é ele que o JupyterLab do curso lê)."""
    config = json.loads(configurar_jupyterlab.arquivo_de_config_do_servidor().read_text())
    assert config["LabServerApp"]["user_settings_dir"] == str(configurar_jupyterlab.pasta_do_usuario())


def test_diz_se_o_python_e_free_threaded(monkeypatch):
    ok, texto = verificar_ambiente.verificar_free_threading()
    gil = bool(verificar_ambiente.sysconfig.get_config_var("Py_GIL_DISABLED"))
    assert ok and (("free-threaded" in texto) == gil) and ("com o GIL" in texto) != gil
    monkeypatch.setattr(verificar_ambiente.sysconfig, "get_config_var", lambda nome: 1 if nome == "Py_GIL_DISABLED" else None)
    monkeypatch.setattr(verificar_ambiente.sys, "_is_gil_enabled", lambda: False, raising=False)
    ok, texto = verificar_ambiente.verificar_free_threading()
    assert ok and "free-threaded" in texto and "GIL está desligado" in texto


def test_diz_o_metodo_de_inicio_padrao_sem_fixa_lo_neste_processo(monkeypatch):
    monkeypatch.delenv("PROCESSOS_METODO", raising=False)
    antes = multiprocessing.get_start_method(allow_none=True)
    ok, texto = verificar_ambiente.verificar_metodo_de_inicio()
    esperado = subprocess.run([sys.executable, "-c", "import multiprocessing; print(multiprocessing.get_start_method())"],
                              capture_output=True, text=True, timeout=60).stdout.strip()
    assert ok and texto == f"método de início de processos padrão aqui: {esperado}"
    assert multiprocessing.get_start_method(allow_none=True) == antes
    monkeypatch.setenv("PROCESSOS_METODO", "spawn")
    assert "PROCESSOS_METODO=spawn" in verificar_ambiente.verificar_metodo_de_inicio()[1]
    relatorio = verificar_ambiente.relatorio(verificar_ambiente.verificar_tudo())
    assert "método de início de processos padrão aqui" in relatorio and "GIL" in relatorio
