"""Logging: a rotating log file in the library folder, and stderr at the chosen level."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

_SECRET = re.compile(
    r"((?:Bearer\s+|X-Api-Key:\s*|[?&]token=))[A-Za-z0-9_\-\.%]{8,}"
    r"|\b(?:acc|org|drd)_[A-Za-z0-9_\-]{16,}",
    re.IGNORECASE,
)


class RedactingFilter(logging.Filter):
    """Masks tokens wherever a message carries one: after ``Bearer``, ``X-Api-Key:`` or
    ``token=``, and DocRouter's own (``acc_…``, ``org_…``) and this app's (``drd_…``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        redacted = _SECRET.sub(lambda m: (m.group(1) or "") + "[redacted]", msg)
        if redacted != msg:
            record.msg = redacted
            record.args = ()
        return True


def setup_logging(library_dir: Path | None, level: str = "WARNING") -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    numeric = getattr(logging, level.upper(), logging.WARNING)
    root.setLevel(min(numeric, logging.INFO))
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = RedactingFilter()
    stderr = logging.StreamHandler()
    stderr.setLevel(numeric)
    stderr.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    stderr.addFilter(redact)
    root.addHandler(stderr)
    if library_dir is not None:
        try:
            log_dir = Path(library_dir) / "logs"
            log_dir.mkdir(parents=True, exist_ok=True)
            fh = logging.handlers.RotatingFileHandler(
                log_dir / "docrouter-desktop.log",
                maxBytes=2_000_000,
                backupCount=3,
                encoding="utf-8",
            )
            fh.setLevel(min(numeric, logging.INFO))
            fh.setFormatter(fmt)
            fh.addFilter(redact)
            root.addHandler(fh)
        except OSError:
            pass
    for noisy in (
        "pdfminer",
        "PIL",
        "watchdog",
        "alembic",
        "factur-x",
        "multipart",
        "httpx",
        "httpcore",
    ):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
