"""Amounts, currencies and dates as people write them, in the four languages."""

from __future__ import annotations

from datetime import date

import pytest

from docrouter_desktop.core.extraction.pages import PageContent, Word
from docrouter_desktop.core.processors import amounts, currency, dates
from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions


@pytest.mark.parametrize(
    "text, value",
    [
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("1 234,56", 1234.56),
        ("1'234.56", 1234.56),
        ("12,50", 12.5),
        ("12.50", 12.5),
        ("1.234", 1234.0),
        ("(45.00)", -45.0),
    ],
)
def test_parse_amount_in_every_grouping(text, value):
    assert amounts.parse_amount(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text, value",
    [
        ("RM 12.50", 12.5),
        ("12,50 €", 12.5),
        ("€12.50", 12.5),
        ("USD 12.50", 12.5),
        ("Total: 1 234,56 EUR", 1234.56),
        ("Betrag 1.234,56 €", 1234.56),
    ],
)
def test_find_amounts_with_currency_marks(text, value):
    found = [v for v, _s, _e, has_dec in amounts.find_amounts(text) if has_dec]
    assert found == [pytest.approx(value)]


@pytest.mark.parametrize(
    "token, cleaned",
    [
        ("RM11.90", "11.90"),  # a currency glued to the number
        ("RM3O.00", "30.00"),  # O read for 0
        ("fM3.00", "3.00"),  # the R of RM read as f
        ("FM11.90", "11.90"),  # or as F
        ("FM", "FM"),  # a marker alone stays
        ("l5.90", "15.90"),  # l read for 1
        ("1S.50", "15.50"),  # S read for 5
        ("TOTAL", "TOTAL"),  # words stay words
        ("SO.OO", "SO.OO"),  # too few real digits to be sure
    ],
)
def test_ocr_slips_in_numbers(token, cleaned):
    assert amounts.normalise_token(token) == cleaned


def _view(lines: list[str], options: ProcessorOptions | None = None) -> DocumentView:
    words = []
    for i, line in enumerate(lines):
        x = 0.0
        for token in line.split():
            words.append(Word(token, x, i * 12.0, x + 6.0 * len(token), i * 12.0 + 10, 1.0, i))
            x += 6.0 * (len(token) + 1)
    page = PageContent(1, 595.0, 842.0, "text", words, "\n".join(lines))
    return DocumentView([page], options or ProcessorOptions())


def test_plain_amounts_read_as_parse_amount_reads_them():
    # find_amounts reads an amount of digits and up to two decimals itself: the same value,
    # and the same "has decimals", as the full reading of the written amount.
    written = ["0", "7", "42", "473", "9923", "12345678", "0,5", "12.5", "473,09", "9923.15"]
    written += ["007,10", "1.234,56", "1,234.56", "1 234,56", "1'234", "12.345", "(12,50)"]
    for raw in written:
        (value, _start, _end, has_dec), *_ = amounts.find_amounts(raw)
        assert abs(value) == amounts.parse_amount(raw.strip("()")), raw
        assert has_dec == bool(amounts._DECIMALS.search(raw.strip("()"))), raw
    for token in ["473,09", "9923", "12.", ",5", "", "1.2.3"]:
        assert amounts.normalise_token(token) == token  # nothing to clean in digits and marks


def test_amount_split_by_ocr_space_is_joined():
    view = _view(["Total Sales RM 29. 70"])
    found = view.amounts_in_words(view.rows[0].words)
    assert [v for v, _span in found] == [pytest.approx(29.70)]


@pytest.mark.parametrize(
    "text, code",
    [
        ("€ 12,50", "EUR"),
        ("RM 9.00", "MYR"),
        ("Rs 1939", "INR"),
        ("£4.00", "GBP"),
        ("CHF 10", "CHF"),
    ],
)
def test_currency_from_symbols_and_codes(text, code):
    assert currency.currencies_in(text)[0] == code


def test_dollar_alone_follows_the_setting():
    assert currency.currencies_in("$12.50", default_dollar="CAD") == ["CAD"]
    assert currency.currencies_in("US$ 12.50") == ["USD"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3 mars 2021", date(2021, 3, 3)),
        ("12. Januar 2020", date(2020, 1, 12)),
        ("25 DEC 2018", date(2018, 12, 25)),
        ("25-12-18", date(2018, 12, 25)),
        ("19 april 2014", date(2014, 4, 19)),
        ("29 maart 2014", date(2014, 3, 29)),
        ("02/Jan/2017 10:49", date(2017, 1, 2)),
        ("January 5, 2021", date(2021, 1, 5)),
        ("2024-01-31", date(2024, 1, 31)),
    ],
)
def test_written_and_numeric_dates(text, expected):
    found = dates.find_dates(text, "DMY")
    assert [m.value for m in found] == [expected]


