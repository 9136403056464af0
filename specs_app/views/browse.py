from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from specs_app.access import (
    get_endpoint_for_user,
    get_membership_for_user,
    get_model_for_user,
    workspaces_for_user,
)
from specs_app.models import (
    BodyField,
    ChangeRequest,
    DataModel,
    Endpoint,
    Parameter,
    Review,
    Role,
)
from specs_app.services.dashboard import dashboard_for_user
from specs_app.services.resources import ModelIndex, endpoint_model, endpoints_of_model
from specs_app.services.review import change_request_review_decision
from specs_app.services.selectors import revision_lint_report
from specs_app.views.context import require_revision, revision_page_context


@login_required
@require_GET
def workspace_list(request: HttpRequest) -> HttpResponse:
    context = {
        "workspaces": workspaces_for_user(request.user).order_by("name"),
        "dashboard": dashboard_for_user(request.user),
    }
    return render(request, "specs_app/browse/workspace_list.html", context)


@login_required
@require_GET
def spec_list(request: HttpRequest, ws: str) -> HttpResponse:
    membership = get_membership_for_user(request.user, ws)
    specs = membership.workspace.specs.select_related("head").order_by("title")
    return render(
        request,
        "specs_app/browse/spec_list.html",
        {"workspace": membership.workspace, "membership": membership, "specs": specs},
    )


@login_required
@require_GET
def spec_detail(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    context = revision_page_context(request, ws, spec)
    open_requests = (
        context["spec"]
        .change_requests.filter(
            state__in=[ChangeRequest.State.DRAFT, ChangeRequest.State.IN_REVIEW]
        )
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "reviews", Review.objects.select_related("reviewer").order_by("created_at", "id")
            )
        )
    )
    context["open_requests"] = [
        (cr, change_request_review_decision(cr)) for cr in _with_spec(open_requests, context)
    ]
    context["can_edit"] = context["membership"].role_enum.at_least(Role.EDITOR)
    revision = context["revision"]
    if revision is None:
        return render(request, "specs_app/browse/spec_detail.html", context)
    context["endpoints"] = list(Endpoint.objects.filter(revision=revision))
    context["models"] = list(DataModel.objects.filter(revision=revision))
    context["lint"] = revision_lint_report(revision)
    context.update(_lint_shown(request, context["lint"]))
    context.update(_item_url_prefixes(context))
    return render(request, "specs_app/browse/spec_detail.html", context)


def _with_spec(requests, context: dict) -> list:
    """The requests, each knowing its spec (for its required approvals) without a query."""
    listed = list(requests)
    for cr in listed:
        cr.spec = context["spec"]
    return listed


#: Items with findings listed on the spec page before "Show all": a big spec has thousands.
LINT_GROUPS_SHOWN = 50


def _lint_shown(request: HttpRequest, lint) -> dict:
    everything = request.GET.get("lint") == "all"
    shown = lint.groups if everything else lint.groups[:LINT_GROUPS_SHOWN]
    query = request.GET.copy()
    query["lint"] = "all"
    return {
        "lint_groups": shown,
        "lint_hidden": len(lint.groups) - len(shown),
        "lint_all_url": f"?{query.urlencode()}#lint-heading",
    }


def _item_url_prefixes(context: dict) -> dict:
    """The links of the item tables as prefix + uid: reversing a URL for each of a thousand
    rows cost more than the rest of the page."""
    args = [context["workspace"].slug, context["spec"].slug, _PLACEHOLDER]
    return {
        f"{kind}_url_prefix": reverse(f"specs_app:{kind}_detail", args=args).split(
            str(_PLACEHOLDER)
        )[0]
        for kind in ("endpoint", "model")
    }


_PLACEHOLDER = UUID(int=0)


@login_required
@require_GET
def endpoint_detail(request: HttpRequest, ws: str, spec: str, uid) -> HttpResponse:
    context = revision_page_context(request, ws, spec)
    endpoint = get_endpoint_for_user(require_revision(context), uid)
    parameters = list(endpoint.parameters.all())
    body_fields = list(endpoint.body_fields.all())
    context.update(
        endpoint=endpoint,
        parameters_by_location=[
            (label, [p for p in parameters if p.location == value])
            for value, label in Parameter.Location.choices
        ],
        request_fields=[f for f in body_fields if f.part == BodyField.Part.REQUEST],
        response_fields=[f for f in body_fields if f.part == BodyField.Part.RESPONSE],
        errors=sorted(endpoint.errors.all(), key=lambda e: (e.status_code, e.position)),
        business_rules=endpoint.business_rules.all(),
        test_cases=endpoint.test_cases.all(),
        mapping=endpoint_model(endpoint, ModelIndex(_model_names(endpoint.revision_id))),
    )
    return render(request, "specs_app/browse/endpoint_detail.html", context)


def _model_names(revision_id: int):
    """The revision's models, only what the endpoint → model mapping reads (one query)."""
    return DataModel.objects.filter(revision_id=revision_id).only("uid", "name", "table")


@login_required
@require_GET
def model_detail(request: HttpRequest, ws: str, spec: str, uid) -> HttpResponse:
    context = revision_page_context(request, ws, spec)
    model = get_model_for_user(require_revision(context), uid)
    context.update(
        model=model,
        fields=model.fields.all(),
        relationships=model.relationships.all(),
        indexes=model.indexes.all(),
        constraints=model.constraints.all(),
        migration_notes=model.migration_notes.all(),
        mapped_endpoints=endpoints_of_model(
            model,
            Endpoint.objects.filter(revision_id=model.revision_id).only(
                "uid", "name", "method", "path", "data_model"
            ),
            _model_names(model.revision_id),
        ),
    )
    return render(request, "specs_app/browse/model_detail.html", context)
