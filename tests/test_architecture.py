"""The headless core and the server never import Qt; only the gui package does."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "docrouter_desktop"


def _qt_imports(folder: Path) -> list[str]:
    bad = []
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6") for n in names):
                bad.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return bad


def test_core_and_server_sources_never_import_qt():
    for sub in ("core", "server"):
        folder = PACKAGE / sub
        if folder.exists():
            assert _qt_imports(folder) == [], f"{sub} imports Qt"


def test_importing_the_engine_loads_no_qt_module():
    code = (
        "import sys\n"
        "import docrouter_desktop.core.library, docrouter_desktop.core.runner, "
        "docrouter_desktop.core.batch, docrouter_desktop.commands\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
