"""Libraries and members, with upstream's roles and permission checks."""

import pytest

ZERO = "00000000-0000-0000-0000-000000000001"


async def test_create_and_list_libraries(api):
    user = await api.user()
    other = await api.user()
    r = await api.post("/libraries", user, json={"name": "My Books & Comics!", "description": "d", "is_public": True})
    assert r.status_code == 201
    lib = r.json()["data"]
    assert lib["slug"] == "my-books-comics"
    assert (lib["owner_id"], lib["description"], lib["is_public"]) == (user.id, "d", True)
    r = await api.post("/libraries", user, json={"name": "My Books & Comics"})
    assert r.json()["data"]["slug"] == "my-books-comics-2"
    await api.library(other, "Theirs")
    r = await api.get("/libraries", user)
    assert [lib["name"] for lib in r.json()["data"]] == ["My Books & Comics", "My Books & Comics!"]
    admin = await api.admin()
    r = await api.get("/libraries", admin)
    assert len(r.json()["data"]) == 3


async def test_create_library_bad_input(api):
    user = await api.user()
    r = await api.post("/libraries", user, json={"description": "no name"})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    r = await api.post("/libraries", user, json={"name": "n" * 129})
    assert r.status_code == 400
    r = await api.post("/libraries", json={"name": "x"})
    assert r.status_code == 401


async def test_slug_from_non_ascii_name_and_explicit_slug(api):
    user = await api.user()
    r = await api.post("/libraries", user, json={"name": "漫画"})
    assert r.status_code == 201 and r.json()["data"]["slug"] == "library"
    r = await api.post("/libraries", user, json={"name": "X", "slug": "Custom Slug"})
    assert r.json()["data"]["slug"] == "custom-slug"


async def test_get_update_delete_library(api):
    owner = await api.user()
    lib = await api.library(owner)
    path = f"/libraries/{lib['id']}"
    r = await api.get(path, owner)
    assert r.json()["data"] == lib
    r = await api.put(path, owner, json={"name": ""})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    r = await api.put(path, owner, json={"name": "Renamed", "is_public": True})
    data = r.json()["data"]
    assert (data["name"], data["description"], data["is_public"], data["slug"]) == (
        "Renamed",
        "",
        True,
        lib["slug"],
    )
    r = await api.delete(path, owner)
    assert r.status_code == 204 and r.content == b""
    admin = await api.admin()
    r = await api.get(path, admin)
    assert (r.status_code, r.json()) == (404, {"error": "library not found"})
    r = await api.put(path, admin, json={"name": "x"})
    assert r.status_code == 404
    r = await api.delete(path, admin)
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("role", "read", "update", "delete", "members_write"),
    [
        ("library_viewer", 200, 403, 403, 403),
        ("library_editor", 200, 403, 403, 403),
        ("library_owner", 200, 200, 204, 204),
    ],
)
async def test_role_gates(api, role, read, update, delete, members_write):
    owner = await api.user()
    member = await api.user()
    newcomer = await api.user()
    lib = await api.library(owner)
    await api.add_member(lib, owner, member, role)
    path = f"/libraries/{lib['id']}"
    assert (await api.get(path, member)).status_code == read
    assert (await api.get(path + "/members", member)).status_code == 200
    r = await api.post(path + "/members", member, json={"user_id": newcomer.id})
    assert r.status_code == members_write
    if members_write == 403:
        assert r.json() == {"error": "insufficient permissions"}
    assert (await api.put(path, member, json={"name": "x"})).status_code == update
    assert (await api.delete(path, member)).status_code == delete


async def test_non_member_and_missing_library_get_403(api):
    owner = await api.user()
    stranger = await api.user()
    lib = await api.library(owner)
    for path in (f"/libraries/{lib['id']}", f"/libraries/{ZERO}"):
        r = await api.get(path, stranger)
        assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
        r = await api.get(path + "/members", stranger)
        assert r.status_code == 403
    r = await api.get(f"/libraries/{lib['id']}")
    assert r.status_code == 401


async def test_admin_bypasses_membership(api):
    admin = await api.admin()
    owner = await api.user()
    lib = await api.library(owner)
    assert (await api.get(f"/libraries/{lib['id']}/members", admin)).status_code == 200
    assert (await api.put(f"/libraries/{lib['id']}", admin, json={"name": "Admin edit"})).status_code == 200


