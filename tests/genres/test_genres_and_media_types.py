"""Genres and media types: seeded, readable by everyone signed in, written by admins."""

ZERO = "00000000-0000-0000-0000-000000000001"


async def test_genres_seeded_and_sorted(api):
    user = await api.user()
    r = await api.get("/genres", user)
    names = [g["name"] for g in r.json()["data"]]
    assert len(names) == 25 and names[0] == "Action" and names[-1] == "Young Adult"
    assert set(r.json()["data"][0]) == {"id", "name", "created_at"}
    assert (await api.get("/genres")).status_code == 401


async def test_genre_crud(api):
    admin = await api.admin()
    r = await api.post("/genres", admin, json={"name": "Cozy"})
    assert r.status_code == 201
    genre = r.json()["data"]
    r = await api.post("/genres", admin, json={"name": "cozy"})
    assert (r.status_code, r.json()) == (409, {"error": "a genre with that name already exists"})
    r = await api.post("/genres", admin, json={"name": "  "})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    r = await api.put(f"/genres/{genre['id']}", admin, json={"name": "Cosy"})
    assert r.json()["data"]["name"] == "Cosy"
    r = await api.put(f"/genres/{genre['id']}", admin, json={"name": "Fantasy"})
    assert r.status_code == 409
    r = await api.put(f"/genres/{genre['id']}", admin, json={})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    r = await api.put(f"/genres/{ZERO}", admin, json={"name": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "genre not found"})
    r = await api.delete(f"/genres/{genre['id']}", admin)
    assert r.status_code == 204
    r = await api.delete(f"/genres/{genre['id']}", admin)
    assert (r.status_code, r.json()) == (404, {"error": "genre not found"})


async def test_genre_writes_need_admin(api):
    user = await api.user()
    r = await api.post("/genres", user, json={"name": "X"})
    assert (r.status_code, r.json()) == (403, {"error": "instance admin access required"})
    r = await api.get("/genres", user)
    gid = r.json()["data"][0]["id"]
    assert (await api.put(f"/genres/{gid}", user, json={"name": "Y"})).status_code == 403
    assert (await api.delete(f"/genres/{gid}", user)).status_code == 403


async def test_media_types_seeded(api):
    user = await api.user()
    r = await api.get("/media-types", user)
    rows = r.json()["data"]
    assert len(rows) == 20
    assert [m["display_name"] for m in rows] == sorted(m["display_name"] for m in rows)
    novel = next(m for m in rows if m["name"] == "novel")
    assert novel["display_name"] == "Novel" and novel["book_count"] == 0 and novel["description"]


async def test_media_type_crud(api):
    admin = await api.admin()
    r = await api.post("/media-types", admin, json={"name": "zine", "display_name": "Zine"})
    assert r.status_code == 201
    mt = r.json()["data"]
    assert mt["book_count"] == 0 and "description" not in mt
    r = await api.post("/media-types", admin, json={"name": "zine", "display_name": "Zine 2"})
    assert (r.status_code, r.json()) == (409, {"error": "a media type with that name already exists"})
    r = await api.post("/media-types", admin, json={"display_name": "No name"})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    r = await api.post("/media-types", admin, json={"name": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "display_name is required"})
    r = await api.put(f"/media-types/{mt['id']}", admin, json={"display_name": "Zines", "description": "Small"})
    assert r.json()["data"] == mt | {"display_name": "Zines", "description": "Small"}
    r = await api.put(f"/media-types/{mt['id']}", admin, json={"description": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "display_name is required"})
    r = await api.put(f"/media-types/{ZERO}", admin, json={"display_name": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "media type not found"})
    r = await api.put("/media-types/bad", admin, json={"display_name": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid media type id"})
    r = await api.delete(f"/media-types/{mt['id']}", admin)
    assert r.status_code == 204
    r = await api.delete(f"/media-types/{mt['id']}", admin)
    assert r.status_code == 404


async def test_media_type_writes_need_admin(api):
    user = await api.user()
    r = await api.post("/media-types", user, json={"name": "a", "display_name": "A"})
    assert (r.status_code, r.json()) == (403, {"error": "instance admin access required"})
    r = await api.post("/media-types", json={"name": "a", "display_name": "A"})
    assert r.status_code == 401
