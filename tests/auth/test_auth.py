"""Setup, registration, sign-in, token rotation, sign-out and the caller's profile."""

import pytest


async def test_setup_status_and_first_admin(api):
    r = await api.get("/setup/status")
    assert r.json() == {"data": {"initialized": False}}
    body = {"username": "root", "email": "root@example.org", "password": "pw-123456"}
    r = await api.post("/setup/admin", json=body)
    assert r.status_code == 201
    data = r.json()["data"]
    assert data["expires_in"] == 900
    assert len(data["refresh_token"]) == 64
    assert data["user"]["is_instance_admin"] is True
    assert data["user"]["display_name"] == "root"
    r = await api.get("/setup/status")
    assert r.json() == {"data": {"initialized": True}}
    r = await api.post("/setup/admin", json=body | {"username": "other", "email": "o@example.org"})
    assert r.status_code == 409
    assert r.json() == {"error": "instance is already initialized"}


async def test_setup_requires_fields(api):
    r = await api.post("/setup/admin", json={"username": "x", "password": "y"})
    assert r.status_code == 400
    assert r.json() == {"error": "username, email, and password are required"}


async def test_register_first_user_is_admin_then_not(api):
    r = await api.post("/auth/register", json={"username": "a", "email": "a@x.org", "password": "p"})
    assert r.status_code == 201
    assert r.json()["data"]["user"]["is_instance_admin"] is True
    r = await api.post("/auth/register", json={"username": "b", "email": "b@x.org", "password": "p"})
    assert r.status_code == 201
    assert r.json()["data"]["user"]["is_instance_admin"] is False


async def test_register_conflicts(api):
    await api.post("/auth/register", json={"username": "a", "email": "a@x.org", "password": "p"})
    r = await api.post("/auth/register", json={"username": "a", "email": "new@x.org", "password": "p"})
    assert (r.status_code, r.json()) == (409, {"error": "username already exists"})
    r = await api.post("/auth/register", json={"username": "new", "email": "a@x.org", "password": "p"})
    assert (r.status_code, r.json()) == (409, {"error": "email already exists"})


async def test_register_too_long_username_is_400(api):
    r = await api.post("/auth/register", json={"username": "u" * 65, "email": "a@x.org", "password": "p"})
    assert r.status_code == 400
    assert "64" in r.json()["error"]


@pytest.fixture
def settings_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("settings_overrides", [{"registration_enabled": False}], indirect=True)
async def test_register_disabled(api):
    r = await api.post("/auth/register", json={"username": "a", "email": "a@x.org", "password": "p"})
    assert (r.status_code, r.json()) == (403, {"error": "registration is disabled"})
    # setup/admin still works with registration disabled
    await api.admin()


async def test_login_by_username_and_email(api):
    user = await api.user("alice")
    r = await api.post("/auth/login", json={"identifier": "alice", "password": user.password})
    assert r.status_code == 200
    assert r.json()["data"]["user"]["username"] == "alice"
    r = await api.post("/auth/login", json={"identifier": "alice@example.org", "password": user.password})
    assert r.status_code == 200


async def test_login_failures(api):
    await api.user("alice")
    r = await api.post("/auth/login", json={"identifier": "alice"})
    assert (r.status_code, r.json()) == (400, {"error": "identifier and password are required"})
    r = await api.post("/auth/login", json={"identifier": "alice", "password": "wrong"})
    assert (r.status_code, r.json()) == (401, {"error": "invalid credentials"})
    r = await api.post("/auth/login", json={"identifier": "nobody", "password": "wrong"})
    assert (r.status_code, r.json()) == (401, {"error": "invalid credentials"})


async def test_long_password_beyond_72_bytes_works(api):
    password = "p" * 100 + "ü" * 20
    user = await api.user("longpw", password=password)
    r = await api.post("/auth/login", json={"identifier": "longpw", "password": "p" * 100})
    assert r.status_code == 401
    assert user.token


