"""The staff console's defences: every route checks the role, changes need the CSRF token, sessions expire,
logins are throttled, and what residents typed is shown as text."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from bot.faq import QuestionRecord
from knowledge import open_database
from tests.fakes.console import PASSWORD, ROLES, console_world, csrf_of, log_in

PUBLIC = {("GET", "/admin/login"), ("POST", "/admin/login"), ("GET", "/admin/static/{name}")}
#: who may use what, by address; admin may use everything
ALLOWED = {
    "/admin/kb": {"editor"},
    "/admin/unanswered": {"editor"},
    "/admin/classes": {"operator"},
    "/admin/notices": {"operator"},
    "/admin/figures": {"viewer", "editor", "operator"},
    "/admin/audit": set(),
    "/admin/staff": set(),
    "/admin/logout": set(ROLES),
    "/admin": set(ROLES),
}
EXAMPLES = {
    "entry_id": "national-konbini",
    "booking_id": "1",
    "venue_id": "1",
    "notice_id": "1",
    "name": "per-day",
    "change": "attended",
}


@pytest.fixture
def world(tmp_path, assistant):
    return console_world(tmp_path, assistant)


def _api_routes(routes):
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI ≥ 0.16x keeps included routers as branches
            yield from _api_routes(route.original_router.routes)


def _console_routes(app):
    for route in _api_routes(app.routes):
        if route.path.startswith("/admin"):
            for method in sorted(route.methods):
                if (method, route.path) not in PUBLIC:
                    yield method, route.path


def _allowed(path):
    prefix = max((p for p in ALLOWED if path == p or path.startswith(p + "/")), key=len)
    return ALLOWED[prefix] | {"admin"}


def _url(path, world):
    for key, value in {**EXAMPLES, "slot_id": str(world.slot_id)}.items():
        path = path.replace("{" + key + "}", value)
    return path


def test_every_console_route_is_classified(world):
    routes = list(_console_routes(world.app))
    assert len(routes) >= 20
    for _, path in routes:
        assert any(path == p or path.startswith(p + "/") for p in ALLOWED), path


def test_every_console_route_refuses_anonymous_users(world):
    with TestClient(world.app, follow_redirects=False) as client:
        for method, path in _console_routes(world.app):
            response = client.request(method, _url(path, world))
            if method == "GET":
                assert response.status_code == 303, path
                assert response.headers["location"].startswith("/admin/login"), path
            else:
                assert response.status_code == 401, (method, path)


@pytest.mark.parametrize("role", ROLES)
def test_every_console_route_refuses_the_wrong_role(world, role):
    with TestClient(world.app, follow_redirects=False) as client:
        csrf = log_in(client, role)
        for method, path in _console_routes(world.app):
            if path == "/admin/logout":
                continue
            response = client.request(method, _url(path, world), headers={"X-CSRF-Token": csrf})
            if role in _allowed(path):
                assert response.status_code not in (401, 403), (role, method, path)
            else:
                assert response.status_code == 403, (role, method, path)


def test_changes_without_the_sessions_csrf_token_are_refused(world):
    with TestClient(world.app, follow_redirects=False) as client, TestClient(world.app) as other:
        csrf = log_in(client, "editor")
        foreign = log_in(other, "editor")
        form = {"question": "書き換え", "answer": "x", "status": "実施中", "municipality": "national"}
        url = "/admin/kb/entry/national-konbini"
        assert client.post(url, data=form).status_code == 403
        assert client.post(url, data={**form, "csrf": "guess"}).status_code == 403
        assert client.post(url, data={**form, "csrf": foreign}).status_code == 403
        assert client.post(url, data={**form, "csrf": csrf, "published": "1"}).status_code == 303


def test_login_needs_the_login_forms_token(world):
    with TestClient(world.app, follow_redirects=False) as client:
        response = client.post("/admin/login", data={"name": "admin", "password": PASSWORD, "csrf": "x"})
        assert response.status_code == 403 and "madoguchi_console" not in response.cookies


def test_a_wrong_password_or_a_disabled_account_does_not_log_in(world):
    world.accounts().set_disabled("viewer", disabled=True)
    with TestClient(world.app, follow_redirects=False) as client:
        for name, password in (("admin", "wrong password!"), ("nobody", PASSWORD), ("viewer", PASSWORD)):
            token = csrf_of(client.get("/admin/login").text)
            response = client.post("/admin/login", data={"name": name, "password": password, "csrf": token})
            assert response.status_code == 401 and "名前かパスワードが違います" in response.text


def test_logins_are_throttled_after_repeated_failures(world):
    with TestClient(world.app, follow_redirects=False) as client:
        for _ in range(5):
            token = csrf_of(client.get("/admin/login").text)
            client.post("/admin/login", data={"name": "admin", "password": "not it at all", "csrf": token})
        token = csrf_of(client.get("/admin/login").text)
        response = client.post("/admin/login", data={"name": "admin", "password": PASSWORD, "csrf": token})
        assert response.status_code == 429 and "待って" in response.text


@pytest.mark.parametrize(("created", "seen"), [(60, 31), (9 * 60, 1)], ids=["idle", "absolute"])
def test_sessions_expire(world, created, seen):
    with TestClient(world.app, follow_redirects=False) as client:
        log_in(client, "editor")
        assert client.get("/admin/kb").status_code == 200
        now = datetime.now(UTC)
        open_database(world.settings.db_path).execute(
            "update staff_sessions set created_at = ?, last_seen = ?",
            [(now - timedelta(minutes=created)).isoformat(), (now - timedelta(minutes=seen)).isoformat()],
        ).connection.commit()
        response = client.get("/admin/kb")
        assert response.status_code == 303 and response.headers["location"].startswith("/admin/login")


def test_logging_out_ends_the_session(world):
    with TestClient(world.app, follow_redirects=False) as client:
        csrf = log_in(client, "viewer")
        cookie = client.cookies["madoguchi_console"]
        assert client.post("/admin/logout", data={"csrf": csrf}).status_code == 303
        client.cookies.set("madoguchi_console", cookie, path="/admin")
        assert client.get("/admin/figures").status_code == 303


def test_the_session_cookie_is_http_only_and_same_site(world):
    with TestClient(world.app, follow_redirects=False) as client:
        token = csrf_of(client.get("/admin/login").text)
        response = client.post("/admin/login", data={"name": "admin", "password": PASSWORD, "csrf": token})
        cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "madoguchi_console" in v)
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie


def test_pages_forbid_framing_and_caching(world):
    with TestClient(world.app) as client:
        log_in(client, "admin")
        headers = client.get("/admin/kb").headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["cache-control"] == "no-store"


def test_residents_text_is_shown_as_text(world, assistant):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assistant.logbook.record_question(
        QuestionRecord(sender="s", channel="web", language="ja", municipality="", text=attack, outcome="handed_off")
    )
    assistant.logbook.record_feedback(sender="s", faq_id="national-konbini", question=attack, helpful=False)
    with TestClient(world.app) as client:
        log_in(client, "editor")
        for url in ("/admin/unanswered", "/admin/kb/entry/national-konbini"):
            page = client.get(url).text
            assert "<script>alert" not in page and "<img src=x" not in page, url
            assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, url


def test_next_after_login_stays_in_the_console(world):
    with TestClient(world.app, follow_redirects=False) as client:
        token = csrf_of(client.get("/admin/login").text)
        data = {"name": "admin", "password": PASSWORD, "csrf": token, "next": "//evil.example/admin/"}
        assert client.post("/admin/login", data=data).headers["location"] == "/admin/kb"
