from django import forms

from specs_app.models import Notification


class NotificationSettingsForm(forms.Form):
    email = forms.BooleanField(
        required=False,
        label="Email me my notifications",
        help_text="They always show in your inbox.",
    )
    emailed_kinds = forms.MultipleChoiceField(
        required=False,
        choices=Notification.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Email me about",
    )

    @property
    def muted_kinds(self) -> list[str]:
        emailed = set(self.cleaned_data["emailed_kinds"])
        return [kind for kind in Notification.Kind.values if kind not in emailed]
