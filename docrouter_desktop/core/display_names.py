"""Names as they are shown: without the characters that reorder the text around them.

A name holding U+202E (right-to-left override) shows its letters in another order than they
are stored: ``"café \\u202egpj.exe"`` reads as ``"café exe.jpg"``. ``display_name`` drops the
embeddings, overrides, isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
U+061C), so a name reads in the order it is written. The stored name stays as it is.
"""

from __future__ import annotations

__all__ = ["BIDI_CONTROLS", "display_name", "has_bidi_controls"]

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
)
_DROPPED = dict.fromkeys(map(ord, BIDI_CONTROLS))


def display_name(name: str) -> str:
    """``name`` without direction controls (the same string when it has none)."""
    return name.translate(_DROPPED) if has_bidi_controls(name) else name


def has_bidi_controls(name: str) -> bool:
    """Whether ``name`` holds a character that reorders the text shown around it."""
    return any(ch in BIDI_CONTROLS for ch in name)
