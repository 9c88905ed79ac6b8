"""Reference data every instance starts with: roles, permissions, genres and media types.

The first migration inserts these rows; tests re-insert them after wiping the tables. Ids are derived
from the names (uuid5) so every instance has the same ids for the same seeded row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

_NS = uuid.UUID("6f1d3c52-8f0e-4d55-9a43-2a4c0b7d1e90")

ROLES = {
    "instance_admin": "Full control of the instance",
    "library_owner": "Full control of one library and its members",
    "library_editor": "Add and edit books, shelves, tags and loans",
    "library_viewer": "Read-only access to a library",
}

_CRUD = ("create", "read", "update", "delete")
_RESOURCES: list[tuple[str, tuple[str, ...]]] = [
    ("books", _CRUD),
    ("editions", _CRUD),
    ("covers", ("create", "read", "delete")),
    ("series", _CRUD),
    ("contributors", _CRUD),
    ("shelves", _CRUD),
    ("tags", _CRUD),
    ("loans", _CRUD),
    ("wishlist", _CRUD),
    ("library", ("read", "update", "delete", "admin")),
    ("members", _CRUD),
    ("storage", _CRUD),
    ("import", ("create", "read")),
    ("export", ("read",)),
    ("admin:users", _CRUD),
    ("admin:roles", _CRUD),
    ("admin:settings", ("read", "update")),
]
PERMISSIONS = [f"{resource}:{action}" for resource, actions in _RESOURCES for action in actions]

_EDITOR = (
    [f"{r}:{a}" for r in ("books", "editions", "shelves", "tags", "wishlist") for a in _CRUD]
    + ["covers:create", "covers:read", "covers:delete"]
    + ["series:create", "series:read", "series:update"]
    + ["contributors:create", "contributors:read", "contributors:update"]
    + ["loans:create", "loans:read", "loans:update"]
    + ["library:read", "members:read", "storage:read", "import:create", "import:read", "export:read"]
)
_VIEWER = [
    f"{r}:read"
    for r in (
        "books",
        "editions",
        "covers",
        "series",
        "contributors",
        "shelves",
        "tags",
        "loans",
        "wishlist",
        "library",
        "members",
        "export",
    )
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "instance_admin": PERMISSIONS,
    "library_owner": [p for p in PERMISSIONS if not p.startswith("admin:")],
    "library_editor": _EDITOR,
    "library_viewer": _VIEWER,
}

GENRES = [
    "Action", "Adventure", "Biography", "Children's", "Comedy", "Crime", "Drama", "Fantasy",
    "Graphic Novel", "Historical", "Horror", "Literary Fiction", "Manga", "Mystery", "Poetry",
    "Romance", "Science Fiction", "Self-Help", "Slice of Life", "Sports", "Supernatural", "Thriller",
    "Travel", "Western", "Young Adult",
]  # fmt: skip

MEDIA_TYPES: list[tuple[str, str, str]] = [
    ("novel", "Novel", "Long-form prose fiction"),
    ("manga", "Manga", "Japanese comics, usually read right to left"),
    ("manhwa", "Manhwa", "Korean comics and webtoons"),
    ("manhua", "Manhua", "Chinese comics"),
    ("light_novel", "Light Novel", "Illustrated Japanese prose fiction for young adults"),
    ("comic", "Comic Book", "Western comic books and single issues"),
    ("graphic_novel", "Graphic Novel", "Book-length comics and collected editions"),
    ("artbook", "Art Book", "Illustration collections and art of a work"),
    ("magazine", "Magazine", "Periodicals and issues"),
    ("short_story_collection", "Short Story Collection", "Stories by one author in one volume"),
    ("anthology", "Anthology", "Works by several authors in one volume"),
    ("non_fiction", "Non-Fiction", "Factual writing: history, science, essays, memoir"),
    ("textbook", "Textbook", "Course and study material"),
    ("rpg_sourcebook", "RPG Sourcebook", "Rulebooks and settings for tabletop role-playing games"),
    ("datasheet", "Datasheet", "Component and product data sheets"),
    ("technical_manual", "Technical Manual", "Reference and service manuals"),
    ("white_paper", "White Paper", "Reports and position papers"),
    ("appliance_manual", "Appliance Manual", "Instructions for household devices"),
    ("user_guide", "User Guide", "Guides for software and products"),
    ("specification", "Specification", "Standards and formal specifications"),
]


def seed_id(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(_NS, f"{kind}:{name}")


def seed_rows() -> dict[str, list[dict[str, Any]]]:
    """Rows per table name, in insertion order."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return {
        "roles": [
            {"id": seed_id("role", n), "name": n, "description": d, "is_system": True, "created_at": now}
            for n, d in ROLES.items()
        ],
        "permissions": [
            {
                "id": seed_id("permission", p),
                "name": p,
                "description": None,
                "resource": p.rsplit(":", 1)[0],
                "action": p.rsplit(":", 1)[1],
            }
            for p in PERMISSIONS
        ],
        "role_permissions": [
            {"role_id": seed_id("role", role), "permission_id": seed_id("permission", p)}
            for role, perms in ROLE_PERMISSIONS.items()
            for p in perms
        ],
        "genres": [{"id": seed_id("genre", g), "name": g, "name_lower": g.lower(), "created_at": now} for g in GENRES],
        "media_types": [
            {
                "id": seed_id("media_type", n),
                "name": n,
                "display_name": dn,
                "description": desc,
                "created_at": now,
            }
            for n, dn, desc in MEDIA_TYPES
        ],
    }
