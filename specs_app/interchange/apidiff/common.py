"""What every check module shares: how an endpoint is named, how rows of two revisions are paired
(by uid, then by what names them in text), and the order the pairs are reported in."""

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from specs_app.interchange.apidiff.change import ApiChange, Check
from specs_app.interchange.records import ParsedEndpoint

Row = TypeVar("Row")
Key = Callable[[Row], Hashable | None]
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def endpoint_label(endpoint: ParsedEndpoint) -> str:
    return f"{endpoint.method} {endpoint.path}".strip() or endpoint.name


def path_shape(path: str) -> str:
    """`/tasks/{task_id}` → `/tasks/{}`: what a client calls, whatever its parameters' names."""
    return _PLACEHOLDER.sub("{}", path.strip().rstrip("/") or "/")


def placeholders(path: str) -> list[str]:
    return [match[1:-1].strip() for match in _PLACEHOLDER.findall(path)]


def by_uid(row) -> str | None:
    return row.uid or None


def pair(old: Sequence[Row], new: Sequence[Row], keys: Sequence[Key]) -> dict[int, int]:
    """Old index → new index: each key in turn pairs the rows the previous keys left (a key
    returning None does not pair). Records of a revision carry uids; records read from text
    pair by their names."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for key in keys:
        first: dict[Hashable, int] = {}
        for j, row in enumerate(new):
            if j not in taken and (value := key(row)) is not None:
                first.setdefault(value, j)
        for i, row in enumerate(old):
            if i in pairs or (value := key(row)) is None:
                continue
            j = first.get(value)
            if j is not None and j not in taken:
                pairs[i] = j
                taken.add(j)
    return pairs


def aligned(
    old: Sequence[Row], new: Sequence[Row], pairs: dict[int, int]
) -> list[tuple[Row | None, Row | None]]:
    """The pairs in the new order; a row only in `old` comes right after the new place of the
    old row before it (so removed rows are listed where they were)."""
    removed_after: dict[int, list] = defaultdict(list)
    anchor = -1
    for i, row in enumerate(old):
        if i in pairs:
            anchor = pairs[i]
        else:
            removed_after[anchor].append(row)
    back = {j: i for i, j in pairs.items()}
    rows: list[tuple[Row | None, Row | None]] = [(row, None) for row in removed_after[-1]]
    for j, row in enumerate(new):
        rows.append((old[back[j]] if j in back else None, row))
        rows.extend((removed, None) for removed in removed_after[j])
    return rows


@dataclass(frozen=True)
class Where:
    """The endpoint the changes of a comparison belong to."""

    label: str
    uid: str

    def change(self, check: Check, item: str, message: str) -> ApiChange:
        return ApiChange(check.id, check.level, item, message, self.uid, self.label)

    def item(self, element: str = "") -> str:
        return f"{self.label}, {element}" if element else self.label


def quoted(value: str) -> str:
    return f"“{value}”" if value else "nothing"
