"""The API diff's contract: endpoints matched by uid, breaking changes under a compatibility
mode (the checks themselves are tested in test_api_changes.py)."""

from specs_app.interchange.apidiff import (
    BREAKING,
    CHECKS,
    api_changes_between,
    compatibility_breaks,
)
from specs_app.interchange.records import ParsedApi, ParsedEndpoint


def api(*endpoints: ParsedEndpoint) -> ParsedApi:
    return ParsedApi(endpoints=list(endpoints))


TASKS = ParsedEndpoint(0, "List Tasks", "GET", "/api/v1/tasks", uid="e1")
TAGS = ParsedEndpoint(0, "List Tags", "GET", "/api/v1/tags", uid="e2")


def test_an_endpoint_matched_by_uid_is_no_change():
    assert api_changes_between(api(TASKS), api(TASKS)) == []


def test_removing_an_endpoint_is_breaking_and_names_it():
    [change] = api_changes_between(api(TASKS, TAGS), api(TASKS))
    assert change.check == "api-path-removed-without-deprecation"
    assert change.level == BREAKING == CHECKS[change.check].level
    assert "GET /api/v1/tags" in change.message and change.endpoint_uid == "e2"


def test_compatibility_modes_read_the_diff_one_way_or_both():
    old, new = api(TASKS, TAGS), api(TASKS)
    assert compatibility_breaks(old, new, "none") == []
    assert [c.direction for c in compatibility_breaks(old, new, "backward")] == ["backward"]
    # Forward: what a revision adds breaks its clients when they call the previous server.
    assert compatibility_breaks(old, new, "forward") == []
    assert [c.direction for c in compatibility_breaks(new, old, "forward")] == ["forward"]
    assert len(compatibility_breaks(old, new, "full")) == 1


def test_a_fingerprint_survives_unrelated_changes_and_tells_directions_apart():
    [backward] = compatibility_breaks(api(TASKS, TAGS), api(TASKS), "backward")
    [again] = compatibility_breaks(
        api(TASKS, TAGS), api(TASKS, ParsedEndpoint(0, "X", uid="e3")), "backward"
    )
    assert backward.fingerprint == again.fingerprint
    assert backward.forward().fingerprint != backward.fingerprint
