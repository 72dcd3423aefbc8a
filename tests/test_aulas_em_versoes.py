"""O script que roda as aulas em várias versões do Python (ferramentas/aulas_em_versoes.py) fica fora
da suíte (cria um ambiente por versão); aqui, só as partes baratas que ele usa para decidir e relatar."""

from __future__ import annotations

import sys

from apoio import RAIZ

sys.path.insert(0, str(RAIZ / "ferramentas"))
import aulas_em_versoes as versoes  # noqa: E402


def test_requisitos_dos_testes_sao_os_do_extra_teste():
    requisitos = versoes.requisitos_dos_testes()
    texto = (RAIZ / "pyproject.toml").read_text(encoding="utf-8")
    assert [r.split(">")[0].split("<")[0] for r in requisitos] == ["pytest", "pytest-timeout", "pytest-xdist"]
    assert all(f'"{r}"' in texto for r in requisitos)  # com as mesmas faixas de versão


def test_acha_o_python_pela_versao_e_recusa_o_que_nao_existe():
    atual = f"{sys.version_info.major}.{sys.version_info.minor}"
    achado = versoes.achar_python(atual)
    assert achado is not None
    assert versoes.achar_python(sys.executable) is not None
    assert versoes.achar_python("3.99") is None


def test_tabela_marca_o_que_falhou_e_a_versao_que_nao_passou():
    boa = versoes.Versao("3.12", versao="3.12.1", preparo_s=90)
    boa.linhas["02-Aula"] = versoes.Linha(aula=True, aula_s=20, testes="13 ok", testes_ok=True, testes_s=30)
    ruim = versoes.Versao("3.13", versao="3.13.0", preparo_s=95)
    ruim.linhas["02-Aula"] = versoes.Linha(aula=False, aula_s=5, testes="12 ok, 1 falharam", testes_ok=False, testes_s=31,
                                           avisos=["DeprecationWarning: x"])
    sem = versoes.Versao("3.99", problema="não achei o Python 3.99")
    texto = versoes.tabela([boa, ruim, sem])
    linhas = texto.splitlines()
    assert linhas[0] == "|  | Python 3.12.1 | Python 3.13.0 | Python 3.99 |"
    aula = next(linha for linha in linhas if linha.startswith("| 02-Aula"))
    assert "aula ✓ 20 s · testes ✓ 13 ok 30 s" in aula
    assert "aula ✗ 5 s (1 aviso) · testes ✗ 12 ok, 1 falharam 31 s" in aula
    assert linhas[-1] == "| tudo passou? | sim | **não** | **não** |"
    assert versoes.passou(boa) and not versoes.passou(ruim) and not versoes.passou(sem)
    # A aula rodou, mas um teste do módulo falhou: a versão não passou.
    so_testes = versoes.Versao("3.10", versao="3.10.13")
    so_testes.linhas["02-Aula"] = versoes.Linha(aula=True, testes="1 falharam", testes_ok=False)
    assert not versoes.passou(so_testes)
