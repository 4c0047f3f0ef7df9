"""Colours taken from the palette: one light and one dark set of the window's own colours
(flagged and corrected fields, warnings, status words, the drop zone, the page backdrop),
chosen by how dark the palette's window colour is, and the style sheets built from them.

No widget hard-codes a colour: a dark desktop theme gets colours that read on dark."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class Colors:
    flag_background: QColor
    flag_border: QColor
    flag_text: QColor  # the flagged field's value and its label
    corrected_background: QColor
    corrected_text: QColor
    warning_background: QColor
    warning_border: QColor
    warning_text: QColor
    error_text: QColor
    caution_text: QColor
    ok_text: QColor
    muted_text: QColor
    link_text: QColor
    drop_background: QColor
    drop_border: QColor
    drop_hover_background: QColor
    drop_hover_border: QColor
    drop_text: QColor
    page_backdrop: QColor
    page_backdrop_text: QColor
    focus_ring: QColor


LIGHT = Colors(
    flag_background=QColor("#fff3cd"),
    flag_border=QColor("#b8860b"),
    flag_text=QColor("#5c3d00"),
    corrected_background=QColor("#e6f4ea"),
    corrected_text=QColor("#0d3b1e"),
    warning_background=QColor("#fdecea"),
    warning_border=QColor("#e0a39d"),
    warning_text=QColor("#8a1c13"),
    error_text=QColor("#b3261e"),
    caution_text=QColor("#7a4a00"),
    ok_text=QColor("#1e6b30"),
    muted_text=QColor("#5f6368"),
    link_text=QColor("#1a5fb4"),
    drop_background=QColor("#f3f6fa"),
    drop_border=QColor("#8a9bb0"),
    drop_hover_background=QColor("#e3edfb"),
    drop_hover_border=QColor("#1a5fb4"),
    drop_text=QColor("#2e3a48"),
    page_backdrop=QColor("#6e6e6e"),
    page_backdrop_text=QColor("#ffffff"),
    focus_ring=QColor("#1a5fb4"),
)

DARK = Colors(
    flag_background=QColor("#4a3a06"),
    flag_border=QColor("#e0b23c"),
    flag_text=QColor("#ffe6a6"),
    corrected_background=QColor("#1d3a27"),
    corrected_text=QColor("#c8f0d4"),
    warning_background=QColor("#3f1d1a"),
    warning_border=QColor("#8c3a33"),
    warning_text=QColor("#ffb4ab"),
    error_text=QColor("#ff8a80"),
    caution_text=QColor("#f0c060"),
    ok_text=QColor("#7ddc8f"),
    muted_text=QColor("#a8adb3"),
    link_text=QColor("#8ab4f8"),
    drop_background=QColor("#2a323d"),
    drop_border=QColor("#6b7d94"),
    drop_hover_background=QColor("#1f3654"),
    drop_hover_border=QColor("#8ab4f8"),
    drop_text=QColor("#dde3ea"),
    page_backdrop=QColor("#3a3a3a"),
    page_backdrop_text=QColor("#f0f0f0"),
    focus_ring=QColor("#8ab4f8"),
)


def is_dark(palette: QPalette) -> bool:
    """Whether the palette draws light text on dark windows."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colors(palette: QPalette) -> Colors:
    return DARK if is_dark(palette) else LIGHT


def luminance(c: QColor) -> float:
    """Relative luminance (WCAG 2)."""

    def channel(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21; 4.5 reads as body text)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# -- style sheets


def flagged_edit_style(palette: QPalette) -> str:
    """A field below the confidence threshold: amber, with a focus ring of its own (a style
    sheet replaces the native frame, and with it the focus ring)."""
    c = colors(palette)
    return (
        f"QLineEdit {{ background: {c.flag_background.name()}; color: {c.flag_text.name()};"
        f" border: 1px solid {c.flag_border.name()}; border-radius: 3px; padding: 2px; }}"
        f" QLineEdit:focus {{ border: 2px solid {c.focus_ring.name()}; padding: 1px; }}"
    )


def corrected_edit_style(palette: QPalette) -> str:
    c = colors(palette)
    return (
        f"QLineEdit {{ background: {c.corrected_background.name()};"
        f" color: {c.corrected_text.name()}; border: 1px solid {c.corrected_background.name()};"
        f" border-radius: 3px; padding: 2px; }}"
        f" QLineEdit:focus {{ border: 2px solid {c.focus_ring.name()}; padding: 1px; }}"
    )


def flagged_label_style(palette: QPalette) -> str:
    return f"color: {colors(palette).caution_text.name()}; font-weight: 600;"


def warning_box_style(palette: QPalette) -> str:
    c = colors(palette)
    return (
        f"background: {c.warning_background.name()}; color: {c.warning_text.name()};"
        f" border: 1px solid {c.warning_border.name()}; border-radius: 4px; padding: 6px;"
        " font-weight: 600;"
    )


def text_style(palette: QPalette, kind: str) -> str:
    """A label's colour by what it says: ``error``, ``caution``, ``ok`` or ``muted``."""
    c = colors(palette)
    color = {
        "error": c.error_text,
        "caution": c.caution_text,
        "ok": c.ok_text,
        "muted": c.muted_text,
    }[kind]
    return f"color: {color.name()};"


def drop_zone_style(palette: QPalette) -> str:
    c = colors(palette)
    return (
        f"#dropZone {{ border: 2px dashed {c.drop_border.name()}; border-radius: 8px;"
        f" background: {c.drop_background.name()}; color: {c.drop_text.name()}; }}"
        f' #dropZone[hover="true"] {{ border-color: {c.drop_hover_border.name()};'
        f" background: {c.drop_hover_background.name()}; }}"
        f" #dropZone QLabel {{ color: {c.drop_text.name()}; background: transparent; }}"
    )


def status_color(palette: QPalette, status: str) -> QColor | None:
    """The colour of a document's status word in the list (None: the palette's text)."""
    c = colors(palette)
    return {
        "failed": c.error_text,
        "cancelled": c.muted_text,
        "processing": c.link_text,
        "queued": c.caution_text,
    }.get(status)


def dark_palette() -> QPalette:
    """A dark palette like a dark desktop theme's (for the tests and the screenshots)."""
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    window, base, text = QColor("#2b2b2b"), QColor("#1e1e1e"), QColor("#e8e8e8")
    for g in (group.Active, group.Inactive):
        p.setColor(g, role.Window, window)
        p.setColor(g, role.WindowText, text)
        p.setColor(g, role.Base, base)
        p.setColor(g, role.AlternateBase, QColor("#262626"))
        p.setColor(g, role.Text, text)
        p.setColor(g, role.Button, QColor("#353535"))
        p.setColor(g, role.ButtonText, text)
        p.setColor(g, role.ToolTipBase, QColor("#3a3a3a"))
        p.setColor(g, role.ToolTipText, text)
        p.setColor(g, role.PlaceholderText, QColor("#9a9a9a"))
        p.setColor(g, role.Highlight, QColor("#3d6fb6"))
        p.setColor(g, role.HighlightedText, QColor("#ffffff"))
        p.setColor(g, role.Link, QColor("#8ab4f8"))
        p.setColor(g, role.Mid, QColor("#5a5a5a"))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#7a7a7a"))
    p.setColor(group.Disabled, role.Window, window)
    p.setColor(group.Disabled, role.Base, base)
    p.setColor(group.Disabled, role.Button, QColor("#353535"))
    return p