async def test_members_lifecycle(api):
    owner = await api.user("owner")
    member = await api.user("mia")
    lib = await api.library(owner)
    path = f"/libraries/{lib['id']}/members"
    r = await api.post(path, owner, json={"user_id": member.id})
    assert r.status_code == 204
    r = await api.get(path, owner)
    rows = r.json()["data"]
    assert [m["username"] for m in rows] == ["owner", "mia"]
    assert rows[0]["role"] == "library_owner" and "invited_by" not in rows[0]
    assert rows[1]["role"] == "library_viewer" and rows[1]["invited_by"] == owner.id
    assert set(rows[1]) == {
        "user_id", "username", "display_name", "email", "role_id", "role", "joined_at", "tags", "invited_by",
    }  # fmt: skip
    r = await api.get(path + "?search=MI", owner)
    assert [m["username"] for m in r.json()["data"]] == ["mia"]
    r = await api.post(path, owner, json={"user_id": member.id})
    assert (r.status_code, r.json()) == (409, {"error": "user is already a member"})
    r = await api.patch(f"{path}/{member.id}", owner, json={"role": "library_editor"})
    assert r.status_code == 204
    r = await api.get(path, owner)
    assert r.json()["data"][1]["role"] == "library_editor"
    r = await api.delete(f"{path}/{member.id}", owner)
    assert r.status_code == 204
    r = await api.delete(f"{path}/{member.id}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "member not found"})


async def test_member_bad_input(api):
    owner = await api.user()
    member = await api.user()
    lib = await api.library(owner)
    path = f"/libraries/{lib['id']}/members"
    r = await api.post(path, owner, json={"user_id": "nope"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid user_id"})
    r = await api.post(path, owner, json={"user_id": ZERO})
    assert (r.status_code, r.json()) == (404, {"error": "user not found"})
    r = await api.post(path, owner, json={"user_id": member.id, "role": "emperor"})
    assert (r.status_code, r.json()) == (400, {"error": "unknown role: emperor"})
    r = await api.patch(f"{path}/{owner.id}", owner, json={"role": "library_viewer"})
    assert (r.status_code, r.json()) == (400, {"error": "cannot change the owner's role"})
    r = await api.patch(f"{path}/{member.id}", owner, json={})
    assert (r.status_code, r.json()) == (400, {"error": "role is required"})
    r = await api.patch(f"{path}/{member.id}", owner, json={"role": "library_editor"})
    assert (r.status_code, r.json()) == (404, {"error": "member not found"})
    r = await api.delete(f"{path}/{owner.id}", owner)
    assert (r.status_code, r.json()) == (400, {"error": "cannot remove the library owner"})
    r = await api.patch(f"{path}/nope", owner, json={"role": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid user id"})


async def test_member_can_leave(api):
    owner = await api.user()
    member = await api.user()
    lib = await api.library(owner)
    await api.add_member(lib, owner, member, "library_owner")
    r = await api.delete(f"/libraries/{lib['id']}/members/{member.id}", member)
    assert r.status_code == 204
    assert (await api.get(f"/libraries/{lib['id']}", member)).status_code == 403


async def test_owner_of_one_library_cannot_touch_another(api):
    alice, bob = await api.user(), await api.user()
    lib_a = await api.library(alice, "A")
    lib_b = await api.library(bob, "B")
    assert (await api.get(f"/libraries/{lib_b['id']}/members", alice)).status_code == 403
    r = await api.post(f"/libraries/{lib_b['id']}/members", alice, json={"user_id": alice.id})
    assert r.status_code == 403
    r = await api.delete(f"/libraries/{lib_b['id']}/members/{bob.id}", alice)
    assert r.status_code == 403
    # removing bob "through" alice's library path only looks at alice's library
    r = await api.delete(f"/libraries/{lib_a['id']}/members/{bob.id}", alice)
    assert r.status_code == 404
    r = await api.get("/libraries", alice)
    assert [lib["id"] for lib in r.json()["data"]] == [lib_a["id"]]


async def test_deleting_library_removes_memberships(api):
    owner = await api.user()
    member = await api.user()
    lib = await api.library(owner)
    await api.add_member(lib, owner, member, "library_viewer")
    await api.delete(f"/libraries/{lib['id']}", owner)
    assert (await api.get("/libraries", member)).json() == {"data": []}
