"""Series: CRUD, books with positions, suggestions, matching, permissions and isolation."""

import pytest

ZERO = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
async def lib(api):
    owner = await api.user("owner")
    library = await api.library(owner)
    return api, owner, library, f"/libraries/{library['id']}"


async def test_series_crud(lib):
    api, owner, library, base = lib
    tag = await api.tag(library, owner, "shonen")
    body = {"name": "Bleach", "total_count": 74, "status": "completed", "demographic": "shonen",
            "genres": ["Action"], "tag_ids": [tag]}  # fmt: skip
    r = await api.post(base + "/series", owner, json=body)
    assert r.status_code == 201
    series = r.json()["data"]
    assert (series["is_complete"], series["book_count"], series["genres"], series["total_count"]) == (
        True,
        0,
        ["Action"],
        74,
    )
    assert [t["name"] for t in series["tags"]] == ["shonen"]
    assert series["last_release_date"] is None and series["description"] == ""
    r = await api.get(f"{base}/series/{series['id']}", owner)
    assert r.json()["data"] == series
    # PUT without tag_ids keeps the tags (the web client's metadata merge relies on it)
    r = await api.put(f"{base}/series/{series['id']}", owner, json={"name": "Bleach!", "is_complete": False})
    data = r.json()["data"]
    assert (data["name"], data["status"], data["genres"], data["total_count"]) == ("Bleach!", "ongoing", [], None)
    assert [t["name"] for t in data["tags"]] == ["shonen"]
    r = await api.put(f"{base}/series/{series['id']}", owner, json={"name": "Bleach", "tag_ids": []})
    assert r.json()["data"]["tags"] == []
    assert [s["name"] for s in (await api.get(base + "/series?search=LEA", owner)).json()["data"]] == ["Bleach"]
    r = await api.delete(f"{base}/series/{series['id']}", owner)
    assert r.status_code == 204
    r = await api.get(f"{base}/series/{series['id']}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "series not found"})


async def test_series_bad_input(lib):
    api, owner, library, base = lib
    r = await api.post(base + "/series", owner, json={"name": " "})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    r = await api.post(base + "/series", owner, json={"name": "x", "tag_ids": ["nope"]})
    assert (r.status_code, r.json()) == (400, {"error": "invalid tag_id: nope"})
    r = await api.post(base + "/series", owner, json={"name": "x", "genres": "Action"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})
    r = await api.put(f"{base}/series/{ZERO}", owner, json={"name": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "series not found"})
    r = await api.get(f"{base}/series/bad", owner)
    assert (r.status_code, r.json()) == (400, {"error": "invalid series id"})


async def test_series_books_positions(lib):
    api, owner, library, base = lib
    series = (await api.post(base + "/series", owner, json={"name": "Saga"})).json()["data"]
    one = await api.book(library, owner, "Saga 1")
    half = await api.book(library, owner, "Saga 1.5")
    two = await api.book(library, owner, "Saga 2")
    path = f"{base}/series/{series['id']}/books"
    for book, pos in ((two, 2), (one, 1), (half, 1.25)):
        r = await api.post(path, owner, json={"book_id": book["id"], "position": pos})
        assert r.status_code == 204
    r = await api.get(path, owner)
    assert [(e["title"], e["position"]) for e in r.json()["data"]] == [("Saga 1", 1), ("Saga 1.5", 1.3), ("Saga 2", 2)]
    await api.post(path, owner, json={"book_id": two["id"], "position": 0.5})  # upsert moves it
    assert r.json()["data"][0]["media_type"] == "Novel"
    r = await api.get(path, owner)
    assert r.json()["data"][0]["title"] == "Saga 2"
    book = (await api.get(f"{base}/books/{one['id']}", owner)).json()["data"]
    assert book["series"] == [{"series_id": series["id"], "series_name": "Saga", "position": 1.0}]
    r = await api.get(f"{base}/books/{one['id']}/series", owner)
    assert r.json()["data"] == [{"series_id": series["id"], "series_name": "Saga", "position": 1.0}]
    assert (await api.get(f"{base}/series/{series['id']}", owner)).json()["data"]["book_count"] == 3
    r = await api.delete(f"{path}/{one['id']}", owner)
    assert r.status_code == 204
    r = await api.delete(f"{path}/{one['id']}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "book not in series"})
    r = await api.post(path, owner, json={"book_id": "bad"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid book_id"})
    r = await api.post(path, owner, json={"book_id": ZERO})
    assert (r.status_code, r.json()) == (404, {"error": "book not found"})
    r = await api.post(path, owner, json={"book_id": one["id"], "position": 1e7})
    assert r.status_code == 400
    r = await api.get(f"{base}/series/{series['id']}/volumes", owner)
    assert r.json() == {"data": []}


async def test_suggest_match_and_bulk(lib):
    api, owner, library, base = lib
    manga = await api.media_type_id(owner, "manga")
    ids = {}
    for title in ["Naruto, Vol. 1", "Naruto Vol. 2", "Bleach #1", "Bleach #2", "Bleach #3", "The Stand"]:
        ids[title] = (await api.book(library, owner, title, media_type_id=manga))["id"]
    r = await api.get(base + "/series/suggest", owner)
    groups = r.json()["data"]
    assert [(g["proposed_name"], [b["position"] for b in g["books"]]) for g in groups] == [
        ("Bleach", [1, 2, 3]), ("Naruto", [1, 2])]  # fmt: skip
    assert groups[0]["books"][0]["cover_url"] is None
    assert (await api.get(base + "/series/suggest?media_type=novel", owner)).json() == {"data": []}
    r = await api.post(base + "/series/bulk-create", owner, json={"series": [
        {"name": "Naruto", "books": [{"book_id": ids["Naruto, Vol. 1"], "position": 1},
                                     {"book_id": ids["Naruto Vol. 2"], "position": 2}]},
        {"name": "", "books": [{"book_id": ids["The Stand"], "position": 1}]},
    ]})  # fmt: skip
    assert r.status_code == 200
    assert r.json()["data"]["created"] == 1 and r.json()["data"]["series"][0]["book_count"] == 2
    r = await api.post(
        base + "/series/bulk-create", owner, json={"series": [{"name": "X", "books": [{"book_id": "bad"}]}]}
    )
    assert (r.status_code, r.json()) == (400, {"error": "invalid book_id: bad"})
    bleach = (await api.post(base + "/series", owner, json={"name": "Bleach"})).json()["data"]
    r = await api.get(f"{base}/series/{bleach['id']}/match-candidates", owner)
    cands = r.json()["data"]
    assert [(c["title"], c["position"], c["other_series"]) for c in cands] == [
        ("Bleach #1", 1, []), ("Bleach #2", 2, []), ("Bleach #3", 3, [])]  # fmt: skip
    matches = [{"book_id": c["book_id"], "position": c["position"]} for c in cands]
    r = await api.post(f"{base}/series/{bleach['id']}/match-apply", owner, json={"matches": matches})
    assert r.json() == {"data": {"applied": 3}}
    assert (await api.get(f"{base}/series/{bleach['id']}/match-candidates", owner)).json() == {"data": []}
    r = await api.post(f"{base}/series/{bleach['id']}/match-apply", owner, json={"matches": [{"book_id": ZERO}]})
    assert r.status_code == 404


async def test_series_permissions(lib):
    api, owner, library, base = lib
    viewer, editor = await api.user(), await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    await api.add_member(library, owner, editor, "library_editor")
    r = await api.post(base + "/series", viewer, json={"name": "v"})
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    series = (await api.post(base + "/series", editor, json={"name": "e"})).json()["data"]
    assert (await api.put(f"{base}/series/{series['id']}", editor, json={"name": "e2"})).status_code == 200
    # editors cannot delete series
    r = await api.delete(f"{base}/series/{series['id']}", editor)
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    assert (await api.get(base + "/series", viewer)).status_code == 200
    assert (await api.get(base + "/series")).status_code == 401


async def test_series_isolation(lib):
    api, owner, library, base = lib
    other = await api.user()
    other_lib = await api.library(other, "Other")
    theirs = (await api.post(f"/libraries/{other_lib['id']}/series", other, json={"name": "Theirs"})).json()["data"]
    their_book = await api.book(other_lib, other, "Their book")
    mine = (await api.post(base + "/series", owner, json={"name": "Mine"})).json()["data"]
    for method, path, body in [
        ("GET", f"{base}/series/{theirs['id']}", None),
        ("PUT", f"{base}/series/{theirs['id']}", {"name": "stolen"}),
        ("DELETE", f"{base}/series/{theirs['id']}", None),
        ("GET", f"{base}/series/{theirs['id']}/books", None),
        ("POST", f"{base}/series/{mine['id']}/books", {"book_id": their_book["id"], "position": 1}),
        ("GET", f"{base}/books/{their_book['id']}/series", None),
    ]:
        r = await api.request(method, path, owner, json=body)
        assert r.status_code == 404, (method, path)