@pytest.mark.parametrize("settings_overrides", [{"login_rate_limit": 3, "login_rate_window": 60}], indirect=True)
async def test_login_rate_limited_per_client_and_identifier(api):
    await api.user("alice")
    for _ in range(3):
        r = await api.post("/auth/login", json={"identifier": "alice", "password": "wrong"})
        assert r.status_code == 401
    r = await api.post("/auth/login", json={"identifier": "alice", "password": "user-password"})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert "try again" in r.json()["error"]


async def test_inactive_user_cannot_login(api):
    admin = await api.admin()
    user = await api.user("bob")
    r = await api.patch(f"/admin/users/{user.id}", admin, json={"is_active": False})
    assert r.status_code == 200
    r = await api.post("/auth/login", json={"identifier": "bob", "password": user.password})
    assert (r.status_code, r.json()) == (401, {"error": "invalid credentials"})


async def test_refresh_rotates_single_use(api):
    user = await api.user()
    r = await api.post("/auth/refresh", json={"refresh_token": user.refresh_token})
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["refresh_token"] != user.refresh_token
    assert data["user"]["id"] == user.id
    r = await api.post("/auth/refresh", json={"refresh_token": user.refresh_token})
    assert (r.status_code, r.json()) == (401, {"error": "invalid or expired refresh token"})
    # replaying a rotated token ends that whole sign-in, including its newest token
    r = await api.post("/auth/refresh", json={"refresh_token": data["refresh_token"]})
    assert r.status_code == 401


async def test_refresh_bad_input(api):
    r = await api.post("/auth/refresh", json={})
    assert (r.status_code, r.json()) == (400, {"error": "refresh_token is required"})
    r = await api.post("/auth/refresh", json={"refresh_token": "nope"})
    assert r.status_code == 401


async def test_logout_revokes_access_and_refresh(api):
    user = await api.user()
    other = await api.login(user.username, user.password)
    r = await api.post("/auth/logout", user)
    assert r.json() == {"data": {"message": "logged out"}}
    r = await api.get("/auth/me", user)
    assert (r.status_code, r.json()) == (401, {"error": "invalid or expired token"})
    for token in (user.refresh_token, other.refresh_token):
        r = await api.post("/auth/refresh", json={"refresh_token": token})
        assert r.status_code == 401


async def test_missing_or_bad_token(api):
    r = await api.get("/auth/me")
    assert (r.status_code, r.json()) == (401, {"error": "missing or invalid authorization header"})
    r = await api.get("/auth/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    r = await api.get("/auth/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert (r.status_code, r.json()) == (401, {"error": "invalid or expired token"})


async def test_token_signed_with_another_secret_is_rejected(api):
    import jwt

    user = await api.user()
    forged = jwt.encode(
        {"uid": user.id, "admin": True, "jti": user.id, "exp": 4102444800},
        "guessed-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    r = await api.get("/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


async def test_me_get_and_update(api):
    user = await api.user("carol")
    other = await api.user("dave")
    r = await api.get("/auth/me", user)
    assert r.json()["data"] == {
        "id": user.id,
        "username": "carol",
        "email": "carol@example.org",
        "display_name": "Carol",
        "is_instance_admin": False,
    }
    r = await api.put("/auth/me", user, json={"display_name": "C"})
    assert (r.status_code, r.json()) == (400, {"error": "display_name and email are required"})
    r = await api.put("/auth/me", user, json={"display_name": "C", "email": other.email})
    assert (r.status_code, r.json()) == (409, {"error": "email already exists"})
    r = await api.put("/auth/me", user, json={"display_name": "Caroline", "email": "c@new.org"})
    assert r.status_code == 200
    assert r.json()["data"]["display_name"] == "Caroline"
    assert r.json()["data"]["email"] == "c@new.org"


async def test_change_password(api):
    user = await api.user("erin")
    other_device = await api.login("erin", user.password)
    r = await api.put("/auth/me/password", user, json={"current_password": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "current_password and new_password are required"})
    r = await api.put("/auth/me/password", user, json={"current_password": "wrong", "new_password": "n"})
    # not 401: a 401 makes the web client sign the user out
    assert (r.status_code, r.json()) == (400, {"error": "current password is incorrect"})
    r = await api.put("/auth/me/password", user, json={"current_password": user.password, "new_password": "new-pw"})
    assert r.json() == {"data": {"message": "password updated"}}
    # the other sign-in's refresh token is revoked; this one keeps working
    r = await api.post("/auth/refresh", json={"refresh_token": other_device.refresh_token})
    assert r.status_code == 401
    r = await api.post("/auth/refresh", json={"refresh_token": user.refresh_token})
    assert r.status_code == 200
    await api.login("erin", "new-pw")


async def test_preferences_shallow_merge(api):
    user = await api.user()
    r = await api.get("/auth/me/preferences", user)
    assert r.json() == {"data": {"prefs": {}}}
    await api.patch("/auth/me/preferences", user, json={"show_read_badges": True, "nested": {"a": 1, "b": 2}})
    r = await api.patch("/auth/me/preferences", user, json={"nested": {"c": 3}, "gone": None})
    assert r.json() == {"data": {"message": "ok"}}
    r = await api.get("/auth/me/preferences", user)
    assert r.json()["data"]["prefs"] == {"show_read_badges": True, "nested": {"c": 3}, "gone": None}
    r = await api.patch("/auth/me/preferences", user, json=[1, 2])
    assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})
    r = await api.patch("/auth/me/preferences", user, json={})
    assert r.json() == {"data": {"message": "ok"}}


