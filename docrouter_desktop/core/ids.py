"""Opaque identifiers for organizations and documents."""

import secrets


def new_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(12)
