"""Change requests: open, edit, submit, review, close, reopen, update from main, merge; review
requests and dismissals (comments and threads are in services/threads.py).

Each service is one transaction: lock the rows it changes, check the state and the actor's role,
change, and write an audit event.
"""

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef
from django.dispatch import Signal
from django.utils import timezone

from specs_app.access import require_role
from specs_app.models import (
    ENDPOINT_CHILDREN,
    MODEL_CHILDREN,
    ChangeRequest,
    ContentRow,
    DataModel,
    Endpoint,
    Membership,
    Review,
    ReviewRequest,
    Revision,
    Role,
    Spec,
    StakeApproval,
)
from specs_app.services import content as content_services
from specs_app.services.audit import audit_record
from specs_app.services.errors import ServiceError
from specs_app.services.merge import MergeResult, revision_overviews, three_way_merge
from specs_app.services.revisions import (
    revision_create_draft,
    revision_fork,
    revision_publish,
    revision_update_overviews,
)
from specs_app.services.selectors import draft_findings
from specs_app.services.snapshot import revision_snapshot, snapshot_apply
from specs_app.services.stakes import (
    StakeRow,
    audit_stakes,
    change_request_stake_rows,
    change_request_stakes,
    stakes_reason,
    stakes_record_approval,
)

State = ChangeRequest.State
Verdict = Review.Verdict

#: Sent once a merge is committed, with `change_request_id`: services/git.py exports the merged
#: revision (the review workflow does not depend on git).
change_request_merged = Signal()


def lock_request(change_request: ChangeRequest, *states: str) -> ChangeRequest:
    """The request locked for this transaction, checked to be in one of `states` (any when
    none are given); what every service that changes a request starts with."""
    locked = (
        ChangeRequest.objects.select_for_update().select_related("spec").get(pk=change_request.pk)
    )
    if states and locked.state not in states:
        raise ServiceError(
            f"#{locked.number} is {locked.get_state_display().lower()}; "
            f"this needs it to be {' or '.join(State(s).label.lower() for s in states)}."
        )
    return locked


def audit_request(cr: ChangeRequest, actor, verb: str, **details) -> None:
    """An audit event of the request (its target is "#<number>": the timeline reads them)."""
    audit_record(spec=cr.spec, actor=actor, verb=verb, target=f"#{cr.number}", **details)


