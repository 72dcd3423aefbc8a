"""Os processos do corretor não montam as gramáticas do rfc3987_syntax (autograder/instrutor/importacoes.py)."""

import subprocess
import sys

from autograder.instrutor import importacoes, lote


def test_o_nbformat_valida_sem_importar_o_rfc3987_syntax():
    # Num processo novo, como o servidor do pool: o módulo primeiro, depois o nbformat. (O ambiente do
    # curso nem tem o rfc3987_syntax — ferramentas/ambiente.sh o tira —, mas o de um instrutor com
    # conda, por exemplo, tem: o corretor o dispensa de qualquer jeito.)
    codigo = (
        "import sys, autograder.instrutor.importacoes, nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')]))\n"
        "print(sys.modules.get('rfc3987_syntax', 'ausente'), 'jsonschema' in sys.modules)\n"
    )
    saida = subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, timeout=120, check=True).stdout
    assert saida.split() == ["None", "True"], saida
    # O servidor do forkserver importa este módulo antes de qualquer outro.
    assert lote.PRELOAD[0] == importacoes.__name__


def test_nao_desfaz_um_import_que_ja_aconteceu(monkeypatch):
    modulo = object()
    monkeypatch.setitem(sys.modules, importacoes.GRAMATICA_IRI, modulo)
    assert importacoes.dispensar_gramatica_iri() is False
    assert sys.modules[importacoes.GRAMATICA_IRI] is modulo
