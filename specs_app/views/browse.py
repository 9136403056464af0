from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from specs_app.access import (
    get_endpoint_for_user,
    get_membership_for_user,
    get_model_for_user,
    workspaces_for_user,
)
from specs_app.models import (
    BodyField,
    DataModel,
    Endpoint,
    Parameter,
)
from specs_app.views.context import require_revision, revision_page_context


@login_required
@require_GET
def workspace_list(request: HttpRequest) -> HttpResponse:
    workspaces = workspaces_for_user(request.user).order_by("name")
    return render(request, "specs_app/browse/workspace_list.html", {"workspaces": workspaces})


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
    revision = context["revision"]
    if revision is None:
        return render(request, "specs_app/browse/spec_detail.html", context)
    context["endpoints"] = Endpoint.objects.filter(revision=revision).only(
        "uid", "name", "method", "path", "authentication", "position"
    )
    context["models"] = DataModel.objects.filter(revision=revision).only(
        "uid", "name", "table", "ownership", "position"
    )
    return render(request, "specs_app/browse/spec_detail.html", context)


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
    )
    return render(request, "specs_app/browse/endpoint_detail.html", context)


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
    )
    return render(request, "specs_app/browse/model_detail.html", context)
