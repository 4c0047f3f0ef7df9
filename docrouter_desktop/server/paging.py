"""The pagination query of every list: ``limit`` 1..100 (default 20) and ``offset`` >= 0."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query

MAX_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int

    def reply(self, key: str, items: list, total: int) -> dict:
        """A list reply of the contract: the items under ``key``, with the paging figures."""
        return {key: items, "total_count": total, "limit": self.limit, "offset": self.offset}


def paging(
    limit: Annotated[int, Query(ge=1, le=100, description="How many items (1 to 100).")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many items to skip.")] = 0,
) -> Page:
    return Page(limit, offset)
