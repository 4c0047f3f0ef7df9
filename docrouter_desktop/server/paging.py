"""The pagination query of every list: the seed's ``limit`` 1..100 (default 20) and ``offset``,
and, where DocRouter's own API pages with ``skip``, that too (with its own limits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import HTTPException, Query

MAX_OFFSET = 1_000_000_000
SEED_MAX, SEED_DEFAULT = 100, 20
REAL_DEFAULT = 10  # DocRouter's default page when it is asked with ``skip``


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int

    def reply(self, key: str, items: list, total: int) -> dict:
        """A list reply of both dialects: the items under ``key``, with the paging figures
        (``skip`` is DocRouter's name for ``offset``)."""
        return {
            key: items,
            "total_count": total,
            "skip": self.offset,
            "limit": self.limit,
            "offset": self.offset,
        }


def paging(
    limit: Annotated[int, Query(ge=1, le=SEED_MAX, description="How many items (1 to 100).")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many items to skip.")] = 0,
) -> Page:
    return Page(limit, offset)


def dual_paging(real_max: int):
    """A paging dependency that speaks both dialects: with ``skip`` in the query (DocRouter's),
    ``limit`` is 1..``real_max`` with a default of 10; without it (the seed's ``offset``),
    1..100 with a default of 20."""

    # Query() as defaults, not in Annotated: the annotations are strings (from __future__),
    # and ``real_max`` would not be found when they are resolved.
    def page(
        limit: int | None = Query(
            None,
            ge=1,
            le=real_max,
            description=f"How many items: 1 to 100 (default 20) with offset, 1 to {real_max} "
            "(default 10) with skip.",
        ),
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description="How many items to skip."),
        skip: int | None = Query(
            None, ge=0, le=MAX_OFFSET, description="DocRouter's name for offset (wins over it)."
        ),
    ) -> Page:
        if skip is not None:
            return Page(limit or REAL_DEFAULT, skip)
        if limit is not None and limit > SEED_MAX:
            raise HTTPException(
                422,
                f"limit: Input should be less than or equal to {SEED_MAX} "
                f"(up to {real_max} when paging with skip)",
            )
        return Page(limit or SEED_DEFAULT, offset)

    return page
