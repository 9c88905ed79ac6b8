"""The hot book endpoints serialise with orjson, skipping their response model: what they send must be
exactly what the model would send (same keys, same values, same formats)."""

from librarium.books.schemas import BookPage, BookRead
from librarium.kit.schema import Envelope


def model_output(model, body):
    return model.model_validate(body).model_dump(mode="json")


async def test_fast_answers_equal_their_models(api):
    owner = await api.user("owner")
    library = await api.library(owner)
    base = f"/libraries/{library['id']}"
    author = await api.contributor(owner, "Ursula K. Le Guin")
    tag = await api.tag(library, owner, "classic")
    created = await api.post(
        base + "/books",
        owner,
        json={
            "title": "The Dispossessed",
            "subtitle": "An Ambiguous Utopia",
            "media_type_id": await api.media_type_id(owner),
            "contributors": [{"contributor_id": author, "role": "author"}],
            "tag_ids": [tag],
            "edition": {"format": "paperback", "isbn_13": "9780061054884", "page_count": 387},
        },
    )
    assert created.status_code == 201
    book = created.json()["data"]
    shelf = (await api.post(base + "/shelves", owner, json={"name": "Best"})).json()["data"]
    await api.post(f"{base}/shelves/{shelf['id']}/books", owner, json={"book_id": book["id"]})
    edit = {"title": "The Dispossessed!", "media_type_id": book["media_type_id"]}
    answers = [
        (created, Envelope[BookRead]),
        (await api.get(f"{base}/books/{book['id']}", owner), Envelope[BookRead]),
        (await api.put(f"{base}/books/{book['id']}", owner, json=edit), Envelope[BookRead]),
        (await api.get(base + "/books", owner), Envelope[BookPage]),
        (await api.get(f"{base}/shelves/{shelf['id']}/books", owner), Envelope[list[BookRead]]),
    ]
    for response, model in answers:
        assert response.status_code in (200, 201), response.text
        assert response.json() == model_output(model, response.json()), response.request.url
