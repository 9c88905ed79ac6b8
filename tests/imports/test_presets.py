"""Exports recognised by their header when the client sends no mapping: Goodreads, StoryGraph, LibraryThing
(tab-separated), Libib and plain headers."""

from __future__ import annotations

import pytest

from librarium.jobs.runner import Worker
from tests.conftest import make_settings

GOODREADS = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,"
    "Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies\n"
    '1,Good Omens,Terry Pratchett,"Pratchett, Terry",Neil Gaiman,="0060853980",="9780060853983",4,4.25,'
    'William Morrow,Paperback,432,2006,1990,,2021/07/21,"fantasy, to-read",,to-read,,,,0,0\n'
)
STORYGRAPH = (
    "Title,Authors,Contributors,ISBN/UID,Format,Read Status,Date Added,Last Date Read,Dates Read,Read Count,"
    "Moods,Pace,Character- or Plot-Driven?,Strong Character Development?,Loveable Characters?,"
    "Diverse Characters?,Flawed Characters?,Star Rating,Review,Content Warnings,Content Warning Description,"
    "Tags,Owned?\n"
    '"Piranesi","Susanna Clarke",,9781635575637,paperback,read,2021/07/21,,,1,mysterious,slow,,,,,,4.5,,,,'
    '"fantasy",Yes\n'
    '"An ASIN book","A. Writer",,B07XYZ1234,digital,to-read,2021/07/21,,,0,,,,,,,,,,,,,No\n'
)
LIBRARYTHING = (
    "\t".join(["Book Id", "Title", "Sort Character", "Primary Author", "Primary Author Role", "Date", "Page Count",
               "Tags", "ISBN", "Acquired", "Summary", "Work id"]) + "\n"
    + "\t".join(["1", "The Hobbit", "5", "Tolkien, J.R.R.", "Author", "[1937]", "310", "fantasy",
                 "[0261102214]", "[2007-04-16]", "A hobbit's tale.", "123"]) + "\n"
)  # fmt: skip
LIBIB = (
    "item_type,title,creators,first_name,last_name,collection,ean_isbn13,upc_isbn10,description,publisher,"
    "publish_date,group,tags,notes,price,length,number_of_discs,number_of_players,age_group,ensemble,"
    "aspect_ratio,esrb,rating,review,review_date,status,began,completed,added,copies\n"
    'book,Dune,"Frank Herbert",,,Library,9780441172719,,Desert planet.,Ace,1965,,sci-fi,,,,,,,,,,,,,'
    "Not Begun,,,2020-01-01,1\n"
    "movie,Dune (film),Denis Villeneuve,,,Library,,,,,,,,,,,,,,,,,,,,,,,2020-01-01,1\n"
)
PLAIN = "Title;Author\nx\n".replace(";", ",") + "Just a Title,Some One\n"


@pytest.fixture
async def home(api):
    owner = await api.user("owner")
    return api, owner, await api.library(owner)


async def imported(api, owner, library, text, tmp_path, database_url, name="export.csv", **fields):
    files = {"file": (name, text.encode(), "text/csv")}
    r = await api.post(f"/libraries/{library['id']}/imports", owner, files=files, data=fields)
    assert r.status_code == 201, r.text
    await Worker(api.app.state.db, make_settings(tmp_path, database_url)).run_until_idle()
    job = (await api.get(f"/libraries/{library['id']}/imports/{r.json()['data']['id']}", owner)).json()["data"]
    return job


async def book_named(api, owner, library, title):
    items = (await api.get(f"/libraries/{library['id']}/books", owner)).json()["data"]["items"]
    book = next(b for b in items if b["title"] == title)
    full = (await api.get(f"/libraries/{library['id']}/books/{book['id']}", owner)).json()["data"]
    editions = (await api.get(f"/libraries/{library['id']}/books/{book['id']}/editions", owner)).json()["data"]
    return full, editions[0]


async def test_goodreads(home, tmp_path, database_url):
    api, owner, library = home
    job = await imported(api, owner, library, GOODREADS, tmp_path, database_url)
    assert (job["options"]["preset"], job["processed_rows"]) == ("goodreads", 1)
    book, edition = await book_named(api, owner, library, "Good Omens")
    assert [c["name"] for c in book["contributors"]] == ["Terry Pratchett", "Neil Gaiman"]
    assert (edition["isbn_13"], edition["isbn_10"], edition["page_count"], edition["acquired_at"]) == (
        "9780060853983", "0060853980", 432, "2021-07-21")  # fmt: skip
    # Goodreads "bookshelves" are shelves of the library (the status shelves are the status); a shelf naming a
    # genre sets it
    assert [s["name"] for s in book["shelves"]] == ["fantasy"] and book["tags"] == []
    assert [g["name"] for g in book["genres"]] == ["Fantasy"]


