"""Configuração do nbgrader para o curso (a raiz do repositório é a pasta do curso)."""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "processos-em-python"
c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
# Os módulos que o aluno escreve com %%writefile ao rodar o notebook nunca vão para o release.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "solucao_*.py",
]

c.ClearSolutions.code_stub = {
    "python": '# ESCREVA SEU CÓDIGO AQUI\nraise NotImplementedError("Exercício ainda não resolvido")'
}
c.ClearSolutions.text_stub = "ESCREVA SUA RESPOSTA AQUI"
# Cada célula de teste tem seu próprio prazo curto na biblioteca autograder; este é só a rede de segurança.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120
