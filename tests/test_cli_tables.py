"""The command line's tables in a terminal of any width: one line per document, within it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests import factories
from tests.conftest import run_cli


def _list(library, columns: int, command: str = "list") -> list[str]:
    cmd = [sys.executable, "-m", "docrouter_desktop", "--library", str(library), command]
    env = dict(os.environ, COLUMNS=str(columns))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, check=True)
    return proc.stdout.splitlines()


def test_list_fits_the_terminal_and_its_short_ids_work(tmp_path, inbox):
    lib = tmp_path / "lib"
    for i in range(3):
        factories.invoice_pdf(
            inbox / f"a-rather-long-file-name-for-an-invoice-{i}.pdf", number=f"INV-L-{i}"
        )
    code, _o, err = run_cli("batch", str(inbox), "--processor", "invoice", library=lib)
    assert code == 0, err
    code, listing, _e = run_cli("list", "--json", library=lib)
    ids = [d["id"] for d in json.loads(listing)]
    assert len(ids) == 3

    narrow = _list(lib, 80)
    assert max(len(line.rstrip()) for line in narrow) <= 80
    for doc_id in ids:
        shown = [line for line in narrow if doc_id[:16] in line]
        assert len(shown) == 1  # one line each, not wrapped over several
        assert doc_id not in shown[0]  # shortened
        assert "completed" in shown[0]
    assert any("ids shortened" in line for line in narrow)
    code, out, _e = run_cli("show", ids[0][:16], library=lib)
    assert code == 0 and ids[0] in out

    wide = _list(lib, 200)
    assert max(len(line.rstrip()) for line in wide) <= 200
    assert all(any(doc_id in line for line in wide) for doc_id in ids)
    assert any("processor" in line and "added" in line for line in wide)


def test_the_samples_table_fits_80_columns(tmp_path):
    """What ``./scripts/run`` prints on a machine without a display."""
    lines = _list(tmp_path / "lib", 80, "samples")
    assert max(len(line.rstrip()) for line in lines) <= 80
    rows = [line for line in lines if "GBP" in line or "EUR" in line]
    assert len(rows) == 3  # one line per sample
    invoice = next(r for r in rows if r.split()[0].startswith("invoi"))
    assert "INV-2024-0117" in invoice and "302.16 GBP" in invoice and " invoice " in invoice
    assert any(" receipt " in r and "11.70 GBP" in r for r in rows)
    assert any("RE-8841" in r and "348.08 EUR" in r for r in rows)
    assert not any("status" in line for line in lines)  # all completed: no status column