async def test_storygraph(home, tmp_path, database_url):
    api, owner, library = home
    job = await imported(api, owner, library, STORYGRAPH, tmp_path, database_url)
    assert (job["options"]["preset"], job["processed_rows"]) == ("storygraph", 2)
    _, edition = await book_named(api, owner, library, "Piranesi")
    assert edition["isbn_13"] == "9781635575637"
    _, asin = await book_named(api, owner, library, "An ASIN book")
    assert asin["isbn_13"] == "" and asin["isbn_10"] == ""  # an Amazon id is no ISBN


async def test_librarything_tab_separated(home, tmp_path, database_url):
    api, owner, library = home
    job = await imported(api, owner, library, LIBRARYTHING, tmp_path, database_url, name="librarything.tsv")
    assert (job["options"]["preset"], job["processed_rows"]) == ("librarything", 1)
    book, edition = await book_named(api, owner, library, "The Hobbit")
    assert [c["name"] for c in book["contributors"]] == ["J.R.R. Tolkien"]
    assert (edition["isbn_10"], edition["publish_date"], edition["acquired_at"], book["description"]) == (
        "0261102214", "1937-01-01", "2007-04-16", "A hobbit's tale.")  # fmt: skip


async def test_libib_skips_what_is_not_a_book(home, tmp_path, database_url):
    api, owner, library = home
    job = await imported(api, owner, library, LIBIB, tmp_path, database_url)
    assert (job["options"]["preset"], job["processed_rows"], job["skipped_rows"]) == ("libib", 1, 1)
    assert job["items"][1]["message"] == "not a book (movie)"


async def test_plain_headers(home, tmp_path, database_url):
    api, owner, library = home
    job = await imported(api, owner, library, PLAIN, tmp_path, database_url)
    assert (job["options"]["preset"], job["processed_rows"]) == ("generic", 2)


async def test_a_named_preset_wins_over_the_header(home, tmp_path, database_url):
    api, owner, library = home
    # a Libib export whose header lost its signature columns: named, it is still read as Libib
    trimmed = "title,creators,status\nDune,Frank Herbert,completed\n"
    job = await imported(api, owner, library, trimmed, tmp_path, database_url, preset="libib")
    assert (job["options"]["preset"], job["processed_rows"]) == ("libib", 1)
    book, edition = await book_named(api, owner, library, "Dune")
    assert [c["name"] for c in book["contributors"]] == ["Frank Herbert"]
    assert (await reading(api, owner, library, book, edition))["read_status"] == "read"
    files = {"file": ("x.csv", trimmed.encode(), "text/csv")}
    r = await api.post(f"/libraries/{library['id']}/imports", owner, files=files, data={"preset": "kindle"})
    assert (r.status_code, r.json()["error"]) == (
        400, "unknown preset 'kindle' (one of goodreads, storygraph, librarything, libib, generic)")  # fmt: skip


GOODREADS_READ = GOODREADS.splitlines()[0] + "\n" + "".join([
    '2,"The Way of Kings (The Stormlight Archive, #1)",Brandon Sanderson,"Sanderson, Brandon",,="",',
    '="9780765326355",5,4.6,Tor,Hardcover,1007,2010,2010,2022/03/04,2021/12/01,"owned, epic",,read,',
    '"Huge.<br/>Loved it &amp; more",,,3,2\n',
    '3,Dropped Book,Some One,"One, Some",,="",="",0,3,X,Paperback,100,2000,2000,,2021/12/01,,,did-not-finish,',
    ",,,0,0\n",
    '4,Shelved Book,Some One,"One, Some",,="",="",0,3,X,Paperback,100,2000,2000,,2021/12/01,,,favorites-2023,',
    ",,,0,0\n",
])  # fmt: skip


async def reading(api, owner, library, book, edition):
    path = f"/libraries/{library['id']}/books/{book['id']}/editions/{edition['id']}/my-interaction"
    r = await api.get(path, owner)
    return r.json().get("data") if r.status_code == 200 else None


