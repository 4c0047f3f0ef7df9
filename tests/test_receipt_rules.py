"""Receipt rules one at a time, over synthetic till receipts read as text or as OCR."""

from __future__ import annotations

import pytest

from docrouter_desktop.core.extraction.pages import PageContent, Word
from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions
from docrouter_desktop.core.processors.dates import find_dates, repair_ocr_dates, repair_year
from docrouter_desktop.core.processors.receipt import ReceiptProcessor
from docrouter_desktop.core.processors.receipt_vendor import repair_business_words
from docrouter_desktop.core.processors.till_arithmetic import (
    confusable_variants,
    five_cent_rounding,
    one_digit_confusion,
    printed_rates,
    tax_amounts,
    tax_rate_fitting,
)

HEADER = [
    "KEDAI RUNCIT MAJU SDN BHD",
    "NO. 7, JALAN MAWAR 3,",
    "81750 MASAI, JOHOR",
    "TEL: 07-1234567",
]


def _view(
    lines: list[str], source: str = "text", conf: float = 1.0, unsure: frozenset = frozenset()
) -> DocumentView:
    """A one-page receipt; the words in ``unsure`` are read at OCR confidence 0.4."""
    words = []
    for i, line in enumerate(lines):
        x = 0.0
        for token in line.split():
            c = 0.4 if token in unsure else conf
            words.append(Word(token, x, i * 12.0, x + 6.0 * len(token), i * 12.0 + 10, c, i))
            x += 6.0 * (len(token) + 1)
    page = PageContent(1, 300.0, 842.0, source, words, "\n".join(lines))
    return DocumentView([page], ProcessorOptions())


def _receipt(lines: list[str], **kw) -> tuple[dict, dict]:
    out = ReceiptProcessor().run(_view(HEADER + lines, **kw))
    return out.fields, out.field_details


def test_gst_supply_lines_are_not_the_total():
    fields, details = _receipt(
        [
            "Date: 12/03/2019 10:02",
            "BREAD 2 x 2.40 4.80",
            "Total 0% supplies: 35.14",
            "Total 6% supplies (excl. GST): 3.60",
            "Total 0% supplies: 35.14",
            "Total Payable: 31.32",
        ]
    )
    assert fields["total"] == 31.32
    assert "total payable" in details["total"]["rule"]


def test_a_rounded_total_that_the_zero_adjustment_contradicts_loses():
    # OCR read the rounded total 9.00 as 9.60; a zero rounding adjustment says it equals the
    # total, which is printed on the item line too.
    fields, _details = _receipt(
        [
            "Date: 25/12/2018 20:13",
            "1 PC MODELLING CLAY 9.00",
            "Total : 9.00",
            "Rounding Adjustment : 0.00",
            "Rounded Total (RM) : 9.60",
        ]
    )
    assert fields["total"] == 9.0


def test_rounded_total_agreeing_with_the_adjustment_wins():
    fields, details = _receipt(
        [
            "Total Sales : 37.44",
            "Rounding Adj : 0.01",
            "Rounded Total : 37.45",
        ]
    )
    assert fields["total"] == 37.45
    assert "rounding adjustment agrees" in details["total"]["rule"]


def test_cash_minus_change_printed_beats_a_misread_total_label():
    # "Total Sales 12.00" lost its first digit; cash minus change is printed on a line whose
    # label OCR could not read.
    fields, details = _receipt(
        [
            "PEN 12.00",
            "Total Sales Inclusive GST 2.00",
            "Finel Tot aa 12.00",
            "CASH 15.00",
            "CHANGE 3.00",
        ]
    )
    assert fields["total"] == 12.0
    assert "cash minus change" in details["total"]["rule"]


def test_amount_printed_on_other_lines_is_preferred():
    view = _view(HEADER + ["1 x WIDGET 8.50", "TOTAL 8.50", "Amount 5.80"])
    fields = ReceiptProcessor().run(view).fields
    assert fields["total"] == 8.5


