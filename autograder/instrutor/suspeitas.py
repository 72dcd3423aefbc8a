"""O que uma submissão tentou e o isolamento bloqueou: sinais no código do aluno e nas saídas.

Não muda nota nenhuma (a nota vem dos testes e da nota de registro); só conta ao instrutor o que foi
tentado, para o status e a lista do olhar humano.
"""

from __future__ import annotations

import re

from autograder.instrutor.sinteticas import texto

#: Todo aviso de tentativa começa assim (o status da submissão vira "tentativa bloqueada").
PREFIXO = "tentou "

#: (expressão no código do aluno, o que ela indica).
NO_CODIGO = [
    (r"gradebook", "mexer no gradebook"),
    (r"(?:^|[/'\"])source[/'\"]|\bsource/", "ler os testes do enunciado (source/)"),
    (r"sys\.modules\s*\[", "trocar módulos em sys.modules"),
    (r"__code__", "remendar funções (__code__)"),
    (r"input_transformers|ast_transformers|register_transformer", "instalar um transformador de entrada do IPython"),
    (r"\bsetsid\b|os\.fork\s*\(", "criar processos fora da árvore da correção (fork/setsid)"),
    (r"socket\.(?:create_connection|socket)|urllib\.request|http\.client|\brequests\.", "abrir conexões de rede"),
    (r"\.\./\.\./", "ler ou escrever fora da pasta de trabalho (../..)"),
]

#: (trecho numa saída ou erro, o que ele indica).
NAS_SAIDAS = [
    ("Read-only file system", "escrever fora da pasta de trabalho (sistema de arquivos só leitura)"),
    ("File too large", "escrever um arquivo maior que o limite"),
    ("No space left on device", "encher o disco"),
    ("Network is unreachable", "abrir conexões de rede"),
    ("Temporary failure in name resolution", "abrir conexões de rede"),
    ("Resource temporarily unavailable", "criar processos além do limite"),
    ("Cannot allocate memory", "usar memória além do limite"),
    # A guarda e a conferência da resposta do executor com os diários (autograder/execucao.py).
    ("mexeu nos instrumentos do teste", "mexer nos instrumentos do teste (sondas, biblioteca ou a resposta do executor)"),
]


def _codigo_do_aluno(fonte: dict, submissao: dict) -> str:
    """O código das células que o aluno escreve (soluções e células novas), sem as do enunciado."""
    travadas = {
        c["metadata"]["nbgrader"]["grade_id"]
        for c in fonte.get("cells", [])
        if c.get("metadata", {}).get("nbgrader", {}).get("locked") and c["metadata"]["nbgrader"].get("grade_id")
    }
    partes = []
    for celula in submissao.get("cells", []):
        if not isinstance(celula, dict) or celula.get("cell_type") != "code":
            continue
        if celula.get("metadata", {}).get("nbgrader", {}).get("grade_id") in travadas:
            continue
        partes.append(texto(celula))
    return "\n".join(partes)


def _saidas(nb: dict) -> str:
    partes = []
    for celula in nb.get("cells", []):
        for saida in celula.get("outputs", []) or []:
            for chave in ("text", "evalue"):
                valor = saida.get(chave, "")
                partes.append("".join(valor) if isinstance(valor, list) else str(valor))
            partes += saida.get("traceback", []) or []
    return "\n".join(partes)


def procurar(fonte: dict, submissao: dict, corrigido: dict, resultado: dict) -> list[str]:
    """Os avisos "tentou ..." desta submissão (sem repetição, na ordem das tabelas)."""
    achados: list[str] = []
    codigo = _codigo_do_aluno(fonte, submissao)
    for padrao, significado in NO_CODIGO:
        if re.search(padrao, codigo, re.MULTILINE) and significado not in achados:
            achados.append(significado)
    saidas = _saidas(corrigido) + "\n" + resultado.get("log", "")
    for trecho, significado in NAS_SAIDAS:
        if trecho in saidas and significado not in achados:
            achados.append(significado)
    return [f"{PREFIXO}{a}" for a in achados]
