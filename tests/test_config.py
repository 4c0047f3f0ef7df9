"""Settings through the command line, stored in the library and shared by every process."""

from __future__ import annotations

import json
import os

from tests.conftest import run_cli


def test_config_set_get_and_validation(tmp_path):
    lib = tmp_path / "lib"
    assert run_cli("config", "get", "ocr_languages", library=lib)[1].strip() == "eng"
    code, out, _ = run_cli("config", "set", "ocr_languages", "eng,deu", library=lib)
    assert code == 0 and out.strip() == "ocr_languages = eng+deu"
    assert run_cli("config", "get", "ocr_languages", library=lib)[1].strip() == "eng+deu"
    assert run_cli("config", "set", "embedded_data", "off", library=lib)[0] == 0
    assert run_cli("config", "get", "embedded_data", library=lib)[1].strip() == "off"
    code, _o, err = run_cli("config", "set", "workers", "zero", library=lib)
    assert code == 2 and "workers" in err
    code, _o, err = run_cli("config", "set", "no_such_key", "1", library=lib)
    assert code == 2 and "Unknown setting" in err
    listing = run_cli("config", "list", library=lib)[1]
    for key in (
        "ocr_languages",
        "date_order",
        "default_currency",
        "embedded_data",
        "workers",
        "confidence_threshold",
    ):
        assert key in listing


def test_missing_ocr_language_fails_the_scan_with_the_package_to_install(tmp_path, inbox):
    from tests import factories

    factories.text_image(inbox / "scan.png", factories.RECEIPT_LINES)
    lib = tmp_path / "lib"
    run_cli("config", "set", "ocr_languages", "eng+xyz", library=lib)
    code, _o, err = run_cli("batch", str(inbox), library=lib)
    assert code == 1
    assert "tesseract-ocr-xyz" in err


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    """``list --json | head``: a reader that goes away is no traceback."""
    import subprocess
    import sys

    lib = tmp_path / "lib"
    for key in ("ocr_languages", "date_order", "workers"):
        run_cli("config", "get", key, library=lib)
    cmd = [sys.executable, "-m", "docrouter_desktop", "--library", str(lib), "config", "list"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader goes away before the command writes
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err, err
    assert "BrokenPipeError" not in err


def test_folder_settings_are_shown_as_config_set_takes_them(tmp_path):
    lib = tmp_path / "lib"
    folders = os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])
    assert run_cli("config", "set", "watch_folders", folders, library=lib)[0] == 0
    shown = run_cli("config", "get", "watch_folders", library=lib)[1].strip()
    assert shown == folders
    feeds = '{"%s": "org_x"}' % (tmp_path / "a")
    assert run_cli("config", "set", "watch_workspaces", feeds, library=lib)[0] == 0
    shown = run_cli("config", "get", "watch_workspaces", library=lib)[1].strip()
    assert json.loads(shown) == {str(tmp_path / "a"): "org_x"}
    code, _o, err = run_cli("config", "set", "watch_workspaces", "[1, 2]", library=lib)
    assert code == 2 and "watch_workspaces" in err
