"""The "Viewed" ticks a member puts on the changed items of a change request, for themselves.

A tick holds the digest of the item as it was when ticked; the Changes tab counts it only while
the item's digest is the same (services/selectors.change_request_changes), so a tick resets by
itself when the item changes again. Ticks are personal reading marks: nothing is audited.
"""

import uuid

from specs_app.access import require_role
from specs_app.models import ChangeRequest, ItemView, Role
from specs_app.services.errors import ServiceError
from specs_app.services.selectors import change_request_diff


def item_mark_viewed(
    *, change_request: ChangeRequest, user, item_uid, viewed: bool
) -> ItemView | None:
    """Tick (or untick) one changed endpoint or model of the request as viewed by `user`; any
    member who can see the request may. The tick on a ticked item is renewed."""
    cr = change_request
    require_role(user, cr.spec.workspace_id, Role.VIEWER)
    uid = _uid(item_uid)
    groups = change_request_diff(cr)["groups"]
    group = next((g for g in groups if g["uid"] == uid), None)
    if group is None:
        raise ServiceError(f"That item is not among the changes of #{cr.number}.")
    if not viewed:
        ItemView.objects.filter(user=user, change_request=cr, item_uid=uid).delete()
        return None
    tick, _ = ItemView.objects.update_or_create(  # one transaction of its own
        user=user, change_request=cr, item_uid=uid, defaults={"digest": group["digest"]}
    )
    return tick


def _uid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ServiceError("That item is not among the changes of this request.") from None
