"""E-invoice XML files as documents, end to end through the real command line and library:
UBL 2.1 and CII invoices and credit notes give the XML's own values at source embedded, other
XML and an entity bomb end as failed documents with a message."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli
from tests.einvoice_samples import BILLION_LAUGHS, EXPECTED, RSS, SAMPLES


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    root = tmp_path_factory.mktemp("xml")
    inbox, lib = root / "inbox", root / "lib"
    inbox.mkdir()
    for name, xml in SAMPLES.items():
        (inbox / f"{name}.xml").write_text(xml, encoding="utf-8")
    (inbox / "feed.xml").write_text(RSS, encoding="utf-8")
    (inbox / "laughs.xml").write_text(BILLION_LAUGHS, encoding="utf-8")
    code, _out, err = run_cli("batch", str(inbox), "--processor", "auto", library=lib)
    assert code == 1, err  # the two that are no e-invoice fail, the batch goes on
    code, out, err = run_cli("list", "--json", library=lib)
    assert code == 0, err
    docs = {d["document_name"]: d for d in json.loads(out)}
    shown = {}
    for name, doc in docs.items():
        code, out, err = run_cli("show", doc["id"], "--json", library=lib)
        assert code == 0, err
        shown[name] = json.loads(out)
    return shown


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_field_equals_the_xml_own_value(processed, name):
    shown = processed[f"{name}.xml"]
    assert shown["document"]["content_type"] == "application/xml"
    assert shown["document"]["status"] == "completed"
    result = shown["result"]
    assert result["processor_type"] == "invoice"
    fields, details = result["fields"], result["field_details"]
    for field, expected in EXPECTED[name].items():
        got = fields.get(field)
        if isinstance(expected, float):
            assert got == pytest.approx(expected), field
        else:
            assert got == expected, field
        if expected not in (None, []):
            assert details[field]["source"] == "embedded", field
    assert not any(w.startswith("Totals do not add up") for w in result["warnings"])
    assert "RE-" in result["text"] or fields["invoice_number"] in result["text"]


def test_other_xml_and_an_entity_bomb_fail_with_a_message(processed):
    feed = processed["feed.xml"]["document"]
    assert feed["status"] == "failed"
    assert "rss" in feed["error"] and "UBL" in feed["error"]
    laughs = processed["laughs.xml"]["document"]
    assert laughs["status"] == "failed" and laughs["error"]