def change_request_open(
    *, spec: Spec, author, title: str, description: str = "", working: Revision | None = None
) -> ChangeRequest:
    """Open a request on a fork of the head, or around `working`, a draft made on a published
    revision of the spec: its base (the head, or an older one that "Update from main" brings
    up to date, such as the revision last exported to git)."""
    require_role(author, spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        spec = Spec.objects.select_for_update().get(pk=spec.pk)
        last = spec.change_requests.aggregate(n=Max("number"))["n"] or 0
        if working is None:
            working = revision_create_draft(spec=spec, author=author, message=title)
        elif not _made_on_published(working, spec):
            raise ServiceError("A change request's draft must be a draft made on the spec.")
        cr = ChangeRequest.objects.create(
            spec=spec,
            number=last + 1,
            title=title,
            description=description,
            author=author,
            base=working.parent,
            working=working,
        )
        audit_request(cr, author, "change_request.opened", title=title)
    return cr


def _made_on_published(working: Revision, spec: Spec) -> bool:
    if working.is_published or working.spec_id != spec.pk:
        return False
    parent = working.parent
    if parent is None:
        return spec.head_id is None
    return parent.is_published and parent.spec_id == spec.pk


# Content edits: through the content services, on the request's draft, making approvals stale.


def _edit(cr: ChangeRequest, actor, verb: str, action, target: str, row=None):
    require_role(actor, cr.spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        locked = lock_request(cr, State.DRAFT, State.IN_REVIEW)
        page = _page_of(row)  # before a delete or a move, which return nothing
        result = action(locked)
        if isinstance(result, ContentRow):
            page = _page_of(result)
            if verb.endswith(".restored"):
                target = str(result)  # named once it is back
        locked.content_version += 1
        locked.save(update_fields=["content_version", "updated_at"])
        # The endpoint or model touched (uid, kind), so that the timeline links to it.
        audit_request(locked, actor, verb, item=target, **page)
    cr.content_version = locked.content_version
    return result


def _page_of(row) -> dict:
    """The uid and kind of the endpoint or model a row is (or belongs to), for the audit."""
    if row is None:
        return {}
    if row.parent_field:
        row = getattr(row, row.parent_field)
    kind = "endpoint" if isinstance(row, Endpoint) else "model"
    return {"uid": str(row.uid), "kind": kind}


def change_request_add(
    *, change_request: ChangeRequest, actor, model: type[ContentRow], parent=None, **values
) -> ContentRow:
    def add(cr):
        return content_services.content_create(
            revision=cr.working, model=model, parent=parent, **values
        )

    return _edit(change_request, actor, f"{model.__name__.lower()}.added", add, _name(values))


def change_request_update(
    *, change_request: ChangeRequest, actor, row: ContentRow, expected_version: int, **values
) -> ContentRow:
    _require_in_draft(change_request, row)

    def update(cr):
        return content_services.content_update(row=row, expected_version=expected_version, **values)

    verb = f"{type(row).__name__.lower()}.changed"
    return _edit(change_request, actor, verb, update, str(row), row)


def change_request_delete(
    *, change_request: ChangeRequest, actor, row: ContentRow, expected_version: int | None = None
) -> None:
    _require_in_draft(change_request, row)

    def delete(cr):
        content_services.content_delete(row=row, expected_version=expected_version)

    verb = f"{type(row).__name__.lower()}.deleted"
    _edit(change_request, actor, verb, delete, str(row), row)


def change_request_restore(
    *, change_request: ChangeRequest, actor, model: type[Endpoint | DataModel], uid
) -> Endpoint | DataModel:
    """Bring back an endpoint or model deleted in the request, as it is in the request's base:
    with all its children and the same uids, so that the diff no longer shows it deleted."""

    def restore(cr):
        if cr.base is None:
            raise ServiceError(f"#{cr.number} started from an empty spec: nothing to restore.")
        return content_services.content_restore(
            revision=cr.working, source=cr.base, model=model, uid=uid
        )

    verb = f"{model.__name__.lower()}.restored"
    return _edit(change_request, actor, verb, restore, str(uid))


def change_request_update_overviews(
    *, change_request: ChangeRequest, actor, api_overview=None, schema_overview=None
) -> Revision:
    def update(cr):
        return revision_update_overviews(
            revision=cr.working, api_overview=api_overview, schema_overview=schema_overview
        )

    return _edit(change_request, actor, "overview.changed", update, "overview")


def change_request_move(
    *, change_request: ChangeRequest, actor, row: ContentRow, direction: int
) -> None:
    """Swap a row with its previous (-1) or next (+1) sibling."""
    _require_in_draft(change_request, row)

    def move(cr):
        model = type(row)
        siblings = model.objects.filter(revision=cr.working)
        if model.parent_field:
            parent_id = getattr(row, f"{model.parent_field}_id")
            siblings = siblings.filter(**{f"{model.parent_field}_id": parent_id})
        ordered = list(siblings.select_for_update().order_by("position", "id"))
        index = next(i for i, r in enumerate(ordered) if r.pk == row.pk)
        other = index + direction
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, sibling in enumerate(ordered):
            if sibling.position != position:
                model.objects.filter(pk=sibling.pk).update(position=position)

    _edit(change_request, actor, f"{type(row).__name__.lower()}.moved", move, str(row), row)


def change_request_duplicate(*, change_request: ChangeRequest, actor, row: ContentRow):
    """Copy an endpoint or model with all its children, under a new name and path."""
    _require_in_draft(change_request, row)

    def duplicate(cr):
        return _copy_item(cr.working, row)

    return _edit(
        change_request, actor, f"{type(row).__name__.lower()}.duplicated", duplicate, str(row)
    )


def _copy_item(revision: Revision, row: ContentRow) -> ContentRow:
    model = type(row)
    children = ENDPOINT_CHILDREN if model is Endpoint else MODEL_CHILDREN
    parent_field = children[0].parent_field
    copies = {child: list(child.objects.filter(**{parent_field: row})) for child in children}
    last = model.objects.filter(revision=revision).aggregate(n=Max("position"))["n"] or 0
    row.pk, row.uid, row.version, row.position = None, uuid.uuid4(), 1, last + 1
    row.name = f"{row.name} (copy)"
    if model is Endpoint:
        row.path = f"{row.path}-copy"
    else:
        row.table = f"{row.table}_copy"
    row.full_clean()
    row.save()
    for child, rows in copies.items():
        for copy in rows:
            copy.pk, copy.uid, copy.version = None, uuid.uuid4(), 1
            setattr(copy, parent_field, row)
        child.objects.bulk_create(rows)
    return row


def _require_in_draft(cr: ChangeRequest, row: ContentRow) -> None:
    if row.revision_id != cr.working_id:
        raise ServiceError("That item is not part of this change request's draft.")


def _name(values: dict) -> str:
    return str(values.get("name") or values.get("text") or values.get("path") or "")


# Transitions.


def change_request_submit(*, change_request: ChangeRequest, actor) -> ChangeRequest:
    require_role(actor, change_request.spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        cr = lock_request(change_request, State.DRAFT)
        cr.state = State.IN_REVIEW
        cr.save(update_fields=["state", "updated_at"])
        audit_request(cr, actor, "change_request.submitted")
    return cr


def change_request_review(
    *, change_request: ChangeRequest, reviewer, verdict: str, body: str = ""
) -> Review:
    membership = require_role(reviewer, change_request.spec.workspace_id, Role.REVIEWER)
    with transaction.atomic():
        cr = lock_request(change_request, State.IN_REVIEW)
        if verdict == Verdict.APPROVE and cr.author_id == reviewer.pk:
            raise ServiceError("Authors cannot approve their own change request.")
        if verdict == Verdict.REQUEST_CHANGES and not body.strip():
            raise ServiceError("Say what needs to change when requesting changes.")
        review = Review.objects.create(
            change_request=cr,
            reviewer=reviewer,
            verdict=verdict,
            body=body.strip(),
            content_version=cr.content_version,
        )
        audit_request(cr, reviewer, f"review.{verdict}", review=review.pk)
        if verdict == Verdict.APPROVE and membership.role_enum.at_least(Role.ADMIN):
            # An admin's approval approves what is at stake, as it is now (services/stakes.py).
            via = StakeApproval.Via.REVIEW
            stakes = stakes_record_approval(cr, reviewer, via, change_request_stakes(cr), review)
            if stakes:
                audit_stakes(cr, reviewer, "stakes.approved", stakes, review=review.pk)
    return review


def change_request_close(*, change_request: ChangeRequest, actor) -> ChangeRequest:
    require_role(actor, change_request.spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        cr = lock_request(change_request, State.DRAFT, State.IN_REVIEW)
        cr.state = State.CLOSED
        cr.closed_at = timezone.now()
        cr.save(update_fields=["state", "closed_at", "updated_at"])
        audit_request(cr, actor, "change_request.closed")
    return cr


def change_request_reopen(*, change_request: ChangeRequest, actor) -> ChangeRequest:
    require_role(actor, change_request.spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        cr = lock_request(change_request, State.CLOSED)
        cr.state = State.DRAFT
        cr.closed_at = None
        cr.save(update_fields=["state", "closed_at", "updated_at"])
        audit_request(cr, actor, "change_request.reopened")
    return cr


# Review status and merge.


@dataclass
class ReviewState:
    reviewer: object
    review: Review
    stale: bool


@dataclass
class MergeStatus:
    required_approvals: int
    approvals: list[ReviewState] = field(default_factory=list)
    stale_approvals: list[ReviewState] = field(default_factory=list)
    changes_requested: list[ReviewState] = field(default_factory=list)
    lint_errors: int = 0
    unresolved_comments: int = 0
    conflicts: int = 0
    state_ok: bool = True
    #: The three-way merge with the current head, when the head has moved past the base.
    merge_preview: MergeResult | None = None
    #: What needs an admin's approval (services/stakes.py), approved or not.
    stakes: list[StakeRow] = field(default_factory=list)

    @property
    def stakes_waiting(self) -> list[StakeRow]:
        return [row for row in self.stakes if not row.approved]

    @property
    def missing(self) -> list[str]:
        reasons = []
        if not self.state_ok:
            reasons.append("The request must be submitted for review.")
        short = self.required_approvals - len(self.approvals)
        if short > 0:
            reasons.append(f"{short} more approval{'s' if short > 1 else ''} needed.")
        for state in self.changes_requested:
            reasons.append(f"{state.reviewer} requested changes.")
        if self.lint_errors:
            reasons.append(f"{self.lint_errors} lint error{'s' if self.lint_errors > 1 else ''}.")
        if self.unresolved_comments:
            reasons.append(f"{self.unresolved_comments} unresolved comment(s).")
        if self.conflicts:
            reasons.append(f"{self.conflicts} conflict(s) with main: update from main.")
        if stakes := stakes_reason(self.stakes):
            reasons.append(stakes)
        return reasons

    @property
    def can_merge(self) -> bool:
        return not self.missing


def latest_reviews(cr: ChangeRequest, *, with_dismissed: bool = False) -> list[ReviewState]:
    """Each reviewer's latest approve or request-changes verdict (comments don't change it).
    A dismissed verdict counts neither way, and does not bring back the one before it: the
    reviewer is left out, unless `with_dismissed` (the sidebar shows it as dismissed)."""
    reviews = cr.reviews.select_related("reviewer", "dismissed_by").order_by("created_at", "id")
    return _latest_of(cr, reviews, with_dismissed=with_dismissed)


def _latest_of(cr: ChangeRequest, reviews, *, with_dismissed: bool = False) -> list[ReviewState]:
    latest: dict[int, Review] = {}
    for review in reviews:
        if review.verdict != Verdict.COMMENT:
            latest[review.reviewer_id] = review
    return [
        ReviewState(r.reviewer, r, stale=r.content_version != cr.content_version)
        for r in latest.values()
        if with_dismissed or not r.dismissed
    ]


def merge_status(change_request: ChangeRequest) -> MergeStatus:
    cr, spec = change_request, change_request.spec
    status = MergeStatus(required_approvals=spec.required_approvals)
    status.state_ok = cr.state == State.IN_REVIEW
    for state in latest_reviews(cr):
        if state.review.verdict == Verdict.REQUEST_CHANGES:
            status.changes_requested.append(state)
        elif state.stale:
            status.stale_approvals.append(state)
        else:
            status.approvals.append(state)
    if spec.lint_gate:
        status.lint_errors = _lint_error_count(cr)
    if spec.require_resolved_conversations:
        status.unresolved_comments = cr.comments.filter(resolved=False, parent=None).count()
    if spec.head_id != cr.base_id:
        status.merge_preview = change_request_preview_merge(change_request=cr)
        status.conflicts = len(status.merge_preview.conflicts)
    status.stakes = change_request_stake_rows(cr)
    return status


def _lint_error_count(cr: ChangeRequest) -> int:
    return sum(1 for finding in draft_findings(cr) if finding.severity == "error")


def change_request_preview_merge(
    *, change_request: ChangeRequest, resolutions: dict[str, str] | None = None
) -> MergeResult:
    cr = change_request
    head_id = Spec.objects.values_list("head_id", flat=True).get(pk=cr.spec_id)
    head = Revision.objects.get(pk=head_id) if head_id else None
    base = cr.base
    return three_way_merge(
        base=revision_snapshot(revision=base) if base else {},
        head=revision_snapshot(revision=head) if head else {},
        draft=revision_snapshot(revision=cr.working),
        base_overviews=revision_overviews(base) if base else {},
        head_overviews=revision_overviews(head) if head else {},
        draft_overviews=revision_overviews(cr.working),
        resolutions=resolutions,
    )


def _write_merged(spec: Spec, result: MergeResult, author, message: str) -> Revision:
    """The merge result as a new draft on the head: a fork of the head with the difference
    applied, so the cost follows the size of the change rather than of the spec."""
    revision = revision_fork(
        source=spec.head, author=author, message=message, overviews=result.overviews
    )
    snapshot_apply(revision=revision, current=result.head, target=result.snapshot)
    return revision


def change_request_update_from_head(
    *, change_request: ChangeRequest, actor, resolutions: dict[str, str] | None = None
) -> MergeResult:
    """Rebase the draft on the current head. With conflicts left unsettled, nothing changes."""
    require_role(actor, change_request.spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        cr = lock_request(change_request, State.DRAFT, State.IN_REVIEW)
        spec = Spec.objects.select_for_update().get(pk=cr.spec_id)
        cr.spec = spec
        if spec.head_id == cr.base_id:
            return MergeResult({}, {})
        result = change_request_preview_merge(change_request=cr, resolutions=resolutions)
        if not result.clean:
            return result
        previous = cr.working_id
        cr.working = _write_merged(spec, result, cr.author, cr.title)
        cr.base = spec.head
        cr.content_version += 1
        cr.save(update_fields=["working", "base", "content_version", "updated_at"])
        audit_request(
            cr,
            actor,
            "change_request.updated_from_main",
            previous_draft=previous,
            resolved={c.id: resolutions[c.id] for c in result.resolved},
        )
    change_request.refresh_from_db()
    return result


def change_request_merge(*, change_request: ChangeRequest, actor) -> Revision:
    require_role(actor, change_request.spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        spec = Spec.objects.select_for_update().get(pk=change_request.spec_id)
        cr = lock_request(change_request, State.IN_REVIEW)
        cr.spec = spec
        status = merge_status(cr)
        if not status.can_merge:
            raise ServiceError("Cannot merge yet: " + " ".join(status.missing))
        if status.merge_preview is None:
            merged = revision_publish(revision=cr.working, message=cr.title)
        else:
            merged_draft = _write_merged(spec, status.merge_preview, cr.author, cr.title)
            merged = revision_publish(revision=merged_draft, message=cr.title)
        cr.state = State.MERGED
        cr.merged_revision = merged
        cr.merged_by = actor
        cr.merged_at = timezone.now()
        cr.save(update_fields=["state", "merged_revision", "merged_by", "merged_at", "updated_at"])
        audit_request(cr, actor, "change_request.merged", revision=merged.number)
        transaction.on_commit(
            lambda: change_request_merged.send(ChangeRequest, change_request_id=cr.pk),
            robust=True,
        )
    change_request.refresh_from_db()
    return merged


def change_requests_awaiting_review(*, user):
    """Requests in review that `user` may review and has not reviewed in their current state."""
    reviewed_now = Review.objects.filter(
        change_request=OuterRef("pk"),
        reviewer=user,
        content_version=F("change_request__content_version"),
    )
    return (
        ChangeRequest.objects.filter(
            state=State.IN_REVIEW,
            spec__workspace__memberships__user=user,
            spec__workspace__memberships__role__in=[Role.REVIEWER, Role.ADMIN],
        )
        .exclude(author=user)
        .exclude(Exists(reviewed_now))
        .select_related("spec__workspace", "author")
        .order_by("created_at")
    )


# Review requests, dismissals and the state a request shows.
#
# As on GitHub: a request-changes verdict blocks the merge until that reviewer approves or a
# workspace admin dismisses it. Re-requesting a review makes the reviewer pending again (and
# tells them, through the audit event) but keeps their verdict until they give a new one.


def _eligible_roles() -> list[str]:
    return [role for role in Role if role.at_least(Role.REVIEWER)]


def change_request_request_review(*, change_request: ChangeRequest, actor, reviewers) -> list:
    """Ask `reviewers` (users) to review; one who reviewed before is asked again (re-request).
    Each must be a member with the reviewer role or higher and not the request's author."""
    require_role(actor, change_request.spec.workspace_id, Role.EDITOR)
    wanted = list({user.pk: user for user in reviewers}.values())
    if not wanted:
        raise ServiceError("Pick at least one reviewer.")
    with transaction.atomic():
        cr = lock_request(change_request, State.DRAFT, State.IN_REVIEW)
        _check_reviewers(cr, wanted)
        requests = {r.reviewer_id: r for r in cr.review_requests.select_for_update()}
        reviewed = _last_review_times(cr, [u.pk for u in wanted])
        now = timezone.now()
        fresh, again = [], []
        for user in wanted:
            request = requests.get(user.pk)
            if request is not None and _is_pending(request, reviewed.get(user.pk)):
                raise ServiceError(f"A review from {user.username} is already requested.")
            if request is None:
                requests[user.pk] = ReviewRequest.objects.create(
                    change_request=cr, reviewer=user, requested_by=actor, requested_at=now
                )
            else:
                request.requested_by, request.requested_at = actor, now
                request.save(update_fields=["requested_by", "requested_at"])
            (again if request is not None or user.pk in reviewed else fresh).append(user)
        for users, is_again in ((fresh, False), (again, True)):
            if users:
                audit_request(cr, actor, "review.requested", again=is_again, **_who(users))
    return [requests[user.pk] for user in wanted]


def _check_reviewers(cr: ChangeRequest, users: list) -> None:
    roles = dict(
        Membership.objects.filter(
            workspace_id=cr.spec.workspace_id, user__in=[u.pk for u in users]
        ).values_list("user_id", "role")
    )
    for user in users:
        if user.pk == cr.author_id:
            raise ServiceError(
                f"{user.username} opened #{cr.number}; authors cannot review their own request."
            )
        role = roles.get(user.pk)
        if role is None:
            raise ServiceError(f"{user.username} is not a member of this workspace.")
        if not Role(role).at_least(Role.REVIEWER):
            raise ServiceError(
                f"{user.username} is {Role(role).label.lower()}; only members with the reviewer "
                "role or higher can review."
            )


def _last_review_times(cr: ChangeRequest, user_ids: list[int]) -> dict:
    rows = cr.reviews.filter(reviewer_id__in=user_ids).values_list("reviewer_id", "created_at")
    last: dict = {}
    for user_id, created_at in rows:
        last[user_id] = max(created_at, last.get(user_id, created_at))
    return last


def _is_pending(request: ReviewRequest, last_review_at) -> bool:
    return last_review_at is None or last_review_at < request.requested_at


def _who(users) -> dict:
    return {"reviewer_ids": [u.pk for u in users], "reviewers": [u.username for u in users]}


def change_request_remove_review_request(*, change_request: ChangeRequest, actor, reviewer):
    """No longer ask `reviewer` for a review (a review they gave stays)."""
    require_role(actor, change_request.spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        cr = lock_request(change_request, State.DRAFT, State.IN_REVIEW)
        deleted, _ = cr.review_requests.filter(reviewer=reviewer).delete()
        if not deleted:
            raise ServiceError(f"No review from {reviewer.username} is requested.")
        audit_request(cr, actor, "review.request_removed", **_who([reviewer]))


def review_dismiss(*, review: Review, actor, reason: str) -> Review:
    """A workspace admin sets a verdict aside: it no longer approves or blocks the merge."""
    cr = review.change_request
    require_role(actor, cr.spec.workspace_id, Role.ADMIN)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the review is dismissed.")
    with transaction.atomic():
        cr = lock_request(cr, State.DRAFT, State.IN_REVIEW)
        locked = Review.objects.select_for_update().select_related("reviewer").get(pk=review.pk)
        if locked.change_request_id != cr.pk:
            raise ServiceError("That review belongs to another change request.")
        if locked.verdict == Verdict.COMMENT:
            raise ServiceError("Only an approval or a request for changes can be dismissed.")
        if locked.dismissed:
            raise ServiceError(f"{locked.reviewer.username}'s review is already dismissed.")
        locked.dismissed_by, locked.dismissed_at = actor, timezone.now()
        locked.dismiss_reason = reason
        locked.save(update_fields=["dismissed_by", "dismissed_at", "dismiss_reason"])
        # What the review approved at stake waits again (an acknowledgement stays: it is no
        # review). The count goes in the audit event.
        unapproved, _ = StakeApproval.objects.filter(review=locked).delete()
        extra = {"stakes_unapproved": unapproved} if unapproved else {}
        audit_request(
            cr,
            actor,
            "review.dismissed",
            review=locked.pk,
            reviewer_id=locked.reviewer_id,
            reviewer=locked.reviewer.username,
            reason=reason,
            **extra,
        )
    return locked


@dataclass
class ReviewerRow:
    """One reviewer in the sidebar: their verdict (or latest comment review), and whether a
    review from them is requested and not yet given."""

    reviewer: object
    review: Review | None
    request: ReviewRequest | None
    pending: bool
    stale: bool = False

    @property
    def again(self) -> bool:
        """Pending after having reviewed: a re-request."""
        return self.pending and self.review is not None


@dataclass
class Reviewers:
    reviewed: list[ReviewerRow]
    pending: list[ReviewerRow]

    @property
    def listed_ids(self) -> set[int]:
        """Reviewers already shown: pending, or with a review (and a Re-request button)."""
        return {row.reviewer.pk for row in self.pending + self.reviewed}


def change_request_reviewers(cr: ChangeRequest) -> Reviewers:
    """Who reviewed (each reviewer's verdict, dismissed ones included, or else their latest
    comment review) and who is asked and pending (two queries)."""
    reviews = list(
        cr.reviews.select_related("reviewer", "dismissed_by").order_by("created_at", "id")
    )
    shown: dict[int, Review] = {}
    for review in reviews:
        current = shown.get(review.reviewer_id)
        if review.verdict != Verdict.COMMENT or current is None or current.verdict == "comment":
            shown[review.reviewer_id] = review
    last = {r.reviewer_id: r.created_at for r in reviews}
    requests = {
        r.reviewer_id: r
        for r in cr.review_requests.select_related("reviewer", "requested_by").order_by(
            "requested_at", "id"
        )
    }
    pending = [
        ReviewerRow(r.reviewer, shown.get(r.reviewer_id), r, pending=True)
        for r in requests.values()
        if _is_pending(r, last.get(r.reviewer_id))
    ]
    waiting = {row.reviewer.pk for row in pending}
    reviewed = [
        ReviewerRow(
            r.reviewer,
            r,
            requests.get(r.reviewer_id),
            pending=r.reviewer_id in waiting,
            stale=r.content_version != cr.content_version,
        )
        for r in shown.values()
    ]
    return Reviewers(reviewed=reviewed, pending=pending)


def review_candidates(cr: ChangeRequest, exclude: set[int] = frozenset()) -> list:
    """The members who may be asked for a review: reviewer role or higher, not the author,
    not in `exclude` (those already pending or who reviewed; one query)."""
    members = (
        Membership.objects.filter(workspace_id=cr.spec.workspace_id, role__in=_eligible_roles())
        .exclude(user_id=cr.author_id)
        .exclude(user_id__in=exclude)
        .select_related("user")
        .order_by("user__username")
    )
    return [m.user for m in members]


@dataclass(frozen=True)
class RequestState:
    """What the state badge says: `key` picks its look, `label` its words; `reasons` say why a
    request in review cannot be merged yet."""

    key: str
    label: str
    reasons: tuple[str, ...] = ()


_PLAIN = {
    State.DRAFT: RequestState("draft", "Draft"),
    State.MERGED: RequestState("merged", "Merged"),
    State.CLOSED: RequestState("closed", "Closed"),
}


def change_request_state(cr: ChangeRequest, status: MergeStatus | None = None) -> RequestState:
    """The request's state as its page shows it: Draft (not submitted), Merged, Closed, or in
    review: Changes requested, Review required (approvals missing), Merge blocked (approved,
    but a gate says no: lint errors, unresolved comments, conflicts) or Approved."""
    if cr.state in _PLAIN:
        return _PLAIN[cr.state]
    status = status if status is not None else merge_status(cr)
    reasons = tuple(status.missing)
    if status.changes_requested:
        return RequestState("changes_requested", "Changes requested", reasons)
    if len(status.approvals) < status.required_approvals:
        return RequestState("review_required", "Review required", reasons)
    if reasons:
        return RequestState("blocked", "Merge blocked", reasons)
    if not status.approvals:
        return RequestState("approved", "Ready to merge")
    return RequestState("approved", "Approved")


def change_request_review_decision(cr: ChangeRequest) -> RequestState:
    """The state of a request in a list (the spec page, the dashboard): from its reviews only,
    as GitHub's lists show the review decision. `cr.reviews` must be prefetched, with the
    reviewers and in order, and `cr.spec` loaded: no query here."""
    if cr.state in _PLAIN:
        return _PLAIN[cr.state]
    states = _latest_of(cr, cr.reviews.all())
    blocking = [s for s in states if s.review.verdict == Verdict.REQUEST_CHANGES]
    approvals = [s for s in states if s.review.verdict == Verdict.APPROVE and not s.stale]
    if blocking:
        who = tuple(f"{s.reviewer} requested changes." for s in blocking)
        return RequestState("changes_requested", "Changes requested", who)
    short = cr.spec.required_approvals - len(approvals)
    if short > 0:
        return RequestState(
            "review_required",
            "Review required",
            (f"{short} more approval{'s' if short > 1 else ''} needed.",),
        )
    return RequestState("approved", "Approved" if approvals else "Ready to merge")


def change_request_approvals(cr: ChangeRequest) -> int:
    """Approvals that count (latest verdict, not stale, not dismissed), from prefetched
    reviews."""
    return sum(
        1
        for s in _latest_of(cr, cr.reviews.all())
        if s.review.verdict == Verdict.APPROVE and not s.stale
    )
