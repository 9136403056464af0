"""A change request that exercises every kind of card on the Changes tab, built through the
real services: an endpoint added, an endpoint changed (a word of a long text, a body field, a
row moved) and a model removed."""

from dataclasses import dataclass

from specs_app.models import BodyField, DataModel, Endpoint, ErrorCase, Parameter
from specs_app.services import review as services
from tests.review_helpers import approve_and_merge, open_request, ready_spec

LONG_BEFORE = (
    "The task is looked up by id and user_id together; another user's task is reported as "
    "not found, never as forbidden"
)
LONG_AFTER = LONG_BEFORE.replace("not found", "missing")
SCRIPT = "Shown as is: <script>alert(1)</script>"


@dataclass
class DiffCase:
    cr: object
    added: Endpoint
    changed: Endpoint
    body_field: BodyField
    moved: ErrorCase
    removed: DataModel


def _update(cr, actor, row, **values):
    return services.change_request_update(
        change_request=cr, actor=actor, row=row, expected_version=row.version, **values
    )


def diff_case(spec, editor, reviewer) -> DiffCase:
    """On a spec whose head has an endpoint with two error cases and a body field, and two
    models or more: a first request gives that endpoint a long ownership text and is merged; a
    second one (the case) changes a word of it, gives the body field a description with markup
    in it and makes it optional, moves the second error case up, adds an endpoint with a
    parameter and removes the last model."""
    ready_spec(spec)
    first = open_request(spec, editor, "Long ownership")
    endpoint = next(
        e
        for e in Endpoint.objects.filter(revision=first.working).order_by("position", "id")
        if e.errors.count() >= 2 and e.body_fields.exists()
    )
    _update(first, editor, endpoint, user_ownership=LONG_BEFORE)
    approve_and_merge(first, author=editor, reviewer=reviewer)

    cr = open_request(spec, editor, "Review me")
    changed = Endpoint.objects.get(revision=cr.working, uid=endpoint.uid)
    _update(cr, editor, changed, user_ownership=LONG_AFTER)
    body_field = changed.body_fields.order_by("position", "id").first()
    body_field = _update(cr, editor, body_field, description=SCRIPT, required=False)
    moved = changed.errors.order_by("position", "id")[1]
    services.change_request_move(change_request=cr, actor=editor, row=moved, direction=-1)
    added = services.change_request_add(
        change_request=cr,
        actor=editor,
        model=Endpoint,
        name="Archive Thing",
        method="POST",
        path="/api/v1/things/{thing_id}/archive",
        user_ownership="Only the caller's things",
    )
    services.change_request_add(
        change_request=cr,
        actor=editor,
        model=Parameter,
        parent=added,
        location="path",
        name="thing_id",
        type="integer",
    )
    removed = DataModel.objects.filter(revision=cr.working).order_by("position", "id").last()
    services.change_request_delete(change_request=cr, actor=editor, row=removed)
    cr.refresh_from_db()
    return DiffCase(cr, added, changed, body_field, moved, removed)
