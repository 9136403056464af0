"""The one-line spellings that every markdown format reads: the canonical format writes them
(docs/format.md) and the markdown variants recognise them among their own, so they sit below
both. Each encoding is written next to its inverse so that they stay exact inverses."""

import re
from typing import Protocol, TypeVar

from specs_app.interchange.records import ParsedRelationship
from specs_app.vocabulary import (
    BELONGS_TO,
    HAS_MANY,
    HAS_ONE,
    MANY_TO_MANY,
    ON_DELETE_ACTIONS,
    RELATIONSHIP_LABELS,
)

# ---------------------------------------------------------------------------------------------
# Parameter and body-field text: `<type> (<required|optional>[, <constraints>])[ - <description>]`

_TYPE_END = re.compile(r" \((required|optional)(?=[,)])")


class _FieldSpec(Protocol):
    """The shared shape of a parameter line and a body-field JSON value: a `ParsedParameter`, a
    `ParsedBodyField` or a row of either."""

    type: str
    required: bool | None
    constraints: str
    description: str


Spec = TypeVar("Spec", bound=_FieldSpec)


def compose_field_spec(spec: _FieldSpec) -> str:
    flag = "required" if spec.required else "optional"
    inside = f"{flag}, {spec.constraints}" if spec.constraints else flag
    text = f"{spec.type} ({inside})"
    return f"{text} - {spec.description}" if spec.description else text


def split_field_spec(text: str, into: Spec) -> tuple[Spec | None, str | None]:
    """Undo `compose_field_spec` into the record `into` (its type, required flag, constraints and
    description). Returns (into, None), or (None, why it cannot be read) leaving `into` as it
    was, or (into, remark) when the text was readable but not canonical."""
    marker = _TYPE_END.search(text)
    if marker is None:
        return None, 'no " (required" or " (optional" after the type'
    close = matching_paren(text, marker.start() + 1)
    if close is None:
        return None, "the parenthesis after the type is not closed"
    into.type = text[: marker.start()].strip()
    into.required = marker.group(1) == "required"
    into.constraints = text[marker.end() + 1 : close].strip()
    into.description = ""
    rest = text[close + 1 :]
    if not rest:
        return into, None
    if rest.startswith(" - "):
        into.description = rest[3:].strip()
        return into, None
    into.description = rest.strip(" -")
    return into, f'text after the closing parenthesis should follow " - ": {rest.strip()!r}'


def matching_paren(text: str, open_index: int) -> int | None:
    """Index of the `)` that closes the `(` at `open_index`, counting every parenthesis (the
    editor's rule for constraints and index columns), or None."""
    depth = 0
    for index in range(open_index, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return None


# ---------------------------------------------------------------------------------------------
# Relationships

# The kinds and actions themselves are specs_app/vocabulary.py's, shared with the models.


def compose_relationship(r: ParsedRelationship) -> str:
    """The relationship's line; `r` is a record or a row (anything with its attributes)."""
    label = RELATIONSHIP_LABELS.get(r.kind, r.kind)
    if r.kind == BELONGS_TO:
        detail = f"{r.fk_field} -> {r.target_column}, {r.on_delete} on delete"
    elif r.kind == MANY_TO_MANY:
        detail = f"through {r.through_table}"
    else:
        detail = f"via {r.fk_field}"
    return f"{label}: {r.target} ({detail})"


_ACTIONS = "|".join(re.escape(action) for action in ON_DELETE_ACTIONS)
_RELATIONSHIP_PATTERNS = {
    BELONGS_TO: re.compile(
        rf"^Belongs to: (?P<target>.+?) \((?P<fk_field>.+?) -> (?P<target_column>[^ ]+), "
        rf"(?P<on_delete>{_ACTIONS}) on delete\)$"
    ),
    HAS_ONE: re.compile(r"^Has one: (?P<target>.+?) \(via (?P<fk_field>[^ ]+)\)$"),
    HAS_MANY: re.compile(r"^Has many: (?P<target>.+?) \(via (?P<fk_field>[^ ]+)\)$"),
    MANY_TO_MANY: re.compile(r"^Many to many: (?P<target>.+?) \(through (?P<through_table>.+)\)$"),
}


def split_relationship(text: str, line: int = 0) -> ParsedRelationship | None:
    for kind, pattern in _RELATIONSHIP_PATTERNS.items():
        match = pattern.match(text)
        if match:
            return ParsedRelationship(line, kind=kind, **match.groupdict())
    return None
