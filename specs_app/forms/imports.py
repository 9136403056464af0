from django import forms
from django.core.exceptions import ValidationError

from specs_app.interchange.markdown_variants.blocks import MAX_BYTES

#: The readers' own limit: a file the page accepts is one the importer reads.
MAX_UPLOAD_BYTES = MAX_BYTES


def _read_upload(upload, label: str) -> str:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"{label} is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB.")
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"{label} is not UTF-8 text.") from None


MODE_CHOICES = [
    ("replace", "Replace"),
    ("merge", "Merge"),
]


class ImportForm(forms.Form):
    spec_slug = forms.SlugField(
        label="Spec",
        max_length=60,
        help_text="The spec's short name. A new name creates the spec and publishes the import "
        "as r1; an existing one gets a draft on top of its latest revision.",
    )
    title = forms.CharField(max_length=200, required=False, help_text="For a new spec.")
    api_file = forms.FileField(label="REST endpoints file", required=False)
    api_text = forms.CharField(
        label="…or paste the REST endpoints markdown",
        widget=forms.Textarea,
        required=False,
        strip=False,
    )
    schema_file = forms.FileField(label="Database schema file", required=False)
    schema_text = forms.CharField(
        label="…or paste the database schema markdown",
        widget=forms.Textarea,
        required=False,
        strip=False,
    )

    #: Chosen on the preview of an import into an existing spec; empty: chosen by the format.
    mode = forms.ChoiceField(choices=MODE_CHOICES, required=False, widget=forms.HiddenInput)
    #: The mode the preview on screen was made with: a Confirm in another mode previews first.
    previewed_mode = forms.ChoiceField(
        choices=MODE_CHOICES, required=False, widget=forms.HiddenInput
    )

    def clean(self) -> dict:
        data = super().clean()
        for part, label in (("api", "The REST endpoints file"), ("schema", "The schema file")):
            upload = data.get(f"{part}_file")
            if upload:
                try:
                    data[f"{part}_text"] = _read_upload(upload, label)
                except ValidationError as exc:
                    self.add_error(f"{part}_file", exc)
            # Browsers submit text areas with CRLF line endings; the format uses LF.
            text = data.get(f"{part}_text") or ""
            data[f"{part}_text"] = text.replace("\r\n", "\n").replace("\r", "\n")
        if not (data.get("api_text", "").strip() or data.get("schema_text", "").strip()):
            raise ValidationError("Upload or paste at least one of the two files.")
        return data
