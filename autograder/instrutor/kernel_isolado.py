"""O kernel da submissão dentro do sandbox; o nbgrader (e o gradebook) fora.

O ``nbgrader autograde`` roda no processo do corretor e fala com o kernel por soquetes de arquivo
(transporte ``ipc``): a pasta dos soquetes é a única montada com escrita no sandbox além da pasta de
trabalho. O kernel recebe as interrupções como mensagens (``interrupt_mode = "message"``), porque o
bwrap não repassa sinais.

A entrada padrão do kernel é a vigia do sandbox (:meth:`Sandbox.prefixo`): este processo guarda a ponta
de escrita de um pipe enquanto o kernel vive; se ele morrer (um ``kill -9`` no corretor, mesmo no meio
da partida do ``bwrap``), o sandbox inteiro morre junto.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Dict

from autograder.instrutor.sandbox import Limites, Sandbox


class KernelIsolado(AsyncKernelManager):
    """Um AsyncKernelManager que inicia o kernel com o prefixo do sandbox.

    ``isolamento`` (configurável): ``{"soquetes": pasta, "token": ..., "limites": {...}}``. Vazio, o
    kernel roda como num AsyncKernelManager comum (o modo ``--sem-isolamento``).
    """

    isolamento = Dict({}, config=True, help="pasta dos soquetes, token e limites do sandbox")
    _vigia: int | None = None  # a ponta de escrita do pipe da vigia do sandbox do kernel atual

    def _fechar_vigia(self) -> None:
        if self._vigia is not None:
            os.close(self._vigia)
            self._vigia = None

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None and self.isolamento and getattr(spec, "interrupt_mode", None) != "message":
            spec = copy.copy(spec)
            spec.interrupt_mode = "message"  # o bwrap não repassa sinais ao kernel
            if spec.argv and Path(spec.argv[0]).name in ("python", "python3"):
                spec.argv = [sys.executable, *spec.argv[1:]]
            self._kernel_spec = spec
        return spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if not self.isolamento:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        soquetes = Path(self.isolamento["soquetes"])
        # O arquivo de conexão fica na pasta dos soquetes (a única montada no sandbox), legível pelo
        # usuário do sandbox; a chave serve só para falar com este kernel.
        conexao = Path(self.connection_file)
        copia = soquetes / "conexao.json"
        shutil.copyfile(conexao, copia)
        copia.chmod(0o644)
        kernel_cmd = [str(copia) if arg == str(conexao) else arg for arg in kernel_cmd]
        caixa = Sandbox(
            Path(kw.get("cwd") or Path.cwd()), gravaveis=[soquetes], token=self.isolamento["token"],
            limites=Limites(**self.isolamento.get("limites", {})),
        )
        caixa.preparar()
        kw["env"] = {**kw.get("env", {})}
        kw.setdefault("stdout", subprocess.DEVNULL)  # "To connect another client..." do ipykernel
        kernel_cmd = [*caixa.prefixo(kw["env"], vigiar_entrada=True), *kernel_cmd]
        self._fechar_vigia()
        leitura, self._vigia = os.pipe()  # os dois sem herança: só o bwrap recebe a leitura (stdin)
        kw["stdin"] = leitura
        try:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            os.close(leitura)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            self._fechar_vigia()  # o kernel já terminou: o sandbox dele já não existe

    def __del__(self):
        self._fechar_vigia()
        parent = super()
        if hasattr(parent, "__del__"):
            parent.__del__()


class ExecuteIsolado(Execute):
    """O pré-processador Execute do nbgrader com o kernel no sandbox."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", KernelIsolado)
        super().__init__(*args, **kwargs)


def configurar(config, soquetes: Path, token: str, limites: Limites) -> None:
    """Põe o kernel do ``nbgrader autograde`` (desta configuração) no sandbox."""
    from nbgrader.converters.autograde import Autograde

    preprocessadores = list(Autograde.class_traits()["autograde_preprocessors"].default())
    config.Autograde.autograde_preprocessors = [ExecuteIsolado if p is Execute else p for p in preprocessadores]
    config.KernelIsolado.isolamento = {"soquetes": str(soquetes), "token": token, "limites": limites.como_dict()}
