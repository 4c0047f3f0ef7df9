"""Full-text search is scoped to the organization in SQL: another organization's matches are
neither returned nor counted, and the count is exact past any cap."""

from __future__ import annotations

from docrouter_desktop.core.runner import Runner


def test_search_counts_only_the_organizations_own_matches(library, inbox):
    other = library.create_organization("Other office").id
    for i in range(3):
        (inbox / f"mine{i}.txt").write_text(f"Zebrafish supplies invoice {i}\n")
        library.ingest_file(inbox / f"mine{i}.txt", processor_type="text")
    (inbox / "theirs.txt").write_text("Zebrafish and more\n")
    library.ingest_file(inbox / "theirs.txt", org_id=other, processor_type="text")
    Runner(library, workers=0).run_until_idle()
    mine, total = library.documents(org_id=library.default_org_id(), query="zebra", limit=2)
    assert total == 3 and len(mine) == 2
    theirs, total = library.documents(org_id=other, query="zebrafish")
    assert total == 1 and [d.document_name for d in theirs] == ["theirs.txt"]
    assert library.documents(org_id=other, query="supplies") == ([], 0)
