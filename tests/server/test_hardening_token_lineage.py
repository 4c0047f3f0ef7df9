"""A token made with another token never outlives it: it expires no later than its parent, and
a parent revoked while its request was on the way mints nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from docrouter_desktop.core.api_tokens import ApiTokenService, ParentTokenGone


def test_a_token_expires_no_later_than_the_token_that_made_it(idle_api, idle_client):
    org = idle_api.org_id
    short = idle_client.post("/v0/account/access_tokens", json={"name": "short", "lifetime": 1})
    assert short.status_code == 201
    with idle_api.client(short.json()["token"]) as parent:
        forever = parent.post("/v0/account/access_tokens", json={"name": "forever"}).json()
        longer = parent.post(
            f"/v0/orgs/{org}/access_tokens", json={"name": "longer", "lifetime": 30}
        ).json()
        sooner = parent.post(
            "/v0/account/access_tokens", json={"name": "sooner", "lifetime": 1}
        ).json()
    limit = datetime.fromisoformat(short.json()["expires_at"])
    assert forever["expires_at"] == longer["expires_at"] == short.json()["expires_at"]
    assert sooner["expires_at"] == short.json()["expires_at"]  # made later: capped at it
    # A token made with one that never expires keeps its own lifetime.
    own = idle_client.post("/v0/account/access_tokens", json={"name": "own", "lifetime": 2})
    assert datetime.fromisoformat(own.json()["expires_at"]) > limit


def test_a_revoked_or_expired_parent_mints_nothing(idle_api):
    tokens = ApiTokenService(idle_api.library)
    parent, _secret = tokens.create("parent")
    tokens.revoke(parent.id)
    with pytest.raises(ParentTokenGone):
        tokens.create("late child", created_by=parent.id)
    with pytest.raises(ParentTokenGone):
        tokens.create("orphan", created_by="tok_unknown")
    old, _secret = tokens.create("old", lifetime=1)
    with idle_api.library.db.write() as s:
        s.execute(
            text("UPDATE access_tokens SET expires_at = :t WHERE id = :i"),
            {"t": "2020-01-01T00:00:00.000+00:00", "i": old.id},
        )
    with pytest.raises(ParentTokenGone):
        tokens.create("heir", created_by=old.id)
    names = {t.name for t in tokens.list(every_scope=True, include_revoked=True)[0]}
    assert names.isdisjoint({"late child", "orphan", "heir"})
