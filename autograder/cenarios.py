"""Roteiros que os testes dos exercícios rodam dentro de um processo filho (via ``rodar_no_filho``).

Cada roteiro recebe o NOME do módulo do aluno, importa-o no filho e devolve só dados simples,
para que o teste compare com o esperado. Nenhum roteiro contém a resposta de um exercício.
"""

from __future__ import annotations

import importlib
import secrets
import threading


def _modulo(nome: str):
    return importlib.import_module(nome)


# -- ex06: chat com BaseManager -----------------------------------------------------------------


def chat_servidor(nome_modulo: str) -> tuple[str, int, str]:
    """Sobe o servidor do aluno, conecta um cliente e faz uma mensagem ir e voltar por uma caixa."""
    chat = _modulo(nome_modulo)
    chave = secrets.token_bytes(32)
    servidor = chat.iniciar_servidor(chave)
    try:
        host, porta = servidor.address
        caixa = chat.conectar(servidor.address, chave).caixa_de("A")
        caixa.put("teste")
        return host, porta, caixa.get(timeout=5)
    finally:
        servidor.shutdown()


def chat_chave_errada(nome_modulo: str) -> str:
    """Tenta conectar ao servidor do aluno com uma chave errada; diz o que aconteceu."""
    chat = _modulo(nome_modulo)
    servidor = chat.iniciar_servidor(secrets.token_bytes(32))
    try:
        chat.conectar(servidor.address, b"abc")
        return "conectou"
    except Exception as erro:  # noqa: BLE001 - o teste compara o nome da exceção
        return type(erro).__name__
    finally:
        servidor.shutdown()


def chat_participantes(nome_modulo: str, mensagens_a: list, mensagens_b: list, prazo: float = 3.0) -> dict:
    """Roda ``participante`` do aluno para A (que começa) e B, em duas threads, com um servidor de verdade."""
    chat = _modulo(nome_modulo)
    chave = secrets.token_bytes(32)
    servidor = chat.iniciar_servidor(chave)
    resultados: dict = {}

    def rodar(nome, outro, fonte, comeca):
        try:
            resultados[nome] = chat.participante(nome, outro, servidor.address, chave, fonte, comeca, prazo)
        except Exception as erro:  # noqa: BLE001
            resultados[nome] = f"{type(erro).__name__}: {erro}"

    try:
        linhas = [
            threading.Thread(target=rodar, args=("A", "B", list(mensagens_a), True), daemon=True),
            threading.Thread(target=rodar, args=("B", "A", list(mensagens_b), False), daemon=True),
        ]
        for t in linhas:
            t.start()
        for t in linhas:
            t.join(timeout=prazo * 4)
        return resultados
    finally:
        servidor.shutdown()
