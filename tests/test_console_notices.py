"""お知らせ in the staff console: a segment built with its count, a notice written, tested, scheduled, cancelled."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.wiring import notice_store
from knowledge import open_database
from tests.fakes.console import console_world, log_in
from tests.fakes.residents import Synthetic, add_residents, line_user


@pytest.fixture
def world(tmp_path, assistant):
    world = console_world(tmp_path, assistant)
    people = [Synthetic(n, f"line:{line_user(n)}", attributes={"household": ("child",)}) for n in range(1, 4)]
    add_residents(open_database(world.settings.db_path), [*people, Synthetic(9, f"line:{line_user(9)}")])
    return world


@pytest.fixture
def operator(world):
    with TestClient(world.app, follow_redirects=False) as client:
        client.csrf = log_in(client, "operator")
        yield client


def _store(world):
    return notice_store(open_database(world.settings.db_path), world.settings)


def test_a_segment_is_counted_before_it_is_saved(operator, world):
    page = operator.post("/admin/notices/reach", data={"csrf": operator.csrf, "w": ["household=child"]}).text
    assert "<strong>3 人</strong>" in page and 'value="household=child" checked' in page
    data = {"csrf": operator.csrf, "w": ["household=child"], "name": "子育て世帯"}
    assert operator.post("/admin/notices/segments", data=data).status_code == 303
    assert _store(world).segment("子育て世帯").filter == {"household": ("child",)}
    assert "子育て世帯: 3 人" in operator.get("/admin/notices").text


def test_a_notice_is_written_scheduled_and_cancelled(operator, world):
    segment = _store(world).save_segment("全員", {})
    form = {
        "csrf": operator.csrf,
        "title": "健診",
        "segment": str(segment.id),
        "ja": "健診のお知らせです。",
        "en": "Checkup.",
    }
    assert operator.post("/admin/notices/create", data=form).status_code == 303
    (notice,) = _store(world).notices()
    assert set(notice.versions) == {"ja", "en"} and notice.status == "draft"
    data = {"csrf": operator.csrf, "at": "2030-12-03T10:00"}
    assert operator.post(f"/admin/notices/{notice.id}/schedule", data=data).status_code == 303
    assert _store(world).notice(notice.id).send_at == "2030-12-03 01:00:00"
    assert operator.post(f"/admin/notices/{notice.id}/cancel", data={"csrf": operator.csrf}).status_code == 303
    assert _store(world).notice(notice.id).status == "cancelled"
    assert "取消済み" in operator.get("/admin/notices").text


def test_refusals_are_shown_in_words(operator, world):
    page = operator.post(
        "/admin/notices/segments", data={"csrf": operator.csrf, "w": ["household=dragons"], "name": "x"}
    )
    assert page.status_code == 422 and "世帯（household）に「dragons」はありません" in page.text
    segment = _store(world).save_segment("全員", {})
    notice = _store(world).create("t", segment=segment.id, versions={"ja": _version("本文")})
    bad = operator.post(f"/admin/notices/{notice.id}/schedule", data={"csrf": operator.csrf, "at": "あした"})
    assert bad.status_code == 422
    test = operator.post(f"/admin/notices/{notice.id}/test", data={"csrf": operator.csrf})
    assert test.status_code == 422 and "MADOGUCHI_STAFF_TEST_ADDRESSES" in test.text


def _version(text):
    from bot.notices import Version

    return Version("ja", text)
