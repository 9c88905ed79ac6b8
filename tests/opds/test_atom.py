"""The Atom writer: every value escaped, characters XML 1.0 forbids dropped, the namespaces declared."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from librarium.opds import atom
from librarium.opds.atom import Entry, Feed, Link

ATOM = "{http://www.w3.org/2005/Atom}"
WHEN = datetime(2026, 12, 2, 1, 2, 3, tzinfo=UTC)


def test_values_are_escaped_and_forbidden_characters_dropped():
    tricky = 'Fish & <Chips> "quoted"\x0b\x00 ünïcode\tand\nlines'
    entry = Entry("urn:x", tricky, WHEN, [Link("http://opds-spec.org/acquisition", '/opds/f?a=1&b="2"', "x/y",
                  tricky, 12)], tricky, [tricky], [tricky], {"language": "en", "publisher": tricky})  # fmt: skip
    body = atom.render(Feed("urn:feed", tricky, [Link("self", "/opds", atom.NAVIGATION)], [entry], total=3,
                            per_page=50, start=1), "/opds/t/secret")  # fmt: skip
    root = ET.fromstring(body)  # well-formed, or this raises
    clean = 'Fish & <Chips> "quoted" ünïcode\tand\nlines'
    assert root.find(f"{ATOM}title").text == clean
    [parsed] = root.findall(f"{ATOM}entry")
    assert parsed.find(f"{ATOM}title").text == clean and parsed.find(f"{ATOM}content").text == clean
    assert parsed.find(f"{ATOM}author/{ATOM}name").text == clean
    assert parsed.find(f"{ATOM}category").get("term") == clean
    assert parsed.find("{http://purl.org/dc/terms/}publisher").text == clean
    link = parsed.find(f"{ATOM}link")
    assert (link.get("href"), link.get("title"), link.get("length")) == ('/opds/t/secret/f?a=1&b="2"', clean, "12")
    assert root.find("{http://a9.com/-/spec/opensearch/1.1/}totalResults").text == "3"
    assert root.find(f"{ATOM}updated").text.endswith("Z")


def test_the_opensearch_description():
    root = ET.fromstring(atom.opensearch("Books & more", "/opds/libraries/x/search?q={searchTerms}"))
    spec = "{http://a9.com/-/spec/opensearch/1.1/}"
    assert root.find(f"{spec}ShortName").text == "Books & more"
    assert root.find(f"{spec}Url").get("template") == "/opds/libraries/x/search?q={searchTerms}"
