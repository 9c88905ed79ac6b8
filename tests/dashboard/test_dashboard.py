"""The dashboard endpoints, computed over the caller's libraries only."""

from datetime import UTC, datetime

PATHS = ["currently-reading", "recently-added", "picks-of-the-day", "recently-finished", "continue-series", "stats"]


async def _read(api, user, library, book, status, finished="", favourite=False, rating=None):
    base = f"/libraries/{library['id']}/books/{book['id']}"
    editions = (await api.get(base + "/editions", user)).json()["data"]
    edition = (
        editions[0] if editions else (await api.post(base + "/editions", user, json={"format": "ebook"})).json()["data"]
    )
    body = {"read_status": status, "date_finished": finished, "is_favorite": favourite, "rating": rating}
    r = await api.put(f"{base}/editions/{edition['id']}/my-interaction", user, json=body)
    assert r.status_code == 200, r.text


async def test_dashboard(api):
    user = await api.user()
    library = await api.library(user, "Home")
    author = await api.contributor(user, "Frank Herbert")
    dune = await api.book(library, user, "Dune", contributors=[{"contributor_id": author, "role": "author"}])
    messiah = await api.book(library, user, "Dune Messiah")
    children = await api.book(library, user, "Children of Dune")
    await api.book(library, user, "Unread novel")
    series = (await api.post(f"/libraries/{library['id']}/series", user, json={"name": "Dune"})).json()["data"]
    for book, pos in ((dune, 1), (messiah, 2), (children, 3)):
        await api.post(f"/libraries/{library['id']}/series/{series['id']}/books", user,
                       json={"book_id": book["id"], "position": pos})  # fmt: skip
    today = datetime.now(UTC).date().isoformat()
    await _read(api, user, library, dune, "read", finished=today, favourite=True, rating=9)
    await _read(api, user, library, messiah, "reading")

    reading = (await api.get("/dashboard/currently-reading", user)).json()["data"]
    assert [(b["title"], b["read_status"], b["library_name"]) for b in reading] == [("Dune Messiah", "reading", "Home")]
    assert reading[0]["updated_at"].endswith("Z") and "." not in reading[0]["updated_at"]
    added = (await api.get("/dashboard/recently-added", user)).json()["data"]
    assert len(added) == 4 and {b["title"]: b["read_status"] for b in added}["Dune"] == "read"
    assert {b["title"]: b["authors"] for b in added}["Dune"] == "Frank Herbert"
    picks = (await api.get("/dashboard/picks-of-the-day", user)).json()["data"]
    assert sorted(b["title"] for b in picks) == ["Children of Dune", "Unread novel"]
    assert picks == (await api.get("/dashboard/picks-of-the-day", user)).json()["data"]  # stable for the day
    assert (await api.get("/dashboard/picks-of-the-day?media_type=manga", user)).json() == {"data": []}
    finished = (await api.get("/dashboard/recently-finished", user)).json()["data"]
    assert [(b["title"], b["rating"], b["is_favorite"]) for b in finished] == [("Dune", 9, True)]
    assert finished[0]["finished_at"] == today + "T00:00:00Z"
    nxt = (await api.get("/dashboard/continue-series", user)).json()["data"]
    assert [(n["series_name"], n["title"], n["position"], n["last_read_position"], n["read_status"]) for n in nxt] == [
        ("Dune", "Dune Messiah", 2, 1, "reading")]  # fmt: skip
    stats = (await api.get("/dashboard/stats", user)).json()["data"]
    assert (stats["total_books"], stats["books_read"], stats["books_reading"], stats["favorites_count"]) == (4, 1, 1, 1)
    assert (stats["books_added_this_year"], stats["books_read_this_year"]) == (4, 1)
    assert len(stats["monthly_reads"]) == 12 and stats["monthly_reads"][-1] == {"month": today[:7], "count": 1}


async def test_dashboard_only_covers_my_libraries(api):
    me, other = await api.user(), await api.user()
    theirs = await api.library(other, "Theirs")
    await api.book(theirs, other, "Not mine")
    for path in PATHS[:-1]:
        r = await api.get(f"/dashboard/{path}", me)
        assert r.json() == {"data": []}, path
    assert (await api.get("/dashboard/stats", me)).json()["data"]["total_books"] == 0
    for path in PATHS:
        assert (await api.get(f"/dashboard/{path}")).status_code == 401