def test_date_beside_a_time_of_day_over_a_lone_date_above_it():
    fields, details = _receipt(
        ["BEST BEFORE", "18/08/16", "TAXINV:002-1550040 18/03/18 19:08", "TOTAL 9.00"]
    )
    assert fields["date"] == "2018-03-18"
    assert details["date"]["rule"] == "date beside a time of day"


def test_labelled_date_still_first():
    fields, _details = _receipt(["01/02/2019 10:00", "Date: 05/02/2019", "TOTAL 9.00"])
    assert fields["date"] == "2019-02-05"


@pytest.mark.parametrize(
    "text, repaired",
    [
        ("Date: 05/09/2617 11:08", "Date: 05/09/2017 11:08"),
        ("O5/O9/2O18", "05/09/2018"),
        ("l2-O3-2019", "12-03-2019"),
        ("12/05/2018", "12/05/2018"),
        ("SS/SS/SSSS", "SS/SS/SSSS"),  # no digit at all: not a date
        ("INV 123/45/2022", "INV 123/45/2022"),
        ("1.50.25", "1.50.25"),
        # A year no document has, one misread digit away from one it has.
        ("Date 25/12/7018", "Date 25/12/2018"),
        ("12/03/2518 13:07", "12/03/2018 13:07"),
        ("22/03/2078", "22/03/2018"),
        ("22/03/2018", "22/03/2018"),
        ("22/03/9999", "22/03/9999"),  # no single slip makes it a year: left alone
    ],
)
def test_ocr_slips_in_numeric_dates(text, repaired):
    assert repair_ocr_dates(text) == repaired
    assert len(repair_ocr_dates(text)) == len(text)


def test_ocr_date_repair_only_on_ocr_pages():
    lines = ["Date: O5/09/2617 11:08", "TOTAL RM 9.00"]
    fields, _d = _receipt(lines, source="ocr", conf=0.9)
    assert fields["date"] == "2017-09-05"
    fields, _d = _receipt(lines)
    assert fields["date"] is None


def test_month_first_date_in_a_day_first_document_is_flagged():
    fields, details = _receipt(["Date: 01/16/2017", "TOTAL RM 9.00", "GST 6% RM 0.51"])
    assert fields["date"] == "2017-01-16"  # read as printed, never swapped
    assert details["date"]["confidence"] < 0.8
    assert "month-first" in details["date"]["rule"]


def test_ocr_month_1x_in_a_day_first_receipt_is_a_slashed_zero():
    # OCR took the slashed 0 of "01/10/2017" for a 6: October, flagged, not confident.
    lines = ["Date: 01/16/2017", "TOTAL RM 9.00", "GST 6% RM 0.51"]
    fields, details = _receipt(lines, source="ocr", conf=0.9)
    assert fields["date"] == "2017-10-01"
    assert details["date"]["confidence"] < 0.6
    assert "slashed zero" in details["date"]["rule"]
    # A month that is not "1" and a misread zero keeps the month-first reading.
    fields, _d = _receipt(["Date: 01/13/2017", "TOTAL RM 9.00"], source="ocr", conf=0.9)
    assert fields["date"] == "2017-01-13"


def test_day_first_date_in_a_day_first_document_stays_confident():
    fields, details = _receipt(["Date: 16/01/2017", "TOTAL RM 9.00"])
    assert fields["date"] == "2017-01-16"
    assert details["date"]["confidence"] >= 0.8


def test_a_lot_number_is_not_the_postcode_that_ends_the_address():
    view = _view(
        [
            "LEONG HENG SERVICE STATION SDN BHD",
            "LOT 26151 BANDAR SG LONG,",
            "11 1/4 MILES CHERAS,",
            "43000 KAJANG, SELANGOR",
            "Tel : 03-90805318",
            "TOTAL RM 50.00",
        ]
    )
    fields = ReceiptProcessor().run(view).fields
    assert fields["vendor_address"] == (
        "LOT 26151 BANDAR SG LONG, 11 1/4 MILES CHERAS, 43000 KAJANG, SELANGOR"
    )


def test_a_total_above_the_cash_paid_without_change_is_a_misreading():
    fields, details = _receipt(
        ["SUNQUICK 840ML 11.40", "Total Sales (Inclusive GST) RM 11.46", "CASH RM 11.40"]
    )
    assert fields["total"] == 11.4
    assert details["total"]["confidence"] < 0.8
    assert "more than was paid" in details["total"]["rule"]


