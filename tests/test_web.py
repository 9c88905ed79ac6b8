"""`/` for a newcomer: the landing page (HTML for browsers, JSON for API clients), a built web client served
from LIBRARIUM_WEB_DIR, and — in a real headless Chromium — that client's scripts allowed by our CSP."""

import os
import re
import shutil
from pathlib import Path

import pytest

from librarium.web import inline_script_hashes
from tests.fixtures.server import serve

WEBAPP = Path(__file__).parent / "fixtures" / "webapp"
HTML = {"Accept": "text/html,application/xhtml+xml"}


async def test_landing_page_for_a_browser(api):
    r = await api.client.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "Librarium" in page and "Not set up yet" in page and "librarium create-admin" in page
    assert all(link in page for link in ('href="/api/docs"', 'href="/api/openapi.json"', 'href="/health"'))
    assert re.findall(r"https?://", page) == []  # nothing external: works offline
    assert "script-src 'self'" in r.headers["content-security-policy"]
    await api.admin()
    assert "Set up: an administrator exists" in (await api.client.get("/", headers=HTML)).text


async def test_landing_for_an_api_client_is_json(api):
    r = await api.client.get("/", headers={"Accept": "application/json"})
    data = r.json()["data"]
    assert r.status_code == 200 and data["initialized"] is False and data["links"]["docs"] == "/api/docs"
    assert data["setup"]["command"] == "librarium create-admin"
    assert (await api.client.get("/nothing-here", headers=HTML)).status_code == 404  # no web client: no fallback


@pytest.fixture
def settings_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("settings_overrides", [{"web_dir": WEBAPP}], indirect=True)
async def test_a_web_client_is_served_from_the_same_origin(api):
    r = await api.client.get("/", headers=HTML)
    assert r.status_code == 200 and 'id="status"' in r.text
    assert (r.headers["content-type"], r.headers["cache-control"]) == ("text/html; charset=utf-8", "no-cache")
    script = await api.client.get("/assets/app-3f9a1c.js")
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    again = await api.client.get("/assets/app-3f9a1c.js", headers={"If-None-Match": script.headers["etag"]})
    assert again.status_code == 304
    assert (await api.client.get("/assets/app-3f9a1c.css")).headers["content-type"].startswith("text/css")
    words = await api.client.get("/locales/en/translation.json")
    assert words.json() == {"initialized": "Initialized"} and words.headers["cache-control"] == "no-cache"
    for route in ("/libraries/abc/books", "/admin/settings/jobs", "/..%2f..%2fetc/passwd", "/assets/missing.js"):
        r = await api.client.get(route, headers=HTML)
        assert r.status_code == 200 and 'id="status"' in r.text, route  # client-side routes: index.html
    r = await api.get("/api/v1/no-such-thing")
    assert (r.status_code, r.json()) == (404, {"error": "not found"})
    assert (await api.get("/api/v1/setup/status")).json()["data"]["initialized"] is False
    assert (await api.get("/health")).json()["status"] == "ok"
    assert r.headers["content-security-policy"].startswith("default-src 'none'")  # the API keeps the strict one
    assert (await api.client.get("/", headers={"Accept": "application/json"})).json()["data"]["web_client"] == str(
        WEBAPP
    )
    page_csp = (await api.client.get("/", headers=HTML)).headers["content-security-policy"]
    assert f"script-src 'self' '{inline_script_hashes(WEBAPP)[0]}';" in page_csp


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.once
def test_the_client_runs_in_a_real_browser(tmp_path, database_url):
    """Headless Chromium (Debian's, driven by Playwright) loads the fixture client from `librarium serve` on a
    client-side route and renders the API's answer: the Content-Security-Policy lets the client's own scripts
    (files and hashed inline ones) run and call the API, and the browser reports no violation."""
    browser_path = _chromium()
    if browser_path is None:
        if os.environ.get("LIBRARIUM_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (LIBRARIUM_REQUIRE_BROWSER) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    env = {
        "LIBRARIUM_DATA_DIR": str(tmp_path / "data"),
        "LIBRARIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
        "LIBRARIUM_WEB_DIR": str(WEBAPP),
        "LIBRARIUM_LOG_LEVEL": "warning",
        "LIBRARIUM_WORKER": "false",
    }
    problems: list[str] = []
    with serve(env, tmp_path / "server.log") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browser_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"],
        )
        page = browser.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(base + "/libraries/some-id/books")  # a client-side route, loaded as on a hard refresh
        page.wait_for_selector("#status[data-state=done]", timeout=30_000)
        status = page.inner_text("#status")
        inline = page.evaluate("document.documentElement.dataset.inline")
        browser.close()
    assert (status, inline) == ("Initialized: false", "ran")  # the inline script is allowed by its hash
    assert problems == []  # no CSP violation, no failed request


@pytest.mark.once
def test_serve_tells_a_newcomer_where_it_is_and_what_is_left(tmp_path, database_url):
    env = {
        "LIBRARIUM_DATA_DIR": str(tmp_path / "data"),
        "LIBRARIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "LIBRARIUM_WORKER": "false",
    }
    log = tmp_path / "serve.log"
    with serve(env, log) as base:
        port = base.rsplit(":", 1)[1]
    text = log.read_text()
    assert f"is serving http://127.0.0.1:{port}/" in text, text
    assert "No administrator yet" in text and "librarium create-admin" in text, text
