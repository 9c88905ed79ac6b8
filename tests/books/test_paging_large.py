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


async def test_a_broad_search_pages_in_order_and_counts_only_this_librarys_books(api, database_url):
    """On SQLite a broad word search walks the sorted index for its page and, when the library holds every book
    of the instance, counts from the full-text index alone; the answers must be those of the plain plan."""
    admin = await api.admin()
    owner = await factories.user(api.app.state.db, "collector")
    built = await factories.library_with_books(api.app.state.db, owner, 300, title="Dragon tale {n}")
    library = {"id": str(built.library_id)}
    for n in (1, 2):
        await api.book(library, admin, f"Other {n}")
    base = f"/libraries/{built.library_id}/books"

    async def search(path: str, q: str, per_page: int = 50) -> tuple[int, list[str]]:
        titles, page, total = [], 1, -1
        while True:
            data = (await api.get(path, admin, params={"q": q, "page": page, "per_page": per_page})).json()["data"]
            total = data["total"]
            if not data["items"]:
                return total, titles
            titles += [b["title"] for b in data["items"]]
            page += 1

    expected = [f"Dragon tale {n}" for n in range(1, 301)]
    assert await search(base, "dragon") == (300, expected)
    assert await search(base, "drag TALE") == (300, expected)  # word prefixes, any case
    assert (await search(base, "dragon or other"))[0] == 302  # an operator: not a plain search of all words
    # narrow searches (fewer matches than a walk needs): the probe's hits are the matches, read directly
    assert await search(base, "other", per_page=200) == (2, ["Other 1", "Other 2"])
    sevens = ["Dragon tale 7", *(f"Dragon tale {n}" for n in range(70, 80))]
    assert await search(base, "tale 7", per_page=200) == (11, sevens)
    assert await search(base, "zebra", per_page=200) == (0, [])  # no match at all: an empty list of hits
    other = await api.library(admin)  # now the instance holds books of two libraries
    await api.book(other, admin, "Dragon egg")
    assert await search(base, "dragon") == (300, expected)
    assert await search(f"/libraries/{other['id']}/books", "dragon") == (1, ["Dragon egg"])


async def test_filtered_pages_and_totals_equal_the_unfiltered_list_filtered(api):
    """A tag (both databases) or a word search (PostgreSQL, when the planner sorts every match; SQLite, when its
    probe found them all) reads its matches once for the page and the count (books/repository.py _read_once):
    every sort and direction must page as the whole list does, and a page past the end still counts."""
    admin = await api.admin()
    owner = await factories.user(api.app.state.db, "collector")
    built = await factories.library_with_books(api.app.state.db, owner, 120, title="Book {n}")
    library = {"id": str(built.library_id)}
    lit = await api.tag(library, admin, "lit")
    for n in (3, 14, 15, 92, 118):
        await api.book(library, admin, f"Lantern {n}", tag_ids=[lit])
    await api.book(library, admin, "Lantern 0")  # untagged: a match of the search, not of the tag
    base = f"/libraries/{built.library_id}/books"

    async def titles(params: dict[str, object]) -> tuple[int, list[str]]:
        data = (await api.get(base, admin, params={**params, "per_page": 200})).json()["data"]
        return data["total"], [b["title"] for b in data["items"]]

    for sort in ("", "title", "created_at", "updated_at", "publish_date", "media_type"):
        for direction in ("asc", "desc"):
            order = {"sort": sort, "sort_dir": direction}
            _, everything = await titles(order)
            lanterns = [t for t in everything if t.startswith("Lantern")]
            assert await titles({**order, "q": "lant"}) == (6, lanterns), order
            assert await titles({**order, "tag": "lit"}) == (5, [t for t in lanterns if t != "Lantern 0"]), order
            paged = []
            for page in (1, 2, 3):
                r = await api.get(base, admin, params={**order, "q": "lantern", "page": page, "per_page": 2})
                assert r.status_code == 200 and r.json()["data"]["total"] == 6
                paged += [b["title"] for b in r.json()["data"]["items"]]
            assert paged == lanterns
    r = await api.get(base, admin, params={"q": "lantern", "page": 9, "per_page": 2})
    assert r.status_code == 200 and r.json()["data"]["items"] == [] and r.json()["data"]["total"] == 6
