"""How an endpoint maps to a data model: the one place that decides it, for the API ↔ database
lint rules (services/lint/rules/crosscheck.py) and the endpoint and model pages.

The first way that gives a model wins:
1. explicit: the endpoint's `data_model` link (a model name, compared case-insensitively);
2. path: the path's segments read from the last one back, skipping placeholders, `api` and
   version segments (`v1`): the first that is a model's table, or whose singular is a model's
   name (`/api/v1/tasks/{task_id}/complete` → `tasks`; `/projects/{id}/tasks` → `tasks`);
3. name: a word of the endpoint's name (or two words run together) that is a model's name or
   its plural (`Create Task` → Task, `Link Task Tag` → TaskTag).

Everything here reads attributes only (`endpoint.path`, `model.table`, …), so it works on rows
already loaded and costs no query.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

EXPLICIT, PATH, NAME = "explicit", "path", "name"
#: How the mapping was found, as the pages say it: "Model: Task (from the path)".
HOW_LABELS = {EXPLICIT: "set on the endpoint", PATH: "from the path", NAME: "from the name"}

_VERSION = re.compile(r"^v\d+(?:\.\d+)*$", re.IGNORECASE)
_PREFIXES = frozenset({"api", "rest", "public", "internal"})
_WORD = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=4096)
def singular(word: str) -> str:
    """A plural English noun's singular, by the common rules (lower case)."""
    word = word.lower()
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if len(word) > 1 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class ModelMapping:
    """The model an endpoint maps to (None: none found), and how it was found."""

    model: object | None = None
    how: str = ""
    #: The explicit link as written (set even when it names no model).
    link: str = ""

    @property
    def how_label(self) -> str:
        return HOW_LABELS.get(self.how, "")

    @property
    def link_unknown(self) -> bool:
        return bool(self.link) and self.model is None


NO_MAPPING = ModelMapping()


class ModelIndex:
    """The models of one revision, looked up by name, table and plural."""

    def __init__(self, models: Iterable) -> None:
        self.models = list(models)
        self._by_name: dict[str, object] = {}
        self._by_table: dict[str, object] = {}
        for model in self.models:
            self._by_name.setdefault(_squash(model.name), model)
            self._by_table.setdefault(model.table.lower(), model)

    def named(self, name: str):
        return self._by_name.get(_squash(name))

    def for_segment(self, segment: str):
        segment = segment.lower().replace("-", "_")
        return (
            self._by_table.get(segment)
            or self._by_name.get(_squash(singular(segment)))
            or self._by_name.get(_squash(segment))
        )

    def for_word(self, word: str):
        return self._by_name.get(_squash(word)) or self._by_name.get(_squash(singular(word)))


def _squash(name: str) -> str:
    """A name compared without case, spaces, dashes or underscores (TaskTag = task_tag)."""
    return re.sub(r"[\s_-]+", "", name.lower())


def path_segments(path: str) -> list[str]:
    """The path's resource segments: no placeholders, no `api` prefix nor version."""
    segments = [s for s in path.split("?", 1)[0].split("/") if s]
    return [
        s
        for s in segments
        if not (s.startswith("{") or s.startswith(":"))
        and not _VERSION.match(s)
        and s.lower() not in _PREFIXES
    ]


def endpoint_model(endpoint, index: ModelIndex) -> ModelMapping:
    link = (getattr(endpoint, "data_model", "") or "").strip()
    if link:
        return ModelMapping(index.named(link), EXPLICIT, link)
    for segment in reversed(path_segments(endpoint.path)):
        if (model := index.for_segment(segment)) is not None:
            return ModelMapping(model, PATH)
    if "/" in endpoint.name:  # a name that is the method and path says no more than the path
        return NO_MAPPING
    words = _WORD.findall(re.sub(r"\{[^{}]*\}", " ", endpoint.name))
    candidates = [a + b for a, b in zip(words, words[1:], strict=False)] + words
    for word in candidates:
        if (model := index.for_word(word)) is not None:
            return ModelMapping(model, NAME)
    return NO_MAPPING


def endpoint_models(endpoints: Iterable, models: Iterable) -> dict:
    """{endpoint: ModelMapping} for every endpoint (keyed by the row itself)."""
    index = ModelIndex(models)
    return {endpoint: endpoint_model(endpoint, index) for endpoint in endpoints}


def endpoints_of_model(model, endpoints: Iterable, models: Iterable) -> list[tuple]:
    """[(endpoint, ModelMapping)] of the endpoints that map to `model`, in their order."""
    index = ModelIndex(models)
    found = []
    for endpoint in endpoints:
        mapping = endpoint_model(endpoint, index)
        if mapping.model is not None and mapping.model.uid == model.uid:
            found.append((endpoint, mapping))
    return found
