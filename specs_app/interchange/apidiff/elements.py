"""The checks of one element a client sends or reads: a request parameter, a request body field
or a response field. The same comparison serves all three; each role registers its own check
ids (oasdiff's: `request-parameter-*`, `request-property-*`, `response-property-*`) and reads the
change from its side: what narrows a request breaks the clients that send it, what widens a
response breaks the clients that read it."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from specs_app.interchange.apidiff.change import BREAKING, INFO, WARNING, ApiChange, Check, register
from specs_app.interchange.apidiff.common import Where, quoted
from specs_app.interchange.apidiff.shapes import (
    ENUM,
    NARROWER,
    OTHER,
    SAME,
    WIDER,
    Shape,
    number_text,
    relation,
    shape_of,
)

REQUEST, RESPONSE = "request", "response"
_DEPRECATED = re.compile(r"\bdeprecated\b", re.I)

# (key, level, oasdiff, title); {what} is the role's noun ("request parameter").
_REQUEST_CHECKS = (
    ("added_required", BREAKING, True, "A required {what} was added"),
    ("added_optional", INFO, True, "An optional {what} was added"),
    ("removed", WARNING, True, "A {what} was removed"),
    ("renamed", BREAKING, False, "A {what} was renamed (the same row, a new name)"),
    ("became_required", BREAKING, True, "An optional {what} became required"),
    ("became_optional", INFO, True, "A required {what} became optional"),
    ("type_changed", BREAKING, True, "A {what}'s type changed or narrowed"),
    ("type_generalized", INFO, True, "A {what}'s type was widened (integer to number, ...)"),
    ("became_enum", BREAKING, True, "A {what} was restricted to a list of values"),
    ("enum_value_removed", BREAKING, True, "A value was removed from a {what}'s allowed values"),
    ("enum_value_added", INFO, True, "A value was added to a {what}'s allowed values"),
    ("max_length_decreased", BREAKING, True, "A {what}'s maximum length was decreased"),
    ("max_length_set", BREAKING, True, "A {what} was given a maximum length"),
    ("max_length_increased", INFO, True, "A {what}'s maximum length was increased or removed"),
    ("min_length_increased", BREAKING, True, "A {what}'s minimum length was increased"),
    ("max_decreased", BREAKING, True, "A {what}'s maximum value was decreased"),
    ("max_set", BREAKING, True, "A {what} was given a maximum value"),
    ("min_increased", BREAKING, True, "A {what}'s minimum value was increased"),
    ("min_set", BREAKING, True, "A {what} was given a minimum value"),
    ("pattern_added", BREAKING, True, "A {what} was given a pattern"),
    ("pattern_changed", WARNING, True, "A {what}'s pattern changed"),
    ("became_not_nullable", BREAKING, True, "A nullable {what} no longer accepts null"),
    ("became_nullable", INFO, True, "A {what} now accepts null"),
    ("deprecated", INFO, True, "A {what} was deprecated"),
)
_RESPONSE_CHECKS = (
    ("added_required", INFO, True, "A required {what} was added"),
    ("added_optional", INFO, True, "An optional {what} was added"),
    ("removed_required", BREAKING, True, "A required {what} was removed"),
    ("removed_optional", WARNING, True, "An optional {what} was removed"),
    ("renamed", BREAKING, False, "A {what} was renamed (the same row, a new name)"),
    ("became_optional", BREAKING, True, "A required {what} became optional"),
    ("became_required", INFO, True, "An optional {what} became required"),
    ("type_changed", BREAKING, True, "A {what}'s type changed or widened"),
    ("type_specialized", INFO, False, "A {what}'s type was narrowed (number to integer, ...)"),
    ("enum_value_added", WARNING, True, "A value was added to a {what}'s possible values"),
    ("enum_value_removed", INFO, True, "A value was removed from a {what}'s possible values"),
    ("max_length_increased", BREAKING, True, "A {what}'s maximum length was increased"),
    ("max_length_unset", BREAKING, True, "A {what}'s maximum length was removed"),
    ("min_length_decreased", BREAKING, True, "A {what}'s minimum length was decreased or removed"),
    ("max_increased", BREAKING, True, "A {what}'s maximum value was increased or removed"),
    ("min_decreased", BREAKING, True, "A {what}'s minimum value was decreased or removed"),
    ("pattern_removed", WARNING, False, "A {what}'s pattern was removed or changed"),
    ("became_nullable", BREAKING, True, "A {what} may now be null"),
    ("became_not_nullable", INFO, True, "A nullable {what} is never null any more"),
    ("deprecated", INFO, True, "A {what} was deprecated"),
)

_WHY_SEND = "Clients that send what the previous revision accepted may be rejected."
_WHY_READ = "Clients written against the previous revision may not handle the responses."


@dataclass(frozen=True)
class Role:
    """A kind of element: which side it is on, what to call one, and its checks by key."""

    side: str
    what: str  # "request parameter", "request field", "response field"
    noun: Callable[[object], str]  # the element's name in an item: "query parameter limit"
    checks: dict[str, Check]


def role(side: str, what: str, noun: Callable, ids: dict[str, str]) -> Role:
    """Register the checks of a role: `ids` gives each check key its id."""
    table = _REQUEST_CHECKS if side == REQUEST else _RESPONSE_CHECKS
    checks = {}
    for key, level, oasdiff, title in table:
        check_id = ids[key]
        checks[key] = register(check_id, level, title.format(what=what), oasdiff=oasdiff)
    return Role(side, what, noun, checks)


def oasdiff_ids(side: str, prefix: str, noun: str) -> dict[str, str]:
    """oasdiff's ids for a role: prefix `request-parameter` / `request-property` /
    `response-property`, noun `parameter` / `property`."""
    ids = {key: f"{prefix}-{key.replace('_', '-')}" for key, *_ in _REQUEST_CHECKS}
    ids |= {key: f"{prefix}-{key.replace('_', '-')}" for key, *_ in _RESPONSE_CHECKS}
    if side == REQUEST:
        ids["added_required"] = f"new-required-request-{noun}"
        ids["added_optional"] = f"new-optional-request-{noun}"
    else:
        for kind in ("required", "optional"):
            ids[f"added_{kind}"] = f"response-{kind}-{noun}-added"
            ids[f"removed_{kind}"] = f"response-{kind}-{noun}-removed"
    return ids


def is_deprecated(row) -> bool:
    return bool(_DEPRECATED.search(f"{row.description} {row.constraints}"))


def shape(row) -> Shape:
    return shape_of(row.type, row.constraints)


def spec_text(row) -> str:
    return f"{row.type} ({'required' if row.required else 'optional'})"


def added(role_: Role, where: Where, row) -> ApiChange:
    element = role_.noun(row)
    item = where.item(element)
    if role_.side == REQUEST:
        if row.required:
            return where.change(
                role_.checks["added_required"],
                item,
                f"{item}: added as required ({row.type}). Clients that do not send it will be "
                "rejected.",
            )
        return where.change(
            role_.checks["added_optional"],
            item,
            f"{item}: added as optional ({row.type}).",
        )
    kind = "required" if row.required else "optional"
    return where.change(
        role_.checks[f"added_{kind}"],
        item,
        f"{item}: added ({row.type}, {kind}).",
    )


def removed(role_: Role, where: Where, row) -> ApiChange:
    element = role_.noun(row)
    item = where.item(element)
    if role_.side == REQUEST:
        return where.change(
            role_.checks["removed"],
            item,
            f"{item}: removed (was {spec_text(row)}). Clients that still send it may be "
            "rejected, or see it ignored.",
        )
    if row.required:
        return where.change(
            role_.checks["removed_required"],
            item,
            f"{item}: removed (was {spec_text(row)}). Clients that read it will fail.",
        )
    return where.change(
        role_.checks["removed_optional"],
        item,
        f"{item}: removed (was {spec_text(row)}). Clients that read it when present "
        "will no longer get it.",
    )


def renamed(role_: Role, where: Where, old, new, check: Check | None = None) -> ApiChange:
    element = role_.noun(new)
    why = (
        "Clients that send the old name will have it ignored or rejected."
        if role_.side == REQUEST
        else "Clients that read the old name will not find it."
    )
    check = check or role_.checks["renamed"]
    if check.level == WARNING:
        why = "Calls keep the same URL; generated clients rename the argument."
    return where.change(
        check,
        where.item(element),
        f"{where.item(element)}: renamed from {old.name}. {why}",
    )


def _as_written(row) -> tuple:
    return (row.type, row.required, row.constraints, row.description)


def compared(role_: Role, where: Where, old, new) -> Iterator[ApiChange]:
    """The changes of one element between two revisions, in a fixed order: required, type,
    allowed values, length, range, pattern, null, deprecation (the name and the location are
    the caller's)."""
    if _as_written(old) == _as_written(new):
        return
    element = role_.noun(new)
    item = where.item(element)
    checks = role_.checks
    request = role_.side == REQUEST

    def change(key: str, what: str, why: str = "") -> ApiChange:
        check = checks[key]
        text = f"{item}: {what}."
        if why and check.level != INFO:
            text += f" {why}"
        return where.change(check, item, text)

    if old.required != new.required:
        if request and new.required:
            yield change("became_required", "became required", "Clients that omit it will fail.")
        elif request:
            yield change("became_optional", "became optional")
        elif new.required:
            yield change("became_required", "became required")
        else:
            yield change(
                "became_optional",
                "became optional",
                "Clients that expect it in every response will fail when it is missing.",
            )
    before, after = shape(old), shape(new)
    kinship = relation(before, after)
    was_is = f"(was {old.type}, is {new.type})"
    if kinship != SAME:
        yield from _type_change(change, request, kinship, before, after, was_is)
    comparable = kinship == SAME or (kinship != OTHER and ENUM not in (before.kind, after.kind))
    if comparable:
        yield from _enum(change, request, before, after)
        yield from _bounds(change, request, before, after)
        yield from _pattern(change, request, before, after)
    if before.nullable != after.nullable:
        if request and not after.nullable:
            yield change(
                "became_not_nullable",
                "no longer accepts null",
                "Clients that send null will be rejected.",
            )
        elif request:
            yield change("became_nullable", "now accepts null")
        elif after.nullable:
            yield change(
                "became_nullable", "may now be null", "Clients that do not expect null will fail."
            )
        else:
            yield change("became_not_nullable", "is never null any more")
    if is_deprecated(new) and not is_deprecated(old):
        yield change("deprecated", "was deprecated")


def _type_change(change, request: bool, kinship: str, before, after, was_is: str):
    if request:
        if kinship == WIDER:
            yield change("type_generalized", f"type was widened {was_is}")
        elif after.kind == ENUM and kinship == NARROWER:
            values = ", ".join(after.enum or ())
            yield change(
                "became_enum",
                f"was restricted to the values {values} {was_is}",
                "Clients that send any other value will be rejected.",
            )
        else:
            narrow = "narrowed" if kinship == NARROWER else "changed"
            yield change(
                "type_changed",
                f"type {narrow} {was_is}",
                "Clients that send values of the old type will be rejected.",
            )
    elif kinship == NARROWER:
        yield change("type_specialized", f"type was narrowed {was_is}")
    else:
        wide = "widened" if kinship == WIDER else "changed"
        yield change(
            "type_changed",
            f"type {wide} {was_is}",
            "Clients that parse the old type may fail on the new values.",
        )


def _enum(change, request: bool, before: Shape, after: Shape):
    if before.enum is None or after.enum is None:
        return
    gone = [value for value in before.enum if value not in after.enum]
    new = [value for value in after.enum if value not in before.enum]
    if request:
        if gone:
            yield change(
                "enum_value_removed",
                f"no longer accepts {_listed(gone)}",
                "Clients that send it will be rejected.",
            )
        if new:
            yield change("enum_value_added", f"now also accepts {_listed(new)}")
    else:
        if new:
            yield change(
                "enum_value_added",
                f"may now also be {_listed(new)}",
                "Clients that handle only the listed values may fail on it.",
            )
        if gone:
            yield change("enum_value_removed", f"is never {_listed(gone)} any more")


def _listed(values: list[str]) -> str:
    return ", ".join(quoted(value) for value in values)


def _bounds(change, request: bool, before: Shape, after: Shape):
    old_max, new_max = before.max_length, after.max_length
    old_min, new_min = before.min_length or 0, after.min_length or 0
    if request:
        if old_max is not None and new_max is not None and new_max < old_max:
            yield change(
                "max_length_decreased",
                f"maximum length was decreased from {old_max} to {new_max}",
                _WHY_SEND,
            )
        elif old_max is None and new_max is not None:
            yield change("max_length_set", f"was given a maximum length of {new_max}", _WHY_SEND)
        elif old_max is not None and (new_max is None or new_max > old_max):
            now = f"raised to {new_max}" if new_max else "removed"
            yield change("max_length_increased", f"maximum length of {old_max} was {now}")
        if new_min > old_min:
            yield change(
                "min_length_increased",
                f"minimum length was increased from {old_min} to {new_min}",
                _WHY_SEND,
            )
        yield from _request_range(change, before, after)
        return
    if old_max is not None and new_max is not None and new_max > old_max:
        yield change(
            "max_length_increased",
            f"maximum length was increased from {old_max} to {new_max}",
            _WHY_READ,
        )
    elif old_max is not None and new_max is None:
        yield change("max_length_unset", f"maximum length of {old_max} was removed", _WHY_READ)
    if new_min < old_min:
        yield change(
            "min_length_decreased",
            f"minimum length was decreased from {old_min} to {new_min}",
            _WHY_READ,
        )
    if before.maximum is not None and (after.maximum is None or after.maximum > before.maximum):
        yield change(
            "max_increased",
            f"maximum value was raised from {number_text(before.maximum)} to "
            f"{number_text(after.maximum)}",
            _WHY_READ,
        )
    if before.minimum is not None and (after.minimum is None or after.minimum < before.minimum):
        yield change(
            "min_decreased",
            f"minimum value was lowered from {number_text(before.minimum)} to "
            f"{number_text(after.minimum)}",
            _WHY_READ,
        )


def _request_range(change, before: Shape, after: Shape):
    old_max, new_max = before.maximum, after.maximum
    if old_max is not None and new_max is not None and new_max < old_max:
        yield change(
            "max_decreased",
            f"maximum value was decreased from {number_text(old_max)} to {number_text(new_max)}",
            _WHY_SEND,
        )
    elif old_max is None and new_max is not None:
        yield change("max_set", f"was given a maximum value of {number_text(new_max)}", _WHY_SEND)
    old_min, new_min = before.minimum, after.minimum
    if old_min is not None and new_min is not None and new_min > old_min:
        yield change(
            "min_increased",
            f"minimum value was increased from {number_text(old_min)} to {number_text(new_min)}",
            _WHY_SEND,
        )
    elif old_min is None and new_min is not None:
        yield change("min_set", f"was given a minimum value of {number_text(new_min)}", _WHY_SEND)


def _pattern(change, request: bool, before: Shape, after: Shape):
    if before.pattern == after.pattern:
        return
    if request and not before.pattern:
        yield change(
            "pattern_added",
            f"was given the pattern {after.pattern}",
            "Clients that send values not matching it will be rejected.",
        )
    elif request and after.pattern:
        yield change(
            "pattern_changed",
            f"pattern changed from {before.pattern} to {after.pattern}",
            "Values that matched the old pattern may not match the new one.",
        )
    elif not request and before.pattern:
        now = f"the pattern {after.pattern}" if after.pattern else "no pattern"
        yield change(
            "pattern_removed",
            f"pattern {before.pattern} was replaced by {now}",
            "Clients that relied on the old pattern may get values that do not match it.",
        )
