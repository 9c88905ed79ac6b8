"""Tags of a library."""

ZERO = "00000000-0000-0000-0000-000000000001"


async def test_tag_crud(api):
    owner = await api.user()
    library = await api.library(owner)
    path = f"/libraries/{library['id']}/tags"
    r = await api.post(path, owner, json={"name": "Signed", "color": "#ff0000"})
    assert r.status_code == 201
    tag = r.json()["data"]
    assert (tag["name"], tag["color"], tag["library_id"]) == ("Signed", "#ff0000", library["id"])
    await api.post(path, owner, json={"name": "Annotated"})
    r = await api.get(path, owner)
    assert [(t["name"], t["color"]) for t in r.json()["data"]] == [("Annotated", ""), ("Signed", "#ff0000")]
    r = await api.put(f"{path}/{tag['id']}", owner, json={"name": "Autographed"})
    assert r.json()["data"]["name"] == "Autographed" and r.json()["data"]["color"] == ""
    r = await api.delete(f"{path}/{tag['id']}", owner)
    assert r.status_code == 204
    r = await api.delete(f"{path}/{tag['id']}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "tag not found"})


async def test_tag_bad_input(api):
    owner = await api.user()
    library = await api.library(owner)
    path = f"/libraries/{library['id']}/tags"
    r = await api.post(path, owner, json={"name": " "})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    await api.post(path, owner, json={"name": "x"})
    r = await api.post(path, owner, json={"name": "x"})
    assert (r.status_code, r.json()) == (409, {"error": "a tag with that name already exists in this library"})
    other = (await api.post(path, owner, json={"name": "y"})).json()["data"]
    r = await api.put(f"{path}/{other['id']}", owner, json={"name": "x"})
    assert r.status_code == 409
    r = await api.put(f"{path}/{ZERO}", owner, json={"name": "z"})
    assert (r.status_code, r.json()) == (404, {"error": "tag not found"})
    r = await api.put(f"{path}/bad", owner, json={"name": "z"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid tag id"})


async def test_tag_permissions(api):
    owner, viewer, editor = await api.user(), await api.user(), await api.user()
    library = await api.library(owner)
    await api.add_member(library, owner, viewer, "library_viewer")
    await api.add_member(library, owner, editor, "library_editor")
    path = f"/libraries/{library['id']}/tags"
    assert (await api.get(path, viewer)).status_code == 200
    r = await api.post(path, viewer, json={"name": "v"})
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    tag = (await api.post(path, editor, json={"name": "e"})).json()["data"]
    assert (await api.delete(f"{path}/{tag['id']}", viewer)).status_code == 403
    assert (await api.delete(f"{path}/{tag['id']}", editor)).status_code == 204
    assert (await api.get(path)).status_code == 401
