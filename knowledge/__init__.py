"""madoguchi's knowledge base: FAQ entries in SQLite and the hybrid search over them.

A plain library: it imports neither `bot` nor `channels`, and nothing heavy at import time.
"""

from .embedders import Embedder, HashingEmbedder, SentenceTransformerEmbedder
from .loader import RowError, entries_to_csv, parse_csv, read_seed_entries, read_seed_municipalities, read_sources
from .models import STATUSES, Entry, Hit, Municipality
from .reading import Reader
from .search import SearchConfig, Searcher, SearchResult, detect_municipality
from .store import ImportReport, KnowledgeStore, open_database
from .text import clean, is_english, normalize

__all__ = [
    "STATUSES",
    "Embedder",
    "Entry",
    "HashingEmbedder",
    "Hit",
    "ImportReport",
    "KnowledgeStore",
    "Municipality",
    "Reader",
    "RowError",
    "SearchConfig",
    "SearchResult",
    "Searcher",
    "SentenceTransformerEmbedder",
    "clean",
    "detect_municipality",
    "entries_to_csv",
    "is_english",
    "normalize",
    "open_database",
    "parse_csv",
    "read_seed_entries",
    "read_seed_municipalities",
    "read_sources",
]
