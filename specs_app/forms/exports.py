import re
from pathlib import Path

from django import forms

from specs_app.models import GitTarget
from specs_app.services.git import GitError, branch_name_check

_URL = re.compile(r"^(file|ssh|https?|git)://")
_SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:")


class GitTargetForm(forms.ModelForm):
    class Meta:
        model = GitTarget
        fields = ["repository", "branch", "commit_on_merge"]

    def clean_repository(self) -> str:
        """A local repository must already exist: the studio never creates repositories."""
        value = self.cleaned_data["repository"].strip()
        if value.startswith("file://"):
            local = value.removeprefix("file://")
        elif _URL.match(value) or _SCP_LIKE.match(value):
            return value
        else:
            local = value
        if not Path(local).is_absolute():
            raise forms.ValidationError("A local repository needs an absolute path.")
        if not Path(local).is_dir():
            raise forms.ValidationError(f"No directory {local}: create the repository first.")
        return value

    def clean_branch(self) -> str:
        value = self.cleaned_data["branch"].strip()
        try:
            branch_name_check(branch=value)
        except GitError as exc:
            raise forms.ValidationError(f'"{value}" is not a valid branch name.') from exc
        return value
