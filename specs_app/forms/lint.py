import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from specs_app.models.lint import RuleSetting, validate_table_name
from specs_app.services.lint import RULES, Rule
from specs_app.services.lint.settings import LintSettings

DEFAULT = "default"


def rule_field_name(rule: Rule) -> str:
    return f"rule:{rule.id}"


class LintConfigForm(forms.Form):
    owner_table = forms.CharField(
        max_length=200,
        validators=[validate_table_name],
        help_text="The table whose rows own the user data; foreign keys to it need an index.",
    )
    external_tables = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Tables foreign keys may reference although the spec does not model them: "
        "one per line, or separated by commas.",
    )

    def __init__(self, *args, settings: LintSettings, **kwargs) -> None:
        kwargs.setdefault("initial", _initial(settings))
        super().__init__(*args, **kwargs)
        for rule in RULES.values():
            self.fields[rule_field_name(rule)] = forms.ChoiceField(
                label=f"{rule.id}: {rule.title}",
                choices=[(DEFAULT, f"Default ({rule.severity})"), *RuleSetting.choices],
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Save lint settings"))

    def clean_external_tables(self) -> list[str]:
        names = [n.strip() for n in re.split(r"[,\n]", self.cleaned_data["external_tables"])]
        names = [name for name in names if name]
        errors = []
        for name in names:
            try:
                validate_table_name(name)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return names

    def rule_settings(self) -> dict[str, str]:
        """Rule id → setting, for the rules that do not keep their default."""
        chosen = {rule.id: self.cleaned_data[rule_field_name(rule)] for rule in RULES.values()}
        return {rule_id: setting for rule_id, setting in chosen.items() if setting != DEFAULT}


def _initial(settings: LintSettings) -> dict:
    return {
        "owner_table": settings.owner_table,
        "external_tables": "\n".join(sorted(settings.external_tables)),
        **{rule_field_name(r): settings.rules.get(r.id, DEFAULT) for r in RULES.values()},
    }
