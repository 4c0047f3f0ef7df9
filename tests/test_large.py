"""A 1,000-page PDF is processed with memory that stays bounded."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fpdf import FPDF


@pytest.mark.slow
def test_thousand_page_pdf_completes_with_bounded_memory(tmp_path):
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=9)
    for i in range(1000):
        pdf.add_page()
        for j in range(40):
            pdf.cell(
                0,
                5,
                f"Page {i + 1} line {j} consulting services hours 12 rate 85.00 amount 1,020.00",
                new_x="LMARGIN",
                new_y="NEXT",
            )
    big = tmp_path / "big.pdf"
    pdf.output(str(big))
    out = tmp_path / "out.json"
    # A small parent measures the batch and all its workers, and nothing else of this session.
    probe = (
        "import resource, subprocess, sys; "
        "rc = subprocess.call(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            sys.executable,
            "-m",
            "docrouter_desktop",
            "--library",
            str(tmp_path / "lib"),
            "batch",
            str(big),
            "--workers",
            "2",
            "--export",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(out.read_text())
    assert rows[0]["status"] == "completed"
    peak_mib = int(proc.stdout.strip().splitlines()[-1]) / 1024
    # The largest child process (the batch or one worker) stays well under what holding
    # every page's objects at once would take (over 1 GiB for pdfplumber-style extraction).
    assert peak_mib < 700, f"peak {peak_mib:.0f} MiB"
