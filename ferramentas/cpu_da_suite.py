"""Resume o que ``TESTES_CPU=arquivo make teste`` anotou: CPU e relógio por arquivo de teste e os
testes mais pesados. Uso: ``python ferramentas/cpu_da_suite.py arquivo [N]``."""

from __future__ import annotations

import json
import sys
from collections import defaultdict


def main() -> None:
    linhas = [json.loads(linha) for linha in open(sys.argv[1], encoding="utf-8") if linha.strip()]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    por_arquivo: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for linha in linhas:
        total = por_arquivo[linha["teste"].split("::")[0]]
        total[0] += linha["cpu"]
        total[1] += linha["relogio"]
        total[2] += 1
    cpu = sum(v[0] for v in por_arquivo.values())
    print(f"{len(linhas)} testes, CPU {cpu / 60:.1f} min, relógio somado {sum(v[1] for v in por_arquivo.values()) / 60:.1f} min")
    print(f"{'arquivo':50} {'testes':>6} {'CPU s':>8} {'relógio s':>10}")
    for arquivo, (c, r, k) in sorted(por_arquivo.items(), key=lambda x: -x[1][0]):
        print(f"{arquivo:50} {k:6d} {c:8.1f} {r:10.1f}")
    print(f"\nos {n} testes de mais CPU:")
    for linha in sorted(linhas, key=lambda x: -x["cpu"])[:n]:
        print(f"{linha['cpu']:8.1f} {linha['relogio']:8.1f}  {linha['teste']}")
    falhas = [linha for linha in linhas if linha.get("resultado", "passed") != "passed"]
    if falhas:
        print(f"\n{len(falhas)} que não passaram (a fase e o resultado):")
        for linha in falhas:
            print(f"  {linha['resultado']:22} {linha['teste']}")


if __name__ == "__main__":
    main()
