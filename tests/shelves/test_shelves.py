"""Shelves: the default Favourites shelf, CRUD, books on shelves, permissions and isolation."""

ZERO = "00000000-0000-0000-0000-000000000001"


async def test_new_library_has_favourites(api):
    owner = await api.user()
    library = await api.library(owner)
    r = await api.get(f"/libraries/{library['id']}/shelves", owner)
    shelves = r.json()["data"]
    assert [(s["name"], s["icon"], s["book_count"]) for s in shelves] == [("Favourites", "⭐", 0)]


async def test_shelf_crud_and_books(api):
    owner = await api.user()
    library = await api.library(owner)
    base = f"/libraries/{library['id']}"
    tag = await api.tag(library, owner, "kids")
    r = await api.post(base + "/shelves", owner, json={"name": "Bedtime", "color": "#00f", "icon": "🌙",
                                                        "display_order": 2, "tag_ids": [tag]})  # fmt: skip
    assert r.status_code == 201
    shelf = r.json()["data"]
    assert (shelf["color"], shelf["display_order"], [t["name"] for t in shelf["tags"]]) == ("#00f", 2, ["kids"])
    a = await api.book(library, owner, "Goodnight Moon")
    b = await api.book(library, owner, "Gruffalo")
    path = f"{base}/shelves/{shelf['id']}/books"
    for book in (a, b, a):  # adding twice is harmless
        assert (await api.post(path, owner, json={"book_id": book["id"]})).status_code == 204
    r = await api.get(path, owner)
    assert [x["title"] for x in r.json()["data"]] == ["Gruffalo", "Goodnight Moon"]
    r = await api.get(f"{base}/books/{a['id']}/shelves", owner)
    assert [(s["name"], s["book_count"]) for s in r.json()["data"]] == [("Bedtime", 2)]
    assert (await api.get(f"{base}/books/{a['id']}", owner)).json()["data"]["shelves"] == [
        {"id": shelf["id"], "name": "Bedtime"}]  # fmt: skip
    r = await api.get(base + "/shelves?tag=KIDS", owner)
    assert [s["name"] for s in r.json()["data"]] == ["Bedtime"]
    r = await api.put(f"{base}/shelves/{shelf['id']}", owner, json={"name": "Bedtime stories"})
    data = r.json()["data"]
    assert (data["name"], data["color"], data["icon"], [t["name"] for t in data["tags"]]) == (
        "Bedtime stories",
        "",
        "",
        ["kids"],
    )
    assert (await api.delete(f"{path}/{a['id']}", owner)).status_code == 204
    r = await api.delete(f"{path}/{a['id']}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "book not on shelf"})
    assert (await api.delete(f"{base}/shelves/{shelf['id']}", owner)).status_code == 204
    r = await api.delete(f"{base}/shelves/{shelf['id']}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "shelf not found"})


async def test_shelf_bad_input(api):
    owner = await api.user()
    library = await api.library(owner)
    base = f"/libraries/{library['id']}"
    r = await api.post(base + "/shelves", owner, json={"description": "no name"})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    r = await api.post(base + "/shelves", owner, json={"name": "x", "display_order": "first"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})
    shelf = (await api.get(base + "/shelves", owner)).json()["data"][0]
    r = await api.post(f"{base}/shelves/{shelf['id']}/books", owner, json={"book_id": "bad"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid book_id"})
    r = await api.post(f"{base}/shelves/{shelf['id']}/books", owner, json={"book_id": ZERO})
    assert (r.status_code, r.json()) == (404, {"error": "book not found"})
    r = await api.put(f"{base}/shelves/{ZERO}", owner, json={"name": "x"})
    assert r.status_code == 404


async def test_shelf_permissions_and_isolation(api):
    owner, viewer, stranger = await api.user(), await api.user(), await api.user()
    library = await api.library(owner)
    await api.add_member(library, owner, viewer, "library_viewer")
    base = f"/libraries/{library['id']}"
    shelf = (await api.get(base + "/shelves", owner)).json()["data"][0]
    assert (await api.get(base + "/shelves", viewer)).status_code == 200
    r = await api.post(base + "/shelves", viewer, json={"name": "v"})
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    assert (await api.get(base + "/shelves", stranger)).status_code == 403
    assert (await api.get(base + "/shelves")).status_code == 401
    other_lib = await api.library(stranger, "Theirs")
    their_book = await api.book(other_lib, stranger, "Theirs")
    r = await api.post(f"{base}/shelves/{shelf['id']}/books", owner, json={"book_id": their_book["id"]})
    assert r.status_code == 404
    their_shelf = (await api.get(f"/libraries/{other_lib['id']}/shelves", stranger)).json()["data"][0]
    assert (await api.get(f"{base}/shelves/{their_shelf['id']}/books", owner)).status_code == 404
    assert (await api.delete(f"{base}/shelves/{their_shelf['id']}", owner)).status_code == 404
