"""Create the demo: four users with one role each in workspace "Acme" and the todo spec,
loaded through the importer from the project's copy of the reference pair. Idempotent."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from specs_app.models import Membership, Role, Spec, Workspace
from specs_app.services.imports import spec_import

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "todo" / "specs"
DEMO_PASSWORD = "studio-demo"
DEMO_USERS = [
    ("alice", Role.ADMIN),
    ("bob", Role.EDITOR),
    ("carol", Role.REVIEWER),
    ("dave", Role.VIEWER),
]


class Command(BaseCommand):
    help = "Create demo users (alice, bob, carol, dave), workspace Acme and the todo spec."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            workspace, _ = Workspace.objects.get_or_create(slug="acme", defaults={"name": "Acme"})
            users = {name: self._user(name) for name, _ in DEMO_USERS}
            for name, role in DEMO_USERS:
                Membership.objects.update_or_create(
                    workspace=workspace, user=users[name], defaults={"role": role}
                )
            created = self._todo_spec(workspace, author=users["alice"])
        people = ", ".join(f"{name} ({role.label.lower()})" for name, role in DEMO_USERS)
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}): {people}")
        state = "created" if created else "already present"
        self.stdout.write(f"Workspace Acme, spec todo: {state}.")

    def _user(self, username: str):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@acme.example"}
        )
        user.first_name = username.capitalize()
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _todo_spec(self, workspace: Workspace, author) -> bool:
        if Spec.objects.filter(workspace=workspace, slug="todo").exists():
            return False
        result = spec_import(
            workspace=workspace,
            spec_slug="todo",
            title="Todo",
            api_text=(DEMO_DIR / "api" / "rest-endpoints.md").read_text(encoding="utf-8"),
            schema_text=(DEMO_DIR / "database" / "schema.md").read_text(encoding="utf-8"),
            author=author,
        )
        if not result.ok:
            raise CommandError(f"The demo spec did not import: {result.errors}")
        return True
