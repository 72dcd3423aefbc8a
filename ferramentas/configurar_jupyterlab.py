"""Põe o JupyterLab do ambiente do curso em português, sem tocar nas configurações globais do usuário.

O idioma do JupyterLab é decidido em dois lugares, e os dois precisam dizer ``pt_BR``:

- no navegador, pelo padrão de ``@jupyterlab/translation-extension:plugin``, que este script grava em
  ``{sys.prefix}/share/jupyter/lab/settings/overrides.json`` (as configurações padrão *daquele*
  ambiente: venv, conda ou Binder), mesclando com o que já houver;
- no servidor, que traduz os menus e as telas de configuração: ele só lê a configuração **do
  usuário**, não os padrões (com ``overrides.json`` sozinho, os menus ficam em inglês). Por isso o
  script aponta, só neste ambiente, a pasta de configurações do usuário do JupyterLab para
  ``{sys.prefix}/share/jupyter/lab/user-settings`` (em ``etc/jupyter/jupyter_server_config.json`` do prefixo) e grava
  ali o idioma, se o aluno ainda não tiver escolhido outro pelo menu Configurações → Idioma.

Nada é escrito em ``~/.jupyter``: o JupyterLab de outros ambientes continua como estava. Uso::

    python ferramentas/configurar_jupyterlab.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PLUGIN = "@jupyterlab/translation-extension:plugin"
IDIOMA = "pt_BR"
NOTIFICACOES = "@jupyterlab/apputils-extension:notification"


def arquivo_de_padroes(prefixo: str | Path = sys.prefix) -> Path:
    return Path(prefixo) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def pasta_do_usuario(prefixo: str | Path = sys.prefix) -> Path:
    """A pasta de configurações do usuário do JupyterLab, própria deste ambiente."""
    return Path(prefixo) / "share" / "jupyter" / "lab" / "user-settings"


def arquivo_de_config_do_servidor(prefixo: str | Path = sys.prefix) -> Path:
    return Path(prefixo) / "etc" / "jupyter" / "jupyter_server_config.json"


def _ler_json(caminho: Path) -> dict:
    if not caminho.exists():
        return {}
    try:
        return json.loads(caminho.read_text(encoding="utf-8") or "{}")
    except json.JSONDecodeError:
        raise SystemExit(f"{caminho} não é um JSON válido; corrija-o ou apague-o e rode de novo.") from None


def _gravar_json(caminho: Path, dados: dict) -> None:
    caminho.parent.mkdir(parents=True, exist_ok=True)
    caminho.write_text(json.dumps(dados, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def configurar(prefixo: str | Path = sys.prefix) -> Path:
    """Define o idioma do JupyterLab deste ambiente como pt_BR, preservando outras configurações.

    Devolve o caminho de ``overrides.json``."""
    padroes = arquivo_de_padroes(prefixo)
    dados = _ler_json(padroes)
    dados.setdefault(PLUGIN, {})["locale"] = IDIOMA
    # Sem a pergunta "quer receber as notícias do Jupyter?" (em inglês, e busca na internet).
    avisos = dados.setdefault(NOTIFICACOES, {})
    avisos.setdefault("fetchNews", "false")
    avisos.setdefault("checkForUpdates", False)
    _gravar_json(padroes, dados)

    usuario = pasta_do_usuario(prefixo)
    config = arquivo_de_config_do_servidor(prefixo)
    dados_config = _ler_json(config)
    # LabServerApp vale para o jupyter lab e para o Notebook 7 (as duas classes herdam dela).
    dados_config.setdefault("LabServerApp", {})["user_settings_dir"] = str(usuario)
    _gravar_json(config, dados_config)

    plugin, nome = PLUGIN.split(":")
    idioma_do_usuario = usuario / plugin / f"{nome}.jupyterlab-settings"
    if not idioma_do_usuario.exists():  # uma escolha do aluno pelo menu é respeitada
        _gravar_json(idioma_do_usuario, {"locale": IDIOMA})
    return padroes


if __name__ == "__main__":
    print(f"JupyterLab em português, só neste ambiente: {configurar()}")
