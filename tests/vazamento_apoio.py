"""Apoio aos testes de vazamento do feedback: procurar linhas de teste num texto em claro e nas
codificações que um notebook usaria para escondê-las (base64, rot13, hex, invertido)."""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re


def decodificacoes(texto: str) -> dict[str, str]:
    """O texto em claro (com as entidades HTML de volta) e o que sai dele em cada codificação."""
    claro = html.unescape(texto)
    b64, hexa = [], []
    for trecho in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", claro):
        for inicio in range(4):  # um pedaço pode começar fora do alinhamento de 4 caracteres
            pedaco = trecho[inicio:]
            pedaco = pedaco[: len(pedaco) - len(pedaco) % 4]
            try:
                b64.append(base64.b64decode(pedaco, validate=True).decode("utf-8", "replace"))
            except (binascii.Error, ValueError):
                pass
    for trecho in re.findall(r"(?:[0-9a-fA-F]{2}){8,}", claro):
        hexa.append(bytes.fromhex(trecho).decode("utf-8", "replace"))
    return {
        "texto puro": claro, "rot13": codecs.decode(claro, "rot13"), "invertido": claro[::-1],
        "base64": "\n".join(b64), "hex": "\n".join(hexa),
    }


def achadas(texto: str, linhas: list[str]) -> dict[str, list[str]]:
    """Por codificação, as ``linhas`` que aparecem em ``texto``."""
    return {nome: achou for nome, claro in decodificacoes(texto).items() if (achou := [x for x in linhas if x in claro])}
