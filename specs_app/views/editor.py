"""Editors of a change request's draft: the item list, an endpoint, a model, and their rows.

Every form posts to its own URL and works without JavaScript (redirect back to the editor).
With htmx, a saved row swaps in place, a changed list swaps as a section, and the preview and
lint panel follow out of band.
"""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from specs_app.access import get_change_request_for_user
from specs_app.forms.editor import ITEM_FORMS, ROW_FORMS, STATUS_CHOICES, OverviewForm
from specs_app.models import DataModel, Endpoint, Role
from specs_app.services.errors import ServiceError, StaleVersion
from specs_app.services.export import render_endpoint_markdown, render_model_markdown
from specs_app.services.render import markdown_to_safe_html
from specs_app.services.review import (
    change_request_add,
    change_request_delete,
    change_request_duplicate,
    change_request_move,
    change_request_restore,
    change_request_update,
    change_request_update_overviews,
)
from specs_app.services.selectors import change_request_deleted_items, item_findings
from specs_app.views.confirm import Confirmation, confirmation_page, confirmed

TEMPLATE = "specs_app/editor/item.html"


@dataclass
class Section:
    kind: str
    title: str
    discriminator: str = ""  # location of a parameter, part of a body field
    rows: list = None
    add_form: object = None

    @property
    def id(self) -> str:
        return f"list-{self.kind}-{self.discriminator or 'all'}"


ENDPOINT_SECTIONS = [
    ("parameter", "header", "Headers"),
    ("parameter", "path", "Path parameters"),
    ("parameter", "query", "Query parameters"),
    ("bodyfield", "request", "Request body"),
    ("bodyfield", "response", "Response fields"),
    ("errorcase", "", "Errors"),
    ("businessrule", "", "Business rules"),
    ("testcase", "", "Test cases"),
]
MODEL_SECTIONS = [
    ("field", "", "Fields"),
    ("relationship", "", "Relationships"),
    ("index", "", "Indexes"),
    ("modelconstraint", "", "Constraints"),
    ("migrationnote", "", "Migration notes"),
]
_DISCRIMINATOR = {"parameter": "location", "bodyfield": "part"}


def _editor(request, ws, spec, number):
    cr, membership = get_change_request_for_user(request.user, ws, spec, number, Role.EDITOR)
    if not cr.is_open:
        raise Http404("This change request is not open for editing.")
    return cr


_ITEM_MODELS = {"endpoint": Endpoint, "model": DataModel}


def _item_model(kind: str):
    if kind not in _ITEM_MODELS:
        raise Http404("No such kind of item.")
    return _ITEM_MODELS[kind]


