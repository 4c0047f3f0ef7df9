"""Where the library lives: ``--library``, else ``DOCROUTER_DESKTOP_HOME``, else the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "DocRouterDesktop"
ENV_HOME = "DOCROUTER_DESKTOP_HOME"


def default_library_dir() -> Path:
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_library_dir(explicit: str | os.PathLike | None) -> Path:
    return Path(explicit).expanduser() if explicit else default_library_dir()
