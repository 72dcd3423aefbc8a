"""Ferramentas de correção do curso: a biblioteca que as células de teste importam e as do instrutor."""

from autograder.execucao import FalhaNoFilho, carregar, rodar_no_filho, verificar, verificar_igual

__all__ = ["FalhaNoFilho", "carregar", "rodar_no_filho", "verificar", "verificar_igual"]
