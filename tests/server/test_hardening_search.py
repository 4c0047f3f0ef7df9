"""Full-text search is the organization's alone: over the API its count is exact and holds
none of another organization's matches, and the list's search reads the index's rowids only,
never the stored rows of every organization's matches."""

from __future__ import annotations

import base64
import sqlite3

from sqlalchemy import event

from docrouter_desktop.core import queries


def test_a_search_counts_only_the_organizations_own_matches(idle_api, idle_client):
    mine = idle_api.org_id
    other = idle_client.post("/v0/account/organizations", json={"name": "Other"}).json()["id"]
    for i in range(3):
        _upload_one(idle_client, mine, f"narwhal-{i}.txt", i)
    for i in range(12):
        _upload_one(idle_client, other, f"narwhal-theirs-{i}.txt", 100 + i)
    page = idle_client.get(
        f"/v0/orgs/{mine}/documents", params={"q": "narwhal", "skip": 0, "limit": 2}
    ).json()
    assert page["total_count"] == 3 and len(page["documents"]) == 2
    seen = idle_client.get(
        f"/v0/orgs/{mine}/documents", params={"q": "theirs", "skip": 0, "limit": 100}
    ).json()
    assert seen["total_count"] == 0 and seen["documents"] == []
    theirs = idle_client.get(
        f"/v0/orgs/{other}/documents", params={"q": "narwhal theirs", "skip": 0, "limit": 5}
    ).json()
    assert theirs["total_count"] == 12 and len(theirs["documents"]) == 5


def _upload_one(client, org: str, name: str, n: int) -> None:
    """One text document, its bytes its own (the same bytes twice are one document)."""
    content = base64.b64encode(f"search scope {n}\n".encode()).decode()
    up = client.post(
        f"/v0/orgs/{org}/documents", json={"documents": [{"name": name, "content": content}]}
    )
    assert up.status_code == 200, up.text


def test_the_list_search_reads_no_stored_row_of_the_index(idle_api, idle_client):
    org = idle_api.org_id
    for i in range(3):
        _upload_one(idle_client, org, f"okapi-{i}.txt", 1000 + i)
    library = idle_api.library
    read: set[tuple[str, str]] = set()

    def watch(dbapi_conn, _record):
        def authorizer(action, table, column, _db, _trigger):
            if action == sqlite3.SQLITE_READ:
                read.add((table, column))
            return sqlite3.SQLITE_OK

        dbapi_conn.set_authorizer(authorizer)

    library.db.engine.dispose()  # new connections, each watched
    event.listen(library.db.engine, "connect", watch)
    try:
        ids = queries.ordered_ids(library, queries.ListFilter(text="okapi", org_id=org))
    finally:
        event.remove(library.db.engine, "connect", watch)
        library.db.engine.dispose()
    assert len(ids) == 3
    assert ("documents", "fts_rowid") in read  # the authorizer saw the statement
    assert not [t for t, _c in read if t == "documents_fts_content"], sorted(read)
