"""The FAQ desk: answers residents' questions from the knowledge base, routes by meaning, logs what was asked."""

from .assistant import Answer, Assistant
from .logbook import Logbook, QuestionRecord

__all__ = ["Answer", "Assistant", "Logbook", "QuestionRecord"]
