"""Paging over a library built with the factories (hundreds of books, no HTTP to build them)."""

from tests.fixtures import factories


async def test_pages_cover_every_book_once_in_natural_order(api):
    admin = await api.admin()
    owner = await factories.user(api.app.state.db, "collector")
    built = await factories.library_with_books(api.app.state.db, owner, 450, title="Volume {n}", with_isbn=True)
    base = f"/libraries/{built.library_id}/books"
    seen: list[str] = []
    page = 1
    while True:
        r = await api.get(base, admin, params={"page": page, "per_page": 200})
        data = r.json()["data"]
        assert r.status_code == 200 and data["total"] == 450
        if not data["items"]:
            break
        seen += [b["title"] for b in data["items"]]
        page += 1
    assert seen == [f"Volume {n}" for n in range(1, 451)]  # "Volume 2" before "Volume 10"
    r = await api.get(base, admin, params={"q": f"isbn:{factories.isbn13(45)}"})
    assert [b["title"] for b in r.json()["data"]["items"]] == ["Volume 45"]
