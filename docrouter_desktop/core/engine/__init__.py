"""The engine's front door: ``Engine`` (in this process) and ``EngineProcess`` (the engine in a
child process, as the window has it). See ``engine`` for what goes through it."""

from docrouter_desktop.core.engine.engine import Engine, RunnerPlacement
from docrouter_desktop.core.engine.host import (
    CALLS,
    EngineProcess,
    EngineUnavailable,
    RemoteCallError,
)

__all__ = [
    "CALLS",
    "Engine",
    "EngineProcess",
    "EngineUnavailable",
    "RemoteCallError",
    "RunnerPlacement",
]
