"""What is at stake in a change request: the findings of its impact that need an extra approval
from a workspace admin before it can merge, and those approvals.

Two kinds, each under a spec setting (the "Merge rules" page):
- `api`: the breaking API changes that fail the spec's compatibility mode (`ApiImpact.api_breaks`;
  none under mode "none").
- `migration`: with `Spec.destructive_needs_admin` on, the migration steps that lose data:
  DS102 (table dropped: every row deleted) and DS103 (column dropped: its values deleted in every
  row). Those two and only those: nothing run after the migration brings the data back, which is
  what makes a second pair of eyes worth the wait. The other codes of the destructive category
  do not qualify: CD101 (foreign key dropped) loses no row or value (the constraint can be added
  again, and a dropped table's keys already come with its DS102); renames (BC1xx) and
  data-dependent or locking findings fail loudly or slow down, the data stays. A code turned
  "off" in the spec's risk settings is not reported, so it is not at stake either.

Each stake has a fingerprint of its check (or code), item and text: the API change's own
(`ApiChange.fingerprint`), and one made the same way for a migration step. An approval is kept
by fingerprint (`StakeApproval`), so it carries over the edits that leave the finding as it was,
while a new or changed finding needs a new approval.

An admin approves the stakes by approving the request (services/review.py), or acknowledges
them without approving it (`change_request_acknowledge_stakes`). Like an approval, an
acknowledgement is never the author's own: an admin who opened the request needs another admin
(or, in a workspace with one admin, sets the compatibility mode down on the Merge rules page,
which the audit log records). Dismissing an admin's approving review takes back the stakes it
approved; an acknowledgement is not a review and stays.
"""

from dataclasses import dataclass

from django.db import transaction

from specs_app.access import require_role
from specs_app.interchange.apidiff.change import fingerprint
from specs_app.models import ChangeRequest, Role, StakeApproval
from specs_app.services.audit import audit_record
from specs_app.services.errors import ServiceError
from specs_app.services.selectors import (
    change_request_api_impact_of_edit,
    change_request_impact_of_edit,
)

API, MIGRATION = "api", "migration"
#: The migration risk codes at stake when destructive migrations need an admin (see above).
DESTRUCTIVE_CODES = frozenset({"DS102", "DS103"})


@dataclass(frozen=True)
class Stake:
    kind: str  # API or MIGRATION
    #: The API check id, or the migration risk code.
    code: str
    #: "breaking" for an API change; the risk's level ("error" or "warning") for a migration step.
    level: str
    item: str
    message: str
    fingerprint: str

    @property
    def is_api(self) -> bool:
        return self.kind == API


@dataclass
class StakeRow:
    """A stake and its approval, if any (who approved it, when, how)."""

    stake: Stake
    approval: StakeApproval | None = None

    @property
    def approved(self) -> bool:
        return self.approval is not None


def risk_fingerprint(code: str, item: str, message: str) -> str:
    """A migration step's fingerprint, made as ApiChange.fingerprint is."""
    return fingerprint(MIGRATION, code, item, message)


def stakes_gated(spec) -> bool:
    """Whether the spec's merge rules put anything at stake (no work at all when not)."""
    return spec.compatibility != "none" or spec.destructive_needs_admin


def stakes_of(spec, api_impact, impact) -> list[Stake]:
    """The stakes under the spec's merge rules, of an API impact (None when the mode is none)
    and a migration's impact (None when destructive steps need no admin): API breaks first,
    then the destructive migration steps, in their order; each fingerprint once."""
    stakes = []
    if spec.compatibility != "none" and api_impact is not None:
        stakes += [
            Stake(API, c.check, c.level, c.item, c.message, c.fingerprint)
            for c in api_impact.api_breaks
        ]
    if spec.destructive_needs_admin and impact is not None:
        for risk in impact.risks:
            if risk.code in DESTRUCTIVE_CODES:
                item = f"{risk.table}.{risk.column}" if risk.column else risk.table
                fingerprint = risk_fingerprint(risk.code, item, risk.message)
                stakes.append(
                    Stake(MIGRATION, risk.code, risk.level, item, risk.message, fingerprint)
                )
    unique: dict[str, Stake] = {}
    for stake in stakes:
        unique.setdefault(stake.fingerprint, stake)
    return list(unique.values())


