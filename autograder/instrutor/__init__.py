"""Ferramentas do instrutor (correção, feedback, AVA). Nada daqui vai para a edição do aluno.

Um módulo por assunto (importe o que usar; este pacote não importa nada sozinho, para que o
exportador de feedback, carregado pelo nbgrader, não arraste o corretor junto):

- :mod:`coleta` — o zip do AVA para ``submitted/``; :mod:`lms` — Moodle, Canvas e planilhas, ida e volta;
- :mod:`sandbox` — o isolamento de cada submissão (bubblewrap) e :mod:`kernel_isolado`, o kernel nele;
- :mod:`autograde` — o driver do ``nbgrader autograde`` de uma submissão (o prazo está aqui);
- :mod:`registro` e :mod:`celulas` — a nota de registro do módulo ``solucao_*.py``;
- :mod:`suspeitas` — o que a submissão tentou e foi bloqueado;
- :mod:`gradebook`, :mod:`diario`, :mod:`relatorio` — o que o processo principal grava;
- :mod:`lote` — a turma inteira, em paralelo ou no Dask; :mod:`cli` — a linha de comando;
- :mod:`importacoes` — imports mais baratos nos processos do corretor (sem as gramáticas do ``rfc3987_syntax``);
- :mod:`feedback` — o feedback do aluno sem os testes ocultos;
- :mod:`bench` e :mod:`sinteticas` — o benchmark e as submissões sintéticas.
"""
