"""Fixtures for the window's tests: offscreen Qt, throwaway QSettings, filled libraries."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402

from docrouter_desktop.core.runner import Runner  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_qsettings(qapp, tmp_path_factory):
    """Window geometry and column layout go to a temporary folder, never the user's config."""
    folder = tmp_path_factory.mktemp("qsettings")
    qapp.setOrganizationName("DocRouterTest")
    qapp.setApplicationName("DocRouter Desktop Tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
    assert not Path(QSettings().fileName()).is_relative_to(Path.home() / ".config")


@pytest.fixture
def small_library(library):
    """A library that processes with one worker process (the machine is shared)."""
    library.set_setting("workers", 1)
    return library


@pytest.fixture
def window(qtbot, small_library):
    from docrouter_desktop.gui.main_window import MainWindow

    w = MainWindow(small_library)
    qtbot.addWidget(w)
    yield w
    w.shutdown()


@pytest.fixture
def quiet_window(qtbot, small_library):
    """A window without its job runner or watchers, for tests of what it serves and shows: its
    engine is in this process (answering at once), with no runner."""
    from docrouter_desktop.core.engine import Engine
    from docrouter_desktop.gui.main_window import MainWindow

    w = MainWindow(
        small_library,
        start_runner=False,
        watch=False,
        remember_layout=False,
        engine=Engine(small_library, runner="none"),
    )
    qtbot.addWidget(w)
    yield w
    w.shutdown()


def process_now(library) -> None:
    """Process every queued job in this thread (no worker processes)."""
    Runner(library, workers=0).run_until_idle()


def fill_library(library, n: int, start: int = 0) -> list[str]:
    """Insert ``n`` completed documents with results straight into the database."""
    org = library.default_org_id()
    docs, results, fts, ids = [], [], [], []
    for i in range(start, start + n):
        doc_id = f"doc_fill{i:08d}"
        ids.append(doc_id)
        created = f"2024-01-01T00:00:{i % 60:02d}.{i:06d}+00:00"
        name = f"receipt-{i:06d}.pdf"
        fields = {
            "vendor": f"Vendor {i % 97}",
            "date": "2024-03-15",
            "total": float(i),
            "currency": "EUR",
        }
        docs.append(
            (
                doc_id,
                org,
                name,
                None,
                f"{i:064x}",
                100,
                "application/pdf",
                1,
                "receipt",
                "completed",
                None,
                "[]",
                created,
                created,
                i + 1,  # its row in the text index
            )
        )
        results.append(
            (
                doc_id,
                "receipt",
                json.dumps(fields),
                "{}",
                "[]",
                "[]",
                None,
                f"text of document {i}",
                "test",
                created,
                created,
            )
        )
        fts.append((i + 1, doc_id, name, f"Vendor {i % 97} text of document {i}"))
    with library.db.write() as s:
        c = s.connection()
        c.exec_driver_sql(
            "INSERT INTO documents (id, organization_id, document_name, source_path, sha256, size, "
            "content_type, pages, processor_type, status, error, tags, created_at, updated_at, "
            "fts_rowid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            docs,
        )
        c.exec_driver_sql(
            "INSERT INTO results (document_id, processor_type, fields, field_details, pages, "
            "warnings, routing, text, engine_version, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            results,
        )
        c.exec_driver_sql(
            "INSERT INTO documents_fts (rowid, document_id, document_name, text) VALUES (?,?,?,?)",
            fts,
        )
    return ids