def change_request_stakes(cr: ChangeRequest) -> list[Stake]:
    """The request's stakes as of its last edit (the impact is cached per edit); no query when
    the spec's merge rules put nothing at stake."""
    if not stakes_gated(cr.spec):
        return []
    spec = cr.spec
    api_impact = change_request_api_impact_of_edit(cr) if spec.compatibility != "none" else None
    impact = change_request_impact_of_edit(cr) if spec.destructive_needs_admin else None
    return stakes_of(spec, api_impact, impact)


def change_request_stake_rows(cr: ChangeRequest) -> list[StakeRow]:
    """The stakes with their approvals (one query more, only when there are stakes)."""
    stakes = change_request_stakes(cr)
    if not stakes:
        return []
    approvals = {
        a.fingerprint: a
        for a in StakeApproval.objects.filter(
            change_request_id=cr.pk, fingerprint__in=[s.fingerprint for s in stakes]
        ).select_related("approved_by")
    }
    return [StakeRow(stake, approvals.get(stake.fingerprint)) for stake in stakes]


def stakes_reason(rows: list[StakeRow]) -> str:
    """Why the merge waits: "2 breaking API changes and 1 destructive migration step need an
    admin's approval."; "" when nothing waits."""
    waiting = [row.stake for row in rows if not row.approved]
    api = sum(1 for stake in waiting if stake.is_api)
    steps = len(waiting) - api
    parts = []
    if api:
        parts.append(f"{api} breaking API change{'s' if api > 1 else ''}")
    if steps:
        parts.append(f"{steps} destructive migration step{'s' if steps > 1 else ''}")
    if not parts:
        return ""
    verb = "needs" if len(waiting) == 1 else "need"
    return f"{' and '.join(parts)} {verb} an admin's approval."


def stakes_record_approval(
    cr: ChangeRequest, actor, via: str, stakes: list[Stake], review=None
) -> list[Stake]:
    """Record `stakes` as approved by `actor` (an admin, checked by the caller), inside the
    caller's transaction with the request locked; those approved before keep their first
    approval. Returns the ones recorded now."""
    known = set(
        StakeApproval.objects.filter(
            change_request=cr, fingerprint__in=[s.fingerprint for s in stakes]
        ).values_list("fingerprint", flat=True)
    )
    fresh = [stake for stake in stakes if stake.fingerprint not in known]
    StakeApproval.objects.bulk_create(
        StakeApproval(
            change_request=cr,
            fingerprint=stake.fingerprint,
            kind=stake.kind,
            code=stake.code,
            item=stake.item[:500],
            message=stake.message,
            approved_by=actor,
            via=via,
            review=review,
        )
        for stake in fresh
    )
    return fresh


def audit_stakes(cr: ChangeRequest, actor, verb: str, stakes: list[Stake], **details) -> None:
    audit_record(
        spec=cr.spec,
        actor=actor,
        verb=verb,
        target=f"#{cr.number}",
        stakes=[
            {"kind": s.kind, "code": s.code, "item": s.item, "fingerprint": s.fingerprint}
            for s in stakes
        ],
        **details,
    )


def change_request_acknowledge_stakes(
    *, change_request: ChangeRequest, actor, fingerprints: list[str]
) -> list[Stake]:
    """An admin approves what is at stake without approving the request. `fingerprints` are the
    stakes the admin was shown waiting: when the request's waiting stakes are not exactly those
    (an edit or a settings change came in between), nothing is recorded."""
    require_role(actor, change_request.spec.workspace_id, Role.ADMIN)
    with transaction.atomic():
        cr = (
            ChangeRequest.objects.select_for_update()
            .select_related("spec")
            .get(pk=change_request.pk)
        )
        if not cr.is_open:
            raise ServiceError(f"#{cr.number} is {cr.get_state_display().lower()}.")
        if cr.author_id == actor.pk:
            raise ServiceError(
                "Authors cannot acknowledge what is at stake in their own change request: "
                "another admin must."
            )
        waiting = [row.stake for row in change_request_stake_rows(cr) if not row.approved]
        if not waiting:
            raise ServiceError(f"Nothing in #{cr.number} waits for an admin's approval.")
        if {s.fingerprint for s in waiting} != set(fingerprints):
            raise ServiceError(
                f"What needs approval in #{cr.number} changed since you looked: "
                "read the list again and acknowledge what it says now."
            )
        recorded = stakes_record_approval(cr, actor, StakeApproval.Via.ACKNOWLEDGEMENT, waiting)
        audit_stakes(cr, actor, "stakes.acknowledged", recorded)
    return recorded
