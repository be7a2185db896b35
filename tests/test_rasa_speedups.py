"""The cached action-response check inside Rasa accepts what Rasa accepts and refuses what Rasa refuses."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).parent.parent

SCRIPT = """
import json, sys
import bot.nlu  # installs the speedup, as when Rasa loads the tokenizer
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from bot.nlu.speedups import _validate_action_result
assert RemoteAction._validate_action_result is _validate_action_result
action = RemoteAction("action_answer_faq", None)
out = []
for response in json.loads(sys.argv[1]):
    try:
        out.append(action._validate_action_result(response))
    except ValidationError as e:
        out.append("Failed to validate Action server response" in e.message)
print(json.dumps(out))
"""


def test_the_cached_check_keeps_rasas_verdicts():
    good = {
        "events": [{"event": "slot", "name": "language", "value": "ja"}],
        "responses": [{"text": "こんにちは", "buttons": [{"title": "はい", "payload": "/affirm"}]}],
    }
    bad = {"events": [{"event": "slot"}], "responses": "not a list"}
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", SCRIPT, json.dumps([good, bad])],
        cwd=ROOT, env={"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, True]
