from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from specs_app.models import Role


class MemberAddForm(forms.Form):
    identifier = forms.CharField(label="Username or email", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Add member"))


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
