"""User settings: their names, types, defaults and checks. Values live in the library database."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, fields
from typing import Any

from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.states import PROCESSOR_TYPES


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected on/off (true/false, yes/no, 1/0)")


def _languages(value: Any) -> str:
    text = str(value).strip().replace(",", "+").replace(" ", "")
    if not re.fullmatch(r"[a-z_]{3,}(\+[a-z_]{3,})*", text):
        raise ValueError("expected Tesseract language codes such as 'eng' or 'eng+deu'")
    return text


def _choice(*options: str):
    def check(value: Any) -> str:
        text = str(value).strip()
        if text.upper() in options:
            return text.upper()
        if text.lower() in options:
            return text.lower()
        raise ValueError("expected one of " + ", ".join(options))

    return check


def _currency(value: Any) -> str:
    text = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError("expected a three-letter ISO 4217 code such as USD")
    return text


def _int_range(lo: int, hi: int):
    def check(value: Any) -> int:
        number = int(value)
        if not lo <= number <= hi:
            raise ValueError(f"expected a whole number from {lo} to {hi}")
        return number

    return check


def _fraction(value: Any) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError("expected a number from 0 to 1")
    return number


def _path_or_empty(value: Any) -> str:
    return str(value).strip()


def _host(value: Any) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[A-Za-z0-9.:\-\[\]]{1,253}", text):
        raise ValueError("expected a host name or an IP address such as 127.0.0.1")
    return text.strip("[]")


def _folder_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    return [p for p in text.split(os.pathsep) if p] if text else []


def _folder_workspaces(value: Any) -> dict[str, str]:
    """Watched folder -> the id of the workspace it adds to, as a mapping or its JSON."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    if not isinstance(value, dict):
        raise ValueError('expected {"FOLDER": "WORKSPACE_ID", ...}')
    return {str(k): str(v) for k, v in value.items()}


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    parse: Any
    help: str
    choices: tuple[str, ...] = field(default=())


def _setting(default: Any, parse: Any, help: str) -> Any:
    """A field of ``Settings`` with its check and its words: the one place a setting is
    defined (its name, type, default, check and help)."""
    return field(default=default, metadata={"parse": parse, "help": help})


@dataclass(frozen=True)
class Settings:
    """A snapshot of the user settings, passed as plain data to workers. Each field is a
    setting: its default here, its check and its help beside it (``SPECS`` lists them)."""

    ocr_languages: str = _setting("eng", _languages, "Tesseract languages, e.g. eng+deu")
    date_order: str = _setting(
        "DMY",
        _choice("DMY", "MDY", "YMD"),
        "day/month order for dates the document itself leaves ambiguous",
    )
    default_currency: str = _setting("USD", _currency, "currency for a bare '$'")
    embedded_data: bool = _setting(
        True, _bool, "use Factur-X/ZUGFeRD data embedded in PDFs (on/off)"
    )
    workers: int = _setting(max(1, os.cpu_count() or 1), _int_range(1, 64), "worker processes")
    worker_memory_mb: int = _setting(
        1024, _int_range(256, 65536), "memory a worker may use reading one document (MB)"
    )
    page_time_limit: int = _setting(
        60, _int_range(5, 86400), "seconds a worker may spend on one page of a document"
    )
    confidence_threshold: float = _setting(
        0.8, _fraction, "fields below this confidence are marked for review"
    )
    default_processor: str = _setting(
        "auto", _choice(*PROCESSOR_TYPES), "processor for new documents"
    )
    tesseract_path: str = _setting("", _path_or_empty, "Tesseract program (empty: search)")
    notifications: bool = _setting(True, _bool, "desktop notifications when a batch ends")
    watch_folders: tuple[str, ...] = _setting((), _folder_list, "folders the window watches")
    watch_workspaces: tuple[tuple[str, str], ...] = _setting(
        (),
        _folder_workspaces,
        "the workspace each watched folder adds to (others: the default workspace)",
    )  # (folder, workspace id)
    serve_api: bool = _setting(False, _bool, "the window serves the local API (on/off)")
    serve_host: str = _setting("127.0.0.1", _host, "address the window's local API binds")
    serve_port: int = _setting(8765, _int_range(1, 65535), "port of the window's local API")

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Settings:
        merged = {k: s.default for k, s in SPECS.items()}
        merged.update({k: v for k, v in values.items() if k in SPECS})
        merged["watch_folders"] = tuple(merged["watch_folders"])
        merged["watch_workspaces"] = tuple(sorted(dict(merged["watch_workspaces"]).items()))
        return cls(**merged)


SPECS: dict[str, SettingSpec] = {
    f.name: SettingSpec(f.name, f.default, f.metadata["parse"], f.metadata["help"])
    for f in fields(Settings)
}


def parse_setting(key: str, value: Any) -> Any:
    spec = SPECS.get(key)
    if spec is None:
        raise UsageError(f"Unknown setting '{key}'. Settings: {', '.join(SPECS)}")
    try:
        return spec.parse(value)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"Invalid value for {key}: {exc}") from None
