"""OPDS 1.2 catalogue documents (Atom): navigation feeds list other feeds, acquisition feeds list books with
links to their files. Built with ElementTree, so every value is escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ET.register_namespace("", ATOM)
ET.register_namespace("dc", DC)
ET.register_namespace("opds", OPDS)
ET.register_namespace("opensearch", OPENSEARCH)

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
SEARCH_TYPE = "application/opensearchdescription+xml"
ACQUIRE = "http://opds-spec.org/acquisition"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"


@dataclass
class Link:
    rel: str
    href: str
    type: str
    title: str = ""
    length: int | None = None


@dataclass
class Entry:
    id: str
    title: str
    updated: datetime
    links: list[Link] = field(default_factory=list)
    content: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    dc: dict[str, str] = field(default_factory=dict)  # language, publisher, issued, identifier
    description: str = ""  # for OPDS 2 (Atom's `content` carries the series lines and the description)
    series: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class Feed:
    id: str
    title: str
    links: list[Link]
    entries: list[Entry]
    updated: datetime = field(default_factory=lambda: datetime.now(UTC))
    total: int | None = None
    per_page: int | None = None
    start: int | None = None


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


HOME = "/opds"


def rebase(href: str, base: str) -> str:
    """A catalogue path under another base (`/opds/t/<app password>` for readers that cannot send credentials)."""
    return base + href[len(HOME) :] if base != HOME and (href == HOME or href.startswith(HOME + "/")) else href


def _link(parent: ET.Element, link: Link, base: str) -> None:
    href = rebase(link.href, base)
    element = ET.SubElement(parent, f"{{{ATOM}}}link", rel=link.rel, href=href, type=link.type)
    if link.title:
        element.set("title", link.title)
    if link.length is not None:
        element.set("length", str(link.length))


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _document(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def render(feed: Feed, base: str = HOME) -> bytes:
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, f"{{{ATOM}}}id", feed.id)
    _text(root, f"{{{ATOM}}}title", feed.title)
    _text(root, f"{{{ATOM}}}updated", timestamp(feed.updated))
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, f"{{{ATOM}}}name", "Librarium")
    for link in feed.links:
        _link(root, link, base)
    if feed.total is not None:
        _text(root, f"{{{OPENSEARCH}}}totalResults", str(feed.total))
        _text(root, f"{{{OPENSEARCH}}}itemsPerPage", str(feed.per_page or 0))
        _text(root, f"{{{OPENSEARCH}}}startIndex", str(feed.start or 1))
    for entry in feed.entries:
        element = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(element, f"{{{ATOM}}}id", entry.id)
        _text(element, f"{{{ATOM}}}title", entry.title)
        _text(element, f"{{{ATOM}}}updated", timestamp(entry.updated))
        for name in entry.authors:
            person = ET.SubElement(element, f"{{{ATOM}}}author")
            _text(person, f"{{{ATOM}}}name", name)
        for term in entry.categories:
            ET.SubElement(element, f"{{{ATOM}}}category", term=term, label=term)
        for key, value in entry.dc.items():
            _text(element, f"{{{DC}}}{key}", value)
        if entry.content:
            _text(element, f"{{{ATOM}}}content", entry.content, type="text")
        for link in entry.links:
            _link(element, link, base)
    return _document(root)


def opensearch(title: str, template: str) -> bytes:
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription")
    _text(root, f"{{{OPENSEARCH}}}ShortName", title[:16])
    _text(root, f"{{{OPENSEARCH}}}Description", f"Search {title}")
    _text(root, f"{{{OPENSEARCH}}}InputEncoding", "UTF-8")
    _text(root, f"{{{OPENSEARCH}}}OutputEncoding", "UTF-8")
    ET.SubElement(root, f"{{{OPENSEARCH}}}Url", type=ACQUISITION, template=template)
    return _document(root)