def test_a_zero_change_is_no_evidence_for_the_amount_paid():
    fields, details = _receipt(
        ["Subtotal : 104.00", "Total incl. GST 104.00", "Payment : 404.00", "Change Due : 0.00"]
    )
    assert fields["total"] == 104.0


def test_a_trade_word_misread_by_one_letter_is_read_back_on_ocr_pages():
    assert repair_business_words("KEDAT RUNCIT ZBK") == "KEDAI RUNCIT ZBK"
    assert repair_business_words("Sunrise Trad1ng") == "Sunrise Trading"
    # A different word, or one two slips away, stays: "KEDAH" is a state, not "KEDAI".
    assert repair_business_words("KEDAH TRADING") == "KEDAH TRADING"
    assert repair_business_words("HARDWAKE") == "HARDWAKE"  # K for R is no print slip
    header = ["KEDAT RUNCIT MAJU", "NO. 7, JALAN MAWAR 3,", "81750 MASAI, JOHOR"]
    out = ReceiptProcessor().run(_view([*header, "TOTAL RM 9.00"], source="ocr", conf=0.9))
    assert out.fields["vendor"] == "KEDAI RUNCIT MAJU"
    assert "trade word" in out.field_details["vendor"]["rule"]
    out = ReceiptProcessor().run(_view([*header, "TOTAL RM 9.00"]))
    assert out.fields["vendor"] == "KEDAT RUNCIT MAJU"  # a text layer is taken as printed


