"""Contributor metadata from a provider: fetch (nothing saved) and apply (merge rules, external ids, works
replaced per source, photo download)."""

from __future__ import annotations

import pytest

from tests.fixtures.media import png

OL = "https://openlibrary.org"
ZERO = "00000000-0000-0000-0000-000000000001"
PHOTO = "https://covers.openlibrary.org/a/id/5543033-L.jpg"


@pytest.fixture
def settings_overrides(request):
    return getattr(request, "param", {})


def record_author(stand_in):
    stand_in.on("GET", f"{OL}/authors/OL23919A.json", recorded="open_library_author")
    stand_in.on("GET", f"{OL}/authors/OL23919A/works.json", recorded="open_library_author_works")


async def test_fetch(api, stand_in):
    user = await api.user()
    cid = await api.contributor(user, "J.K. Rowling")
    record_author(stand_in)
    path = f"/contributors/{cid}/metadata/fetch"
    r = await api.get(f"{path}?provider=open_library&external_id=OL23919A", user)
    assert r.status_code == 200
    data = r.json()["data"]
    assert {k: data[k] for k in ("provider", "external_id", "name", "born_date", "died_date", "nationality")} == {
        "provider": "open_library", "external_id": "OL23919A", "name": "J. K. Rowling",
        "born_date": "1965-07-31T00:00:00Z", "died_date": None, "nationality": "",
    }  # fmt: skip
    assert data["photo_url"] == PHOTO
    assert data["works"][0] == {
        "title": "Harry Potter and the Philosopher's Stone", "isbn_13": "", "isbn_10": "", "publish_year": 1997,
        "cover_url": "https://covers.openlibrary.org/b/id/10521270-M.jpg",
    }  # fmt: skip
    # nothing was saved
    r = await api.patch(f"/contributors/{cid}", user, json={})
    assert r.json()["data"]["external_ids"] == {}


async def test_fetch_errors(api, stand_in):
    user = await api.user()
    cid = await api.contributor(user, "Someone")
    path = f"/contributors/{cid}/metadata/fetch"
    r = await api.get(f"{path}?provider=open_library", user)
    assert (r.status_code, r.json()) == (400, {"error": "provider and external_id are required"})
    r = await api.get(f"{path}?provider=google_books&external_id=x", user)
    assert (r.status_code, r.json()) == (
        400,
        {"error": 'provider error: no enabled contributor provider named "google_books"'},
    )
    r = await api.get(f"{path}?provider=open_library&external_id=OL0A", user)  # the stand-in has no such author
    assert (r.status_code, r.json()) == (404, {"error": "contributor not found at provider"})
    stand_in.on("GET", f"{OL}/authors/OL1A.json", status=500, text="boom")
    r = await api.get(f"{path}?provider=open_library&external_id=OL1A", user)
    assert (r.status_code, r.json()) == (502, {"error": "provider error: open_library fetch author: status 500"})
    r = await api.get(f"/contributors/{ZERO}/metadata/fetch?provider=open_library&external_id=OL23919A", user)
    assert (r.status_code, r.json()) == (404, {"error": "contributor not found"})
    r = await api.get(f"{path}?provider=open_library&external_id=OL23919A")
    assert r.status_code == 401


@pytest.mark.parametrize("settings_overrides", [{"allow_private_fetch": True}], indirect=True)
async def test_apply(api, stand_in):
    user = await api.user()
    owner = await api.user()
    library = await api.library(owner)
    cid = await api.contributor(user, "J.K. Rowling")
    stand_in.on("GET", PHOTO, text="", headers={"content-type": "image/png"})
    stand_in.routes[("GET", PHOTO)][0].body = png()
    body = {
        "provider": "open_library",
        "external_id": "OL23919A",
        "bio": "British author.",
        "born_date": "1965-07-31T00:00:00Z",
        "died_date": None,
        "nationality": "",
        "photo_url": PHOTO,
        "works": [
            {"title": "Harry Potter and the Philosopher's Stone", "isbn_13": "978-0-7475-3269-9", "isbn_10": "",
             "publish_year": 1997, "cover_url": ""},
            {"title": "The Casual Vacancy", "isbn_13": "", "isbn_10": "", "publish_year": 2012, "cover_url": ""},
            {"title": "  ", "isbn_13": "", "isbn_10": "", "publish_year": None, "cover_url": ""},
        ],
    }  # fmt: skip
    r = await api.post(f"/contributors/{cid}/metadata/apply", user, json=body)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["name"], data["bio"], data["born_date"], data["died_date"], data["external_ids"]) == (
        "J.K. Rowling", "British author.", "1965-07-31T00:00:00Z", None, {"open_library": "OL23919A"})  # fmt: skip
    assert data["photo_url"].startswith(f"/api/v1/contributors/{cid}/photo?v=")
    photo = await api.get(f"/contributors/{cid}/photo", user)
    assert (photo.status_code, photo.content) == (200, png())

    detail = (await api.get(f"/libraries/{library['id']}/contributors/{cid}", owner)).json()["data"]
    assert [(w["title"], w["isbn_13"], w["source"]) for w in detail["works"]] == [
        ("Harry Potter and the Philosopher's Stone", "9780747532699", "open_library"),
        ("The Casual Vacancy", "", "open_library")]  # fmt: skip

    # the user hides a work; applying again replaces the provider's list but keeps the hidden one hidden
    vacancy = next(w for w in detail["works"] if w["title"] == "The Casual Vacancy")
    assert (await api.delete(f"/contributors/{cid}/works/{vacancy['id']}", user)).status_code == 204
    body = {"provider": "open_library", "external_id": "OL23919A", "bio": "", "nationality": "British",
            "works": [{"title": "The Casual Vacancy", "publish_year": 2012}, {"title": "The Ickabog"}]}  # fmt: skip
    data = (await api.post(f"/contributors/{cid}/metadata/apply", user, json=body)).json()["data"]
    assert (data["bio"], data["nationality"]) == ("British author.", "British")  # empty fields keep the old value
    detail = (await api.get(f"/libraries/{library['id']}/contributors/{cid}", owner)).json()["data"]
    assert [w["title"] for w in detail["works"]] == ["The Ickabog"]


@pytest.mark.parametrize("settings_overrides", [{"allow_private_fetch": True}], indirect=True)
async def test_apply_with_a_broken_photo_still_applies_the_rest(api, stand_in):
    user = await api.user()
    cid = await api.contributor(user, "Someone")
    stand_in.on("GET", PHOTO, status=404, text="gone")
    r = await api.post(f"/contributors/{cid}/metadata/apply", user, json={"bio": "Bio", "photo_url": PHOTO})
    assert (r.status_code, r.json()["data"]["bio"], r.json()["data"]["photo_url"]) == (200, "Bio", None)


async def test_apply_errors(api):
    user = await api.user()
    cid = await api.contributor(user, "Someone")
    r = await api.post(f"/contributors/{cid}/metadata/apply", user, json={"born_date": "yesterday"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})  # as upstream
    r = await api.post(
        f"/contributors/{cid}/metadata/apply", user, json={"works": [{"title": "x", "publish_year": -1}]}
    )
    assert r.status_code == 400
    r = await api.post(f"/contributors/{ZERO}/metadata/apply", user, json={"bio": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "contributor not found"})
    r = await api.post("/contributors/nope/metadata/apply", user, json={"bio": "x"})
    assert r.status_code == 400
    r = await api.post(f"/contributors/{cid}/metadata/apply", json={"bio": "x"})
    assert r.status_code == 401
