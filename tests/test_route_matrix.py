"""A matrix generated from the app's own OpenAPI document: every route is covered without writing a test.

* every /api/v1 route except the public ones answers 401 without a token;
* every library-scoped write answers 403 for a viewer (except the caller's own reading record);
* every route with an id answers 400 for a malformed id;
* every library-scoped read or delete answers 404 when a child id belongs to another library, and a delete
  through the wrong library leaves the other library's row alone.
"""

import re
import tempfile
import uuid
from pathlib import Path

import pytest
import pytest_asyncio

from librarium.app import create_app
from tests.conftest import make_settings

# every test only reads or is refused: they share one app and one world per database (module_api)
pytestmark = pytest.mark.asyncio(loop_scope="module")

PUBLIC = {
    ("GET", "/health"),
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/setup/status"),
    ("POST", "/api/v1/setup/admin"),
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
}
# library-scoped writes a viewer may make: their own reading record
VIEWER_WRITES = {
    ("PUT", "/api/v1/libraries/{library_id}/books/{book_id}/editions/{edition_id}/my-interaction"),
    ("DELETE", "/api/v1/libraries/{library_id}/books/{book_id}/editions/{edition_id}/my-interaction"),
}
NOT_IDS = {"isbn": "9780306406157", "name": "open_library", "provider": "ollama"}  # path parameters that are not UUIDs


def _operations() -> list[tuple[str, str]]:
    tmp = Path(tempfile.mkdtemp(prefix="librarium-matrix-"))
    app = create_app(make_settings(tmp, f"sqlite:///{tmp / 'unused.db'}"), migrate_on_start=False)
    spec = app.openapi()
    return sorted((method.upper(), path) for path, item in spec["paths"].items() for method in item)


OPERATIONS = _operations()
PARAM = re.compile(r"{(\w+)}")


def fill(path: str, values: dict[str, str], default: str | None = None) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        return NOT_IDS.get(name) or default or str(uuid.uuid4())

    return PARAM.sub(one, path)


def ids(path: str) -> list[str]:
    return [p for p in PARAM.findall(path) if p not in NOT_IDS]


@pytest.mark.parametrize(("method", "path"), [op for op in OPERATIONS if op not in PUBLIC and "/api/v1" in op[1]])
async def test_every_route_needs_a_token(module_api, method, path):
    r = await module_api.request(method, fill(path, {}), json={})
    assert r.status_code == 401, (method, path, r.text)
    assert set(r.json()) == {"error"}


LIBRARY_WRITES = [op for op in OPERATIONS if "{library_id}" in op[1] and op[0] != "GET" and op not in VIEWER_WRITES]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def two_libraries(module_api):
    """Library A (owner, viewer) and library B with one row of every kind, for ids of another library."""
    api = module_api
    owner, viewer, other = await api.user("owner"), await api.user("viewer"), await api.user("other")
    a = await api.library(owner, "A")
    await api.add_member(a, owner, viewer, "library_viewer")
    b = await api.library(other, "B")
    base = f"/libraries/{b['id']}"
    book = await api.book(b, other, "Their book")
    edition = book["editions"][0]["id"] if book.get("editions") else None
    if edition is None:
        edition = (await api.post(f"{base}/books/{book['id']}/editions", other, json={"format": "paperback"})).json()[
            "data"
        ]["id"]
    series = (await api.post(base + "/series", other, json={"name": "S"})).json()["data"]["id"]
    shelf = (await api.post(base + "/shelves", other, json={"name": "Sh"})).json()["data"]["id"]
    tag = await api.tag(b, other, "t")
    loan = (await api.post(base + "/loans", other, json={"book_id": book["id"], "loaned_to": "Z"})).json()["data"]
    theirs = {
        "book_id": book["id"],
        "edition_id": edition,
        "series_id": series,
        "shelf_id": shelf,
        "tag_id": tag,
        "loan_id": loan["id"],
        "user_id": other.id,
    }
    return api, owner, viewer, other, a, b, theirs


@pytest.mark.parametrize(("method", "path"), LIBRARY_WRITES)
async def test_a_viewer_cannot_write(two_libraries, method, path):
    api, _, viewer, _, a, _, _ = two_libraries
    r = await api.request(method, fill(path, {"library_id": a["id"]}), viewer, json={})
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"}), (method, path)


WITH_IDS = [op for op in OPERATIONS if ids(op[1]) and "/api/v1" in op[1]]


@pytest.mark.parametrize(("method", "path"), WITH_IDS)
async def test_a_malformed_id_is_400(two_libraries, method, path):
    api, owner, _, _, a, _, _ = two_libraries
    admin = await api.admin()
    for name in ids(path):
        values = {"library_id": a["id"]} if name != "library_id" else {}
        values[name] = "not-an-id"
        r = await api.request(method, fill(path, values), admin if "library_id" not in path else owner, json={})
        assert r.status_code == 400, (method, path, name, r.text)
        assert r.json()["error"].startswith("invalid"), (method, path, name, r.json())


CHILD_IDS = {"book_id", "edition_id", "series_id", "shelf_id", "tag_id", "loan_id", "user_id"}
CROSS = [
    op for op in OPERATIONS if "{library_id}" in op[1] and op[0] in ("GET", "DELETE") and CHILD_IDS & set(ids(op[1]))
]


@pytest.mark.parametrize(("method", "path"), CROSS)
async def test_ids_of_another_library_are_not_found(two_libraries, method, path):
    api, owner, _, other, a, b, theirs = two_libraries
    wrong = fill(path, {"library_id": a["id"], **theirs})
    r = await api.request(method, wrong, owner)
    assert r.status_code == 404, (method, path, r.text)
    if method == "DELETE":  # nothing of library B was touched
        await assert_intact(api, other, b, theirs)


async def assert_intact(api, other, b, theirs):
    base = f"/libraries/{b['id']}"
    for path in (
        f"/books/{theirs['book_id']}",
        f"/series/{theirs['series_id']}",
        f"/shelves/{theirs['shelf_id']}/books",
        f"/books/{theirs['book_id']}/editions",
    ):
        assert (await api.get(base + path, other)).status_code == 200, path
    assert [t["id"] for t in (await api.get(base + "/tags", other)).json()["data"]] == [theirs["tag_id"]]
    assert [loan["id"] for loan in (await api.get(base + "/loans", other)).json()["data"]] == [theirs["loan_id"]]
    members = (await api.get(base + "/members", other)).json()["data"]
    assert [m["user_id"] for m in members] == [other.id]
