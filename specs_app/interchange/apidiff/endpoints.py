"""Checks of an endpoint itself: removed or added, its method, path and name, its
authentication, ownership and deprecation.

Deprecation: the canonical format has no field for it, so an endpoint counts as deprecated when
its name holds the word "deprecated" (`List Tasks (deprecated)`) or one of its business rules
starts with it (`Deprecated: use GET /api/v2/tasks`). A parameter or field is deprecated when its
description or constraints say "deprecated"."""

import re

from specs_app.interchange.apidiff.change import BREAKING, INFO, WARNING, ApiChange, register
from specs_app.interchange.apidiff.common import Where, endpoint_label, path_shape, quoted
from specs_app.interchange.records import ParsedEndpoint

ENDPOINT_REMOVED = register(
    "api-path-removed-without-deprecation",
    BREAKING,
    "An endpoint was removed without being deprecated first",
    oasdiff=True,
)
DEPRECATED_ENDPOINT_REMOVED = register(
    "api-path-removed-with-deprecation",
    INFO,
    "A deprecated endpoint was removed",
    oasdiff=True,
)
ENDPOINT_ADDED = register("endpoint-added", INFO, "An endpoint was added", oasdiff=True)
PATH_CHANGED = register(
    "endpoint-path-changed",
    BREAKING,
    "An endpoint's path changed (the same endpoint, a new URL)",
)
METHOD_CHANGED = register("endpoint-method-changed", BREAKING, "An endpoint's HTTP method changed")
RENAMED = register(
    "api-operation-id-removed",
    WARNING,
    "An endpoint was renamed (its name is its operation id: generated clients name methods "
    "after it)",
    oasdiff=True,
)
SECURITY_ADDED = register(
    "api-security-added",
    BREAKING,
    "Authentication became required (it was optional or none)",
    oasdiff=True,
)
SECURITY_REMOVED = register(
    "api-security-removed",
    INFO,
    "Authentication is no longer required (it is optional or none)",
    oasdiff=True,
)
AUTHENTICATION_CHANGED = register(
    "endpoint-authentication-changed",
    INFO,
    "Authentication changed between optional and none",
)
OWNERSHIP_CHANGED = register(
    "endpoint-ownership-changed",
    WARNING,
    "An endpoint's user ownership changed (whose data it reads or writes)",
)
DEPRECATED = register("endpoint-deprecated", INFO, "An endpoint was deprecated", oasdiff=True)
REACTIVATED = register(
    "endpoint-reactivated", INFO, "A deprecated endpoint is no longer deprecated", oasdiff=True
)

_DEPRECATED_WORD = re.compile(r"\s*[(\[]?\bdeprecated\b[)\]]?\s*", re.I)
_DEPRECATED_RULE = re.compile(r"^[\W_]*deprecated\b", re.I)


def is_deprecated(endpoint: ParsedEndpoint) -> bool:
    return bool(_DEPRECATED_WORD.search(endpoint.name)) or any(
        _DEPRECATED_RULE.match(rule.text) for rule in endpoint.business_rules
    )


def _bare_name(name: str) -> str:
    return " ".join(_DEPRECATED_WORD.sub(" ", name).split()).strip(" -–:")


def where_of(old: ParsedEndpoint | None, new: ParsedEndpoint | None) -> Where:
    endpoint = new or old
    return Where(endpoint_label(endpoint), endpoint.uid or (old.uid if old else ""))


def endpoint_removed(endpoint: ParsedEndpoint) -> ApiChange:
    where = where_of(endpoint, None)
    if is_deprecated(endpoint):
        return where.change(
            DEPRECATED_ENDPOINT_REMOVED,
            where.item(),
            f"The deprecated endpoint {where.label} ({endpoint.name}) was removed.",
        )
    return where.change(
        ENDPOINT_REMOVED,
        where.item(),
        f"The endpoint {where.label} ({endpoint.name}) was removed. Clients that call it get "
        "an error; deprecate it first to give them time.",
    )


def endpoint_added(endpoint: ParsedEndpoint) -> ApiChange:
    where = where_of(None, endpoint)
    return where.change(
        ENDPOINT_ADDED, where.item(), f"The endpoint {where.label} ({endpoint.name}) was added."
    )


def path_changed(old: ParsedEndpoint, new: ParsedEndpoint) -> bool:
    return path_shape(old.path) != path_shape(new.path)


def endpoint_changes(where: Where, old: ParsedEndpoint, new: ParsedEndpoint) -> list[ApiChange]:
    """The changes of the endpoint's own values, in a fixed order: method, path, name,
    authentication, ownership, deprecation."""
    changes = []
    if old.method != new.method:
        changes.append(
            where.change(
                METHOD_CHANGED,
                where.item(),
                f"The endpoint {new.name} changed its method from {old.method} to "
                f"{new.method} (was {endpoint_label(old)}). Clients that call {old.method} "
                "get an error.",
            )
        )
    if path_changed(old, new):
        changes.append(
            where.change(
                PATH_CHANGED,
                where.item(),
                f"The endpoint {new.name} moved from {old.path} to {new.path}. Clients that "
                "call the old path get an error.",
            )
        )
    if _bare_name(old.name) != _bare_name(new.name):
        changes.append(
            where.change(
                RENAMED,
                where.item("name"),
                f"{where.label}: the endpoint was renamed from {quoted(old.name)} to "
                f"{quoted(new.name)}. Generated clients that name their methods after it "
                "change.",
            )
        )
    changes += _authentication(where, old.authentication, new.authentication)
    if " ".join(old.user_ownership.split()) != " ".join(new.user_ownership.split()):
        changes.append(
            where.change(
                OWNERSHIP_CHANGED,
                where.item("user ownership"),
                f"{where.label}: the user ownership changed from {quoted(old.user_ownership)} "
                f"to {quoted(new.user_ownership)}. Clients may see or change other rows "
                "than before.",
            )
        )
    was, now = is_deprecated(old), is_deprecated(new)
    if now and not was:
        changes.append(
            where.change(DEPRECATED, where.item(), f"The endpoint {where.label} was deprecated.")
        )
    elif was and not now:
        changes.append(
            where.change(
                REACTIVATED, where.item(), f"The endpoint {where.label} is no longer deprecated."
            )
        )
    return changes


def _level(authentication: str) -> str:
    word = authentication.strip().lower()
    return word if word in ("required", "optional") else "none" if word else ""


def _authentication(where: Where, old: str, new: str) -> list[ApiChange]:
    before, after = _level(old), _level(new)
    if before == after or not before or not after:
        return []
    item = where.item("authentication")
    was_is = f"(was {old}, is {new})"
    if after == "required":
        return [
            where.change(
                SECURITY_ADDED,
                item,
                f"{where.label}: authentication became required {was_is}. Clients that call "
                "it without a token are rejected.",
            )
        ]
    if before == "required":
        return [
            where.change(
                SECURITY_REMOVED,
                item,
                f"{where.label}: authentication is no longer required {was_is}.",
            )
        ]
    return [
        where.change(
            AUTHENTICATION_CHANGED,
            item,
            f"{where.label}: authentication changed from {old} to {new}.",
        )
    ]
