"""Contributors: instance-wide search/create/edit/delete and per-library lists."""

ZERO = "00000000-0000-0000-0000-000000000001"


async def test_search_and_create(api):
    user = await api.user()
    r = await api.post("/contributors", user, json={"name": "  "})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    cid = await api.contributor(user, "Neil Gaiman")
    await api.contributor(user, "Terry Pratchett")
    r = await api.get("/contributors?q=n", user)
    assert r.json() == {"data": []}
    r = await api.get("/contributors?q=GAIM", user)
    assert r.json() == {"data": [{"id": cid, "name": "Neil Gaiman"}]}
    assert (await api.get("/contributors?q=ga")).status_code == 401


async def test_patch_contributor(api):
    user = await api.user()
    owner = await api.user()
    library = await api.library(owner)
    cid = await api.contributor(user, "Neil Gaiman")
    await api.book(library, owner, "Coraline", contributors=[{"contributor_id": cid, "role": "author"}])
    r = await api.patch(f"/contributors/{cid}", user, json={"bio": "English author", "born_date": "1960-11-10",
                                                             "nationality": "British"})  # fmt: skip
    data = r.json()["data"]
    assert r.status_code == 200
    assert (data["sort_name"], data["bio"], data["born_date"], data["died_date"]) == (
        "Gaiman, Neil", "English author", "1960-11-10T00:00:00Z", None)  # fmt: skip
    r = await api.patch(f"/contributors/{cid}", user, json={"name": "Neil R. Gaiman"})
    assert r.json()["data"]["sort_name"] == "Gaiman, Neil R."
    r = await api.patch(f"/contributors/{cid}", user, json={"is_corporate": True, "sort_name": ""})
    assert r.json()["data"]["sort_name"] == "Neil R. Gaiman"
    r = await api.patch(f"/contributors/{cid}", user, json={"born_date": "long ago"})
    assert r.status_code == 400
    r = await api.patch(f"/contributors/{ZERO}", user, json={"bio": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "contributor not found"})
    # renamed contributors are found by their new name
    r = await api.get(f"/libraries/{library['id']}/books?q=neil%20r.", owner)
    assert [b["title"] for b in r.json()["data"]["items"]] == ["Coraline"]


async def test_delete_contributor(api):
    user = await api.user()
    library = await api.library(user)
    used = await api.contributor(user, "Used")
    unused = await api.contributor(user, "Unused")
    await api.book(library, user, "B", contributors=[{"contributor_id": used, "role": "author"}])
    r = await api.delete(f"/contributors/{used}", user)
    assert (r.status_code, r.json()) == (409, {"error": "contributor still has books"})
    r = await api.delete(f"/contributors/{unused}", user)
    assert r.status_code == 204
    r = await api.delete(f"/contributors/{unused}", user)
    assert r.status_code == 404
    r = await api.delete(f"/contributors/{unused}/works/{ZERO}", user)
    assert r.status_code == 404


async def test_library_contributors(api):
    owner = await api.user()
    library = await api.library(owner)
    other_lib = await api.library(owner, "Other")
    gaiman = await api.contributor(owner, "Neil Gaiman")
    pratchett = await api.contributor(owner, "Terry Pratchett")
    lonely = await api.contributor(owner, "Only Elsewhere")
    both = [{"contributor_id": gaiman, "role": "author"}, {"contributor_id": pratchett, "role": "author"}]
    for title in ("Good Omens", "Good Omens 2"):
        await api.book(library, owner, title, contributors=both)
    await api.book(library, owner, "Coraline", contributors=[{"contributor_id": gaiman, "role": "author"}])
    await api.book(other_lib, owner, "Elsewhere", contributors=[{"contributor_id": lonely, "role": "author"}])
    base = f"/libraries/{library['id']}/contributors"
    data = (await api.get(base, owner)).json()["data"]
    assert [(c["name"], c["book_count"]) for c in data["items"]] == [("Neil Gaiman", 3), ("Terry Pratchett", 2)]
    assert data["total"] == 2 and data["items"][0]["sort_name"] == "Gaiman, Neil"
    data = (await api.get(base + "?sort=book_count&sort_dir=desc&per_page=1&page=2", owner)).json()["data"]
    assert [c["name"] for c in data["items"]] == ["Terry Pratchett"] and data["per_page"] == 1
    data = (await api.get(base + "?letter=t", owner)).json()["data"]
    assert [c["name"] for c in data["items"]] == ["Terry Pratchett"]
    data = (await api.get(base + "?per_page=1000", owner)).json()["data"]
    assert data["per_page"] == 200
    assert (await api.get(base + "/letters", owner)).json() == {"data": ["N", "T"]}
    r = await api.get(f"{base}/{gaiman}", owner)
    detail = r.json()["data"]
    assert [b["title"] for b in detail["books"]] == ["Coraline", "Good Omens", "Good Omens 2"]
    assert detail["works"] == [] and detail["book_count"] == 0
    r = await api.get(f"{base}/{ZERO}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "contributor not found"})
    r = await api.get(f"{base}/{lonely}", owner)
    assert r.status_code == 200 and r.json()["data"]["books"] == []
    stranger = await api.user()
    assert (await api.get(base, stranger)).status_code == 403
