"""What to tell a user when a remote refuses a token: what happened, the rule DocRouter
servers hold to (an organization's own token on its paths, an account token for the account),
and the command that fixes it."""

from __future__ import annotations

from docrouter_desktop.client import Dialect, Unauthorized, token_rule_hint
from docrouter_desktop.core.remote.registry import RemoteInfo


def refused_token(remote: RemoteInfo, exc: Unauthorized, org: str | None = None) -> str:
    # The desktop dialect's server takes an account token everywhere: no rule to explain.
    hint = None if remote.dialect is Dialect.DESKTOP else token_rule_hint(exc)
    if hint and exc.token_kind == "account" and org:
        return (
            f"The server {remote.url} refused the account token for workspace {org} "
            f"({exc.message}). {hint} Create a token in that workspace (Settings › API "
            f"Tokens) and store it with: docrouter-desktop token set --remote {remote.name} "
            f"--org {org}"
        )
    if hint:
        return (
            f"The server {remote.url} refused the request ({exc.message}). {hint} Store one "
            f"with: docrouter-desktop token set --remote {remote.name}"
        )
    scope = f" --org {org}" if org and exc.token_kind == "workspace" else ""
    return (
        f"The server {remote.url} refused the token ({exc.message}): it may have been "
        f"revoked or have expired. Store a new one with: docrouter-desktop token set "
        f"--remote {remote.name}{scope}"
    )
