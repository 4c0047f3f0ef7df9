"""An invoice's number: after its label, with the title, or under a column title."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView, Found, LabelHit
from docrouter_desktop.core.processors.languages import alternation, words

NUMBER_LABELS = re.compile(rf"(?<![a-z])(?:{alternation('number_labels')})")
NUMBER_LABEL_WEAK = re.compile(rf"(?<![a-z])(?:{alternation('number_abbreviations')})\s*:?")
# A row that mentions the invoice, where a weak label ("No.") may stand for its number.
INVOICE_MENTION = re.compile(alternation("invoice_mentions"))
# Words between a label and the number, passed over.
FILLERS = frozenset((*words("number_label_fillers"), ":"))


_ID_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/_.]*[A-Za-z0-9]$|^\d$")


def _id_candidate(token: str) -> bool:
    t = token.strip(":#.,;()")
    if not t or not _ID_TOKEN.match(t) or not any(c.isdigit() for c in t):
        return False
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", t):  # a date
        return False
    return len(t) <= 30


TITLE_NUMBER = re.compile(
    rf"^\s*(?:{alternation('invoice_titles', 'credit_note_titles')})\s*(?:\(\d{{3}}\))?\s*"
    rf"(?:{alternation('number_words')})?\s*:?\s*"
    r"(?P<id>[A-Za-z0-9][\w\-/.]*\d[\w\-/.]*)\s*"
    rf"(?:(?:{alternation('title_date_connectors')})\s+(?P<date>.{{6,24}}))?$",
    re.IGNORECASE,
)


def find_invoice_number(view: DocumentView) -> Found | None:
    titled = _title_number(view)
    if titled is not None:
        return titled
    for strength, pattern in ((0.9, NUMBER_LABELS),):
        for hit in view.find_labels(pattern, view.rows[:80]):
            after = hit.row.words[hit.after : hit.after + 4]
            inside = _rest_of_word(hit)
            if inside and _id_candidate(inside):
                w = hit.row.words[hit.after - 1]
                return view.found(
                    inside.strip(":#.,;()"),
                    strength,
                    hit.row,
                    [w],
                    f"label '{hit.label.strip()}' on the same line",
                )
            for w in after:
                token = w.text.strip(":#")
                if not token:
                    continue
                if token.lower() in FILLERS:
                    continue
                if _id_candidate(token):
                    return view.found(
                        token.strip(":#.,;()"),
                        strength,
                        hit.row,
                        [w],
                        f"label '{hit.label.strip()}' on the same line",
                    )
                break
            lx0 = hit.row.words[hit.first_word].x0
            for row in view.rows_below(hit.row, 2):
                near = [
                    w
                    for w in row.words
                    if abs(w.x0 - lx0) < 60 or (w.x0 >= lx0 - 5 and w.x0 <= lx0 + 150)
                ]
                for w in near[:2]:
                    if _id_candidate(w.text):
                        return view.found(
                            w.text.strip(":#.,;()"),
                            strength - 0.1,
                            row,
                            [w],
                            f"label '{hit.label.strip()}' above it",
                        )
    column = _column_number(view)
    if column is not None:
        return column
    # weak: "No." / "Nr." followed by an id on a row that mentions invoice words
    for hit in view.find_labels(NUMBER_LABEL_WEAK, view.rows[:40]):
        if not INVOICE_MENTION.search(hit.row.text.lower()):
            continue
        for w in hit.row.words[hit.after : hit.after + 2]:
            if _id_candidate(w.text):
                return view.found(
                    w.text.strip(":#.,;()"),
                    0.6,
                    hit.row,
                    [w],
                    f"'{hit.label.strip()}' after an invoice word",
                )
    return None


def _rest_of_word(hit: LabelHit) -> str:
    """What follows the label inside its last word ("n°562044387" after "n°")."""
    if hit.after == 0:
        return ""
    word = hit.row.words[hit.after - 1].text
    low = word.lower()
    tail = hit.label.split()[-1] if hit.label.split() else ""
    i = low.rfind(tail) if tail else -1
    if i < 0 or i + len(tail) >= len(word):
        return ""
    return word[i + len(tail) :].strip(":#")


COLUMN_TITLE = re.compile(
    rf"^(?:{alternation('invoice_words')})(?:\s*(?:{alternation('number_words')}))?$",
    re.IGNORECASE,
)


def _column_number(view: DocumentView) -> Found | None:
    """A header row ("Klant  Order  Factuur datum  Factuur") with the number under its title."""
    for row in view.rows[:60]:
        if len(row.segments or []) < 3:
            continue
        for seg in row.segments:
            if not COLUMN_TITLE.match(seg.text.strip(" :")):
                continue
            for below in view.rows_below(row, 1):
                for w in below.words:
                    overlap = min(w.x1, seg.x1) - max(w.x0, seg.x0)
                    if overlap > 0 and _id_candidate(w.text) and re.search(r"\d{4,}", w.text):
                        return view.found(
                            w.text.strip(":#.,;()"),
                            0.7,
                            below,
                            [w],
                            f"under the column title '{seg.text.strip()}'",
                        )
    return None


def _title_number(view: DocumentView) -> Found | None:
    """ "Invoice FA-2017-0008", "Avoir AV-2017-0005": the number printed with the title."""
    for row in view.rows[:40]:
        m = TITLE_NUMBER.match(row.text)
        if m and _id_candidate(m.group("id")) and re.search(r"\d{3,}", m.group("id")):
            words = [w for w in row.words if m.group("id") in w.text] or row.words
            return view.found(
                m.group("id").strip(":#.,;()"), 0.85, row, words[:1], "number after the title"
            )
    return None
