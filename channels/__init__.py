"""Adapters between messaging channels and the Rasa server. No business rules live here."""

from .messages import OutMessage, from_rasa
from .rasa import RasaClient, RasaUnavailable
from .webchat import webchat_router

__all__ = ["OutMessage", "RasaClient", "RasaUnavailable", "from_rasa", "webchat_router"]
