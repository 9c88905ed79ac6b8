"""Loans: lend, list, return, conflicts, permissions and isolation."""

import pytest

ZERO = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
async def lib(api):
    owner = await api.user("owner")
    library = await api.library(owner)
    book = await api.book(library, owner, "Dune")
    return api, owner, library, book, f"/libraries/{library['id']}/loans"


async def test_loan_lifecycle(lib):
    api, owner, library, book, path = lib
    tag = await api.tag(library, owner, "family")
    body = {"book_id": book["id"], "loaned_to": "Aunt May", "loaned_at": "2026-01-02", "due_date": "2026-02-01",
            "notes": "careful", "tag_ids": [tag]}  # fmt: skip
    r = await api.post(path, owner, json=body)
    assert r.status_code == 201
    loan = r.json()["data"]
    assert (loan["book_title"], loan["loaned_at"], loan["due_date"], loan["returned_at"]) == (
        "Dune", "2026-01-02", "2026-02-01", None)  # fmt: skip
    assert [t["name"] for t in loan["tags"]] == ["family"]  # upstream returns [] here
    r = await api.post(path, owner, json={"book_id": book["id"], "loaned_to": "Someone else"})
    assert (r.status_code, r.json()) == (409, {"error": "this book is already on loan to Aunt May (since 2026-01-02)"})
    assert [x["loaned_to"] for x in (await api.get(path + "?search=may", owner)).json()["data"]] == ["Aunt May"]
    assert len((await api.get(path + "?search=dune", owner)).json()["data"]) == 1
    assert len((await api.get(path + "?tag=FAMILY", owner)).json()["data"]) == 1
    # "mark returned" as the web client sends it: no tag_ids, so the tags stay
    returned = {"loaned_to": "Aunt May", "due_date": "2026-02-01", "returned_at": "2026-01-20", "notes": "careful"}
    r = await api.patch(f"{path}/{loan['id']}", owner, json=returned)
    data = r.json()["data"]
    assert (data["returned_at"], [t["name"] for t in data["tags"]]) == ("2026-01-20", ["family"])
    assert (await api.get(path, owner)).json() == {"data": []}
    assert len((await api.get(path + "?include_returned=true", owner)).json()["data"]) == 1
    # returned: it can be lent again
    r = await api.post(path, owner, json={"book_id": book["id"], "loaned_to": "Peter"})
    assert r.status_code == 201 and r.json()["data"]["loaned_at"]
    # re-opening the first loan now conflicts with Peter's
    r = await api.patch(f"{path}/{loan['id']}", owner, json={"loaned_to": "Aunt May"})
    assert r.status_code == 409
    r = await api.delete(f"{path}/{loan['id']}", owner)
    assert r.status_code == 204
    r = await api.delete(f"{path}/{loan['id']}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "loan not found"})


async def test_loan_bad_input(lib):
    api, owner, library, book, path = lib
    cases = [
        ({"book_id": "x", "loaned_to": "a"}, 400, "invalid book_id"),
        ({"book_id": book["id"]}, 400, "loaned_to is required"),
        ({"book_id": book["id"], "loaned_to": "a", "loaned_at": "yesterday"}, 400, "loaned_at must be YYYY-MM-DD"),
        ({"book_id": book["id"], "loaned_to": "a", "loaned_at": "2026-02-01", "due_date": "2026-01-01"}, 400,
         "due_date must not be before loaned_at"),
        ({"book_id": book["id"], "loaned_to": "a", "tag_ids": ["bad"]}, 400, "invalid tag_id: bad"),
        ({"book_id": ZERO, "loaned_to": "a"}, 404, "book not found"),
    ]  # fmt: skip
    for body, status, message in cases:
        r = await api.post(path, owner, json=body)
        assert (r.status_code, r.json()) == (status, {"error": message}), body
    r = await api.patch(f"{path}/{ZERO}", owner, json={"loaned_to": "a"})
    assert (r.status_code, r.json()) == (404, {"error": "loan not found"})
    r = await api.patch(f"{path}/bad", owner, json={"loaned_to": "a"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid loan id"})


async def test_loan_permissions_and_isolation(lib):
    api, owner, library, book, path = lib
    editor, viewer, stranger = await api.user(), await api.user(), await api.user()
    await api.add_member(library, owner, editor, "library_editor")
    await api.add_member(library, owner, viewer, "library_viewer")
    r = await api.post(path, viewer, json={"book_id": book["id"], "loaned_to": "x"})
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    loan = (await api.post(path, editor, json={"book_id": book["id"], "loaned_to": "x"})).json()["data"]
    assert (await api.patch(f"{path}/{loan['id']}", editor, json={"loaned_to": "y"})).status_code == 200
    r = await api.delete(f"{path}/{loan['id']}", editor)  # editors cannot delete loans
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    assert (await api.get(path, viewer)).status_code == 200
    assert (await api.get(path, stranger)).status_code == 403
    assert (await api.get(path)).status_code == 401
    # a book can only be lent from its own library
    other_lib = await api.library(stranger, "Theirs")
    their_book = await api.book(other_lib, stranger, "Theirs")
    r = await api.post(path, owner, json={"book_id": their_book["id"], "loaned_to": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "book not found"})
    their_loan = (await api.post(f"/libraries/{other_lib['id']}/loans", stranger,
                                 json={"book_id": their_book["id"], "loaned_to": "z"})).json()["data"]  # fmt: skip
    assert (await api.patch(f"{path}/{their_loan['id']}", owner, json={"loaned_to": "me"})).status_code == 404
    assert (await api.delete(f"{path}/{their_loan['id']}", owner)).status_code == 404
