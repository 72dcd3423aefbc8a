"""A verificação do ambiente e a configuração do idioma do JupyterLab."""

import json
import subprocess
import sys

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
    assert configurar_jupyterlab.configurar(tmp_path) == destino
    dados = json.loads(destino.read_text())
    assert dados["@jupyterlab/translation-extension:plugin"] == {"locale": "pt_BR"}
    assert dados["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert str(destino).startswith(str(tmp_path))
