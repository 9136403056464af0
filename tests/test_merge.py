"""Three-way merge of two change requests of one spec, and update from main."""

import pytest

from specs_app.models import Endpoint, ErrorCase, Spec
from specs_app.services import review as services
from specs_app.services.errors import ServiceError
from tests.review_helpers import (
    approve_and_merge,
    edit_endpoint,
    endpoint_in,
    open_request,
    ready_spec,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(spec, editor, reviewer):
    """Two requests opened on the same head, and the names of the spec's endpoints."""
    ready_spec(spec)
    names = list(
        Endpoint.objects.filter(revision=spec.head)
        .order_by("position")
        .values_list("name", flat=True)
    )
    return open_request(spec, editor, "A"), open_request(spec, editor, "B"), names


def _head_endpoint(spec: Spec, uid):
    spec.refresh_from_db()
    return Endpoint.objects.get(revision=spec.head, uid=uid)


def test_different_endpoints_and_fields_combine(spec, editor, reviewer, two):
    a, b, names = two
    first = endpoint_in(a, names[0])
    edit_endpoint(a, editor, names[0], user_ownership="Changed by A")
    edit_endpoint(b, editor, names[0], success_status=201)
    edit_endpoint(b, editor, names[1], name="Renamed by B")
    approve_and_merge(a, author=editor, reviewer=reviewer)
    merged = approve_and_merge(b, author=editor, reviewer=reviewer)

    assert merged.number == 3
    combined = _head_endpoint(spec, first.uid)
    assert (combined.user_ownership, combined.success_status) == ("Changed by A", 201)
    assert combined.name == names[0] and combined.path == first.path
    assert Endpoint.objects.filter(revision=merged, name="Renamed by B").exists()
    assert Endpoint.objects.filter(revision=merged).count() == 3
    assert ErrorCase.objects.filter(revision=merged).count() == 6


def test_additions_and_deletions_combine(spec, editor, reviewer, two):
    a, b, names = two
    services.change_request_add(
        change_request=a, actor=editor, model=Endpoint, name="New A", path="/a"
    )
    services.change_request_delete(change_request=b, actor=editor, row=endpoint_in(b, names[2]))
    approve_and_merge(a, author=editor, reviewer=reviewer)
    merged = approve_and_merge(b, author=editor, reviewer=reviewer)
    result = set(Endpoint.objects.filter(revision=merged).values_list("name", flat=True))
    assert result == {names[0], names[1], "New A"}


def _conflicted(spec, a, b, editor, reviewer):
    approve_and_merge(a, author=editor, reviewer=reviewer)
    services.change_request_submit(change_request=b, actor=editor)
    services.change_request_review(change_request=b, reviewer=reviewer, verdict="approve")
    with pytest.raises(ServiceError, match="conflict"):
        services.change_request_merge(change_request=b, actor=editor)
    result = services.change_request_update_from_head(change_request=b, actor=editor)
    assert result.conflicts
    return result.conflicts


def _resolve_and_merge(b, editor, reviewer, conflicts, choice):
    result = services.change_request_update_from_head(
        change_request=b, actor=editor, resolutions={c.id: choice for c in conflicts}
    )
    assert result.clean
    # Updating changed the draft: the approval went stale and must be given again.
    assert services.merge_status(b).stale_approvals
    services.change_request_review(change_request=b, reviewer=reviewer, verdict="approve")
    return services.change_request_merge(change_request=b, actor=editor)


@pytest.mark.parametrize("choice", ["head", "draft"])
def test_same_field_conflict_resolved_by_choice(spec, editor, reviewer, two, choice):
    a, b, names = two
    uid = endpoint_in(a, names[0]).uid
    edit_endpoint(a, editor, names[0], user_ownership="A's words")
    edit_endpoint(b, editor, names[0], user_ownership="B's words", success_status=202)
    conflicts = _conflicted(spec, a, b, editor, reviewer)
    assert [(c.kind, c.head, c.draft) for c in conflicts] == [("field", "A's words", "B's words")]

    _resolve_and_merge(b, editor, reviewer, conflicts, choice)
    merged = _head_endpoint(spec, uid)
    assert merged.user_ownership == ("A's words" if choice == "head" else "B's words")
    assert merged.success_status == 202  # B's other change is kept either way


@pytest.mark.parametrize("choice", ["head", "draft"])
def test_delete_edit_conflict(spec, editor, reviewer, two, choice):
    a, b, names = two
    uid = endpoint_in(a, names[1]).uid
    services.change_request_delete(change_request=a, actor=editor, row=endpoint_in(a, names[1]))
    edit_endpoint(b, editor, names[1], user_ownership="B edits the deleted one")
    conflicts = _conflicted(spec, a, b, editor, reviewer)
    assert [c.kind for c in conflicts] == ["deleted"]

    merged = _resolve_and_merge(b, editor, reviewer, conflicts, choice)
    kept = Endpoint.objects.filter(revision=merged, uid=uid).first()
    if choice == "head":
        assert kept is None
    else:
        assert kept.user_ownership == "B edits the deleted one"
        assert kept.errors.count() == 2  # its children came back with it


@pytest.mark.parametrize("choice", ["head", "draft"])
def test_duplicate_path_is_a_conflict_not_an_integrity_error(spec, editor, reviewer, two, choice):
    a, b, _ = two
    for cr, name in ((a, "From A"), (b, "From B")):
        services.change_request_add(
            change_request=cr, actor=editor, model=Endpoint, name=name, path="/same", method="POST"
        )
    conflicts = _conflicted(spec, a, b, editor, reviewer)
    assert [c.kind for c in conflicts] == ["duplicate"]

    merged = _resolve_and_merge(b, editor, reviewer, conflicts, choice)
    same = Endpoint.objects.filter(revision=merged, path="/same")
    assert list(same.values_list("name", flat=True)) == ["From A" if choice == "head" else "From B"]


def test_unsettled_update_changes_nothing(spec, editor, reviewer, two):
    a, b, names = two
    edit_endpoint(a, editor, names[0], user_ownership="A")
    edit_endpoint(b, editor, names[0], user_ownership="B")
    approve_and_merge(a, author=editor, reviewer=reviewer)
    working, base = b.working_id, b.base_id
    result = services.change_request_update_from_head(change_request=b, actor=editor)
    b.refresh_from_db()
    assert result.conflicts and (b.working_id, b.base_id) == (working, base)
    assert endpoint_in(b, names[0]).user_ownership == "B"
