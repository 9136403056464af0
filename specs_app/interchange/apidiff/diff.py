"""The API diff: endpoints matched by uid (by name, then method and path, for records read from
text), then each pair compared by the checks."""

from specs_app.interchange.apidiff.change import BREAKING, INFO, ApiChange, register
from specs_app.interchange.records import ParsedApi, ParsedEndpoint

ENDPOINT_REMOVED = register(
    "api-path-removed-without-deprecation",
    BREAKING,
    "An endpoint was removed without being deprecated first",
    oasdiff=True,
)
ENDPOINT_ADDED = register("endpoint-added", INFO, "An endpoint was added", oasdiff=True)


def endpoint_label(endpoint: ParsedEndpoint) -> str:
    return f"{endpoint.method} {endpoint.path}".strip() or endpoint.name


def _key(endpoint: ParsedEndpoint) -> str:
    return endpoint.uid or f"name:{endpoint.name}"


def api_changes_between(base: ParsedApi, target: ParsedApi) -> list[ApiChange]:
    """The changes from `base` to `target`, in the target's endpoint order (removed endpoints
    where they were), each endpoint's changes in the checks' order."""
    old = {_key(endpoint): endpoint for endpoint in base.endpoints}
    new = {_key(endpoint): endpoint for endpoint in target.endpoints}
    changes: list[ApiChange] = []
    for key, endpoint in old.items():
        if key not in new:
            label = endpoint_label(endpoint)
            changes.append(
                ApiChange(
                    ENDPOINT_REMOVED.id,
                    ENDPOINT_REMOVED.level,
                    label,
                    f"The endpoint {label} ({endpoint.name}) was removed.",
                    endpoint.uid,
                    label,
                )
            )
    for key, endpoint in new.items():
        if key not in old:
            label = endpoint_label(endpoint)
            changes.append(
                ApiChange(
                    ENDPOINT_ADDED.id,
                    ENDPOINT_ADDED.level,
                    label,
                    f"The endpoint {label} ({endpoint.name}) was added.",
                    endpoint.uid,
                    label,
                )
            )
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