def _item(cr, kind: str, uid):
    model = _item_model(kind)
    try:
        return model.objects.get(revision=cr.working, uid=uid)
    except (model.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such item in this change request.") from None


def _row(cr, kind: str, uid):
    if kind not in ROW_FORMS:
        raise Http404("No such kind of row.")
    model = ROW_FORMS[kind][0]
    try:
        return model.objects.get(revision=cr.working, uid=uid)
    except (model.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such row in this change request.") from None


def row_prefix(kind: str, uid) -> str:
    return f"{kind}-{uid.hex}"


def _add_prefix(kind: str, discriminator: str) -> str:
    return f"new-{kind}-{discriminator or 'all'}"


def _sections(item, bound: dict) -> list[Section]:
    is_endpoint = isinstance(item, Endpoint)
    specs = ENDPOINT_SECTIONS if is_endpoint else MODEL_SECTIONS
    loaded = {}
    sections = []
    for kind, discriminator, title in specs:
        model, form_class = ROW_FORMS[kind]
        if kind not in loaded:
            parent = {model.parent_field: item}
            loaded[kind] = list(model.objects.filter(**parent).order_by("position", "id"))
        rows = [
            r
            for r in loaded[kind]
            if not discriminator or getattr(r, _DISCRIMINATOR[kind]) == discriminator
        ]
        forms = [
            bound.get(row_prefix(kind, r.uid))
            or form_class(instance=r, prefix=row_prefix(kind, r.uid))
            for r in rows
        ]
        add_prefix = _add_prefix(kind, discriminator)
        initial = {_DISCRIMINATOR[kind]: discriminator} if discriminator else {}
        add_form = bound.get(add_prefix) or form_class(prefix=add_prefix, initial=initial)
        sections.append(
            Section(kind, title, discriminator, list(zip(rows, forms, strict=True)), add_form)
        )
    return sections


def _preview(cr, item) -> dict:
    is_endpoint = isinstance(item, Endpoint)
    text = render_endpoint_markdown(item) if is_endpoint else render_model_markdown(item)
    findings = item_findings(cr, item)
    return {"preview_text": text, "preview_html": markdown_to_safe_html(text), "findings": findings}


def _missing_path_parameters(item, sections) -> list[str]:
    if not isinstance(item, Endpoint):
        return []
    declared = {r.name for s in sections if s.discriminator == "path" for r, _ in s.rows}
    return [n for n in dict.fromkeys(re.findall(r"{([^{}/]+)}", item.path)) if n not in declared]


def _editor_context(request, cr, item, *, bound=None, item_form=None) -> dict:
    bound = bound or {}
    kind = "endpoint" if isinstance(item, Endpoint) else "model"
    sections = _sections(item, bound)
    return {
        "workspace": cr.spec.workspace,
        "spec": cr.spec,
        "cr": cr,
        "item": item,
        "kind": kind,
        "item_form": item_form or ITEM_FORMS[kind][1](instance=item, prefix="item"),
        "sections": sections,
        "missing_path_parameters": _missing_path_parameters(item, sections),
        "statuses": STATUS_CHOICES,
        "field_names": [r.name for r, _ in sections[0].rows] if kind == "model" else [],
        **_preview(cr, item),
    }


def editor_url(cr, item) -> str:
    kind = "endpoint" if isinstance(item, Endpoint) else "model"
    args = [cr.spec.workspace.slug, cr.spec.slug, cr.number, kind, item.uid]
    return reverse("specs_app:editor_item", args=args)


@login_required
@require_GET
def editor_home(request: HttpRequest, ws: str, spec: str, number: int) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    return render(request, "specs_app/editor/home.html", _home_context(cr))


def _home_context(cr, *, add_forms=None, overview_form=None) -> dict:
    add_forms = add_forms or {}
    return {
        "workspace": cr.spec.workspace,
        "spec": cr.spec,
        "cr": cr,
        "endpoints": Endpoint.objects.filter(revision=cr.working).order_by("position", "id"),
        "deleted_items": change_request_deleted_items(cr),
        "models": DataModel.objects.filter(revision=cr.working).order_by("position", "id"),
        "endpoint_form": add_forms.get("endpoint")
        or ITEM_FORMS["endpoint"][1](prefix="new-endpoint"),
        "model_form": add_forms.get("model") or ITEM_FORMS["model"][1](prefix="new-model"),
        "overview_form": overview_form
        or OverviewForm(
            initial={
                "api_overview": cr.working.api_overview,
                "schema_overview": cr.working.schema_overview,
            }
        ),
    }


@login_required
@require_GET
def editor_item(request: HttpRequest, ws, spec, number, kind, uid) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    item = _item(cr, kind, uid)
    return render(request, TEMPLATE, _editor_context(request, cr, item))


def _save(request, form, save) -> bool:
    """Run `save` for a valid form; put service refusals on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except StaleVersion as exc:
        changed = [
            f"{name}: “{getattr(exc.current, name)}”"
            for name in form.changed_data
            if name != "version" and hasattr(exc.current, name)
        ]
        form.add_error(
            None,
            f"{exc} Current values: {'; '.join(changed) or 'see the reloaded page'}. "
            "Reload to see them; your input is kept below.",
        )
    except ValidationError as exc:
        _add_model_errors(form, exc)
    except ServiceError as exc:
        form.add_error(None, str(exc))
    return not form.errors


def _add_model_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _values(cleaned: dict) -> dict:
    return {k: v for k, v in cleaned.items() if k != "version"}


def _respond_item(request, cr, item, *, form=None, prefix=None, saved=True):
    """After an item or row change: the editor page (redirect, or re-render with errors)."""
    if saved and not request.htmx:
        return redirect(editor_url(cr, item))
    bound = {prefix: form} if form is not None and prefix else {}
    item_form = form if prefix == "item" else None
    context = _editor_context(request, cr, item, bound=bound, item_form=item_form)
    template = f"{TEMPLATE}#editor-body" if request.htmx else TEMPLATE
    return render(request, template, context, status=200 if saved else 400)


@login_required
@require_POST
def item_save(request: HttpRequest, ws, spec, number, kind, uid) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    item = _item(cr, kind, uid)
    # The form validates on a copy: an invalid post must not leak into the preview of `item`.
    form = ITEM_FORMS[kind][1](request.POST, instance=_item(cr, kind, uid), prefix="item")

    def save(data):
        nonlocal item
        item = change_request_update(
            change_request=cr,
            actor=request.user,
            row=item,
            expected_version=data["version"] or 0,
            **_values(data),
        )

    saved = _save(request, form, save)
    return _respond_item(
        request, cr, item, form=None if saved else form, prefix="item", saved=saved
    )


@login_required
@require_http_methods(["GET", "POST"])
def row_add(request: HttpRequest, ws, spec, number, kind, parent_kind, parent_uid) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    item = _item(cr, parent_kind, parent_uid)
    if kind not in ROW_FORMS:
        raise Http404("No such kind of row.")
    model, form_class = ROW_FORMS[kind]
    if not isinstance(item, model._meta.get_field(model.parent_field).related_model):
        raise Http404(f"A “{kind}” row cannot be added under the {parent_kind} “{item.name}”.")
    if request.method == "GET":  # a reload after a failed add without JavaScript
        return redirect(editor_url(cr, item))
    discriminator = request.POST.get("discriminator", "")
    prefix = _add_prefix(kind, discriminator)
    form = form_class(request.POST, prefix=prefix, instance=model(revision=cr.working))
    saved = _save(
        request,
        form,
        lambda data: change_request_add(
            change_request=cr, actor=request.user, model=model, parent=item, **_values(data)
        ),
    )
    return _respond_item(
        request, cr, item, form=None if saved else form, prefix=prefix, saved=saved
    )


@login_required
@require_POST
def row_save(request: HttpRequest, ws, spec, number, kind, uid) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    row = _row(cr, kind, uid)
    item = getattr(row, row.parent_field)
    prefix = row_prefix(kind, uid)
    form = ROW_FORMS[kind][1](request.POST, instance=_row(cr, kind, uid), prefix=prefix)
    saved = _save(
        request,
        form,
        lambda data: change_request_update(
            change_request=cr,
            actor=request.user,
            row=row,
            expected_version=data["version"] or 0,
            **_values(data),
        ),
    )
    return _respond_item(
        request, cr, item, form=None if saved else form, prefix=prefix, saved=saved
    )


@login_required
@require_http_methods(["GET", "POST"])
def row_delete(request: HttpRequest, ws, spec, number, kind, uid) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    row = _row(cr, kind, uid)
    item = getattr(row, row.parent_field)
    if not confirmed(request):
        label = Truncator(str(row)).chars(80)
        return _confirm(
            request,
            cr,
            f"Delete {row._meta.verbose_name} “{label}” of {item.name}?",
            f"This removes it from the draft of #{cr.number}. The published spec keeps it "
            "until the change request is merged.",
            editor_url(cr, item),
        )
    change_request_delete(change_request=cr, actor=request.user, row=row)
    return _respond_item(request, cr, item)


def _confirm(request, cr, question: str, consequence: str, cancel_url: str) -> HttpResponse:
    confirmation = Confirmation(question, consequence, cancel_url)
    return confirmation_page(request, confirmation, workspace=cr.spec.workspace, spec=cr.spec)


@login_required
@require_POST
def row_move(request: HttpRequest, ws, spec, number, kind, uid) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    row = _row(cr, kind, uid)
    direction = -1 if request.POST.get("direction") == "up" else 1
    change_request_move(change_request=cr, actor=request.user, row=row, direction=direction)
    return _respond_item(request, cr, getattr(row, row.parent_field))


# Spec level: add, duplicate, delete and reorder endpoints and models; the overviews.


def _home_url(cr) -> str:
    return reverse("specs_app:editor_home", args=[cr.spec.workspace.slug, cr.spec.slug, cr.number])


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, ws, spec, number, kind) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    if kind not in ITEM_FORMS:
        raise Http404("No such kind of item.")
    if request.method == "GET":  # a reload after a failed add without JavaScript
        return redirect(_home_url(cr))
    model, form_class = ITEM_FORMS[kind]
    form = form_class(request.POST, prefix=f"new-{kind}", instance=model(revision=cr.working))
    created = {}

    def save(data):
        created["item"] = change_request_add(
            change_request=cr, actor=request.user, model=model, **_values(data)
        )

    if _save(request, form, save):
        return redirect(editor_url(cr, created["item"]))
    context = _home_context(cr, add_forms={kind: form})
    return render(request, "specs_app/editor/home.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def item_delete(request: HttpRequest, ws, spec, number, kind, uid) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    item = _item(cr, kind, uid)
    in_base = type(item).objects.filter(revision_id=cr.base_id, uid=item.uid).exists()
    if not confirmed(request):
        undo = (
            "You can restore it from the editor until the change request is merged."
            if in_base
            else "It was added in this change request, so it cannot be restored."
        )
        return _confirm(
            request,
            cr,
            f"Delete {kind} “{item.name}”?",
            f"This removes it and everything in it from the draft of #{cr.number}. {undo}",
            _home_url(cr),
        )
    change_request_delete(change_request=cr, actor=request.user, row=item)
    restore = " You can restore it below until the change request is merged." if in_base else ""
    messages.success(request, f"Deleted “{item.name}”.{restore}")
    return redirect(_home_url(cr))


@login_required
@require_POST
def item_restore(request: HttpRequest, ws, spec, number, kind, uid) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    try:
        item = change_request_restore(
            change_request=cr, actor=request.user, model=_item_model(kind), uid=uid
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Restored “{item.name}” with everything it had.")
    if request.POST.get("back") == "changes":
        changes = reverse("specs_app:change_request", args=[ws, spec, number])
        return redirect(f"{changes}?tab=changes")
    return redirect(_home_url(cr))


@login_required
@require_POST
def item_action(request: HttpRequest, ws, spec, number, kind, uid, action) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    item = _item(cr, kind, uid)
    try:
        if action == "duplicate":
            copy = change_request_duplicate(change_request=cr, actor=request.user, row=item)
            messages.success(request, f"Duplicated as “{copy.name}”.")
        elif action in ("up", "down"):
            direction = -1 if action == "up" else 1
            change_request_move(
                change_request=cr, actor=request.user, row=item, direction=direction
            )
        else:
            raise Http404("No such action.")
    except (ServiceError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(_home_url(cr))


@login_required
@require_POST
def overview_save(request: HttpRequest, ws, spec, number) -> HttpResponse:
    cr = _editor(request, ws, spec, number)
    form = OverviewForm(request.POST)
    saved = _save(
        request,
        form,
        lambda data: change_request_update_overviews(change_request=cr, actor=request.user, **data),
    )
    if saved:
        messages.success(request, "Overviews saved.")
        return redirect(_home_url(cr))
    context = _home_context(cr, overview_form=form)
    return render(request, "specs_app/editor/home.html", context, status=400)
