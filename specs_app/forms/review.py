from django import forms

from specs_app.models import ChangeRequest, Comment


class ChangeRequestForm(forms.ModelForm):
    class Meta:
        model = ChangeRequest
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[("approve", "Approve"), ("request_changes", "Request changes")]
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CommentEditForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    anchor_kind = forms.ChoiceField(
        choices=[("", "")] + list(Comment.AnchorKind.choices), required=False
    )
    anchor_uid = forms.UUIDField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("anchor_kind")) != bool(data.get("anchor_uid")):
            raise forms.ValidationError("An anchored comment needs both the kind and the item.")
        return data
