"""Building the prompts from what the admin and the user allow to be shared. The wording lives in
`prompts/*.txt`; this module decides which sections appear and fills them in.

Each section appears only when its permission allows it: `full_library` (summary and unread list),
`ratings` (high and low ratings, on the 1–10 scale they are stored in), `favourites`, `reading_history`
(finished books) and `taste_profile` (with the job's `include_taste_profile`). Blocks and the titles already
suggested are always sent: they only keep picks away.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from librarium.ai.policy import JobConfig, Permissions
from librarium.ai.repository import Title
from librarium.models import BlockedItem

PROMPTS = Path(__file__).parent / "prompts"
FINISHED_LIMIT = 80
UNREAD_LIMIT = 150
TOP = 10
HIGH_RATING = 8  # of 10
LOW_RATING = 4
UNREAD = ("unread", "want_to_read")


@cache
def template(name: str) -> Template:
    return Template((PROMPTS / f"{name}.txt").read_text(encoding="utf-8").strip())


def system_prompt() -> str:
    return template("system").substitute()


@dataclass
class PromptInput:
    permissions: Permissions
    job: JobConfig
    titles: list[Title]
    taste: dict[str, Any]
    blocks: list[BlockedItem]
    already_suggested: list[str] = field(default_factory=list)


def _line(item: Title, extra: str = "") -> str:
    author = f" — {item.authors[0]}" if item.authors else ""
    return f"- {item.title}{author}{extra}"


def _top(counter: Counter[str]) -> str:
    return ", ".join(f"{name} ({n})" for name, n in counter.most_common(TOP))


def _summary(titles: list[Title]) -> list[str]:
    authors = Counter(a for t in titles for a in t.authors[:1])
    media = Counter(t.media_type or "Unknown" for t in titles)
    genres = Counter(g for t in titles for g in t.genres)
    lines = ["## My library at a glance", f"Books: {len(titles)}"]
    if authors:
        lines.append(f"Most frequent authors: {_top(authors)}")
    lines.append("Formats: " + ", ".join(f"{name} ({n})" for name, n in sorted(media.items())))
    if genres:
        lines.append(f"Most frequent genres: {_top(genres)}")
    return lines


def _ratings(titles: list[Title]) -> list[str]:
    rated = sorted((t for t in titles if t.rating is not None), key=lambda t: -(t.rating or 0))
    high = [_line(t, f" (I rated it {t.rating}/10)") for t in rated if (t.rating or 0) >= HIGH_RATING]
    low = [_line(t, f" (I rated it {t.rating}/10)") for t in rated if (t.rating or 0) <= LOW_RATING]
    out: list[str] = []
    if high:
        out += ["## Books I rated highly", *high]
    if low:
        out += ["## Books I disliked (stay away from similar ones)", *low]
    return out


def _block(item: BlockedItem) -> str:
    if item.scope == "author":
        return f"- Anything by {item.author}"
    if item.scope == "series":
        return f"- Any book of the series {item.series_name or item.series_id}"
    by = f" by {item.author}" if item.author else ""
    return f'- The book "{item.title}"{by}'


def user_prompt(data: PromptInput) -> str:
    allow = data.permissions
    titles = data.titles
    sections: list[list[str]] = [
        [
            "I keep a personal library and would like two kinds of recommendations: books to buy next, and books I "
            "already own to read next."
        ]  # fmt: skip
    ]
    if allow.full_library and titles:
        sections.append(_summary(titles))
    if allow.ratings:
        sections.append(_ratings(titles))
    if allow.favourites:
        favourites = [_line(t) for t in titles if t.favourite]
        sections.append(["## My favourites", *favourites] if favourites else [])
    if allow.reading_history:
        finished = [_line(t) for t in titles if t.read_status == "read"][:FINISHED_LIMIT]
        sections.append(["## Books I have finished", *finished] if finished else [])
    unread_shared = allow.full_library
    if unread_shared:
        unread = [_line(t, f" ({t.series})" if t.series else "") for t in titles if t.read_status in UNREAD]
        unread = unread[:UNREAD_LIMIT]
        sections.append(["## Books I own and have not read yet (read-next picks come from here only)", *unread])
    if allow.taste_profile and data.job.include_taste_profile and data.taste:
        sections.append(["## My taste in my own words (JSON)", json.dumps(data.taste, ensure_ascii=False)])
    if data.blocks:
        sections.append(["## Never suggest", *(_block(b) for b in data.blocks)])
    if data.already_suggested:
        sections.append(["## Already suggested to me: pick other titles", *(f"- {t}" for t in data.already_suggested)])
    read_next = data.job.max_read_next_per_user if unread_shared else 0
    no_read_next = "" if read_next else "\n   My unread list is not shared with you: leave this list empty."
    sections.append([
        template("task").substitute(
            buy_count=data.job.max_buy_per_user, read_next_count=read_next, no_read_next=no_read_next
        )
    ])  # fmt: skip
    return "\n\n".join("\n".join(s) for s in sections if s)


def backfill_prompt(prompt: str, need: int, rejected: list[str]) -> str:
    listed = "\n".join(f"- {t}" for t in rejected)
    return template("backfill").substitute(prompt=prompt, need=need, rejected=listed)
