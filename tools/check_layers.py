"""The layering rules of ARCHITECTURE.md §4 that a machine can check, run by `make lint`.

* routers (`router.py`) never import sqlalchemy, and services (`service.py`) import only its session type and
  exceptions (`sqlalchemy.ext.asyncio`, `sqlalchemy.exc`): SQL lives in repositories;
* services (`service.py`) and repositories never import fastapi or starlette: they run in jobs and the CLI too;
* nothing outside `librarium/calibre/` imports it except `app.py` and `cli.py` (where the parts are put together);
* no module imports another domain's `repository`: it calls that domain's service;
* domains do not import each other in a circle (books -> editions -> books): one builds on the other.

Prints each violation as `path:line: rule` and exits 1 when there is any.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "librarium"
SHARED = {"db", "kit", "models"}  # below every domain
ROOTS = {Path("app.py"), Path("cli.py")}  # where the parts are put together


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def violations(path: Path) -> list[str]:
    relative = path.relative_to(PACKAGE)
    domain = relative.parts[0] if len(relative.parts) > 1 else ""
    out: list[str] = []
    for line, module in imported_modules(ast.parse(path.read_text(), str(path))):
        where = f"src/librarium/{relative}:{line}"
        top = module.split(".")[0]
        if path.name == "router.py" and top == "sqlalchemy":
            out.append(f"{where}: a router imports sqlalchemy ({module})")
        session_only = module.startswith(("sqlalchemy.ext.asyncio", "sqlalchemy.exc"))
        if path.name == "service.py" and top == "sqlalchemy" and not session_only:
            out.append(f"{where}: a service builds SQL ({module}); move it to the repository")
        if path.name in ("service.py", "repository.py") and top in ("fastapi", "starlette"):
            out.append(f"{where}: a {path.stem} imports {top} ({module})")
        if module.startswith("librarium.calibre") and domain != "calibre" and relative not in ROOTS:
            out.append(f"{where}: only app.py and cli.py may import librarium.calibre ({module})")
        parts = module.split(".")
        shared = parts[1] in SHARED if len(parts) >= 2 else False
        if (
            len(parts) >= 3
            and parts[0] == "librarium"
            and parts[2] == "repository"
            and parts[1] != domain
            and not shared
        ):
            out.append(f"{where}: imports another domain's repository ({module})")
    return out


def domain_cycles() -> list[str]:
    edges: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] in SHARED:
            continue
        for _, module in imported_modules(ast.parse(path.read_text(), str(path))):
            names = module.split(".")
            inside = len(names) >= 2 and names[0] == "librarium" and names[1] not in SHARED | {parts[0]}
            if inside and (PACKAGE / names[1]).is_dir():
                edges.setdefault(parts[0], set()).add(names[1])
    cycles: set[tuple[str, ...]] = set()

    def walk(node: str, trail: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt in trail:
                loop = trail[trail.index(nxt) :]
                start = loop.index(min(loop))
                cycles.add(tuple(loop[start:] + loop[:start]))
            elif len(trail) < 8:
                walk(nxt, [*trail, nxt])

    for node in sorted(edges):
        walk(node, [node])
    return [f"domain import cycle: {' -> '.join([*c, c[0]])}" for c in sorted(cycles)]


def main() -> int:
    found = [v for path in sorted(PACKAGE.rglob("*.py")) for v in violations(path)] + domain_cycles()
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} layering violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
