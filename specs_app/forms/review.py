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


#: The tab a thread form was posted from, where the answer goes back to.
BACK_CHOICES = [("conversation", "Conversation"), ("changes", "Changes")]


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    anchor_kind = forms.ChoiceField(
        choices=[("", "")] + list(Comment.AnchorKind.choices), required=False
    )
    anchor_uid = forms.UUIDField(required=False)
    #: A thread on one row of the item (the item itself when blank) and one of its fields.
    row_uid = forms.UUIDField(required=False)
    field = forms.CharField(max_length=64, required=False)
    #: A reviewer's proposed value for that field (blank, or unchanged: no suggestion).
    suggestion = forms.CharField(max_length=10000, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("anchor_kind")) != bool(data.get("anchor_uid")):
            raise forms.ValidationError("An anchored comment needs both the kind and the item.")
        if (data.get("row_uid") or data.get("field")) and not data.get("anchor_uid"):
            raise forms.ValidationError("A comment on a row or a field needs its item.")
        return data


class BackForm(forms.Form):
    back = forms.ChoiceField(choices=BACK_CHOICES, required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=10000)


class ApplySuggestionForm(forms.Form):
    version = forms.IntegerField(min_value=0, required=False)
