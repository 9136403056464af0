"""Build change requests through the real services."""

from specs_app.models import Endpoint, Spec
from specs_app.services import review as services


def ready_spec(spec: Spec) -> Spec:
    """Gates that these tests do not exercise are off; each gate has its own test."""
    spec.lint_gate = False
    spec.save(update_fields=["lint_gate"])
    return spec


def open_request(spec: Spec, author, title: str = "Change"):
    return services.change_request_open(spec=spec, author=author, title=title)


def endpoint_in(cr, name: str) -> Endpoint:
    return Endpoint.objects.get(revision=cr.working, name=name)


def edit_endpoint(cr, actor, current_name: str, **values) -> Endpoint:
    row = endpoint_in(cr, current_name)
    return services.change_request_update(
        change_request=cr, actor=actor, row=row, expected_version=row.version, **values
    )


def approve_and_merge(cr, *, author, reviewer):
    services.change_request_submit(change_request=cr, actor=author)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    return services.change_request_merge(change_request=cr, actor=author)
