"""Forms of the endpoint and model editors. Each carries the version of the row it was built
from, so that saving over someone else's newer save is refused."""

from http import HTTPStatus

from django import forms

from specs_app import models as m

STATUS_CHOICES = [(s.value, f"{s.value} {s.phrase}") for s in HTTPStatus if s.value >= 200]


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            # Inputs sit in table cells outside their <form>; this ties them to it, with or
            # without JavaScript.
            field.widget.attrs["form"] = f"form-{self.prefix}"
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif not isinstance(field.widget, forms.HiddenInput):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", f"{css} form-control-sm")


def _form(model, fields: list[str], widgets: dict | None = None) -> type[VersionedForm]:
    meta = type("Meta", (), {"model": model, "fields": fields, "widgets": widgets or {}})
    return type(f"{model.__name__}Form", (VersionedForm,), {"Meta": meta})


_STATUS_INPUT = forms.NumberInput(attrs={"list": "http-statuses", "min": 100, "max": 999})

#: The rows of each list an editor edits: kind in the URL → (model, form).
ROW_FORMS: dict[str, tuple[type[m.ContentRow], type[VersionedForm]]] = {
    "parameter": (
        m.Parameter,
        _form(m.Parameter, ["location", "name", "type", "required", "constraints", "description"]),
    ),
    "bodyfield": (
        m.BodyField,
        _form(m.BodyField, ["part", "name", "type", "required", "constraints", "description"]),
    ),
    "errorcase": (
        m.ErrorCase,
        _form(m.ErrorCase, ["status_code", "description"], {"status_code": _STATUS_INPUT}),
    ),
    "businessrule": (m.BusinessRule, _form(m.BusinessRule, ["text"])),
    "testcase": (m.TestCase, _form(m.TestCase, ["text", "verified"])),
    "field": (
        m.Field,
        _form(
            m.Field,
            [
                "name",
                "type",
                "primary_key",
                "auto",
                "references",
                "nullable",
                "unique",
                "default",
                "other_constraints",
                "description",
            ],
        ),
    ),
    "relationship": (
        m.Relationship,
        _form(
            m.Relationship,
            ["kind", "target", "fk_field", "target_column", "on_delete", "through_table"],
        ),
    ),
    "index": (
        m.Index,
        _form(
            m.Index,
            ["name", "columns", "unique", "purpose"],
            {"columns": forms.TextInput(attrs={"list": "model-fields"})},
        ),
    ),
    "modelconstraint": (m.ModelConstraint, _form(m.ModelConstraint, ["text"])),
    "migrationnote": (m.MigrationNote, _form(m.MigrationNote, ["text"])),
}

_EndpointFields = _form(
    m.Endpoint,
    ["name", "method", "path", "authentication", "user_ownership", "success_status", "data_model"],
    {"success_status": _STATUS_INPUT},
)

AUTOMATIC_MODEL = "Automatic (from the path or the name)"


class EndpointForm(_EndpointFields):
    """The endpoint's values; its model link is a choice of the draft's models (or automatic).

    A link already stored that names no model any more stays selectable, so that saving other
    values does not fail on it; lint reports it (db.model-link-unknown).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        revision_id = self.instance.revision_id
        if not revision_id:  # the empty "add endpoint" form: the link is set on the endpoint
            del self.fields["data_model"]
            return
        names = list(
            m.DataModel.objects.filter(revision_id=revision_id)
            .order_by("name")
            .values_list("name", flat=True)
        )
        current = self.instance.data_model
        if current and current not in names:
            names.append(current)
        widget = self.fields["data_model"].widget
        self.fields["data_model"] = forms.ChoiceField(
            label="Data model",
            required=False,
            choices=[("", AUTOMATIC_MODEL), *((name, name) for name in names)],
            help_text=m.Endpoint._meta.get_field("data_model").help_text,
            widget=forms.Select(attrs={**widget.attrs, "class": "form-select form-control-sm"}),
        )


DataModelForm = _form(m.DataModel, ["name", "table", "ownership"])
ITEM_FORMS = {"endpoint": (m.Endpoint, EndpointForm), "model": (m.DataModel, DataModelForm)}


class OverviewForm(forms.Form):
    api_overview = forms.CharField(
        label="REST endpoints overview", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    schema_overview = forms.CharField(
        label="Database schema overview", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
