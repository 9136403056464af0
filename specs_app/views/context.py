"""Context shared by the pages that show one revision of a spec."""

from django.http import Http404, HttpRequest

from specs_app.access import get_revision_for_user, get_spec_for_user
from specs_app.models import Revision


def revision_page_context(request: HttpRequest, ws: str, spec_slug: str) -> dict:
    spec, membership = get_spec_for_user(request.user, ws, spec_slug)
    wanted = request.GET.get("revision")
    revision = get_revision_for_user(spec, wanted) if wanted or spec.head_id else None
    published = Revision.objects.filter(spec=spec, state=Revision.State.PUBLISHED).only(
        "number", "published_at"
    )
    return {
        "workspace": spec.workspace,
        "membership": membership,
        "spec": spec,
        "revision": revision,
        "is_head": revision is not None and revision.pk == spec.head_id,
        "published_revisions": published.order_by("-number"),
    }


def require_revision(context: dict) -> Revision:
    if context["revision"] is None:
        raise Http404("This spec has no published revision yet.")
    return context["revision"]
