"""The staff console's pages over the real stores: knowledge base, CSV import, unanswered questions, classes,
figures and the audit log."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from bot.faq import QuestionRecord
from knowledge import entries_to_csv
from tests.fakes.console import console_world, csrf_of, log_in

ENTRY = "/admin/kb/entry/national-konbini"


@pytest.fixture
def world(tmp_path, assistant):
    return console_world(tmp_path, assistant)


@pytest.fixture
def admin(world):
    with TestClient(world.app, follow_redirects=False) as client:
        client.csrf = log_in(client, "admin")
        yield client


def _form(client, url):
    """The fields of the first form with a textarea on a page, as the browser would send them."""
    page = client.get(url).text
    import re

    fields = dict(re.findall(r'<input id="(\w+)" name="\w+" value="([^"]*)"', page))
    fields |= {k: v for k, v in re.findall(r'<textarea id="(\w+)" name="\w+" rows="\d+"[^>]*>([^<]*)</textarea>', page)}
    fields |= {"status": "実施中", "published": "1", "new": "0", "csrf": csrf_of(page)}
    return {k: v.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&") for k, v in fields.items()}


def test_an_edit_changes_the_bots_answer_at_once(admin, assistant):
    form = _form(admin, ENTRY)
    form["answer"] = "はい。コンビニ交付は毎日6時30分から23時までです。"
    assert admin.post(ENTRY, data=form).status_code == 303
    assert assistant.searcher.search("コンビニで住民票の写しをとれますか").best.entry.answer == form["answer"]
    assert "保存しました" in admin.get(f"{ENTRY}?saved=1").text


def test_a_bad_edit_is_refused_with_the_reason_and_nothing_changes(admin, assistant):
    form = {**_form(admin, ENTRY), "answer": "", "status": "たぶん"}
    response = admin.post(ENTRY, data=form)
    assert response.status_code == 422 and "必須の項目がありません: answer" in response.text
    assert assistant.searcher.store.get("national-konbini").answer != ""


def test_a_new_entry_is_answered_and_a_retired_one_is_not(admin, assistant):
    form = {"csrf": admin.csrf, "new": "1", "id": "test-gomi", "municipality": "national", "status": "実施中",
            "question": "粗大ごみはどうやって出しますか", "answer": "電話で申し込んでください。", "published": "1"}  # fmt: skip
    assert admin.post("/admin/kb/entry/new", data=form).headers["location"] == "/admin/kb/entry/test-gomi?saved=1"
    assert assistant.searcher.search("粗大ごみはどうやって出しますか").best.entry.id == "test-gomi"
    assert admin.post("/admin/kb/entry/test-gomi/retire", data={"csrf": admin.csrf}).status_code == 303
    best = assistant.searcher.search("粗大ごみはどうやって出しますか").best
    assert best is None or best.entry.id != "test-gomi"


def test_the_preview_shows_the_matched_entries_and_their_scores(admin):
    page = admin.get("/admin/kb", params={"ask": "コンビニで住民票の写しをとれますか"}).text
    assert 'id="preview"' in page and "national-konbini" in page and "答えられます" in page


def test_search_finds_entries_by_their_words_municipality_and_status(admin):
    page = admin.get("/admin/kb", params={"q": "コンビニ"}).text
    assert "national-konbini" in page and "kunitachi-okuyami" not in page
    page = admin.get("/admin/kb", params={"m": "132152", "status": "実施中"}).text
    assert "kunitachi-okuyami" in page and "national-konbini" not in page and "ota-smartphone-class" not in page


def test_csv_import_reports_each_row_and_writes_nothing_until_confirmed(admin, assistant):
    entries = assistant.searcher.store.entries()
    text = entries_to_csv(entries).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0]["answer"] = "取り込みで変えた答え"
    rows.append({**rows[1], "id": "csv-new", "status": "そのうち"})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    bad = out.getvalue().encode("utf-8-sig")
    page = admin.post("/admin/kb/import", data={"csrf": admin.csrf}, files={"file": ("kb.csv", bad)}).text
    assert "7行目（csv-new）" in page and "取り込めません" in page and "この内容で取り込む" not in page
    assert assistant.searcher.store.get(rows[0]["id"]).answer != "取り込みで変えた答え"

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows[:-1])
    page = admin.post(
        "/admin/kb/import", data={"csrf": admin.csrf}, files={"file": ("kb.csv", out.getvalue().encode())}
    ).text
    assert "<td>更新</td>" in page and page.count("<td>変更なし</td>") == 4
    data = page.split('name="data" value="')[1].split('"')[0]
    done = admin.post("/admin/kb/import/apply", data={"csrf": admin.csrf, "data": data}).text
    assert "更新 1 件" in done
    assert assistant.searcher.store.get(rows[0]["id"]).answer == "取り込みで変えた答え"
    audit = admin.get("/admin/audit", params={"target": f"kb:{rows[0]['id']}"}).text
    assert "kb.import" in audit and "取り込みで変えた答え" in audit


def test_export_is_a_csv_excel_opens(admin):
    response = admin.get("/admin/kb/export.csv")
    assert response.content.startswith(b"\xef\xbb\xbf") and "national-konbini" in response.text


def test_unanswered_questions_are_grouped_and_become_a_draft(admin, assistant):
    for text in ("粗大ごみの出し方", "粗大ごみの出し方", "粗大ごみの出し方は？", "犬の登録はどこで"):
        assistant.logbook.record_question(
            QuestionRecord(sender="s", channel="web", language="ja", municipality="", text=text, outcome="handed_off")
        )
    page = admin.get("/admin/unanswered").text
    assert page.index("粗大ごみの出し方") < page.index("犬の登録はどこで") and "似た質問 1 件" in page
    response = admin.post("/admin/unanswered/draft", data={"csrf": admin.csrf, "text": "粗大ごみの出し方"})
    draft_id = response.headers["location"].rsplit("/", 1)[1]
    draft = assistant.searcher.store.get(draft_id)
    assert draft.retired and draft.question == "粗大ごみの出し方" and draft.variants == ("粗大ごみの出し方は？",)


def test_unhelpful_feedback_is_listed_per_entry(admin, assistant):
    assistant.logbook.record_feedback(sender="s", faq_id="national-konbini", question="住民票", helpful=False)
    assert "コンビニで住民票の写しをとれますか" in admin.get("/admin/unanswered").text
    assert "「解決しなかった」の声（1 件）" in admin.get(ENTRY).text


def test_a_phone_booking_attendance_and_the_roster_csv(admin, world):
    url = f"/admin/classes/{world.slot_id}"
    assert "区民センター" in admin.get("/admin/classes").text
    person = {"csrf": admin.csrf, "name": "山田 太郎", "phone": "03-1234-5678"}
    assert admin.post(f"{url}/book", data=person).status_code == 303
    page = admin.get(url).text
    assert "山田 太郎" in page and "電話" in page
    booking_id = page.split("/admin/classes/booking/")[1].split("/")[0]
    assert admin.post(f"/admin/classes/booking/{booking_id}/no_show", data={"csrf": admin.csrf}).status_code == 303
    roster = admin.get(f"{url}/roster.csv").content.decode("utf-8-sig")
    assert "山田 太郎,,0312345678" in roster and "欠席" in roster


def test_a_refused_booking_says_why(admin, world):
    response = admin.post(
        f"/admin/classes/{world.slot_id}/book", data={"csrf": admin.csrf, "name": "山田", "phone": "12"}
    )
    assert response.status_code == 422 and 'role="alert"' in response.text


def test_figures_are_drawn_with_their_numbers_and_offered_as_csv(admin, assistant):
    for outcome in ("answered", "answered", "handed_off"):
        assistant.logbook.record_question(
            QuestionRecord(
                sender="s",
                channel="web",
                language="ja",
                municipality="",
                text="q",
                outcome=outcome,
                faq_id="national-konbini" if outcome == "answered" else "",
            )
        )
    page = admin.get("/admin/figures").text
    assert page.count("<svg") >= 4 and "回答した" in page and "職員におつなぎ" in page
    outcomes = admin.get("/admin/figures/outcomes.csv").content.decode("utf-8-sig")
    assert outcomes.splitlines() == ["結果,件数", "回答した（67%）,2", "職員におつなぎ（33%）,1"]


def test_changes_are_in_the_audit_log_with_the_previous_value(admin):
    form = {**_form(admin, ENTRY), "answer": "新しい答えです。"}
    admin.post(ENTRY, data=form)
    page = admin.get("/admin/audit", params={"target": "kb:national-konbini"}).text
    assert "kb.save" in page and "admin" in page and "マイナンバーカードがあれば" in page and "新しい答えです。" in page


def test_admin_can_disable_another_account_but_not_their_own(admin, world):
    assert admin.post("/admin/staff/viewer/disabled", data={"csrf": admin.csrf, "disabled": "1"}).status_code == 303
    assert world.accounts().user("viewer").disabled
    admin.post("/admin/staff/admin/disabled", data={"csrf": admin.csrf, "disabled": "1"})
    assert not world.accounts().user("admin").disabled
