"""A verificação do ambiente e a configuração do idioma do JupyterLab."""

import json
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
    assert verificar_ambiente.verificar_pacote("nbgrader")[0]
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
