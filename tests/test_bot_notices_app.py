"""The app sends scheduled notices by itself: its scheduler starts with it, beside the booking courier."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.app import create_app
from bot.notices import NoticeStore, Version
from bot.settings import Settings
from knowledge import open_database
from tests.fakes.residents import Synthetic, add_residents
from tests.fakes.telegram_platform import TOKEN


def test_the_app_sends_a_scheduled_notice_without_anyone_running_dispatch(tmp_path, assistant, fresh_telegram_platform):
    # Telegram here: with LINE configured the app can only be built inside a running event loop (as uvicorn does)
    settings = Settings.from_env(
        {"MADOGUCHI_HOME": str(tmp_path), "MADOGUCHI_EMBEDDING_MODEL": "hashing", "TELEGRAM_BOT_TOKEN": TOKEN,
         "TELEGRAM_API_BASE_URL": fresh_telegram_platform.url}
    )  # fmt: skip
    add_residents(open_database(settings.db_path), [Synthetic(n, f"tg:{1000 + n}") for n in range(1, 6)])
    store = NoticeStore(open_database(settings.db_path))
    store.save_segment("みんな", {})
    store.schedule(store.create("断水", segment="みんな", versions={"ja": Version("ja", "明日は断水です。")}).id)
    with TestClient(create_app(settings, assistant=assistant)):
        sent = fresh_telegram_platform.wait_for("sendMessage", count=5)
    assert sorted(c.params["chat_id"] for c in sent) == [1001, 1002, 1003, 1004, 1005]
    assert {c.params["text"] for c in sent} == {"明日は断水です。"}