async def test_preferences_are_per_user(api):
    a, b = await api.user(), await api.user()
    await api.patch("/auth/me/preferences", a, json={"k": 1})
    r = await api.get("/auth/me/preferences", b)
    assert r.json()["data"]["prefs"] == {}


async def test_user_picker(api):
    admin = await api.admin()
    await api.user("frank")
    await api.user("francesca")
    inactive = await api.user("franz")
    await api.patch(f"/admin/users/{inactive.id}", admin, json={"is_active": False})
    r = await api.get("/users?q=f", admin)
    assert r.json() == {"data": []}
    r = await api.get("/users?q=FRAN", admin)
    names = [u["username"] for u in r.json()["data"]]
    assert names == ["francesca", "frank"]
    assert set(r.json()["data"][0]) == {"id", "username", "display_name", "email"}
    r = await api.get("/users?q=%25%25")  # no token
    assert r.status_code == 401
    r = await api.get("/users?q=__", admin)  # wildcards match literally
    assert r.json() == {"data": []}


async def test_deleted_user_token_stops_working(api):
    admin = await api.admin()
    user = await api.user()
    r = await api.delete(f"/admin/users/{user.id}", admin)
    assert r.status_code == 200
    r = await api.get("/auth/me", user)
    assert r.status_code == 401


async def test_demoted_admin_loses_admin_at_once(api):
    admin = await api.admin()
    second = await api.user("second")
    r = await api.patch(f"/admin/users/{second.id}", admin, json={"is_instance_admin": True})
    assert r.json()["data"]["is_instance_admin"] is True
    # second's token was issued while not admin, but the database decides
    r = await api.get("/admin/users", second)
    assert r.status_code == 200
    await api.patch(f"/admin/users/{second.id}", admin, json={"is_instance_admin": False})
    r = await api.get("/admin/users", second)
    assert (r.status_code, r.json()) == (403, {"error": "instance admin access required"})


def test_a_token_seen_before_is_trusted_only_until_it_expires(monkeypatch):
    """The signer remembers tokens it verified; an expired one is refused even when remembered, and a token
    whose text differs in any way (a forged signature) is verified afresh."""
    import uuid as uuid_module
    from datetime import UTC, datetime, timedelta

    from librarium.auth import tokens
    from librarium.errors import Unauthorized

    signer = tokens.TokenSigner("s" * 40, access_ttl=60)
    token, issued = signer.issue(uuid_module.uuid4(), False, uuid_module.uuid4())
    assert signer.decode(token) == issued and signer.decode(token) == issued  # the second from memory
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(Unauthorized):
        signer.decode(forged)
    later = datetime.now(UTC) + timedelta(seconds=61)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return later

    monkeypatch.setattr(tokens, "datetime", Later)
    monkeypatch.setattr("jwt.api_jwt.datetime", Later, raising=False)
    with pytest.raises(Unauthorized):
        signer.decode(token)
