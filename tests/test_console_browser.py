"""The staff console in real headless Chromium (Debian's, driven by Playwright): what staff do, page by page.

The app runs in this process (uvicorn in a thread) over a small knowledge base; screenshots of each page are
kept in var/test-artifacts/console/.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
import yaml

from bot.bookings import session_days
from bot.console import Accounts
from bot.faq import Assistant, Logbook, QuestionRecord
from knowledge import HashingEmbedder, KnowledgeStore, Searcher, open_database, read_seed_municipalities, read_sources
from knowledge.loader import parse_entry
from tests.conftest import DATA, HASHING, ROOT, free_port
from tests.fakes.console import PASSWORD, console_world

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "var" / "test-artifacts" / "console"
ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    db = open_database(tmp_path_factory.mktemp("kb") / "kb.db")
    store = KnowledgeStore(db)
    store.import_municipalities(read_seed_municipalities())
    store.import_entries([parse_entry(i) for i in yaml.safe_load((DATA / "kb_small.yaml").read_text("utf-8"))])
    logbook = Logbook(db, secret_key="test-key")
    for text in ("粗大ごみの出し方", "粗大ごみの出し方は？", ATTACK):
        logbook.record_question(
            QuestionRecord(sender="s", channel="web", language="ja", municipality="", text=text, outcome="handed_off")
        )
    return Assistant(
        searcher=Searcher(store, embedder=HashingEmbedder(), config=HASHING), logbook=logbook, sources=read_sources()
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory, assistant) -> Iterator[tuple[str, int]]:
    world = console_world(tmp_path_factory.mktemp("home"), assistant)
    port = free_port()
    app_server = uvicorn.Server(uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not app_server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", world.slot_id
    app_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make setup` as root (scripts/setup-system.sh installs it)")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server[0], viewport={"width": 1024, "height": 768}, locale="ja-JP")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def log_in(page, name: str) -> None:
    page.goto("/admin/login")
    page.get_by_label("名前").fill(name)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/admin/(?!login)"))


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_logged_out_staff_are_sent_to_the_login_page(page):
    page.goto("/admin/kb")
    assert page.url.endswith("/admin/login?next=/admin/kb")
    shot(page, "login")


def test_staff_log_in_with_the_keyboard_alone(page):
    page.goto("/admin/login")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'name'")  # autofocus
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/kb")
    assert page.get_by_role("navigation", name="メニュー").get_by_role("link").count() == 7
    for path, name in (("/admin/kb", "kb"), ("/admin/kb/import", "kb-import"), ("/admin/unanswered", "unanswered"),
                       ("/admin/classes", "classes"), ("/admin/figures", "figures"), ("/admin/audit", "audit"),
                       ("/admin/staff", "staff"), ("/admin/notices", "notices"),
                       ("/admin/classes/venues", "venues")):  # fmt: skip
        page.goto(path)
        assert page.locator("h1").is_visible(), path
        shot(page, name)


def test_an_editor_edits_an_entry_and_the_bot_answers_with_it(page):
    log_in(page, "editor")
    page.get_by_label("質問").first.fill("コンビニで住民票の写しをとれますか")
    page.get_by_role("button", name="試す").click()
    assert "national-konbini" in page.locator("#preview").inner_text()
    page.get_by_role("link", name="コンビニで住民票の写しをとれますか?").first.click()
    page.get_by_label("答え", exact=True).fill("はい。コンビニ交付は毎日6時30分から23時まで使えます。")
    page.get_by_role("button", name="保存する").click()
    assert page.get_by_role("status").inner_text().startswith("保存しました")
    shot(page, "kb-edit")
    page.goto("/admin/kb?ask=コンビニで住民票の写しをとれますか")
    assert "毎日6時30分から23時まで" in page.locator(".answer").inner_text()
    shot(page, "kb-preview")


def test_an_unanswered_question_becomes_an_entry(page):
    log_in(page, "editor")
    page.goto("/admin/unanswered")
    assert page.dialogs == [] and ATTACK in page.locator("#groups").inner_text()
    shot(page, "unanswered")
    row = page.locator("#groups tr", has_text="粗大ごみの出し方")
    row.get_by_role("button", name="項目の下書きにする").click()
    page.wait_for_url("**/admin/kb/entry/draft-*")
    page.get_by_label("答え", exact=True).fill("粗大ごみは電話かインターネットで申し込んでください。")
    page.get_by_label("公開する").check()
    page.get_by_role("button", name="保存する").click()
    page.goto("/admin/kb?ask=粗大ごみの出し方")
    assert "粗大ごみは電話か" in page.locator(".answer").inner_text()


def test_an_operator_adds_a_phone_booking(page, server):
    log_in(page, "operator")
    assert page.url.endswith("/admin/classes")
    page.locator("#slots a").first.click()
    page.get_by_label("お名前", exact=True).fill("山田 太郎")
    page.get_by_label("電話番号", exact=True).fill("03-1234-5678")
    page.get_by_role("button", name="予約を追加する").click()
    assert "山田 太郎" in page.locator("#roster").inner_text()
    page.locator("#roster").get_by_role("button", name="出席").click()
    assert "出席" in page.locator("#roster tbody tr").first.inner_text()
    shot(page, "roster")


def test_an_operator_adds_a_weekly_class_at_a_new_venue_and_calls_one_off(page):
    first = date.today() + timedelta(days=14)
    days, skipped = session_days(first, first + timedelta(days=14))  # what the page should add and skip
    log_in(page, "operator")
    page.get_by_label("種類").select_option(label="申請サポート")
    page.get_by_label("定員（人）").fill("8")
    page.get_by_role("radio", name="毎週（休日・年末年始は飛ばします）").check()
    page.get_by_label("日付（毎週のときは最初の日）").fill(first.isoformat())
    page.get_by_label("最後の日（毎週のときだけ）").fill((first + timedelta(days=14)).isoformat())
    page.get_by_label("始まる時刻").fill("14:00")
    page.get_by_label("会場を選ぶ").select_option(label="新しい会場（下に入れる）")
    page.get_by_label("新しい会場の名前").fill("北公民館")
    page.get_by_label("新しい会場の住所").fill("北2-3-4")
    page.get_by_role("button", name="教室を追加する").click()
    expect(page.get_by_role("status")).to_contain_text(f"{len(days)} 回を追加しました")
    if skipped:
        expect(page.get_by_role("status")).to_contain_text("飛ばした日")
    shot(page, "classes-added")
    page.locator("#slots tr", has_text="北公民館").locator("a").last.click()
    page.get_by_label("予約した方に中止をお知らせします").check()
    page.get_by_role("button", name="この回を中止する").click()
    expect(page.get_by_role("status")).to_contain_text("この回を中止しました")
    shot(page, "class-cancelled")


def test_an_operator_builds_a_segment_with_a_live_count_and_writes_a_notice(page):
    log_in(page, "operator")
    page.goto("/admin/notices")
    page.get_by_label("子育て世帯").check()
    expect(page.locator("#reach")).to_have_text("この条件で届く人: 0 人")  # counted by the page's script
    page.get_by_label("セグメントの名前").fill("子育て世帯")
    page.get_by_role("button", name="この条件で保存する").click()
    page.get_by_label("題名（職員用）").fill("健診のお知らせ")
    page.get_by_label("本文").fill("12月3日に乳幼児健診があります。")
    page.get_by_role("button", name="下書きを作る").click()
    assert "健診のお知らせ" in page.locator("#notices").inner_text()
    shot(page, "notices")


def test_a_viewer_sees_figures_and_cannot_edit(page):
    log_in(page, "viewer")
    assert page.url.endswith("/admin/figures")
    assert page.get_by_role("navigation", name="メニュー").get_by_role("link").all_inner_texts() == ["数字"]
    response = page.goto("/admin/kb/entry/national-konbini")
    assert response.status == 403 and "権限がありません" in page.content()
    shot(page, "viewer-refused")


# -- the whole stack: an edit in the console changes what Rasa's REST channel answers --------------------

QUESTION = "コンビニで住民票って何時まで取れる？"
MARKER = "窓口の開庁時間にも取れます。"


def _ask_rasa(stack, text: str, sender: str) -> str:
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    response.raise_for_status()
    return "\n".join(m.get("text", "") for m in response.json())


def test_an_edit_in_the_console_is_what_residents_get_over_rasa(browser, stack):
    db_path = Path(stack.env["MADOGUCHI_DB"])
    accounts = Accounts(open_database(db_path))
    if accounts.user("e2e-editor") is None:
        accounts.add("e2e-editor", role="editor", password=PASSWORD)
    context = browser.new_context(base_url=stack.app_url, locale="ja-JP")
    page = context.new_page()
    store = KnowledgeStore(open_database(db_path))
    try:
        log_in(page, "e2e-editor")
        page.goto(f"/admin/kb?ask={QUESTION}")
        entry_id = page.locator("#preview tbody tr small").first.inner_text()
        original = store.get(entry_id)
        assert MARKER not in _ask_rasa(stack, QUESTION, "console-before")
        page.goto(f"/admin/kb/entry/{entry_id}")
        answer = page.get_by_label("答え", exact=True)
        answer.fill(f"{answer.input_value()}{MARKER}")
        page.get_by_role("button", name="保存する").click()
        assert page.get_by_role("status").is_visible()
        shot(page, "stack-kb-edit")
        assert MARKER in _ask_rasa(stack, QUESTION, "console-after")
    finally:
        if "original" in locals():
            store.save(original)  # the other end-to-end tests share this stack
        context.close()
