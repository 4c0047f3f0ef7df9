"""The vendor memory end to end: real documents through the real command line and library, a
correction teaches it, the next document with the same VAT ID or IBAN gets the vendor from
it with its rule and an earned confidence, and merging, editing and forgetting work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docrouter_desktop.core import vendor_memory as vm
from docrouter_desktop.core.library import Library
from tests.conftest import run_cli

VAT = "DE136695976"  # a German VAT ID whose check digit holds
IBAN = "DE89370400440532013000"


def _invoice(path: Path, number: str, vat: str | None = VAT, iban: str | None = None) -> Path:
    """A plain-text invoice whose letterhead prints a trading name, not the legal one."""
    lines = [
        "MB OFFICE SUPPLIES",
        "Hauptstrasse 5, 10115 Berlin",
        f"USt-IdNr.: {vat[:2]} {vat[2:5]} {vat[5:8]} {vat[8:]}" if vat else "",
        "",
        "RECHNUNG",
        f"Rechnungsnummer: {number}",
        "Rechnungsdatum: 14.03.2024",
        "Rechnungsempfänger: Beispiel Kunde AG, Ringstrasse 1, 80331 München",
        "",
        "Papier A4                      40,00",
        "Zwischensumme                  40,00",
        "MwSt 19%                        7,60",
        "Gesamtbetrag EUR               47,60",
        "",
        f"IBAN: {' '.join(iban[i : i + 4] for i in range(0, len(iban), 4))}" if iban else "",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _batch(lib: Path, path: Path) -> dict:
    code, _out, err = run_cli("batch", str(path), "--processor", "invoice", library=lib)
    assert code == 0, err
    code, out, err = run_cli("list", "--json", library=lib)
    assert code == 0, err
    doc = next(d for d in json.loads(out) if d["document_name"] == path.name)
    code, out, err = run_cli("show", doc["id"], "--json", library=lib)
    assert code == 0, err
    return json.loads(out)


def _vendors(lib: Path) -> list[dict]:
    code, out, err = run_cli("vendors", "list", "--json", library=lib)
    assert code == 0, err
    return json.loads(out)


def test_a_corrected_vendor_is_recognised_on_the_next_document_with_its_vat_id(tmp_path, inbox):
    lib = tmp_path / "lib"
    first = _batch(lib, _invoice(inbox / "a.txt", "R-1"))
    fields = first["result"]["fields"]
    assert fields["vendor_vat_id"] == VAT
    assert fields["vendor"] != "Müller Bürobedarf GmbH"  # the printed trading name
    assert _vendors(lib) == []  # nothing is learned without a correction

    code, _out, err = run_cli(
        "correct", first["document"]["id"], "vendor=Müller Bürobedarf GmbH", library=lib
    )
    assert code == 0, err
    [vendor] = _vendors(lib)
    assert vendor["name"] == "Müller Bürobedarf GmbH"
    assert vendor["vat_ids"] == [VAT]
    assert vendor["currency"] == "EUR"

    second = _batch(lib, _invoice(inbox / "b.txt", "R-2"))
    fields, details = second["result"]["fields"], second["result"]["field_details"]
    assert fields["vendor"] == "Müller Bürobedarf GmbH"
    assert details["vendor"]["rule"] == "known vendor by VAT ID"
    assert details["vendor"]["source"] == "memory"
    assert details["vendor"]["vendor_id"] == vendor["id"]
    assert details["vendor"]["confidence"] == pytest.approx(vm.earned_confidence(1, 0), abs=1e-3)
    assert details["vendor"]["printed"] == first["result"]["fields"]["vendor"]

    # A document of another VAT ID is not touched.
    other = _batch(lib, _invoice(inbox / "c.txt", "R-3", vat="ATU13585627"))
    assert other["result"]["field_details"]["vendor"]["source"] != "memory"

    # Correcting a recognition counts against the memory and moves the key.
    code, _o, err = run_cli(
        "correct", second["document"]["id"], "vendor=Bürobedarf Nord KG", library=lib
    )
    assert code == 0, err
    by_name = {v["name"]: v for v in _vendors(lib)}
    assert by_name["Müller Bürobedarf GmbH"]["times_wrong"] == 1
    assert by_name["Müller Bürobedarf GmbH"]["vat_ids"] == []
    assert by_name["Bürobedarf Nord KG"]["vat_ids"] == [VAT]
    third = _batch(lib, _invoice(inbox / "d.txt", "R-4"))
    assert third["result"]["fields"]["vendor"] == "Bürobedarf Nord KG"


def test_an_iban_recognises_the_vendor_and_merge_edit_and_forget(tmp_path, inbox):
    lib = tmp_path / "lib"
    first = _batch(lib, _invoice(inbox / "a.txt", "R-1", vat=None, iban=IBAN))
    assert first["result"]["fields"]["payment"]["iban"] == IBAN
    doc_id = first["document"]["id"]
    assert run_cli("correct", doc_id, "vendor=Schmidt Papier OHG", library=lib)[0] == 0
    vat_doc = _batch(lib, _invoice(inbox / "b.txt", "R-2"))
    assert (
        run_cli("correct", vat_doc["document"]["id"], "vendor=Papier Schmidt", library=lib)[0] == 0
    )
    by_name = {v["name"]: v for v in _vendors(lib)}
    assert by_name["Schmidt Papier OHG"]["ibans"] == [IBAN]
    assert by_name["Papier Schmidt"]["vat_ids"] == [VAT]

    keep, other = by_name["Schmidt Papier OHG"]["id"], by_name["Papier Schmidt"]["id"]
    code, out, err = run_cli("vendors", "merge", keep, other, library=lib)
    assert code == 0, err
    [merged] = _vendors(lib)
    assert (merged["name"], merged["vat_ids"], merged["ibans"]) == (
        "Schmidt Papier OHG",
        [VAT],
        [IBAN],
    )
    code, _o, err = run_cli(
        "vendors", "edit", keep, "--account", "4930", "--category", "Office", library=lib
    )
    assert code == 0, err
    [edited] = _vendors(lib)
    assert (edited["account"], edited["category"]) == ("4930", "Office")

    by_iban = _batch(lib, _invoice(inbox / "c.txt", "R-3", vat=None, iban=IBAN))
    assert by_iban["result"]["fields"]["vendor"] == "Schmidt Papier OHG"
    assert by_iban["result"]["field_details"]["vendor"]["rule"] == "known vendor by IBAN"

    # The accounting export books the vendor's documents to its account from the memory.
    datev = tmp_path / "EXTF_Buchungsstapel.csv"
    code, _o, err = run_cli("export", str(datev), "--format", "datev", library=lib)
    assert code == 0, err
    text = datev.read_bytes().decode("cp1252")
    bookings = text.split("\r\n")[2:]
    konto = {line.split(";")[10].strip('"'): line.split(";")[6] for line in bookings if line}
    assert konto == {"R-1": "4930", "R-2": "4930", "R-3": "4930"}, konto

    code, _o, err = run_cli("vendors", "edit", keep, "--currency", "euro", library=lib)
    assert code == 2 and "not a currency code" in err
    code, _o, err = run_cli("vendors", "merge", keep, keep, library=lib)
    assert code == 2 and "itself" in err
    assert run_cli("vendors", "delete", keep, library=lib)[0] == 0
    assert _vendors(lib) == []


def test_confidence_is_earned_and_verifying_a_recognition_counts_as_right(tmp_path, inbox):
    assert vm.earned_confidence(1, 0) == pytest.approx(5 / 6)
    assert vm.earned_confidence(1, 1) < 0.8 < vm.earned_confidence(3, 0)
    assert vm.earned_confidence(10_000, 0) == vm.MAX_CONFIDENCE

    lib_dir = tmp_path / "lib"
    first = _batch(lib_dir, _invoice(inbox / "a.txt", "R-1"))
    assert (
        run_cli("correct", first["document"]["id"], "vendor=Müller GmbH", library=lib_dir)[0] == 0
    )
    second = _batch(lib_dir, _invoice(inbox / "b.txt", "R-2"))
    library = Library(lib_dir)
    try:
        library.set_verified(second["document"]["id"], True)
        [v] = library.vendors()
        assert (v.times_right, v.times_wrong) == (2, 0)
        assert v.confidence == pytest.approx(vm.earned_confidence(2, 0), abs=1e-3)
    finally:
        library.close()
