"""What is at stake in a change request (services/stakes.py): breaking API changes under the
spec's compatibility mode and, when the spec says so, migration steps that lose data; an admin's
approval (by approving, or by an explicit acknowledgement) recorded by fingerprint; the merge
gate."""

import pytest
from django.core.exceptions import PermissionDenied

from specs_app.models import AuditEvent, DataModel, Endpoint, Field, StakeApproval
from specs_app.services import review as services
from specs_app.services.errors import ServiceError
from specs_app.services.stakes import (
    API,
    MIGRATION,
    change_request_acknowledge_stakes,
    change_request_stake_rows,
    change_request_stakes,
    risk_fingerprint,
)
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


def _rules(spec, compatibility="backward", destructive=False):
    ready_spec(spec)
    spec.compatibility = compatibility
    spec.destructive_needs_admin = destructive
    spec.save(update_fields=["compatibility", "destructive_needs_admin"])
    return spec


def _endpoints(cr) -> list[Endpoint]:
    return list(Endpoint.objects.filter(revision=cr.working).order_by("position", "id"))


def _delete_endpoint(cr, actor, index=0) -> Endpoint:
    row = _endpoints(cr)[index]
    services.change_request_delete(change_request=cr, actor=actor, row=row)
    return row


def _add_endpoint(cr, actor) -> Endpoint:
    return services.change_request_duplicate(change_request=cr, actor=actor, row=_endpoints(cr)[0])


def _drop_column(cr, actor) -> Field:
    model = DataModel.objects.filter(revision=cr.working).order_by("position", "id").first()
    row = Field.objects.get(revision=cr.working, model=model, name="title")
    services.change_request_delete(change_request=cr, actor=actor, row=row)
    return row


def _submitted(cr, author):
    return services.change_request_submit(change_request=cr, actor=author)


# Which stakes, per mode and setting.


@pytest.mark.parametrize(
    "mode, removed, added",
    [("none", 0, 0), ("backward", 1, 0), ("forward", 0, 1), ("full", 1, 1)],
)
def test_breaking_api_changes_are_at_stake_per_compatibility_mode(
    spec, editor, mode, removed, added
):
    _rules(spec, mode)
    cr = open_request(spec, editor)
    gone = _delete_endpoint(cr, editor)
    new = _add_endpoint(cr, editor)

    stakes = change_request_stakes(cr)

    assert all(s.kind == API and s.level == "breaking" for s in stakes)
    removal = [s for s in stakes if s.item == f"{gone.method} {gone.path}"]
    addition = [s for s in stakes if s.item == f"{new.method} {new.path}"]
    assert (len(removal), len(addition)) == (removed, added)
    assert all(s.code == "api-path-removed-without-deprecation" for s in stakes)
    if added:
        assert addition[0].message.startswith("Forward: ")


def test_the_stake_fingerprint_is_the_api_changes(spec, editor):
    _rules(spec, "backward")
    cr = open_request(spec, editor)
    _delete_endpoint(cr, editor)
    from specs_app.services.selectors import change_request_api_impact_of_edit

    (change,) = change_request_api_impact_of_edit(cr).api_breaks
    (stake,) = change_request_stakes(cr)
    assert (stake.code, stake.item, stake.message) == (change.check, change.item, change.message)
    assert stake.fingerprint == change.fingerprint


def test_destructive_steps_are_at_stake_only_with_the_setting_on(spec, editor):
    _rules(spec, "none", destructive=False)
    cr = open_request(spec, editor)
    _drop_column(cr, editor)
    assert change_request_stakes(cr) == []

    _rules(spec, "none", destructive=True)
    cr.spec.refresh_from_db()
    (stake,) = change_request_stakes(cr)
    assert (stake.kind, stake.code, stake.level) == (MIGRATION, "DS103", "error")
    assert stake.item.endswith(".title") and "Drops column" in stake.message
    assert stake.fingerprint == risk_fingerprint("DS103", stake.item, stake.message)


def test_a_dropped_table_is_at_stake_but_its_foreign_keys_and_renames_are_not(spec, editor):
    _rules(spec, "none", destructive=True)
    cr = open_request(spec, editor)
    model = DataModel.objects.filter(revision=cr.working).order_by("position", "id").last()
    services.change_request_delete(change_request=cr, actor=editor, row=model)
    other = DataModel.objects.filter(revision=cr.working).first()
    row = Field.objects.get(revision=cr.working, model=other, name="title")
    services.change_request_update(
        change_request=cr, actor=editor, row=row, expected_version=row.version, name="headline"
    )

    codes = sorted(s.code for s in change_request_stakes(cr))

    assert codes == ["DS102"]  # not BC102 (the rename), not CD101