def test_ambiguous_date_follows_the_order_but_unambiguous_never_swaps():
    assert dates.find_dates("03/04/2020", "DMY")[0].value == date(2020, 4, 3)
    assert dates.find_dates("03/04/2020", "MDY")[0].value == date(2020, 3, 4)
    assert dates.find_dates("03/04/2020", "MDY")[0].ambiguous
    # 13 can only be a day: month-first is not applied to it.
    only = dates.find_dates("13/02/2020", "MDY")[0]
    assert only.value == date(2020, 2, 13) and not only.ambiguous


def test_order_decided_by_another_date_in_the_document():
    view = _view(["Invoice date 03/04/2020", "Due date 25/04/2020"])
    assert view.date_order == "DMY"
    view = _view(["Invoice date 03/04/2020", "Due date 04/25/2020"])
    assert view.date_order == "MDY"


def test_order_falls_back_to_language_then_setting():
    assert _view(["Rechnung vom 03.04.2020 Betrag"]).date_order == "DMY"
    view = _view(["Document 03/04/2020"], ProcessorOptions(date_order="MDY"))
    assert view.date_order == "MDY"


def test_whole_number_is_an_amount_only_beside_a_currency():
    view = _view(["Grand Total Rs 1939", "Rooms 2 Nights 3"])
    assert [v for v, _s in view.amounts_in_words(view.rows[0].words)] == [1939.0]
    assert view.amounts_in_words(view.rows[1].words) == []


def test_a_whole_number_with_a_leading_zero_or_nine_digits_is_an_id_not_an_amount():
    view = _view(["(GST :001019043840)", "Tel RM 012345", "Order RM 123456789", "Total RM 1939"])
    assert view.amounts_in_words(view.rows[0].words) == []
    assert view.amounts_in_words(view.rows[1].words) == []
    assert view.amounts_in_words(view.rows[2].words) == []
    assert [v for v, _s in view.amounts_in_words(view.rows[3].words)] == [1939.0]
    zero = _view(["Rounding RM 0.02", "Change RM 0"])
    assert [v for v, _s in zero.amounts_in_words(zero.rows[0].words)] == [pytest.approx(0.02)]
    assert [v for v, _s in zero.amounts_in_words(zero.rows[1].words)] == [0.0]


def test_document_currency_counts_each_rows_mentions_once():
    from docrouter_desktop.core.processors.currency import currencies_in

    lines = ["$ 12.00 paid", "Total 40.00 EUR", "EUR", "€ 5,00 and 7,00 €", "Rs. 100", "US$ 3"]
    view = _view(lines)
    per_row = [code for r in view.rows for code in currencies_in(r.text, "USD")]
    assert per_row.count("EUR") == 4
    assert (view.currency, view.currency_mentions) == ("EUR", 4)
    assert sorted(per_row) == sorted(currencies_in(view.text, "USD"))


def test_a_time_printed_with_dots_is_neither_a_date_nor_evidence_of_month_first():
    from docrouter_desktop.core.processors.dates import find_dates, numeric_order_counts

    text = "12.17.26 05/03/2018"
    assert numeric_order_counts(text) == (0, 0)  # 12.17.26 would say month-first
    assert [m.value.isoformat() for m in find_dates(text, "DMY")] == ["2018-03-05"]
    # Alone, a dotted date that could be a time is still read as a date.
    assert [m.value.isoformat() for m in find_dates("Date 12.03.18", "DMY")] == ["2018-03-12"]


def _scanned_view(lines: list[str], source: str = "ocr"):
    from docrouter_desktop.core.extraction.pages import PageContent, Word
    from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions

    words = []
    for i, line in enumerate(lines):
        x = 0.0
        for token in line.split():
            words.append(Word(token, x, i * 12.0, x + 6.0 * len(token), i * 12.0 + 10, 0.9, i))
            x += 6.0 * (len(token) + 1)
    page = PageContent(1, 300.0, 842.0, source, words, "\n".join(lines), 0.9)
    return DocumentView([page], ProcessorOptions())


def test_one_stray_dollar_sign_on_a_scan_does_not_switch_to_month_first():
    # OCR reads a smudge or an S as "$": once on a scan, it is no sign of US dates.
    assert _scanned_view(["SHOP SDN BHD", "$ 9.00", "Date 05/03/2018"]).date_order == "DMY"
    priced = ["SHOP", "COFFEE $3.50", "PIE $5.50", "Date 05/03/2018", "TOTAL $9.00"]
    assert _scanned_view(priced).date_order == "MDY"  # prices in dollars, read as such
