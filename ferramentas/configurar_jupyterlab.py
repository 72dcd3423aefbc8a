"""Põe o JupyterLab do ambiente do curso em português, sem tocar nas configurações do usuário.

Escreve ``{sys.prefix}/share/jupyter/lab/settings/overrides.json`` (as configurações padrão daquele
ambiente: venv, conda ou Binder), mesclando com o que já houver. Uso::

    python ferramentas/configurar_jupyterlab.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PLUGIN = "@jupyterlab/translation-extension:plugin"
IDIOMA = "pt_BR"


def arquivo_de_padroes(prefixo: str | Path = sys.prefix) -> Path:
    return Path(prefixo) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def configurar(prefixo: str | Path = sys.prefix) -> Path:
    """Define o idioma do JupyterLab deste ambiente como pt_BR, preservando outras configurações."""
    caminho = arquivo_de_padroes(prefixo)
    caminho.parent.mkdir(parents=True, exist_ok=True)
    dados = {}
    if caminho.exists():
        try:
            dados = json.loads(caminho.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError:
            raise SystemExit(f"{caminho} não é um JSON válido; corrija-o ou apague-o e rode de novo.") from None
    dados.setdefault(PLUGIN, {})["locale"] = IDIOMA
    caminho.write_text(json.dumps(dados, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return caminho


if __name__ == "__main__":
    print(f"JupyterLab em português: {configurar()}")
