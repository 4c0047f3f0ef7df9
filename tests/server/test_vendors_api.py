"""The vendor memory over the real API server on loopback: listed and read with an account
or an organization token, paged, searched, and read-only."""

from __future__ import annotations

from docrouter_desktop.core.storage.models import Vendor, VendorKey, utcnow


def _vendor(library, org: str, name: str, vat: str | None = None, account=None) -> str:
    now = utcnow()
    with library.db.write() as s:
        v = Vendor(
            id=f"vnd_{name.lower().replace(' ', '')[:20]}{len(name):04d}",
            organization_id=org,
            name=name,
            account=account,
            times_right=3,
            times_wrong=1,
            created_at=now,
            updated_at=now,
        )
        s.add(v)
        if vat:
            s.add(VendorKey(organization_id=org, vendor_id=v.id, kind="vat_id", value=vat))
        return v.id


def test_vendors_are_listed_paged_searched_and_read_only(idle_api, idle_client):
    org = idle_client.post("/v0/account/organizations", json={"name": "Books"}).json()["id"]
    lib = idle_api.library
    first = _vendor(lib, org, "Alpha Papier GmbH", "DE136695976", account="4930")
    _vendor(lib, org, "Beta Office SARL")
    _vendor(lib, org, "Gamma Tools BV")
    _vendor(lib, idle_api.org_id, "Elsewhere Ltd")  # another workspace's

    url = f"/v0/orgs/{org}/vendors"
    listed = idle_client.get(url, params={"limit": 2}).json()
    assert listed["total_count"] == 3 and listed["skip"] == 0
    assert [v["name"] for v in listed["vendors"]] == ["Alpha Papier GmbH", "Beta Office SARL"]
    rest = idle_client.get(url, params={"skip": 2, "limit": 2}).json()
    assert [v["name"] for v in rest["vendors"]] == ["Gamma Tools BV"]
    found = idle_client.get(url, params={"name_search": "office"}).json()
    assert [v["name"] for v in found["vendors"]] == ["Beta Office SARL"]

    one = idle_client.get(f"{url}/{first}").json()
    assert one["vat_ids"] == ["DE136695976"] and one["account"] == "4930"
    assert (one["times_right"], one["times_wrong"]) == (3, 1)
    assert one["confidence"] == round(7 / 9, 3)
    missing = idle_client.get(f"{url}/vnd_nothere000")
    assert missing.status_code == 404 and "No vendor" in missing.text
    # Another workspace's vendor is not found through this one.
    other = lib.vendors(idle_api.org_id)[0].id
    assert idle_client.get(f"{url}/{other}").status_code == 404

    assert idle_client.post(url, json={"name": "x"}).status_code == 405
    assert idle_client.delete(f"{url}/{first}").status_code == 405

    # An organization token reads its own workspace's vendors, not another's.
    token = idle_client.post(f"/v0/orgs/{org}/access_tokens", json={"name": "books"}).json()
    with idle_api.client(token["token"]) as c:
        assert c.get(url).json()["total_count"] == 3
        assert c.get(f"/v0/orgs/{idle_api.org_id}/vendors").status_code in (401, 403)
