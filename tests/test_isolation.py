"""A member of library A can reach nothing of library B through A's path (upstream allows it)."""

import pytest


@pytest.fixture
async def two_libraries(api):
    alice, bob = await api.user("alice"), await api.user("bob")
    lib_a = await api.library(alice, "A")
    lib_b = await api.library(bob, "B")
    book_b = await api.book(lib_b, bob, "Bob's book", edition={"format": "ebook", "isbn_13": "9780306406157"})
    edition_b = (await api.get(f"/libraries/{lib_b['id']}/books/{book_b['id']}/editions", bob)).json()["data"][0]
    tag_b = await api.tag(lib_b, bob, "bobs")
    return api, alice, lib_a, book_b, edition_b, tag_b


async def test_book_of_other_library_is_404_through_own_path(two_libraries):
    api, alice, lib_a, book_b, edition_b, tag_b = two_libraries
    a = f"/libraries/{lib_a['id']}"
    novel = await api.media_type_id(alice)
    book_path = f"{a}/books/{book_b['id']}"
    checks = [
        ("GET", book_path, None),
        ("PUT", book_path, {"title": "stolen", "media_type_id": novel}),
        ("DELETE", book_path, None),
        ("GET", book_path + "/editions", None),
        ("POST", book_path + "/editions", {"format": "ebook"}),
        ("PUT", f"{book_path}/editions/{edition_b['id']}", {"format": "ebook"}),
        ("DELETE", f"{book_path}/editions/{edition_b['id']}", None),
        ("GET", f"{book_path}/editions/{edition_b['id']}/my-interaction", None),
        ("PUT", f"{book_path}/editions/{edition_b['id']}/my-interaction", {"read_status": "read"}),
        ("PUT", f"{a}/tags/{tag_b}", {"name": "mine"}),
        ("DELETE", f"{a}/tags/{tag_b}", None),
    ]
    for method, path, body in checks:
        r = await api.request(method, path, alice, json=body)
        assert r.status_code == 404, (method, path, r.status_code)


async def test_edition_of_another_book_is_404(two_libraries):
    api, alice, lib_a, book_b, edition_b, tag_b = two_libraries
    own = await api.book(lib_a, alice, "Alice's book")
    r = await api.put(f"/libraries/{lib_a['id']}/books/{own['id']}/editions/{edition_b['id']}", alice,
                      json={"format": "ebook"})  # fmt: skip
    assert (r.status_code, r.json()) == (404, {"error": "edition not found"})


async def test_cannot_attach_other_librarys_tag(two_libraries):
    api, alice, lib_a, book_b, edition_b, tag_b = two_libraries
    novel = await api.media_type_id(alice)
    r = await api.post(f"/libraries/{lib_a['id']}/books", alice, json={"title": "x", "media_type_id": novel,
                                                                        "tag_ids": [tag_b]})  # fmt: skip
    assert (r.status_code, r.json()) == (404, {"error": f"tag not found: {tag_b}"})


async def test_searches_never_cross_libraries(two_libraries):
    api, alice, lib_a, book_b, edition_b, tag_b = two_libraries
    a = f"/libraries/{lib_a['id']}"
    assert (await api.get(f"{a}/books?q=bob", alice)).json()["data"]["total"] == 0
    assert (await api.get(f"{a}/books?tag=bobs", alice)).json()["data"]["total"] == 0
    r = await api.get(f"{a}/book-by-isbn/9780306406157", alice)
    assert r.status_code == 404
    assert (await api.get(f"{a}/books/letters", alice)).json() == {"data": []}
    assert (await api.get(f"{a}/books/fingerprint", alice)).json()["data"]["total"] == 0
    assert (await api.get(f"{a}/tags", alice)).json() == {"data": []}
    # and the other library's path itself is closed to her
    r = await api.get(f"/libraries/{book_b['library_id']}/books", alice)
    assert r.status_code == 403


async def test_same_isbn_in_two_libraries_is_two_books(two_libraries):
    api, alice, lib_a, book_b, edition_b, tag_b = two_libraries
    mine = await api.book(lib_a, alice, "Same ISBN", edition={"format": "ebook", "isbn_13": "9780306406157"})
    assert mine["id"] != book_b["id"] and mine["library_id"] == lib_a["id"]
