"""A faster check of the action server's responses, inside the Rasa process.

Rasa 3.6 validates every response of the action server with ``jsonschema.validate(result, spec)``, which checks
the schema itself and builds a new validator on every call: measured at more than half of Rasa's CPU for a turn
that runs one custom action (py-spy, docs/decisions.md). `install` keeps the same check (same schema, same
validator class, same error) but builds the validator once. Imported by `bot.nlu`, which Rasa loads for the
tokenizer, so it is in place before the first message.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["install"]


@functools.cache
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)
    return cls(spec)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action

    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {action.DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Replace RemoteAction's per-call validation with the cached one (idempotent)."""
    try:
        from rasa.core.actions.action import RemoteAction
    except ImportError:  # not inside Rasa (e.g. the app's environment): nothing to speed up
        return
    RemoteAction._validate_action_result = _validate_action_result
