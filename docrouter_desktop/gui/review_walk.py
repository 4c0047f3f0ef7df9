"""Review next: a walk through the fields that need a look, across the documents of the list,
with the keyboard alone.

F8 starts it at the selected document (or the first): the next flagged field (a value found
below the confidence threshold and not yet checked) gets the focus, with the page zoomed to
its box. Enter accepts the value, or saves what was typed, and goes on to the next flagged
field, of this document or of the next one in the list that has any; Esc ends the walk.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from docrouter_desktop.core.review_queue import fields_to_review

CHUNK = 200  # documents of the list asked about at a time


class ReviewWalk(QObject):
    active_changed = Signal(bool)
    finished = Signal(str)  # what to tell the user when no flagged field is left

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.reached: set[tuple[str, str]] = set()  # (document, field) given the focus

    def start(self) -> None:
        if not self.active:
            self.active = True
            self.reached.clear()
            pane = self.window.review
            pane.zoom_to_boxes = True
            pane.accept_moves_on = self.next
            self.active_changed.emit(True)
        self.next()

    def stop(self) -> None:
        if not self.active:
            return
        self.active = False
        pane = self.window.review
        pane.zoom_to_boxes = False
        pane.accept_moves_on = None
        self.active_changed.emit(False)

    def next(self) -> bool:
        """Focus the next field that needs a look; False (and the walk ends) when none is."""
        pane = self.window.review
        if pane.document is not None:
            order = list(pane.edits)
            has_focus = QApplication.focusWidget()
            focused = next((n for n, e in pane.edits.items() if e is has_focus), None)
            after = order.index(focused) + 1 if focused in order else 0
            for name in order[after:]:
                if pane.needs_review(name):
                    return self._reach(pane.document.id, name)
        target = self._next_document(pane.document.id if pane.document else None)
        if target is None:
            self.stop()
            self.finished.emit("Every flagged field has been checked.")
            return False
        doc_id, name = target
        row = self.window.model.row_of(doc_id)
        if row is None:
            return False
        self.window.select_row(row)
        if pane.document is None or pane.document.id != doc_id:
            pane.show_document(doc_id)
        return self._reach(doc_id, name)

    def _reach(self, doc_id: str, name: str) -> bool:
        self.reached.add((doc_id, name))
        return self.window.review.focus_field(name)

    def _next_document(self, current: str | None) -> tuple[str, str] | None:
        """The first document after ``current`` in the list (going round to the top once)
        with a field that needs a look, and that field."""
        ids = self.window.model.ids()
        start = 0
        if current is not None:
            row = self.window.model.row_of(current)
            start = row + 1 if row is not None else 0
        order = ids[start:] + ids[:start]
        order = [i for i in order if i != current and not self.window.model.is_placeholder(i)]
        threshold = self.window.review.threshold
        for lo in range(0, len(order), CHUNK):
            chunk = order[lo : lo + CHUNK]
            flagged = fields_to_review(self.window.library, chunk, threshold)
            for doc_id in chunk:
                # A field reached in this walk was checked, though its save may still be on
                # its way to the library.
                left = [n for n in flagged.get(doc_id, []) if (doc_id, n) not in self.reached]
                if left:
                    return doc_id, left[0]
        return None
