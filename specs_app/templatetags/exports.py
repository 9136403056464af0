"""{% export_alert %}: the spec's latest export when it failed or drifted, with the way to fix
it, on every page that shows the spec or one of its change requests."""

from django import template

from specs_app.models import ChangeRequest, Export, Role
from specs_app.services.git import export_latest

register = template.Library()

_OPEN = (ChangeRequest.State.DRAFT, ChangeRequest.State.IN_REVIEW)
_SHOWN = (Export.Status.FAILED, Export.Status.DRIFT)


@register.inclusion_tag("specs_app/exports/_drift.html", takes_context=True)
def export_alert(context, change_request: ChangeRequest | None = None) -> dict:
    """On a change request's page, only while it is open or when its merge made the export."""
    spec, membership = context["spec"], context["membership"]
    export = export_latest(spec=spec)
    if export is not None and export.status not in _SHOWN:
        export = None
    if export is not None and change_request is not None:
        own = export.change_request_id == change_request.pk
        export = export if own or change_request.state in _OPEN else None
    return {
        "export": export,
        "spec": spec,
        "workspace": context["workspace"],
        "can_export": membership.role_enum.at_least(Role.EDITOR),
        "on_exports_page": context.get("on_exports_page", False),
        "csrf_token": context.get("csrf_token"),
    }
