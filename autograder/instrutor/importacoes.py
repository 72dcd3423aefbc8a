"""Imports mais baratos nos processos do corretor (o principal e os do pool).

Todo processo que importa o ``nbformat`` importa o ``jsonschema``, que, quando o pacote opcional
``rfc3987_syntax`` está instalado (o ``jupyter_events`` o traz), monta na importação 38 gramáticas do
``lark`` para conferir o formato ``iri`` de esquemas JSON: ~1,5 s de CPU por processo. Nem o esquema
dos notebooks nem o ``nbgrader`` usam esse formato (o ``nbformat`` valida sem conferir formatos): o
corretor dispensa essa importação nos próprios processos. O ``nbgrader autograde`` puro e o kernel do
aluno não mudam.

Importar este módulo já dispensa (é o primeiro do ``set_forkserver_preload`` do pool).
"""

from __future__ import annotations

import sys

#: O pacote opcional do jsonschema que monta as gramáticas na importação.
GRAMATICA_IRI = "rfc3987_syntax"


def dispensar_gramatica_iri() -> bool:
    """Faz o ``jsonschema`` deste processo seguir sem o ``rfc3987_syntax`` (ele o importa dentro de um
    ``suppress(ImportError)``). Devolve se dispensou: se o pacote já foi importado, nada muda."""
    if GRAMATICA_IRI in sys.modules:
        return sys.modules[GRAMATICA_IRI] is None
    sys.modules[GRAMATICA_IRI] = None  # "import rfc3987_syntax" passa a levantar ImportError
    return True


dispensar_gramatica_iri()
