from django import forms

from specs_app.models import GitTarget, Spec
from specs_app.services.git import (
    BranchMissing,
    GitError,
    branch_check,
    branch_name_check,
    local_directory,
    repository_allowed,
)


class GitTargetForm(forms.ModelForm):
    """Saved only when the server may use the repository, git can read it and it has the
    branch: a typo shows here, not as a failed export after the next merge."""

    class Meta:
        model = GitTarget
        fields = ["repository", "branch", "commit_on_merge"]
        help_texts = {
            "repository": "An ssh://, https:// or git:// URL, or user@host:path. A local path or "
            "file:// URL only under the folders this server allows.",
        }

    def __init__(self, *args, spec: Spec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec

    def clean_repository(self) -> str:
        """A local repository must already exist: the studio never creates repositories."""
        value = self.cleaned_data["repository"].strip()
        try:
            repository_allowed(spec_id=self.spec.pk, repository=value)
        except GitError as exc:
            raise forms.ValidationError(str(exc)) from exc
        local = local_directory(value)
        if local is not None and not local.is_dir():
            raise forms.ValidationError(f"No directory {local}: create the repository first.")
        return value

    def clean_branch(self) -> str:
        value = self.cleaned_data["branch"].strip()
        try:
            branch_name_check(branch=value)
        except GitError as exc:
            raise forms.ValidationError(f'"{value}" is not a valid branch name.') from exc
        return value

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            branch_check(repository=data["repository"], branch=data["branch"])
        except BranchMissing as exc:
            self.add_error("branch", str(exc))
        except GitError as exc:
            self.add_error("repository", str(exc))
        return data