def test_a_long_document_reads_each_rows_amounts_a_bounded_number_of_times(tmp_path, monkeypatch):
    """The receipt processor asks on how many rows each candidate total is printed: the rows'
    amounts are read once per document, not once per candidate (quadratic on long PDFs)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from make_text_pdf import make_text_pdf

    from docrouter_desktop.core.extraction.extract import ExtractOptions, extract_pages
    from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions
    from docrouter_desktop.core.processors.run import run_processor

    pdf = make_text_pdf(tmp_path / "long.pdf", 10)
    pages = extract_pages(str(pdf), "application/pdf", list(range(1, 11)), ExtractOptions())
    calls = {"n": 0}
    original = DocumentView.amounts_in_words

    def counting(self, words):
        calls["n"] += 1
        return original(self, words)

    monkeypatch.setattr(DocumentView, "amounts_in_words", counting)
    result = run_processor("receipt", pages, ProcessorOptions())
    rows = len(DocumentView(pages, ProcessorOptions()).rows)
    assert result["fields"]["total"] is not None
    assert calls["n"] <= 4 * rows, (calls["n"], rows)


def test_tax_rate_fitting_and_one_digit_confusion():
    rates = {6.0}
    assert tax_rate_fitting(53.0, [3.0], rates) == 6.0  # 50.00 + 6% = 53.00
    assert tax_rate_fitting(58.0, [3.0], rates) is None
    assert tax_rate_fitting(53.01, [3.0], rates) == 6.0  # a cent of rounding is tolerated
    assert tax_rate_fitting(53.0, [30.0], rates) is None  # a "tax" above half the total
    assert one_digit_confusion(53.0, 58.0)  # 3 / 8
    assert one_digit_confusion(17.5, 47.5)  # 1 / 4
    assert not one_digit_confusion(53.0, 52.0)  # 3 / 2 is no print slip
    assert not one_digit_confusion(53.0, 88.0)  # two digits
    assert not one_digit_confusion(53.0, 153.0)


def test_tax_amounts_from_tax_lines_and_the_tax_summary():
    view = _view(
        [
            *HEADER,
            "GST Reg No. 001122334455",
            "Total Sales Incl GST 53.00",
            "GST Summary Amount(RM) Tax(RM)",
            "SR @ 6% 50.00 3.00",
            "Total GST 6% : 2.00",
        ]
    )
    # Neither the reg number nor the total that includes the tax is a tax amount.
    assert sorted(tax_amounts(view)) == [2.0, 3.0]
    assert 6.0 in printed_rates(view)


OCR_MISREAD_TOTAL = [
    "Date: 02/05/2018 12:40",
    "2 PKT RICE NOODLE 26.50 53.00",
    "Subtotal : 58.00",
    "Total incl. of GST 53.00",
    "Payment : 58.00",
    "Change Due : 0.00",
]


def test_the_tax_decides_between_totals_read_with_one_digit_confused():
    # A faint print: the subtotal and the payment read 58.00, the total line 53.00; the GST
    # summary's tax is the 6% tax of 53.00, not of 58.00.
    lines = [*OCR_MISREAD_TOTAL, "GST Summary Amount Tax", "SR @ 6% 50.00 3.00"]
    fields, details = _receipt(lines, source="ocr", conf=0.9)
    assert fields["total"] == 53.0
    assert "one digit misread" in details["total"]["rule"]
    assert details["total"]["confidence"] < 0.8  # other readings disagree


def test_without_a_fitting_tax_the_misread_readings_are_left_alone():
    fields, details = _receipt(OCR_MISREAD_TOTAL, source="ocr", conf=0.9)
    assert fields["total"] == 58.0
    assert "one digit misread" not in details["total"]["rule"]
    # A tax that fits neither reading decides nothing either.
    lines = [*OCR_MISREAD_TOTAL, "GST Summary Amount Tax", "SR @ 6% 50.00 3.90"]
    fields, details = _receipt(lines, source="ocr", conf=0.9)
    assert fields["total"] == 58.0


def test_a_total_the_printed_tax_fits_wins_a_tie_without_becoming_confident():
    fields, details = _receipt(["Total 21.20", "Amount 24.00", "GST 6% 1.20"])
    assert fields["total"] == 21.2  # 20.00 + 6% GST; 24.00 fits no rate
    assert details["total"]["confidence"] < 0.8


def test_a_total_misread_everywhere_is_repaired_when_the_printed_rate_and_tax_fit_one_reading():
    # Every reading of the total has a 3 read as 8; the tax is 6% of 50.00, so 53.00 is the
    # only one-digit reading that fits it.
    lines = ["Date: 02/05/2018 12:40", "Total incl. GST 58.00", "GST 6% : 3.00"]
    fields, details = _receipt(lines, source="ocr", conf=0.9)
    assert fields["total"] == 53.0
    assert "one confusable digit changed" in details["total"]["rule"]
    assert details["total"]["confidence"] <= 0.5
    # On a text layer the amounts are as printed.
    fields, _details = _receipt(lines)
    assert fields["total"] == 58.0
    # No rate printed: nothing to repair against.
    fields, _details = _receipt([*lines[:2], "GST : 3.00"], source="ocr", conf=0.9)
    assert fields["total"] == 58.0
    # Cash minus change confirms the total as read: the tax line is the misreading.
    lines += ["CASH 100.00", "CHANGE 42.00"]
    fields, _details = _receipt(lines, source="ocr", conf=0.9)
    assert fields["total"] == 58.0


def test_confusable_variants():
    assert set(confusable_variants(14.0)) == {44.0, 74.0, 11.0, 14.8, 14.08}
    assert 0.0 not in confusable_variants(80.0)  # no reading with a leading zero


def test_a_currency_sign_on_a_scan_counts_only_beside_an_amount():
    from docrouter_desktop.core.processors.currency import beside_amount
    from docrouter_desktop.core.processors.evidence import page_evidence

    assert beside_amount("Total £ 3.50", 6, 7) and beside_amount("3,50 €", 5, 6)
    assert beside_amount("€12.50", 0, 1) and not beside_amount("NICE DAY ! £", 11, 12)
    assert not beside_amount("E.&.0.£", 6, 7)
    text = "THANK YOU, HAVE A NICE DAY ! £\nTOTAL RM 9.00\nPAID 9.00 RM"
    assert page_evidence(text, ocr=True).currencies == ("MYR", "MYR")
    assert page_evidence(text, ocr=True).named == ("MYR",)
    # A text layer has no specks: every sign counts there.
    assert page_evidence(text, ocr=False).currencies == ("GBP", "MYR", "MYR")


def test_a_currency_known_only_by_its_sign_on_a_scan_is_unsure():
    lines = ["ITEM A 2.00", "TOTAL 9.00", "THANK YOU ¥ 1300"]
    fields, details = _receipt(lines, source="ocr", conf=0.9)
    assert fields["currency"] == "JPY"
    assert details["currency"]["confidence"] < 0.8
    assert "sign alone on a scan" in details["currency"]["rule"]
    # Named by a code or a word as well, the same reading is sure.
    fields, details = _receipt(["TOTAL RM 9.00", "CASH RM 10.00"], source="ocr", conf=0.9)
    assert fields["currency"] == "MYR" and details["currency"]["confidence"] >= 0.8
    # A stray sign standing apart from any amount is not a currency at all.
    fields, _d = _receipt(["TOTAL 9.00", "THANK YOU ! £"], source="ocr", conf=0.9)
    assert fields["currency"] is None
    # On a text layer the printed sign is trusted.
    fields, details = _receipt(["TOTAL 9.00", "ITEM £ 4.00", "ITEM £ 5.00"])
    assert fields["currency"] == "GBP" and details["currency"]["confidence"] >= 0.8


def test_five_cent_rounding():
    assert five_cent_rounding(13.58) == 13.6
    assert five_cent_rounding(13.52) == 13.5
    assert five_cent_rounding(13.53) == 13.55
    assert five_cent_rounding(13.57) == 13.55
    assert five_cent_rounding(9.99) == 10.0
    assert five_cent_rounding(4.25) == 4.25


def test_an_odd_cent_total_under_an_unreadable_rounding_line_is_rounded_to_five_cents():
    # The adjustment and the rounded total are smudged; Malaysian tills round cash bills to 5 sen.
    lines = [
        "Date: 24-01-2018 12:40",
        "Total Sales (Inclusive GST) RM 13.58",
        "Rounding Adjustment RM ~",
        "Rounded Total RM ~",
    ]
    fields, details = _receipt(lines, source="ocr", conf=0.9)
    assert fields["total"] == 13.6
    assert details["total"]["confidence"] == 0.6
    assert "rounded to 5 cents" in details["total"]["rule"]
    assert "rounding line is unreadable" in details["total"]["rule"]
    # A readable adjustment that rounds this total: two readings agree, still unsure.
    agreeing = [*lines[:2], "Rounding Adj RM 0.02"]
    fields, details = _receipt(agreeing, source="ocr", conf=0.9)
    assert fields["total"] == 13.6
    assert 0.6 < details["total"]["confidence"] < 0.8
    assert "rounding adjustment printed agrees" in details["total"]["rule"]


@pytest.mark.parametrize(
    "lines, kw",
    [
        # The till did not round: the adjustment reads 0.00.
        (["Total Sales RM 13.58", "Rounding Adj RM 0.00"], {"source": "ocr", "conf": 0.9}),
        # No rounding line at all (a card payment, or a till that does not round).
        (["Total Sales RM 13.58", "GROUND FLOOR"], {"source": "ocr", "conf": 0.9}),
        # A text layer is read as printed.
        (["Total Sales RM 13.58", "Rounded Total RM"], {}),
        # Cash minus change is the unrounded total: the till took it as it was.
        (
            ["Total Sales RM 13.58", "Rounded Total RM", "CASH RM 20.00", "CHANGE RM 6.42"],
            {"source": "ocr", "conf": 0.9},
        ),
    ],
)
def test_an_odd_cent_total_stays_when_nothing_says_the_till_rounded_it(lines, kw):
    fields, details = _receipt(lines, **kw)
    assert fields["total"] == 13.58
    assert "rounded to 5 cents" not in details["total"]["rule"]


def test_no_five_cent_rounding_where_the_currency_has_one_cent_cash():
    lines = ["Total EUR 13.58", "Rounded Total EUR"]
    fields, _details = _receipt(lines, source="ocr", conf=0.9)
    assert fields["total"] == 13.58


def test_an_unsure_lower_case_fragment_after_a_name_in_capitals_is_left_out():
    lines = ["RESTORAN MAJU sce", "002043319-W", "NO. 2, JALAN MAWAR 3,", "TOTAL RM 9.00"]
    view = _view(lines, source="ocr", conf=0.9, unsure=frozenset({"sce"}))
    out = ReceiptProcessor().run(view)
    assert out.fields["vendor"] == "RESTORAN MAJU"
    assert out.field_details["vendor"]["confidence"] < 0.8
    assert "lower-case fragment" in out.field_details["vendor"]["rule"]


@pytest.mark.parametrize(
    "first, unsure",
    [
        ("RESTORAN MAJU sce", frozenset()),  # read surely: kept as read
        ("Restoran Maju sce", frozenset({"sce"})),  # a name not in capitals: case tells nothing
        ("RESTORAN MAJU SCE", frozenset({"SCE"})),  # in capitals like the rest of the name
        ("KEDAI MAJU TRADING sdn bhd", frozenset({"sdn", "bhd"})),  # a legal form stays
    ],
)
def test_a_last_word_stays_unless_unsure_and_in_lower_case_under_capitals(first, unsure):
    lines = [first, "002043319-W", "NO. 2, JALAN MAWAR 3,", "TOTAL RM 9.00"]
    view = _view(lines, source="ocr", conf=0.9, unsure=unsure)
    assert ReceiptProcessor().run(view).fields["vendor"] == first


def test_a_misread_year_is_read_back_only_to_a_year_a_document_can_have():
    assert repair_year("2078", latest=2027) == "2018"
    assert repair_year("7018", latest=2027) == "2018"
    assert repair_year("2048", latest=2027) == "2018"  # 4 for 1 is likelier than 4 for 0
    assert repair_year("2026", latest=2027) == "2026"
    assert repair_year("2029", latest=2030) == "2029"
    assert repair_year("9999", latest=2027) is None


def test_a_date_followed_by_a_comma_is_a_date():
    fields, _d = _receipt(["INV NO: CS-0121370 Date: 01/11/2017,", "TOTAL RM 9.00"])
    assert fields["date"] == "2017-11-01"
    assert [m.value for m in find_dates("1.12.2017,50", "DMY")] == []  # a number goes on


@pytest.mark.parametrize(
    "line, want",
    [
        ("Date: 1202/2018", "2018-02-12"),  # the first separator lost
        ("27:03/2018 No: CS-20243", None),  # neither labelled nor beside a time
        ("Date 27:03/2018", "2018-03-27"),  # read as a colon
        ("2808/2017 12:26", "2017-08-28"),  # beside a time of day
        ("Date: 3202/2018", None),  # no such day
    ],
)
def test_a_date_whose_separator_ocr_lost_on_a_labelled_or_timed_line(line, want):
    fields, details = _receipt([line, "TOTAL RM 9.00"], source="ocr", conf=0.9)
    assert fields.get("date") == want
    if want:
        assert "separator misread" in details["date"]["rule"]
        assert details["date"]["confidence"] < 0.8


def test_a_misread_separator_is_not_read_on_a_text_layer():
    fields, _d = _receipt(["Date: 1202/2018", "TOTAL RM 9.00"])
    assert fields.get("date") is None


def test_a_name_begun_on_the_line_above_is_read_whole():
    fields, _d = _receipt_lines(
        [
            "POPULAR BOOK",
            "CO. (M) SDN BHD",
            "NO. 8, JALAN 7/118B,",
            "56000 KUALA LUMPUR",
            "TOTAL RM 9.00",
        ]
    )
    assert fields["vendor"] == "POPULAR BOOK CO. (M) SDN BHD"


def test_the_town_line_after_the_postcode_ends_the_address():
    fields, _d = _receipt_lines(
        [
            "LIGHTROOM GALLERY SDN BHD",
            "NO: 28, JALAN ASTANA 1C,",
            "BANDAR BUKIT RAJA, 41050",
            "KLANG SELANGOR D.E, MALAYSIA",
            "GST ID: 000123456789",
            "TOTAL RM 9.00",
        ]
    )
    assert fields["vendor_address"] == (
        "NO: 28, JALAN ASTANA 1C, BANDAR BUKIT RAJA, 41050, KLANG SELANGOR D.E, MALAYSIA"
    )


def test_a_company_number_or_former_name_is_not_the_address():
    fields, _d = _receipt_lines(
        [
            "TIMELESS KITCHENETTE SDN BHD",
            "Conpany no; 1174703-K",
            "formerly known as",
            "Golden Arches Restaurants Sdn Bhd",
            "Lot 50, Floor T2, Sky Avenue",
            "69000 Pahang Malaysia",
            "TOTAL RM 9.00",
        ]
    )
    assert fields["vendor_address"] == "Lot 50, Floor T2, Sky Avenue, 69000 Pahang Malaysia"


def _receipt_lines(lines: list[str]) -> tuple[dict, dict]:
    out = ReceiptProcessor().run(_view(lines))
    return out.fields, out.field_details


def test_the_amount_under_a_row_of_column_titles_is_not_the_total():
    fields, _d = _receipt(
        [
            "ITEM QTY U/P AMOUNT",
            "4194020100124 4 11.32 45.28",
            "SUB-TOTAL 45.28",
            "TAX 2.72",
            "TOT4L",  # the total's line, its amount lost to a smudge
            "GST SUMMARY",
            "CODE AMOUNT % TAX/AMT",
            "SR 45.28 6 2.72",
            "CASH 50.00",
        ]
    )
    assert fields.get("total") != 45.28


def test_an_amount_under_its_label_alone_is_the_total():
    fields, details = _receipt(["BREAD 2 x 2.40 4.80", "TOTAL RM", "4.80", "CASH 5.00"])
    assert fields["total"] == 4.80


def test_a_shop_name_over_three_lines_is_read_whole():
    fields, _d = _receipt_lines(
        [
            "AIK HUAT HARDWARE",
            "ENTERPRISE (SETIA",
            "ALAM) SDN BHD",
            "(822737-X)",
            "NO. 17-G, JALAN SETIA INDAH,",
            "40170 SHAH ALAM",
            "TOTAL RM 9.00",
        ]
    )
    assert fields["vendor"] == "AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD"
    assert fields["vendor_address"] == "NO. 17-G, JALAN SETIA INDAH, 40170 SHAH ALAM"


def test_a_trading_name_above_the_company_is_not_joined_to_it():
    fields, _d = _receipt_lines(
        ["KIKU RESTAURANT", "HANA FOODS SDN BHD", "NO. 3, JALAN BUNGA,", "TOTAL RM 9.00"]
    )
    assert fields["vendor"] == "HANA FOODS SDN BHD"


@pytest.mark.parametrize(
    "top",
    [
        ["CASH"],  # the payment, printed above the items
        ["Total Sales (Inclusive GST) RM 82.80"],  # the header was not read: a total line
        ["Thank You. Please come again."],
    ],
)
def test_a_payment_word_a_total_line_or_the_thanks_is_not_the_shop(top):
    fields, _d = _receipt_lines([*top, "GOODS SOLD ARE NOT RETURNABLE", "TOTAL RM 9.00"])
    assert fields.get("vendor") not in (top[0], top[0].rstrip("."))


def test_no_address_is_taken_from_the_items_when_the_header_was_not_read():
    fields, _d = _receipt_lines(
        ["KEDAI RUNCIT MAJU SDN BHD", "PLASTIC FORKS 8PCS", "2 X 1.50 3.00", "TOTAL RM 3.00"]
    )
    assert fields.get("vendor_address") is None


def test_a_registration_number_with_letters_is_not_the_address():
    fields, _d = _receipt_lines(
        [
            "TAMAN DAYA TRADING SDN BHD",
            "Company No ; SA0099552-P",
            "LOT PT 1138, BANDAR MAHKOTA CHERAS",
            "43200 CHERAS, SELANGOR",
            "TOTAL RM 9.00",
        ]
    )
    assert fields["vendor_address"] == "LOT PT 1138, BANDAR MAHKOTA CHERAS, 43200 CHERAS, SELANGOR"
