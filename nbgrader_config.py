"""Configuração do nbgrader para o curso (a raiz do repositório é a pasta do curso)."""

import os

c = get_config()  # noqa: F821
CURSO = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "processos-em-python"
c.CourseDirectory.root = CURSO
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
# A "troca" (exchange) de tarefas fica dentro da pasta do curso, em .exchange/: numa máquina só, o
# instrutor publica (nbgrader release_assignment, ou o botão Release do formgrader) e o aluno vê a
# tarefa na Assignment List. Num JupyterHub, aponte para a pasta compartilhada (ex.: /srv/nbgrader/exchange).
c.Exchange.root = os.path.join(CURSO, ".exchange")
# Os módulos que o aluno escreve com %%writefile ao rodar o notebook nunca vão para o release.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "feedback_instrutor",
    "solucao_*.py",
]

c.ClearSolutions.code_stub = {
    "python": '# ESCREVA SEU CÓDIGO AQUI\nraise NotImplementedError("Exercício ainda não resolvido")'
}
c.ClearSolutions.text_stub = "ESCREVA SUA RESPOSTA AQUI"
# Cada célula de teste tem seu próprio prazo curto na biblioteca autograder; este é só a rede de segurança.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120

# O feedback do aluno (nbgrader generate_feedback, o botão do formgrader e python -m autograder.corrigir):
# a docstring de cada teste, os pontos, passou/falhou e a mensagem da falha, mas nunca o código dos
# testes (nem os ocultos). A visão do instrutor, com tudo, vai para feedback_instrutor/, fora do que o
# nbgrader libera aos alunos. Veja autograder/instrutor/feedback.py. O nome vai como texto: a classe só
# é importada quando o feedback é gerado (a edição do aluno não tem autograder.instrutor).
c.GenerateFeedback.exporter_class = "autograder.instrutor.feedback.ExportadorFeedback"
