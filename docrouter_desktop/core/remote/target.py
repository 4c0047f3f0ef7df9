"""Where a job runs: on this machine, or in a workspace of a remote DocRouter server.

Stored in the job queue as ``local`` or ``remote:NAME:ORG``; parsed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

LOCAL = "local"
_PREFIX = "remote:"


@dataclass(frozen=True)
class RemoteTarget:
    remote: str  # the remote's name in the registry
    org: str  # the workspace (organization id) on that server

    def __str__(self) -> str:
        return f"{_PREFIX}{self.remote}:{self.org}"


def remote_target(remote: str, org: str) -> str:
    return str(RemoteTarget(remote, org))


def parse_target(value: str | None) -> RemoteTarget | None:
    """The remote workspace of a stored target, or None for ``local``."""
    if not value or not value.startswith(_PREFIX):
        return None
    name, sep, org = value[len(_PREFIX) :].partition(":")
    if not sep or not name or not org:
        return None
    return RemoteTarget(name, org)
