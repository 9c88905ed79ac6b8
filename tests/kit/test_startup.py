"""What keeps the server's start short: the wire models are built when first used, and the modules whose functions
FastAPI reads at start (routes and dependencies) keep their annotations as objects."""

import ast
import subprocess
import sys
from pathlib import Path

import librarium

PACKAGE = Path(librarium.__file__).parent

# run in a fresh interpreter: in this one, other tests' requests have built the models they used
COUNT_BUILT = """
import librarium.app
from librarium.kit.schema import Model

def subclasses(cls):
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= subclasses(sub)
    return found

models = subclasses(Model)
print(len(models), " ".join(sorted(m.__name__ for m in models if m.__pydantic_complete__)))

from librarium.providers import lookup
adapters = [op.adapter for op in vars(lookup).values() if isinstance(op, lookup.Operation)]
print(len(adapters), sum(adapter.pydantic_complete for adapter in adapters))
"""


def test_no_wire_model_is_built_at_import():
    out = subprocess.run([sys.executable, "-c", COUNT_BUILT], capture_output=True, text=True, check=True).stdout
    models, adapters = out.splitlines()
    count, *built = models.split()
    assert int(count) > 200
    # the two generic bases are complete (nothing to build); every parametrized and concrete model waits
    assert built == ["Envelope", "Page"]
    # and so do the adapters of the providers' cached answers
    assert adapters.split() == ["6", "0"]


def test_route_and_dependency_modules_keep_their_annotations_as_objects():
    """FastAPI reads each route's and each dependency's signature when the app is built; postponed annotations
    (`from __future__ import annotations`) are strings it evaluates again for every route a dependency serves:
    about 35 ms of each start."""
    postponed = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        if "Depends(" not in text and "api_router(" not in text and "APIRouter(" not in text:
            continue
        for node in ast.parse(text).body:
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                postponed.append(str(path.relative_to(PACKAGE)))
    assert postponed == []
