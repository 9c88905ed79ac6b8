"""Instance-admin user management and configuration."""


async def test_admin_routes_need_token_and_admin(api):
    user = await api.user()
    for method, path in [
        ("GET", "/admin/users"),
        ("POST", "/admin/users"),
        ("PATCH", f"/admin/users/{user.id}"),
        ("DELETE", f"/admin/users/{user.id}"),
        ("PUT", f"/admin/users/{user.id}/password"),
        ("GET", "/admin/config"),
    ]:
        r = await api.request(method, path, json={})
        assert (r.status_code, r.json()) == (401, {"error": "missing or invalid authorization header"}), path
        r = await api.request(method, path, user, json={})
        assert (r.status_code, r.json()) == (403, {"error": "instance admin access required"}), path


async def test_list_users_paginated(api):
    admin = await api.admin()
    for _ in range(3):
        await api.user()
    r = await api.get("/admin/users?page=2&per_page=2", admin)
    assert r.status_code == 200
    data = r.json()["data"]
    assert (data["total"], data["page"], data["per_page"]) == (4, 2, 2)
    assert len(data["items"]) == 2
    assert set(data["items"][0]) == {
        "id", "username", "email", "display_name", "is_active", "is_instance_admin", "created_at", "last_login_at",
    }  # fmt: skip
    r = await api.get("/admin/users?per_page=500&page=abc", admin)
    assert (r.json()["data"]["page"], r.json()["data"]["per_page"]) == (1, 20)
    first = r.json()["data"]["items"][0]
    assert first["username"] == "admin" and first["last_login_at"] is None


async def test_create_user(api):
    admin = await api.admin()
    body = {"username": "zed", "email": "zed@x.org", "password": "pw"}
    r = await api.post("/admin/users", admin, json=body)
    assert r.status_code == 201
    data = r.json()["data"]
    assert data["username"] == "zed" and data["is_instance_admin"] is False and data["is_active"] is True
    assert "access_token" not in data
    r = await api.post("/admin/users", admin, json=body)
    assert (r.status_code, r.json()) == (409, {"error": "username already exists"})
    r = await api.post("/admin/users", admin, json={"username": "q"})
    assert (r.status_code, r.json()) == (400, {"error": "username, email, and password are required"})


async def test_patch_user(api):
    admin = await api.admin()
    user = await api.user("pat")
    other = await api.user("other")
    r = await api.patch(f"/admin/users/{user.id}", admin, json={"display_name": "Patricia", "email": "p@x.org"})
    assert r.status_code == 200
    assert (r.json()["data"]["display_name"], r.json()["data"]["email"]) == ("Patricia", "p@x.org")
    r = await api.patch(f"/admin/users/{user.id}", admin, json={"email": other.email})
    assert (r.status_code, r.json()) == (409, {"error": "email already exists"})
    r = await api.patch("/admin/users/00000000-0000-0000-0000-000000000001", admin, json={"display_name": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "user not found"})
    r = await api.patch(f"/admin/users/{admin.id}", admin, json={"is_active": False})
    assert (r.status_code, r.json()) == (400, {"error": "cannot deactivate your own account"})
    r = await api.patch(f"/admin/users/{admin.id}", admin, json={"is_instance_admin": False})
    assert (r.status_code, r.json()) == (400, {"error": "cannot remove your own admin privileges"})
    r = await api.patch(f"/admin/users/{user.id}", admin, json={"is_active": "maybe"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})


async def test_deactivated_user_loses_access_immediately(api):
    admin = await api.admin()
    user = await api.user()
    assert (await api.get("/auth/me", user)).status_code == 200
    await api.patch(f"/admin/users/{user.id}", admin, json={"is_active": False})
    r = await api.get("/auth/me", user)
    assert (r.status_code, r.json()) == (401, {"error": "invalid or expired token"})
    r = await api.post("/auth/refresh", json={"refresh_token": user.refresh_token})
    assert r.status_code == 401


async def test_admin_sets_password(api):
    admin = await api.admin()
    user = await api.user("reset")
    r = await api.put(f"/admin/users/{user.id}/password", admin, json={})
    assert (r.status_code, r.json()) == (400, {"error": "password is required"})
    r = await api.put(f"/admin/users/{user.id}/password", admin, json={"password": "fresh-pw"})
    assert r.json() == {"data": {"message": "password updated"}}
    r = await api.post("/auth/refresh", json={"refresh_token": user.refresh_token})
    assert r.status_code == 401
    await api.login("reset", "fresh-pw")
    r = await api.put("/admin/users/00000000-0000-0000-0000-000000000001/password", admin, json={"password": "x"})
    assert r.status_code == 404


async def test_delete_user(api):
    admin = await api.admin()
    user = await api.user()
    r = await api.delete(f"/admin/users/{admin.id}", admin)
    assert (r.status_code, r.json()) == (400, {"error": "cannot delete your own account"})
    r = await api.delete(f"/admin/users/{user.id}", admin)
    assert r.json() == {"data": {"message": "user deleted"}}
    r = await api.delete(f"/admin/users/{user.id}", admin)
    assert (r.status_code, r.json()) == (404, {"error": "user not found"})


async def test_delete_user_who_owns_a_library_is_409(api):
    admin = await api.admin()
    user = await api.user()
    await api.library(user, "Mine")
    r = await api.delete(f"/admin/users/{user.id}", admin)
    assert r.status_code == 409
    assert "Mine" in r.json()["error"]
    assert (await api.get("/auth/me", user)).status_code == 200


async def test_admin_config(api):
    admin = await api.admin()
    r = await api.get("/admin/config", admin)
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["ebook_path_template"] == "{title}"
    assert data["registration_enabled"] is True
    assert data["cover_storage_path"].endswith("covers")
    assert "jwt" not in str(data).lower()
