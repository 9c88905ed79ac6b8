"""Two ways to serve a Calibre library behind the same API: natively (the default: reads from memory,
writes metadata.db and the book folders directly) or through `calibredb` (one process per operation,
as calibre-rest does; the reference the tests compare against). Both are synchronous: the API runs
them in worker threads."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Protocol

from librarium.calibre import naming, writer
from librarium.calibre.library import Library, Record, iso
from librarium.calibre.search import SearchError, search
from librarium.calibre.writer import WriteError


class Engine(Protocol):
    library: Library

    def records(self) -> dict[int, Record]: ...
    def version(self) -> int: ...
    def find(self, query: str, sort: list[str]) -> list[int]: ...
    def add_empty(self, data: dict[str, Any]) -> int: ...
    def add_files(
        self, staged: list[tuple[str, Path]], data: dict[str, Any], mode: str
    ) -> tuple[list[int], list[str]]: ...
    def update(self, book_id: int, data: dict[str, Any]) -> None: ...
    def delete(self, ids: list[int]) -> None: ...
    def export_files(self, ids: list[int]) -> list[tuple[str, Path]]: ...


SORT_KEYS = {
    "author_sort", "authors", "comments", "cover", "formats", "id", "identifiers", "isbn", "languages",
    "last_modified", "pubdate", "publisher", "rating", "series", "series_index", "size", "tags", "template",
    "timestamp", "title", "uuid",
}  # fmt: skip


def _sort_value(rec: Record, key: str) -> Any:
    values = {
        "title": rec.sort.casefold(),
        "authors": rec.author_sort.casefold(),
        "author_sort": rec.author_sort.casefold(),
        "comments": rec.comments.casefold(),
        "cover": rec.has_cover,
        "formats": ",".join(f for f, _, _ in rec.formats),
        "id": rec.id,
        "identifiers": ",".join(f"{k}:{v}" for k, v in sorted(rec.identifiers.items())),
        "isbn": rec.identifiers.get("isbn", ""),
        "languages": ",".join(rec.languages),
        "last_modified": rec.last_modified,
        "pubdate": rec.pubdate,
        "publisher": rec.publisher.casefold(),
        "rating": rec.rating,
        "series": rec.series.casefold(),
        "series_index": rec.series_index,
        "size": max((s for _, _, s in rec.formats), default=0),
        "tags": ",".join(t.casefold() for t in rec.tags),
        "template": "",
        "timestamp": rec.timestamp,
        "uuid": rec.uuid,
    }
    return values[key]


def ordered(records: list[Record], sort: list[str]) -> list[Record]:
    """calibre-rest's sort: unknown keys dropped; one direction for all keys, descending if any kept key
    asks for it; by id when nothing is left."""
    keys = [s.lstrip("-") for s in sort if s.lstrip("-") in SORT_KEYS]
    descending = any(s.startswith("-") for s in sort if s.lstrip("-") in SORT_KEYS)
    if not keys:
        return sorted(records, key=lambda r: r.id)
    return sorted(records, key=lambda r: tuple(_sort_value(r, k) for k in keys) + (r.id,), reverse=descending)


def files_to_export(root: Path, records: dict[int, Record], ids: list[int]) -> list[tuple[str, Path]]:
    """(name in the export, file) for every format of the books, in id order; names as calibre's
    save-to-disk writes them: "<title> - <authors>.<ext>"."""
    missing = [i for i in ids if i not in records]
    if missing:  # calibre-rest: 500 (or, on calibre 6.13, silently nothing)
        raise WriteError(404, f"No book with id {missing[0]} present")
    files = []
    for i in sorted(set(ids)):
        rec = records[i]
        label = naming.sanitize(rec.title or "Unknown") + " - " + naming.sanitize(" & ".join(rec.authors) or "Unknown")
        files += [(f"{label}.{fmt.lower()}", root / rec.path / f"{name}.{fmt.lower()}") for fmt, name, _ in rec.formats]
    return files


class NativeEngine:
    def __init__(self, library: Library):
        self.library = library

    def records(self) -> dict[int, Record]:
        return self.library.records()

    def version(self) -> int:
        self.library.records()
        return self.library.version

    def find(self, query: str, sort: list[str]) -> list[int]:
        """Ids matching `query`, in the order `sort` asks for (calibre-rest's sort keys)."""
        records = self.library.records()
        ids = search(records, query, self.library.custom_types)
        return [r.id for r in ordered([records[i] for i in ids], sort)]

    def add_empty(self, data: dict[str, Any]) -> int:
        changed: list[int] = []
        with writer.transaction(self.library, changed) as con:
            book_id = writer.create_book(con, self.library, data)
            writer.write_opf(con, self.library, book_id)
            changed.append(book_id)
        return book_id

    def add_files(self, staged: list[tuple[str, Path]], data: dict[str, Any], mode: str) -> tuple[list[int], list[str]]:
        """Each file as calibre adds it: a new book, a new format of its duplicate (same authors, same title),
        or refused as a duplicate ("ignore"), replaced in every duplicate ("overwrite"), always new ("new_record")."""
        lib = self.library
        added: list[int] = []
        clashes: list[str] = []
        with writer.transaction(lib, added) as con:
            for name, path in staged:
                ext = path.suffix.lstrip(".").upper()
                fields = dict(data)
                fields.setdefault("title", Path(naming.sanitize(Path(name).name)).stem or "Unknown")
                authors = [a.strip() for a in fields.get("authors") or ["Unknown"] if a.strip()] or ["Unknown"]
                matches = [] if mode == "new_record" else writer.duplicates(con, fields["title"], authors)
                if not matches:
                    book_id = writer.create_book(con, lib, fields)
                    writer.add_format(con, lib, book_id, path, ext)
                    writer.write_opf(con, lib, book_id)
                    added.append(book_id)
                elif mode == "overwrite":
                    for book_id in matches:
                        writer.add_format(con, lib, book_id, path, ext)
                        writer.write_opf(con, lib, book_id)
                    added.extend(matches)
                elif lacking := [b for b in matches if not writer.has_format(con, b, ext)]:
                    for book_id in lacking:  # calibre merges the new format into every duplicate lacking it
                        writer.add_format(con, lib, book_id, path, ext)
                        writer.write_opf(con, lib, book_id)
                    added.extend(lacking)
                else:
                    clashes.append(name)
        return added, clashes

    def update(self, book_id: int, data: dict[str, Any]) -> None:
        lib = self.library
        with writer.transaction(lib, [book_id]) as con:
            if con.execute("SELECT 1 FROM books WHERE id = ?", (book_id,)).fetchone() is None:
                raise WriteError(404, f"book {book_id} does not exist")
            writer.apply(con, book_id, {k: v for k, v in data.items() if k != "cover"})
            folder = writer.relocate(con, lib, book_id)
            if data.get("cover"):
                writer.set_cover(con, folder, book_id, Path(data["cover"]))
            writer.write_opf(con, lib, book_id)

    def delete(self, ids: list[int]) -> None:
        writer.delete_books(self.library, ids)

    def export_files(self, ids: list[int]) -> list[tuple[str, Path]]:
        return files_to_export(self.library.path, self.library.records(), ids)


class CalibredbEngine:
    """calibre-rest's way: every operation starts `calibredb` (slow, and refused while calibre has the
    library open), with calibre-rest's bugs left out (fields after `identifiers`, split phrases)."""

    def __init__(self, library: Library, calibredb: str = "calibredb"):
        self.library = library
        self.calibredb = shutil.which(calibredb) or calibredb
        self._version = 0

    def run(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603 (argv list, no shell)
            [self.calibredb, "--with-library", str(self.library.path), *args],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            if "Another calibre program" in result.stderr or "unable to handle more than one" in result.stderr:
                raise WriteError(503, "Calibre is unable to handle more than one operation at once from calibredb.")
            raise WriteError(
                500, f"calibredb {args[0]} exited with status {result.returncode}: {result.stderr.strip()}"
            )
        self._version += 1 if args[0] != "list" else 0
        return result.stdout

    def version(self) -> int:
        return self._version

    def _list(self, search_query: str = "") -> list[dict[str, Any]]:
        args = ["list", "--for-machine", "--fields=all", "--limit=1000000"]
        if search_query:
            args.append(f"--search={search_query}")
        out = self.run(*args)
        return json.loads(out) if out.strip() else []

    def records(self) -> dict[int, Record]:
        return {b["id"]: self._record(b) for b in self._list()}

    def _record(self, book: dict[str, Any]) -> Record:
        formats = []
        folder = ""
        for path in book.get("formats", []):
            p = Path(path)
            folder = p.parent.relative_to(self.library.path).as_posix()
            formats.append((p.suffix.lstrip(".").upper(), p.stem, p.stat().st_size if p.exists() else 0))
        if not folder and book.get("cover"):
            folder = Path(book["cover"]).parent.relative_to(self.library.path).as_posix()
        authors = naming.split_authors(book.get("authors", ""))
        return Record(
            id=book["id"], title=book.get("title", ""), sort=book.get("title_sort", book.get("title", "")),
            timestamp=book.get("timestamp", iso(None)), pubdate=book.get("pubdate", iso(None)),
            series_index=float(book.get("series_index", 1.0)), author_sort=book.get("author_sort", ""), path=folder,
            uuid=book.get("uuid", ""), has_cover=bool(book.get("cover")),
            last_modified=book.get("last_modified", iso(None)),
            authors=authors, tags=book.get("tags", []), series=book.get("series", ""),
            publisher=book.get("publisher", ""), rating=int(book.get("rating", 0) or 0),
            languages=book.get("languages", []), identifiers=book.get("identifiers", {}),
            comments=book.get("comments", ""), formats=formats,
        )  # fmt: skip

    def find(self, query: str, sort: list[str]) -> list[int]:
        keys = [k.lstrip("-") for k in sort if k.lstrip("-") in SORT_KEYS]
        args = ["list", "--for-machine", "--fields=id", "--limit=1000000"]
        if keys:
            args.append("--sort-by=" + ",".join(keys))
            if not any(k.startswith("-") for k in sort if k.lstrip("-") in SORT_KEYS):
                args.append("--ascending")
        else:
            args += ["--sort-by=id", "--ascending"]
        if query:
            args.append(f"--search={query}")
        try:
            out = self.run(*args)
        except WriteError as exc:
            raise SearchError(exc.message) from exc
        return [b["id"] for b in json.loads(out)] if out.strip() else []

    @staticmethod
    def _add_flags(data: dict[str, Any]) -> list[str]:
        flags: list[str] = []
        if data.get("authors"):
            flags += ["--authors", " & ".join(a.strip() for a in data["authors"])]
        if data.get("cover"):
            flags += ["--cover", data["cover"]]
        for kind, value in (data.get("identifiers") or {}).items():
            flags += ["--identifier", f"{kind}:{value}"]
        if data.get("isbn"):
            flags += ["--isbn", data["isbn"]]
        if data.get("languages"):
            flags += ["--languages", ",".join(x.strip() for x in data["languages"])]
        if data.get("series"):
            flags += ["--series", data["series"]]
        if data.get("series_index"):
            flags += ["--series-index", str(data["series_index"])]
        if data.get("tags"):
            flags += ["--tags", ",".join(t.strip() for t in data["tags"])]
        if data.get("title"):
            flags += ["--title", data["title"]]
        return flags

    @staticmethod
    def _ids(stdout: str) -> list[int]:
        match = re.search(r"(?:Merged|Added) book ids: ([\d, ]+)", stdout)
        return [int(x) for x in match.group(1).replace(" ", "").split(",") if x] if match else []

    def add_empty(self, data: dict[str, Any]) -> int:
        ids = self._ids(self.run("add", "--empty", *self._add_flags(data)))
        if not ids:
            raise WriteError(500, "calibredb did not report the new book")
        return ids[0]

    def add_files(self, staged: list[tuple[str, Path]], data: dict[str, Any], mode: str) -> tuple[list[int], list[str]]:
        added: list[int] = []
        clashes: list[str] = []
        with tempfile.TemporaryDirectory(prefix="librarium-calibredb-") as tmp:
            for name, path in staged:
                named = Path(tmp) / naming.sanitize(Path(name).name)
                shutil.copyfile(path, named)
                out = self.run("add", f"--automerge={mode}", *self._add_flags(data), str(named))
                ids = self._ids(out)
                if ids:
                    added.extend(ids)
                else:
                    clashes.append(name)
                os.unlink(named)
        return added, clashes

    def update(self, book_id: int, data: dict[str, Any]) -> None:
        if book_id not in self.records():
            raise WriteError(404, f"book {book_id} does not exist")
        fields: list[str] = []
        for key, value in data.items():
            if key in ("cover", "isbn"):
                continue
            if key == "authors":
                value = " & ".join(value)
            elif key in ("tags", "languages"):
                value = ",".join(value)
            elif key == "identifiers":
                value = ",".join(f"{k}:{v}" for k, v in value.items())
            fields += ["--field", f"{key}:{value}"]
        if data.get("isbn"):
            fields += ["--field", f"identifiers:isbn:{data['isbn']}"]
        if fields:
            self.run("set_metadata", str(book_id), *fields)
        if data.get("cover"):
            self.run("set_metadata", str(book_id), "--field", f"cover:{data['cover']}")

    def delete(self, ids: list[int]) -> None:
        self.run("remove", *(str(i) for i in ids))

    def export_files(self, ids: list[int]) -> list[tuple[str, Path]]:
        return files_to_export(self.library.path, self.records(), ids)
