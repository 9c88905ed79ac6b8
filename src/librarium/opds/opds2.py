"""OPDS 2.0 catalogue documents (JSON): the same feeds as the Atom ones (atom.Feed), for readers that speak the
newer format — navigation feeds list other feeds under `navigation`, acquisition feeds list books under
`publications` with their files as acquisition links and their covers as `images`."""

from __future__ import annotations

from typing import Any

import orjson

from librarium.opds import atom
from librarium.opds.atom import Entry, Feed, Link

FEED = "application/opds+json"
FEED_KINDS = (atom.NAVIGATION, atom.ACQUISITION)


def _link(link: Link, base: str) -> dict[str, Any]:
    href = atom.rebase(link.href, base)
    if link.type == atom.SEARCH_TYPE:  # OpenSearch in Atom; a URI template in OPDS 2
        return {"rel": "search", "href": href.replace("/opensearch.xml", "/search") + "{?q}", "type": FEED,
                "templated": True}  # fmt: skip
    out: dict[str, Any] = {"rel": link.rel, "href": href, "type": FEED if link.type in FEED_KINDS else link.type}
    if link.title:
        out["title"] = link.title
    return out  # (a link has no size in OPDS 2)


def _publication(entry: Entry, base: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "@type": "http://schema.org/Book",
        "title": entry.title,
        "identifier": entry.dc.get("identifier", entry.id),
        "modified": atom.timestamp(entry.updated),
    }
    if entry.authors:
        metadata["author"] = [{"name": name} for name in entry.authors]
    if entry.description:
        metadata["description"] = entry.description
    for ours, theirs in (("language", "language"), ("publisher", "publisher"), ("issued", "published")):
        if entry.dc.get(ours):
            metadata[theirs] = entry.dc[ours]
    if entry.categories:
        metadata["subject"] = [{"name": name} for name in entry.categories]
    if entry.series:
        metadata["belongsTo"] = {"series": [{"name": name, "position": position} for name, position in entry.series]}
    images = [link for link in entry.links if link.rel in (atom.IMAGE, atom.THUMBNAIL)]
    return {
        "metadata": metadata,
        "links": [_link(link, base) for link in entry.links if link not in images],
        "images": [{"href": atom.rebase(link.href, base), "type": link.type} for link in images],
    }


def render(feed: Feed, base: str, *, navigation: bool) -> bytes:
    """The feed as OPDS 2.0; `base` is where this catalogue is, with the server's origin
    (`https://host/opds/v2`, or the same under an app password): OPDS 2 links are absolute. A navigation
    feed's entries lead to other feeds; an acquisition feed's are books."""
    metadata: dict[str, Any] = {"title": feed.title, "modified": atom.timestamp(feed.updated)}
    if feed.total is not None:
        metadata |= {"numberOfItems": feed.total, "itemsPerPage": feed.per_page or 0,
                     "currentPage": ((feed.start or 1) - 1) // max(feed.per_page or 1, 1) + 1}  # fmt: skip
    document: dict[str, Any] = {"metadata": metadata, "links": [_link(link, base) for link in feed.links]}
    if navigation:
        document["navigation"] = [
            {"href": atom.rebase(e.links[0].href, base), "title": e.title, "type": FEED, "rel": "subsection"}
            for e in feed.entries
        ]
    else:
        document["publications"] = [_publication(e, base) for e in feed.entries]
    return orjson.dumps(document)
