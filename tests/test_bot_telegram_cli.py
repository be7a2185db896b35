"""`madoguchi telegram …` in-process, against the fake Telegram Bot API."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.fakes.telegram_platform import TOKEN
from tests.fakes.telegram_updates import SECRET


@pytest.fixture
def platform(fresh_telegram_platform):
    return fresh_telegram_platform


@pytest.fixture
def run(tmp_path, monkeypatch, platform):
    monkeypatch.setenv("MADOGUCHI_HOME", str(tmp_path))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", platform.url)
    return lambda *args: CliRunner().invoke(main, ["telegram", *args])


def test_webhook_set_registers_the_url_with_the_secret_and_the_update_kinds(run, platform):
    result = run("webhook", "set", "https://madoguchi.example.jp/telegram/webhook")
    assert result.exit_code == 0, result.output
    [call] = platform.sent("setWebhook")
    assert call.errors == []
    assert call.params == {
        "url": "https://madoguchi.example.jp/telegram/webhook",
        "secret_token": SECRET,
        "allowed_updates": ["message", "callback_query", "my_chat_member"],
    }


def test_webhook_info_prints_what_telegram_knows(run):
    run("webhook", "set", "https://madoguchi.example.jp/telegram/webhook")
    info = json.loads(run("webhook", "info").output)
    assert info["url"] == "https://madoguchi.example.jp/telegram/webhook"
    assert info["allowed_updates"] == ["message", "callback_query", "my_chat_member"]


def test_webhook_delete_deletes_it(run, platform):
    assert run("webhook", "delete").exit_code == 0
    assert platform.sent("deleteWebhook")


def test_webhook_set_refuses_a_plain_http_url(run, platform):
    result = run("webhook", "set", "http://madoguchi.example.jp/telegram/webhook")
    assert result.exit_code != 0 and "https://" in result.output
    assert platform.calls == []


@pytest.mark.parametrize("secret", ["", "has spaces in it"])
def test_webhook_set_needs_a_usable_secret(run, platform, monkeypatch, secret):
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    result = run("webhook", "set", "https://madoguchi.example.jp/telegram/webhook")
    assert result.exit_code != 0 and "TELEGRAM_WEBHOOK_SECRET" in result.output
    assert platform.calls == []


@pytest.mark.parametrize("args", [("poll",), ("webhook", "info"), ("webhook", "delete")])
def test_every_command_says_clearly_when_the_token_is_missing(run, monkeypatch, args):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    result = run(*args)
    assert result.exit_code != 0 and "TELEGRAM_BOT_TOKEN is not set" in result.output


def test_a_token_telegram_refuses_is_reported_as_such(run, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "987654321:revoked-token")
    result = run("webhook", "info")
    assert result.exit_code != 0 and "refused TELEGRAM_BOT_TOKEN" in result.output


def test_a_malformed_token_is_reported_before_anything_is_sent(run, monkeypatch, platform):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    result = run("poll")
    assert result.exit_code != 0 and "BotFather" in result.output
    assert platform.calls == []


def test_an_unreachable_api_is_reported_with_its_address(run, monkeypatch):
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")
    result = run("webhook", "info")
    assert result.exit_code != 0 and "Cannot reach Telegram at http://127.0.0.1:9" in result.output
