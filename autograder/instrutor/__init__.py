"""Ferramentas do instrutor (correção, feedback). Nada daqui vai para a edição do aluno."""
