"""Plain data for extracted pages, cheap to send between processes.

A word is a tuple ``(text, x0, top, x1, bottom, confidence, line)``: coordinates in the page's
own units from its top-left corner (PDF points, or pixels for images), confidence 0..1, and
``line`` an integer that is equal for words the extractor read as one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Word = tuple[str, float, float, float, float, float, int]


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    text_source: str  # "text" (PDF text layer) or "ocr"
    words: list[Word] = field(default_factory=list)
    text: str = ""
    ocr_confidence: float | None = None
    warning: str | None = None

    def summary(self) -> dict:
        return {
            "number": self.number,
            "width": round(self.width, 2),
            "height": round(self.height, 2),
            "text_source": self.text_source,
        }
