"""As ferramentas do instrutor (não vão para a edição do aluno).

Um módulo por assunto:

- :mod:`coleta` — o zip do AVA para ``submitted/``;
- :mod:`sandbox` — o isolamento de cada submissão (bubblewrap) e :mod:`kernel_isolado`, o kernel nele;
- :mod:`autograde` — o driver do ``nbgrader autograde`` de uma submissão (o prazo está aqui);
- :mod:`registro` e :mod:`celulas` — a nota de registro do módulo ``solucao_*.py``;
- :mod:`suspeitas` — o que a submissão tentou e foi bloqueado;
- :mod:`gradebook`, :mod:`diario`, :mod:`relatorio` — o que o processo principal grava;
- :mod:`lote` — a turma inteira, em paralelo ou no Dask; :mod:`cli` — a linha de comando;
- :mod:`bench` e :mod:`sinteticas` — o benchmark e as submissões sintéticas.
"""

from autograder.instrutor.coleta import PADROES, Coleta, coletar_zip
from autograder.instrutor.lote import corrigir
from autograder.instrutor.relatorio import Linha, Turma, relatorio
from autograder.instrutor.sandbox import Limites, SemIsolamento
from autograder.instrutor.status import (
    AUSENTE,
    ERRO,
    INVALIDO,
    ISOLADO,
    KERNEL,
    OK,
    SEM_ISOLAMENTO,
    SUSPEITA,
    TEMPO,
)

__all__ = [
    "AUSENTE", "ERRO", "INVALIDO", "ISOLADO", "KERNEL", "OK", "PADROES", "SEM_ISOLAMENTO", "SUSPEITA", "TEMPO",
    "Coleta", "Limites", "Linha", "SemIsolamento", "Turma", "coletar_zip", "corrigir", "relatorio",
]
