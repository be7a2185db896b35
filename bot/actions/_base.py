"""The base of madoguchi's Rasa actions: each one is a thin adapter around one collaborator.

The collaborators search, embed and write SQLite: CPU and disk work that would stall the app's event loop
(and with it every webhook that is waiting for its 200). Actions hand that work to `worker`, a single thread
shared by every action of the process, so it runs off the loop and one piece at a time.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from rasa_sdk import Action

from ..faq import Assistant

T = TypeVar("T")


class WorkerAction(Action):
    def __init__(self, *, worker: Executor | None = None) -> None:
        self.worker = worker

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` on the worker thread (or inline when there is none, as in unit tests)."""
        if self.worker is None:
            return fn(*args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.worker, functools.partial(fn, *args, **kwargs))


class AssistantAction(WorkerAction):
    def __init__(self, assistant: Assistant, *, worker: Executor | None = None) -> None:
        super().__init__(worker=worker)
        self.assistant = assistant
