"""The API diff: endpoints matched by uid (by name, then method and path, for records read from
text), then each pair compared by the check modules in a fixed order: the endpoint itself
(endpoints.py), its success status (responses.py), parameters (parameters.py), request fields
and response fields (bodies.py), error cases (responses.py)."""

from specs_app.interchange.apidiff.bodies import REQUEST, RESPONSE, body_changes
from specs_app.interchange.apidiff.change import BREAKING, ApiChange
from specs_app.interchange.apidiff.common import aligned, by_uid, endpoint_label, pair, path_shape
from specs_app.interchange.apidiff.endpoints import (
    endpoint_added,
    endpoint_changes,
    endpoint_removed,
    path_changed,
    where_of,
)
from specs_app.interchange.apidiff.parameters import parameter_changes
from specs_app.interchange.apidiff.responses import error_changes, success_changes
from specs_app.interchange.records import ParsedApi, ParsedEndpoint

__all__ = ["api_changes_between", "compatibility_breaks", "endpoint_label"]


def _by_route(endpoint: ParsedEndpoint) -> tuple[str, str] | None:
    return (endpoint.method, path_shape(endpoint.path)) if endpoint.path else None


def api_changes_between(base: ParsedApi, target: ParsedApi) -> list[ApiChange]:
    """The changes from `base` to `target`, in the target's endpoint order (removed endpoints
    where they were), each endpoint's changes in the checks' order."""
    pairs = pair(base.endpoints, target.endpoints, [by_uid, lambda e: e.name or None, _by_route])
    changes: list[ApiChange] = []
    for old, new in aligned(base.endpoints, target.endpoints, pairs):
        if new is None:
            changes.append(endpoint_removed(old))
        elif old is None:
            changes.append(endpoint_added(new))
        else:
            changes += endpoint_pair_changes(old, new)
    return changes


def endpoint_pair_changes(old: ParsedEndpoint, new: ParsedEndpoint) -> list[ApiChange]:
    where = where_of(old, new)
    changes = endpoint_changes(where, old, new)
    changes += success_changes(where, old, new)
    changes += parameter_changes(where, old, new, path_changed=path_changed(old, new))
    changes += body_changes(where, old, new, REQUEST)
    changes += body_changes(where, old, new, RESPONSE)
    changes += error_changes(where, old, new)
    return changes


def compatibility_breaks(base: ParsedApi, target: ParsedApi, mode: str) -> list[ApiChange]:
    """The breaking changes that fail a spec's compatibility mode (none, backward, forward,
    full): backward reads the diff from base to target, forward reads it backwards."""
    breaks: list[ApiChange] = []
    if mode in ("backward", "full"):
        breaks += [c for c in api_changes_between(base, target) if c.level == BREAKING]
    if mode in ("forward", "full"):
        reverse = api_changes_between(target, base)
        breaks += [c.forward() for c in reverse if c.level == BREAKING]
    return breaks
