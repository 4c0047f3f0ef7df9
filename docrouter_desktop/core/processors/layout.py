"""Visual rows of a page: words grouped into lines, lines at the same height merged into rows.

A row keeps its words with their boxes and is split into *segments* where the horizontal gap
between words is wide, so a label and its value in another column stay apart.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from itertools import accumulate, groupby
from operator import attrgetter, sub

from docrouter_desktop.core.extraction.pages import PageContent, Word

# A word's fields (see extraction.pages): read through these in whole-list passes.
_TEXT, _X0, _TOP = attrgetter("text"), attrgetter("x0"), attrgetter("top")
_X1, _BOTTOM, _LINE = attrgetter("x1"), attrgetter("bottom"), attrgetter("line")


@dataclass(eq=False)
class Segment:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(map(_TEXT, self.words))

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


# Rows compare by identity: processors look rows up by position in long lists.
@dataclass(eq=False)
class Row:
    page: int
    index: int  # position on its page, top to bottom
    words: list[Word]
    # Split from the words when first read (most rows of a long document never are), unless
    # given by a page's plan.
    _segments: list[Segment] | None = field(default=None, repr=False)

    @property
    def segments(self) -> list[Segment]:
        if self._segments is None:
            self._segments = _segments(self.words)
        return self._segments

    @segments.setter
    def segments(self, value: list[Segment]) -> None:
        self._segments = value

    @property
    def text(self) -> str:
        return " ".join(map(_TEXT, self.words))

    @property
    def top(self) -> float:
        return min(map(_TOP, self.words))

    @property
    def bottom(self) -> float:
        return max(map(_BOTTOM, self.words))

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def height(self) -> float:
        heights = sorted(w.bottom - w.top for w in self.words)
        return heights[len(heights) // 2]

    @property
    def confidence(self) -> float:
        return min(w.confidence for w in self.words)


def build_rows(page: PageContent) -> list[Row]:
    """Rows of one page, top to bottom, each with its words left to right."""
    boxes = [[min(map(_TOP, ws)), max(map(_BOTTOM, ws)), ws] for ws in _lines(page.words)]
    boxes.sort(key=lambda b: (b[0] + b[1]) / 2)
    merged: list[list] = []
    for top, bottom, words in boxes:
        if merged:
            last = merged[-1]
            overlap = min(bottom, last[1]) - max(top, last[0])
            shorter = min(bottom - top, last[1] - last[0])
            if shorter > 0 and overlap > 0.5 * shorter:
                last[0] = min(top, last[0])
                last[1] = max(bottom, last[1])
                last[2] = last[2] + words
                continue
        merged.append([top, bottom, list(words)])
    rows = []
    for i, (_t, _b, words) in enumerate(merged):
        words.sort(key=_X0)
        rows.append(Row(page.number, i, words))
    return rows


def _lines(words: list[Word]) -> list[list[Word]]:
    """The words of each line (words with the same ``line``), lines in order of appearance."""
    groups = [list(g) for _line, g in groupby(words, _LINE)]
    if len(groups) == len({g[0].line for g in groups}):
        return groups  # each line's words come together, as a text layer gives them
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return list(lines.values())


def _segments(words: list[Word]) -> list[Segment]:
    if not words:
        return []
    cuts = _segment_cuts(words)
    return [Segment(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]


def _segment_cuts(words: list[Word]) -> list[int]:
    """Where a row's words split into segments: after each gap between words wider than 1.6
    times the row's median word height."""
    heights = sorted(map(sub, map(_BOTTOM, words), map(_TOP, words)))
    h = heights[len(heights) // 2] or 1.0
    limit = 1.6 * h
    gaps = map(sub, map(_X0, words[1:]), map(_X1, words))
    return [i for i, gap in enumerate(gaps, 1) if gap > limit]


def bbox_of(words: list[Word]) -> list[float]:
    return [
        round(min(w.x0 for w in words), 2),
        round(min(w.top for w in words), 2),
        round(max(w.x1 for w in words), 2),
        round(max(w.bottom for w in words), 2),
    ]


class PageLayout:
    """A page's rows as plain numbers, built where the page was extracted and sent along with
    it, so the process that runs a processor over a long document only turns the pages it
    reads back into rows.

    ``order`` lists the page's word indices row by row (each row left to right), ``row_ends``
    and ``segment_ends`` are offsets into ``order`` where each row and each segment ends,
    ``text`` is the rows' texts joined by line breaks, ``line_items`` the invoice table
    rows found on the page, ``evidence`` what the page says of the document's currency and
    date order (``evidence.PageEvidence``) and ``seller_clues`` what it says of the seller
    besides its letterhead (``seller_clues.SellerClues``; each None when not looked for)."""

    __slots__ = (
        "order",
        "row_ends",
        "segment_ends",
        "text",
        "line_items",
        "evidence",
        "seller_clues",
    )

    def __init__(
        self,
        order: array,
        row_ends: array,
        segment_ends: array,
        text: str,
        line_items: list[dict] | None = None,
        evidence: tuple | None = None,
        seller_clues: tuple | None = None,
    ):
        self.order = order
        self.row_ends = row_ends
        self.segment_ends = segment_ends
        self.text = text
        self.line_items = line_items
        self.evidence = evidence
        self.seller_clues = seller_clues

    @property
    def row_count(self) -> int:
        return len(self.row_ends)

    def __reduce__(self):
        return (
            PageLayout,
            (
                self.order,
                self.row_ends,
                self.segment_ends,
                self.text,
                self.line_items,
                self.evidence,
                self.seller_clues,
            ),
        )


def layout_of(page: PageContent, rows: list[Row]) -> PageLayout:
    """The plan of rows ``build_rows(page)`` returned, to rebuild them with ``rows_from``."""
    index = {id(w): i for i, w in enumerate(page.words)}
    order = array("i")
    row_ends = array("i")
    segment_ends = array("i")
    for row in rows:
        start = len(order)
        order.extend(map(index.__getitem__, map(id, row.words)))
        row_ends.append(len(order))
        if row._segments is not None:  # given, or read already
            cuts = list(accumulate(len(segment.words) for segment in row._segments))[:-1]
        else:
            cuts = _segment_cuts(row.words) if row.words else []
        segment_ends.extend(start + c for c in cuts)
        if row.words:
            segment_ends.append(len(order))
    return PageLayout(order, row_ends, segment_ends, "\n".join(r.text for r in rows))


def rows_from(page: PageContent, layout: PageLayout) -> list[Row]:
    """The rows of ``build_rows(page)`` again, from their plan: the same words in the same
    rows and segments."""
    words = page.words
    ordered = [words[i] for i in layout.order]
    ends = layout.segment_ends
    rows = []
    start = 0
    s = 0
    for i, end in enumerate(layout.row_ends):
        row = Row(page.number, i, ordered[start:end])
        segments = []
        seg_start = start
        while s < len(ends) and ends[s] <= end:
            segments.append(Segment(ordered[seg_start : ends[s]]))
            seg_start = ends[s]
            s += 1
        row.segments = segments
        rows.append(row)
        start = end
    return rows
