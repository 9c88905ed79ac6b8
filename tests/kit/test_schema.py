"""The shared response building blocks: upstream's omitted-when-empty fields, NULL read as "", and the typed
`ok` that every handler answers through."""

from __future__ import annotations

from typing import ClassVar

from librarium.kit.routing import ok
from librarium.kit.schema import Envelope, Omitting, Read, Str


class Card(Omitting):
    OMIT_EMPTY: ClassVar[tuple[str, ...]] = ("note", "size")
    title: str
    note: str | None = None
    size: int = 0
    shelf: Str = ""


def test_empty_fields_are_left_out_and_the_others_kept():
    assert Card(title="Dune").model_dump(mode="json") == {"title": "Dune", "shelf": ""}
    full = Card(title="Dune", note="signed", size=3, shelf="SF")
    assert full.model_dump(mode="json") == {"title": "Dune", "note": "signed", "size": 3, "shelf": "SF"}
    assert Envelope[list[Card]](data=[Card(title="A")]).model_dump(mode="json") == {
        "data": [{"title": "A", "shelf": ""}]
    }


def test_fields_omitted_when_null_keep_empty_text():
    class Answer(Omitting):
        OMIT_NULL: ClassVar[tuple[str, ...]] = ("reply", "error")
        ok: bool
        reply: str | None = None
        error: str | None = None

    assert Answer(ok=True, reply="").model_dump(mode="json") == {"ok": True, "reply": ""}
    assert Answer(ok=False, error="down").model_dump(mode="json") == {"ok": False, "error": "down"}


def test_the_documented_schema_still_lists_every_field():
    schema = Card.model_json_schema(mode="serialization")
    assert set(schema["properties"]) == {"title", "note", "size", "shelf"} and schema["required"] == ["title"]


def test_null_text_reads_as_empty():
    class Row(Read):
        name: Str

    assert Row(name=None).name == ""  # type: ignore[arg-type]


def test_ok_wraps_its_value():
    card = Card(title="Dune")
    assert ok(card) == Envelope(data=card)


async def test_the_openapi_document_shows_the_fields_of_omitting_models(api):
    schemas = (await api.get("/api/openapi.json")).json()["components"]["schemas"]
    assert {"id", "name", "display_name", "description", "book_count"} <= set(schemas["MediaTypeRead"]["properties"])
    assert {"user_id", "role", "invited_by"} <= set(schemas["MemberRead"]["properties"])
