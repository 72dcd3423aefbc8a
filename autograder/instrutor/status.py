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
