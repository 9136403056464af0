"""Request body fields and response fields: paired by uid, then by name (within their part)."""

from collections.abc import Iterator

from specs_app.interchange.apidiff.change import ApiChange
from specs_app.interchange.apidiff.common import Where, aligned, by_uid, pair
from specs_app.interchange.apidiff.elements import (
    REQUEST,
    RESPONSE,
    added,
    compared,
    oasdiff_ids,
    removed,
    renamed,
    role,
)
from specs_app.interchange.records import ParsedEndpoint

REQUEST_FIELD = role(
    REQUEST,
    "request field",
    lambda f: f"request field {f.name}",
    oasdiff_ids(REQUEST, "request-property", "property"),
)
RESPONSE_FIELD = role(
    RESPONSE,
    "response field",
    lambda f: f"response field {f.name}",
    oasdiff_ids(RESPONSE, "response-property", "property"),
)


def body_changes(
    where: Where, old: ParsedEndpoint, new: ParsedEndpoint, part: str
) -> Iterator[ApiChange]:
    """The changes of the request body's fields (part "request") or the response's."""
    kind = REQUEST_FIELD if part == REQUEST else RESPONSE_FIELD
    before = [f for f in old.body_fields if f.part == part]
    after = [f for f in new.body_fields if f.part == part]
    pairs = pair(before, after, [by_uid, lambda f: f.name])
    for old_field, new_field in aligned(before, after, pairs):
        if old_field is None:
            yield added(kind, where, new_field)
        elif new_field is None:
            yield removed(kind, where, old_field)
        else:
            if old_field.name != new_field.name:
                yield renamed(kind, where, old_field, new_field)
            yield from compared(kind, where, old_field, new_field)


__all__ = ["REQUEST", "RESPONSE", "body_changes"]