def test_a_code_turned_off_is_not_at_stake(spec, editor, owner):
    from specs_app.services.risk_settings import risk_settings_save

    _rules(spec, "none", destructive=True)
    risk_settings_save(spec=spec, actor=owner, settings={"DS103": "off"})
    cr = open_request(spec, editor)
    _drop_column(cr, editor)
    assert change_request_stakes(cr) == []


# Approvals.


def test_an_admins_approval_records_every_stake(spec, editor, owner):
    _rules(spec, "backward", destructive=True)
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    _drop_column(cr, editor)

    review = services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")

    rows = change_request_stake_rows(cr)
    assert len(rows) == 2 and all(row.approved for row in rows)
    assert {row.approval.approved_by for row in rows} == {owner}
    assert {row.approval.via for row in rows} == {"review"}
    event = AuditEvent.objects.get(verb="stakes.approved")
    assert event.details["review"] == review.pk
    assert sorted(s["code"] for s in event.details["stakes"]) == [
        "DS103",
        "api-path-removed-without-deprecation",
    ]
    assert services.merge_status(cr).can_merge


def test_a_reviewers_approval_does_not_approve_the_stakes(spec, editor, reviewer):
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)

    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")

    assert not StakeApproval.objects.exists()
    status = services.merge_status(cr)
    assert len(status.approvals) == 1
    assert status.missing == ["1 breaking API change needs an admin's approval."]
    state = services.change_request_state(cr, status)
    assert state.key == "blocked"


def test_the_reason_counts_both_kinds(spec, editor):
    _rules(spec, "backward", destructive=True)
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    _delete_endpoint(cr, editor)
    _drop_column(cr, editor)

    assert (
        "2 breaking API changes and 1 destructive migration step need an admin's approval."
        in services.merge_status(cr).missing
    )


def test_approved_stakes_carry_over_an_unrelated_edit(spec, editor, owner, reviewer):
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")

    kept = _endpoints(cr)[0]
    edit_endpoint(cr, editor, kept.name, description="Said better.")

    status = services.merge_status(cr)
    assert status.approvals == [] and len(status.stale_approvals) == 1  # the approval is stale
    assert status.stakes and all(row.approved for row in status.stakes)  # the stake is not
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    assert services.merge_status(cr).can_merge


def test_a_new_breaking_change_after_the_approval_blocks_again(spec, editor, owner, reviewer):
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")
    _delete_endpoint(cr, editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")

    status = services.merge_status(cr)
    assert [row.approved for row in status.stakes] == [True, False]
    assert status.missing == ["1 breaking API change needs an admin's approval."]
    with pytest.raises(ServiceError, match="needs an admin's approval"):
        services.change_request_merge(change_request=cr, actor=editor)


def test_a_changed_stake_needs_a_new_approval(spec, editor, owner):
    """A column dropped and approved, then its whole table: the loss grew, approve again."""
    _rules(spec, "none", destructive=True)
    cr = _submitted(open_request(spec, editor), editor)
    _drop_column(cr, editor)
    services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")
    assert services.merge_status(cr).stakes_waiting == []

    model = DataModel.objects.filter(revision=cr.working).order_by("position", "id").first()
    services.change_request_delete(change_request=cr, actor=editor, row=model)

    status = services.merge_status(cr)
    (waiting,) = status.stakes_waiting
    assert (waiting.stake.code, waiting.stake.item) == ("DS102", model.table)
    assert status.missing == [
        "1 more approval needed.",
        "1 destructive migration step needs an admin's approval.",
    ]


# Acknowledgement.


def test_an_admin_acknowledges_the_stakes_without_approving(spec, editor, owner, reviewer):
    _rules(spec, "backward", destructive=True)
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    _drop_column(cr, editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    waiting = [row.stake.fingerprint for row in services.merge_status(cr).stakes_waiting]

    recorded = change_request_acknowledge_stakes(
        change_request=cr, actor=owner, fingerprints=waiting
    )

    assert len(recorded) == 2
    assert not cr.reviews.filter(reviewer=owner).exists()  # no review given
    assert set(StakeApproval.objects.values_list("via", flat=True)) == {"acknowledgement"}
    event = AuditEvent.objects.get(verb="stakes.acknowledged")
    assert event.actor == owner and event.target == f"#{cr.number}"
    assert sorted(s["fingerprint"] for s in event.details["stakes"]) == sorted(waiting)
    assert services.merge_status(cr).can_merge


def test_acknowledging_needs_the_admin_role(spec, editor, reviewer):
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    waiting = [s.fingerprint for s in change_request_stakes(cr)]

    with pytest.raises(PermissionDenied):
        change_request_acknowledge_stakes(change_request=cr, actor=reviewer, fingerprints=waiting)
    assert not StakeApproval.objects.exists()
    assert not AuditEvent.objects.filter(verb="stakes.acknowledged").exists()


def test_an_admin_cannot_acknowledge_their_own_request(spec, owner):
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, owner), owner)
    _delete_endpoint(cr, owner)
    waiting = [s.fingerprint for s in change_request_stakes(cr)]

    with pytest.raises(ServiceError, match="Authors cannot acknowledge"):
        change_request_acknowledge_stakes(change_request=cr, actor=owner, fingerprints=waiting)
    assert not StakeApproval.objects.exists()


