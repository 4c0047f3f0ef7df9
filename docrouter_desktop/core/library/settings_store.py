"""The user settings as the library stores them: read as one snapshot, set one at a time."""

from __future__ import annotations

import json
from typing import Any

from docrouter_desktop.core.library.base import LibraryBase
from docrouter_desktop.core.settings import SPECS, Settings, parse_setting
from docrouter_desktop.core.storage.models import (
    Setting,
)


class SettingsMixin(LibraryBase):
    def settings(self) -> Settings:
        # Plain SQL: the runner reads the settings for every job it claims.
        with self.db.read() as s:
            rows = s.connection().exec_driver_sql("SELECT key, value FROM settings").all()
        return Settings.from_mapping({k: _json_value(v) for k, v in rows})

    def get_setting(self, key: str) -> Any:
        if key not in SPECS:
            parse_setting(key, None)  # raises the usage error with the list of keys
        return getattr(self.settings(), key)

    def set_setting(self, key: str, value: Any) -> Any:
        parsed = parse_setting(key, value)
        with self.db.write() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=parsed))
            else:
                row.value = parsed
        return parsed


def _json_value(stored: Any) -> Any:
    """A JSON column's value as SQLite returns it: JSON text, or a number (the column's type
    gives numeric affinity, so a number written as JSON text is stored as a number)."""
    return json.loads(stored) if isinstance(stored, str | bytes) else stored
