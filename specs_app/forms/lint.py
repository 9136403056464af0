import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField

from specs_app.interchange.sql.risks import CATEGORIES, RISK_RULES, RiskRule
from specs_app.models.lint import RuleSetting, validate_table_name
from specs_app.services.lint import RULES, Rule
from specs_app.services.lint.registry import CATEGORIES as RULE_CATEGORIES
from specs_app.services.lint.settings import LintSettings

DEFAULT = "default"


def rule_field_name(rule: Rule) -> str:
    return f"rule:{rule.id}"


def scope_field_name(rule: Rule) -> str:
    return f"changed-only:{rule.id}"


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
            label = f"{rule.id}: {rule.title}"
            self.fields[rule_field_name(rule)] = forms.ChoiceField(
                label=label,
                choices=[(DEFAULT, f"Default ({rule.severity})"), *RuleSetting.choices],
                error_messages={
                    "invalid_choice": f'"%(value)s" is not a setting for {rule.id}: choose '
                    "the default, off, error or warning.",
                },
                # The table shows the id and the title apart; the select's name holds both.
                widget=forms.Select(
                    attrs={"class": "form-select form-select-sm", "aria-label": label}
                ),
            )
            self.fields[scope_field_name(rule)] = forms.BooleanField(
                required=False,
                label=f"{rule.id}: only items added or changed since the previous revision",
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("owner_table", "external_tables")

    def categories(self) -> list[tuple[str, list[tuple[Rule, BoundField, BoundField]]]]:
        """(heading, [(rule, its severity select, its changed-only box)]) per category."""
        return [
            (
                heading,
                [
                    (rule, self[rule_field_name(rule)], self[scope_field_name(rule)])
                    for rule in RULES.values()
                    if rule.category == heading
                ],
            )
            for heading in RULE_CATEGORIES.values()
        ]

    def changed_only(self) -> list[str]:
        """The ids of the rules ticked to look only at added or changed items."""
        return [r.id for r in RULES.values() if self.cleaned_data[scope_field_name(r)]]

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
        **{scope_field_name(r): r.id in settings.changed_only for r in RULES.values()},
    }


def risk_field_name(rule: RiskRule) -> str:
    return f"risk:{rule.code}"


class RiskSettingsForm(forms.Form):
    """One select per migration risk code: its default, off, warning or error."""

    def __init__(self, *args, settings: dict[str, str], **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {risk_field_name(r): settings.get(r.code, DEFAULT) for r in RISK_RULES.values()},
        )
        super().__init__(*args, **kwargs)
        for rule in RISK_RULES.values():
            self.fields[risk_field_name(rule)] = forms.ChoiceField(
                label=f"{rule.code}: {rule.title}",
                choices=[
                    (DEFAULT, f"Default ({rule.level})"),
                    (RuleSetting.OFF, "Off"),
                    (RuleSetting.WARNING, "Warning"),
                    (RuleSetting.ERROR, "Error"),
                ],
                error_messages={
                    "invalid_choice": f'"%(value)s" is not a setting for {rule.code}: choose '
                    "the default, off, warning or error.",
                    "required": f"Choose a setting for {rule.code}.",
                },
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def categories(self) -> list[tuple[str, list[tuple[RiskRule, forms.BoundField]]]]:
        """(heading, [(rule, its select)]) per category, in the order of CATEGORIES."""
        return [
            (
                heading,
                [
                    (rule, self[risk_field_name(rule)])
                    for rule in RISK_RULES.values()
                    if rule.category == category
                ],
            )
            for category, heading in CATEGORIES.items()
        ]

    def risk_settings(self) -> dict[str, str]:
        """Code → setting, for the codes that do not keep their default."""
        chosen = {r.code: self.cleaned_data[risk_field_name(r)] for r in RISK_RULES.values()}
        return {code: setting for code, setting in chosen.items() if setting != DEFAULT}
