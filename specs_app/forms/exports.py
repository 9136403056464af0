from django import forms

from specs_app.models import GitTarget


class GitTargetForm(forms.ModelForm):
    """The fields of a git target. Whether git can use it (the server may use the repository,
    git can read it, it has the branch) is the git service's check when the target is saved."""

    class Meta:
        model = GitTarget
        fields = ["repository", "branch", "commit_on_merge", "write_migrations", "write_changelog"]
        help_texts = {
            "repository": "An ssh://, https:// or git:// URL, or user@host:path. A local path or "
            "file:// URL only under the folders this server allows.",
        }

    def clean_repository(self) -> str:
        return self.cleaned_data["repository"].strip()

    def clean_branch(self) -> str:
        return self.cleaned_data["branch"].strip()
