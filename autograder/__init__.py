"""Ferramentas de correção do curso: a biblioteca que as células de teste importam e as do instrutor."""