def test_acknowledging_what_was_not_shown_is_refused(spec, editor, owner):
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    seen = [s.fingerprint for s in change_request_stakes(cr)]
    _delete_endpoint(cr, editor)  # a new break arrives after the page was read

    with pytest.raises(ServiceError, match="changed since you looked"):
        change_request_acknowledge_stakes(change_request=cr, actor=owner, fingerprints=seen)
    assert not StakeApproval.objects.exists()


def test_acknowledging_nothing_is_refused(spec, editor, owner):
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, editor), editor)
    with pytest.raises(ServiceError, match="Nothing in"):
        change_request_acknowledge_stakes(change_request=cr, actor=owner, fingerprints=[])


# The merge.


def test_the_merge_is_refused_with_the_reason_then_allowed(spec, editor, owner, reviewer):
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")

    with pytest.raises(ServiceError) as refused:
        services.change_request_merge(change_request=cr, actor=editor)
    assert str(refused.value) == (
        "Cannot merge yet: 1 breaking API change needs an admin's approval."
    )
    cr.refresh_from_db()
    assert cr.state == "in_review"

    waiting = [s.fingerprint for s in change_request_stakes(cr)]
    change_request_acknowledge_stakes(change_request=cr, actor=owner, fingerprints=waiting)
    merged = services.change_request_merge(change_request=cr, actor=editor)
    cr.refresh_from_db()
    assert cr.state == "merged" and cr.merged_revision == merged


def test_nothing_is_at_stake_without_merge_rules(spec, editor, reviewer):
    _rules(spec, "none", destructive=False)
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    _drop_column(cr, editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")

    status = services.merge_status(cr)
    assert status.stakes == [] and status.can_merge


# The demo.


def test_the_demo_spec_gates_breaks_and_drops_and_its_requests_risk_neither():
    from io import StringIO

    from django.core.management import call_command

    from specs_app.models import ChangeRequest, Spec

    call_command("seed_demo", stdout=StringIO())
    spec = Spec.objects.get(workspace__slug="acme", slug="todo")
    assert (spec.compatibility, spec.destructive_needs_admin) == ("backward", True)
    assert AuditEvent.objects.filter(verb="merge_rules.changed", spec=spec).exists()
    for cr in ChangeRequest.objects.filter(spec=spec):
        assert change_request_stakes(cr) == [], cr.title  # a rename is not a drop
    cr = ChangeRequest.objects.get(spec=spec, title="Prioritise tasks")
    _delete_endpoint(cr, cr.author)
    (stake,) = change_request_stakes(cr)
    assert stake.code == "api-path-removed-without-deprecation"


def test_dismissing_the_admins_approval_unapproves_what_it_approved(spec, editor, owner, workspace):
    from specs_app.models import Membership, Role
    from tests.factories import UserFactory

    other_admin = UserFactory(username="adam")
    Membership.objects.create(workspace=workspace, user=other_admin, role=Role.ADMIN)
    _rules(spec, "backward")
    cr = _submitted(open_request(spec, editor), editor)
    _delete_endpoint(cr, editor)
    review = services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")
    assert services.merge_status(cr).stakes_waiting == []

    services.review_dismiss(review=review, actor=other_admin, reason="Not agreed with the team")

    assert not StakeApproval.objects.exists()
    event = AuditEvent.objects.get(verb="review.dismissed")
    assert event.details["stakes_unapproved"] == 1
    assert "1 breaking API change needs an admin's approval." in services.merge_status(cr).missing
