"""The one door to the Rasa server: its standard REST channel, over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from .messages import OutMessage, from_rasa

__all__ = ["RasaClient", "RasaUnavailable"]


class RasaUnavailable(RuntimeError):
    """Rasa did not answer (not started, restarting, or overloaded)."""


class RasaClient:
    def __init__(self, base_url: str, *, http: httpx.AsyncClient | None = None, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=timeout)

    async def send(self, sender: str, text: str, *, metadata: dict[str, Any] | None = None) -> list[OutMessage]:
        """Send one resident message; return the bot's replies in order."""
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._http.post(f"{self.base_url}/webhooks/rest/webhook", json=body)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        return from_rasa(response.json())

    async def ready(self) -> bool:
        try:
            response = await self._http.get(f"{self.base_url}/")
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def aclose(self) -> None:
        await self._http.aclose()
