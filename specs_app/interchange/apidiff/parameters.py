"""Request parameters (header, path, query): paired by uid, then by location and name, then a
path parameter by its place in the path (`{task_id}` → `{id}` in the same place is a rename)."""

from collections.abc import Iterator

from specs_app.interchange.apidiff.change import BREAKING, WARNING, ApiChange, register
from specs_app.interchange.apidiff.common import Where, aligned, by_uid, pair, placeholders
from specs_app.interchange.apidiff.elements import (
    REQUEST,
    added,
    compared,
    oasdiff_ids,
    removed,
    renamed,
    role,
)
from specs_app.interchange.records import ParsedEndpoint, ParsedParameter
from specs_app.vocabulary import PATH

PARAMETER = role(
    REQUEST,
    "request parameter",
    lambda p: f"{p.location} parameter {p.name}",
    oasdiff_ids(REQUEST, "request-parameter", "parameter"),
)
PATH_PARAMETER_RENAMED = register(
    "request-path-parameter-renamed",
    WARNING,
    "A path parameter was renamed (the URL is the same; its name in the docs and in generated "
    "clients is not)",
)
LOCATION_CHANGED = register(
    "request-parameter-location-changed",
    BREAKING,
    "A parameter moved between the header, the path and the query",
)


def parameter_changes(
    where: Where, old: ParsedEndpoint, new: ParsedEndpoint, *, path_changed: bool
) -> Iterator[ApiChange]:
    """The changes of the parameters, in the new order (removed ones where they were). When the
    path itself changed (endpoint-path-changed), path parameters added or removed with it are
    part of that change."""
    pairs = _paired(old, new)
    for before, after in aligned(old.parameters, new.parameters, pairs):
        if before is None:
            if not (path_changed and after.location == PATH):
                yield added(PARAMETER, where, after)
        elif after is None:
            if not (path_changed and before.location == PATH):
                yield removed(PARAMETER, where, before)
        else:
            yield from _pair_changes(where, before, after)


def _pair_changes(where: Where, before: ParsedParameter, after: ParsedParameter):
    if before.location != after.location:
        yield where.change(
            LOCATION_CHANGED,
            where.item(PARAMETER.noun(after)),
            f"{where.item(PARAMETER.noun(after))}: moved from the {before.location} (was "
            f"{PARAMETER.noun(before)}). Clients that send it in the {before.location} will "
            "not be understood.",
        )
    elif before.name != after.name:
        check = PATH_PARAMETER_RENAMED if after.location == PATH else PARAMETER.checks["renamed"]
        yield renamed(PARAMETER, where, before, after, check)
    yield from compared(PARAMETER, where, before, after)


def _paired(old: ParsedEndpoint, new: ParsedEndpoint) -> dict[int, int]:
    pairs = pair(old.parameters, new.parameters, [by_uid, lambda p: (p.location, p.name)])
    # A path parameter left alone on both sides pairs with the one in the same place of the path.
    old_places, new_places = placeholders(old.path), placeholders(new.path)
    if len(old_places) != len(new_places):
        return pairs
    taken = set(pairs.values())
    new_index = {
        p.name: j for j, p in enumerate(new.parameters) if j not in taken and p.location == PATH
    }
    for i, parameter in enumerate(old.parameters):
        if i in pairs or parameter.location != PATH or parameter.name not in old_places:
            continue
        partner = new_places[old_places.index(parameter.name)]
        j = new_index.pop(partner, None)
        if j is not None:
            pairs[i] = j
    return pairs
