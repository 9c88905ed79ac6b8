from __future__ import annotations

from collections.abc import Iterator

import pytest

from librarium.kit import http
from tests.fixtures.stand_in import StandIn


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    """Every outbound call of the app goes to recorded answers for the test's duration."""
    fake = StandIn()
    http.use_transport(fake.transport())
    yield fake
    http.use_transport(None)


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, object]:
    return dict(getattr(request, "param", {}))
