from django import forms

from specs_app.interchange.apidiff import COMPATIBILITY_LABELS
from specs_app.services.merge_rules import MAX_APPROVALS


class MergeRulesForm(forms.Form):
    """A spec's merge rules (services/merge_rules.py): validated here, saved by the service."""

    required_approvals = forms.IntegerField(
        min_value=0,
        max_value=MAX_APPROVALS,
        label="Required approvals",
        help_text="Current approvals from reviewers other than the author; an edit makes earlier "
        "approvals stale. 0: no approval needed.",
        error_messages={
            "required": "Say how many approvals a change request needs (0 for none).",
            "invalid": "Required approvals must be a whole number.",
            "min_value": "Required approvals cannot be negative.",
            "max_value": f"Required approvals can be at most {MAX_APPROVALS}.",
        },
    )
    lint_gate = forms.BooleanField(
        required=False,
        label="Lint gate",
        help_text="Refuse to merge a change request whose draft has lint errors.",
    )
    require_resolved_conversations = forms.BooleanField(
        required=False,
        label="Require resolved conversations",
        help_text="Refuse to merge a change request with unresolved comments.",
    )
    compatibility = forms.ChoiceField(
        choices=list(COMPATIBILITY_LABELS.items()),
        widget=forms.RadioSelect,
        label="Compatibility mode",
        error_messages={
            "required": "Pick a compatibility mode.",
            "invalid_choice": "Pick one of the compatibility modes listed.",
        },
    )
    destructive_needs_admin = forms.BooleanField(
        required=False,
        label="Destructive migrations need an admin's approval",
        help_text="A change request whose migration drops a table or a column (risk codes DS102, "
        "DS103) waits for an admin's approval of those steps.",
    )
