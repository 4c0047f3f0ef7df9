"""The job queue, persisted in the library: enqueue, claim atomically, finish exactly once.

A runner claims a job inside a ``BEGIN IMMEDIATE`` transaction, so two processes never claim
the same one. A claim carries the owner (host, pid, start time) and a lease that the owner
renews; a job whose owner died (its pid is gone, or its lease ran out) is claimed again.
Finishing checks the claim is still ours in the same transaction that stores the result, so a
document's result is written once even if a stale runner wakes up late.

Every function takes the caller's session (one per operation, on the caller's thread):
``owners`` (who holds a job), ``claims`` (in and out of the queue), ``outcomes`` (results
stored once), ``text_index`` (search).
"""

from docrouter_desktop.core.jobs.claims import (
    GAVE_UP,
    MAX_ATTEMPTS,
    TERMINAL,
    ClaimedJob,
    cancel_all,
    cancel_document,
    cancelled_among,
    claim,
    enqueue,
    enqueue_new,
    fail,
    pending_count,
    release,
    renew,
    set_pages,
    still_ours,
)
from docrouter_desktop.core.jobs.outcomes import complete, likely_duplicates, query_plans
from docrouter_desktop.core.jobs.owners import LEASE_SECONDS, owner_id
from docrouter_desktop.core.jobs.text_index import index_text

__all__ = [
    "GAVE_UP",
    "LEASE_SECONDS",
    "MAX_ATTEMPTS",
    "TERMINAL",
    "ClaimedJob",
    "cancel_all",
    "cancel_document",
    "cancelled_among",
    "claim",
    "complete",
    "enqueue",
    "enqueue_new",
    "fail",
    "index_text",
    "likely_duplicates",
    "owner_id",
    "pending_count",
    "query_plans",
    "release",
    "renew",
    "set_pages",
    "still_ours",
]
