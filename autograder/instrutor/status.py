"""Os status de uma submissão corrigida (o que o relatório e o diário mostram ao instrutor)."""

OK = "ok"
TEMPO = "tempo esgotado"
KERNEL = "kernel morreu"
INVALIDO = "notebook inválido"
AUSENTE = "notebook ausente"
ERRO = "erro na correção"
#: Corrigida, mas o código tentou algo que o isolamento bloqueou (os avisos dizem o quê).
SUSPEITA = "tentativa bloqueada"

#: Os modos de correção, registrados para cada submissão.
ISOLADO = "isolado (bubblewrap)"
SEM_ISOLAMENTO = "sem isolamento"
#: A tarefa não pôde ser corrigida neste curso (o aviso diz por quê): ninguém foi corrigido.
NAO_CORRIGIDA = "não corrigida"

#: Status de quem NÃO foi corrigido: nada vai para o gradebook nem para o grades.csv (a nota antiga,
#: se houver, fica) nem para o diário (rodar de novo tenta outra vez). "notebook ausente" é quem não
#: entregou nenhum notebook da tarefa: o nbgrader puro também não o corrige.
NAO_GRAVAR = frozenset({ERRO, AUSENTE, NAO_CORRIGIDA})
