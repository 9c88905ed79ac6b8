"""Editions (exactly one primary) and the caller's reading interactions."""

import pytest

ZERO = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
async def book(api):
    owner = await api.user("owner")
    library = await api.library(owner)
    b = await api.book(library, owner, "Dune")
    return api, owner, library, f"/libraries/{library['id']}/books/{b['id']}"


async def test_edition_lifecycle_and_single_primary(book):
    api, owner, library, path = book
    r = await api.post(path + "/editions", owner, json={"format": "paperback", "publish_date": "March 5, 2021",
                                                         "isbn_10": "0-306-40615-2", "copy_count": 7})  # fmt: skip
    assert r.status_code == 201
    first = r.json()["data"]
    assert first["is_primary"] is True  # the first edition becomes primary
    assert (first["publish_date"], first["isbn_10"], first["copy_count"], first["files"]) == (
        "2021-03-05",
        "0306406152",
        1,
        [],
    )
    r = await api.post(path + "/editions", owner, json={"format": "ebook", "is_primary": True, "language": "en"})
    second = r.json()["data"]
    rows = (await api.get(path + "/editions", owner)).json()["data"]
    assert [(e["id"], e["is_primary"]) for e in rows] == [(second["id"], True), (first["id"], False)]
    book = (await api.get(path, owner)).json()["data"]
    assert book["language"] == "en"
    r = await api.put(f"{path}/editions/{second['id']}", owner, json={"format": "ebook", "copy_count": 3})
    assert r.status_code == 200 and r.json()["data"]["copy_count"] == 3 and r.json()["data"]["is_primary"] is False
    rows = (await api.get(path + "/editions", owner)).json()["data"]
    assert [e["is_primary"] for e in rows] == [True, False] and rows[0]["id"] == first["id"]
    r = await api.delete(f"{path}/editions/{first['id']}", owner)
    assert r.status_code == 204
    rows = (await api.get(path + "/editions", owner)).json()["data"]
    assert [(e["id"], e["is_primary"]) for e in rows] == [(second["id"], True)]


async def test_edition_bad_input_and_404(book):
    api, owner, library, path = book
    r = await api.post(path + "/editions", owner, json={"language": "en"})
    assert (r.status_code, r.json()) == (400, {"error": "format is required"})
    r = await api.post(path + "/editions", owner, json={"format": "x", "isbn_13": "123"})
    assert r.status_code == 400 and "isbn_13" in r.json()["error"]
    r = await api.post(path + "/editions", owner, json={"format": "x", "page_count": "many"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})
    r = await api.put(f"{path}/editions/{ZERO}", owner, json={"format": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "edition not found"})
    r = await api.delete(f"{path}/editions/{ZERO}", owner)
    assert r.status_code == 404
    r = await api.post(f"/libraries/{library['id']}/books/{ZERO}/editions", owner, json={"format": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "book not found"})
    r = await api.put(f"{path}/editions/bad", owner, json={"format": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid edition id"})


async def test_narrator_becomes_contributor(book):
    api, owner, library, path = book
    narrator = await api.contributor(owner, "Scott Brick")
    r = await api.post(path + "/editions", owner, json={"format": "audiobook", "narrator_contributor_id": narrator})
    assert r.json()["data"]["narrator_contributor_name"] == "Scott Brick"
    contributors = (await api.get(path, owner)).json()["data"]["contributors"]
    assert [(c["name"], c["role"]) for c in contributors] == [("Scott Brick", "narrator")]


async def test_edition_permissions(book):
    api, owner, library, path = book
    viewer = await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    r = await api.post(path + "/editions", viewer, json={"format": "x"})
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    assert (await api.get(path + "/editions", viewer)).status_code == 200
    assert (await api.get(path + "/editions")).status_code == 401


async def test_interactions_are_per_user(book):
    api, owner, library, path = book
    viewer = await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    edition = (await api.post(path + "/editions", owner, json={"format": "ebook"})).json()["data"]
    mine = f"{path}/editions/{edition['id']}/my-interaction"
    r = await api.get(mine, viewer)
    assert (r.status_code, r.json()) == (200, {})
    body = {"read_status": "read", "rating": 9, "notes": "n", "date_started": "2024-01-02",
            "date_finished": "2024-02-03", "is_favorite": True}  # fmt: skip
    r = await api.put(mine, viewer, json=body)
    assert r.status_code == 200
    data = r.json()["data"]
    assert (data["user_id"], data["rating"], data["date_finished"], data["reread_count"]) == (
        viewer.id,
        9,
        "2024-02-03",
        0,
    )
    r = await api.put(mine, viewer, json={"read_status": "reading"})
    data = r.json()["data"]
    assert (data["rating"], data["notes"], data["is_favorite"], data["date_started"]) == (None, "", False, None)
    # the owner's record is separate
    assert (await api.get(mine, owner)).json() == {}
    r = await api.delete(mine, viewer)
    assert r.status_code == 204
    r = await api.delete(mine, viewer)
    assert (r.status_code, r.json()) == (404, {"error": "interaction not found"})


async def test_interaction_bad_input(book):
    api, owner, library, path = book
    edition = (await api.post(path + "/editions", owner, json={"format": "ebook"})).json()["data"]
    mine = f"{path}/editions/{edition['id']}/my-interaction"
    for body, message in [
        ({"date_started": "2024-13-01"}, "date_started must be YYYY-MM-DD"),
        ({"date_finished": "yesterday"}, "date_finished must be YYYY-MM-DD"),
        ({"rating": 11}, "rating must be between 1 and 10"),
        ({"read_status": "devoured"}, "read_status must be one of unread, reading, read, did_not_finish"),
    ]:
        r = await api.put(mine, owner, json=body)
        assert (r.status_code, r.json()) == (400, {"error": message})
    r = await api.put(f"{path}/editions/{ZERO}/my-interaction", owner, json={})
    assert (r.status_code, r.json()) == (404, {"error": "edition not found"})
    stranger = await api.user()
    assert (await api.put(mine, stranger, json={})).status_code == 403
    assert (await api.get(mine)).status_code == 401