async def test_goodreads_reading_records_series_shelves_and_copies(home, tmp_path, database_url):
    api, owner, library = home
    job = await imported(api, owner, library, GOODREADS_READ, tmp_path, database_url)
    assert (job["processed_rows"], job["failed_rows"]) == (3, 0), job["items"]
    book, edition = await book_named(api, owner, library, "The Way of Kings")
    assert book["series"][0]["series_name"] == "The Stormlight Archive" and book["series"][0]["position"] == 1.0
    assert sorted(s["name"] for s in book["shelves"]) == ["epic", "owned"]
    assert edition["copy_count"] == 2
    record = await reading(api, owner, library, book, edition)
    assert (record["read_status"], record["rating"], record["date_finished"], record["reread_count"]) == (
        "read", 10, "2022-03-04", 2)  # fmt: skip
    assert record["review"] == "Huge.\nLoved it & more"
    dropped, dropped_edition = await book_named(api, owner, library, "Dropped Book")
    assert (await reading(api, owner, library, dropped, dropped_edition))["read_status"] == "did_not_finish"
    shelved, shelved_edition = await book_named(api, owner, library, "Shelved Book")
    assert [s["name"] for s in shelved["shelves"]] == ["favorites-2023"]  # a user's own exclusive shelf
    assert await reading(api, owner, library, shelved, shelved_edition) is None  # nothing to record: unread
    # the series and shelves were created once and are shared
    series = (await api.get(f"/libraries/{library['id']}/series", owner)).json()["data"]
    assert [s["name"] for s in series] == ["The Stormlight Archive"]


STORYGRAPH_READ = (
    STORYGRAPH.splitlines()[0]
    + "\n"
    + (
        '"Quarter Stars","A. Writer",,,paperback,currently-reading,2021/07/21,,"2023/01/05-",1,,,,,,,,3.75,'
        '"Slow start",,,,Yes\n'
    )
)


async def test_storygraph_quarter_stars_and_dates(home, tmp_path, database_url):
    api, owner, library = home
    await imported(api, owner, library, STORYGRAPH + STORYGRAPH_READ.split("\n", 1)[1], tmp_path, database_url)
    book, edition = await book_named(api, owner, library, "Quarter Stars")
    record = await reading(api, owner, library, book, edition)
    assert (record["read_status"], record["rating"], record["date_started"], record["review"]) == (
        "reading", 8, "2023-01-05", "Slow start")  # fmt: skip
    piranesi, piranesi_edition = await book_named(api, owner, library, "Piranesi")
    assert (await reading(api, owner, library, piranesi, piranesi_edition))["rating"] == 9  # 4.5 stars


async def test_librarything_status_follows_the_dates(home, tmp_path, database_url):
    api, owner, library = home
    header = ["Book Id", "Title", "Primary Author", "Rating", "Review", "Date Started", "Date Read", "Collections",
              "ISBN", "Work id", "Sort Character"]  # fmt: skip
    lines = [header, ["1", "Started", "A. B", "4", "", "[2024-01-02]", "", "Your library, Wishlist", "", "1", ""],
             ["2", "Finished", "A. B", "2.5", "meh", "", "[2024-02-03]", "Your library", "", "2", ""]]  # fmt: skip
    text = "\n".join("\t".join(line) for line in lines) + "\n"
    await imported(api, owner, library, text, tmp_path, database_url, name="lt.tsv")
    started, started_edition = await book_named(api, owner, library, "Started")
    record = await reading(api, owner, library, started, started_edition)
    assert (record["read_status"], record["rating"], record["date_started"]) == ("reading", 8, "2024-01-02")
    assert [s["name"] for s in started["shelves"]] == ["Wishlist"]
    finished, finished_edition = await book_named(api, owner, library, "Finished")
    record = await reading(api, owner, library, finished, finished_edition)
    assert (record["read_status"], record["rating"], record["review"]) == ("read", 5, "meh")


async def test_libib_statuses(home, tmp_path, database_url):
    api, owner, library = home
    text = LIBIB.replace(",Not Begun,,,2020-01-01,1", ",Completed,2020-01-01,2020-02-01,2020-01-01,3").replace(
        ",,,,,,,,,,,,,Completed", ",,,,,,,,,,4.5,,,Completed")  # fmt: skip
    await imported(api, owner, library, text, tmp_path, database_url)
    book, edition = await book_named(api, owner, library, "Dune")
    record = await reading(api, owner, library, book, edition)
    assert (record["read_status"], record["date_started"], record["date_finished"]) == (
        "read", "2020-01-01", "2020-02-01")  # fmt: skip
    assert edition["copy_count"] == 3


async def test_utf16_and_semicolon_files(home, tmp_path, database_url):
    api, owner, library = home
    text = "Title;Author;ISBN\nÉtranger;Albert Camus;9782070360024\n"
    r = await api.post(f"/libraries/{library['id']}/imports", owner,
                       files={"file": ("export.csv", text.encode("utf-16"), "text/csv")})  # fmt: skip
    assert r.status_code == 201, r.text
    await Worker(api.app.state.db, make_settings(tmp_path, database_url)).run_until_idle()
    book, edition = await book_named(api, owner, library, "Étranger")
    assert [c["name"] for c in book["contributors"]] == ["Albert Camus"] and edition["isbn_13"] == "9782070360024"
