"""Create the demo: four users with one role each in workspace "Acme" and the todo spec,
loaded through the importer from the project's copy of the reference pair, and a change request
under review, so that the review pages, the dashboards and the inboxes have something to show.
Idempotent."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from specs_app.models import DataModel, Endpoint, Field, Index, Membership, Role, Spec, Workspace
from specs_app.services import review, threads
from specs_app.services.imports import spec_import
from specs_app.services.merge_rules import merge_rules_of, merge_rules_save

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "todo" / "specs"
DEMO_PASSWORD = "studio-demo"
_NO_EMAIL = "django.core.mail.backends.dummy.EmailBackend"
DEMO_USERS = [
    ("alice", Role.ADMIN),
    ("bob", Role.EDITOR),
    ("carol", Role.REVIEWER),
    ("dave", Role.VIEWER),
]


class Command(BaseCommand):
    help = "Create demo users (alice, bob, carol, dave), workspace Acme and the todo spec."

    def handle(self, *args, **options) -> None:
        # The demo's notifications are for the inboxes: no email of them on the console (the
        # emails go after commit, so the commit happens inside the override).
        with override_settings(EMAIL_BACKEND=_NO_EMAIL), transaction.atomic():
            workspace, _ = Workspace.objects.get_or_create(slug="acme", defaults={"name": "Acme"})
            users = {name: self._user(name) for name, _ in DEMO_USERS}
            for name, role in DEMO_USERS:
                Membership.objects.update_or_create(
                    workspace=workspace, user=users[name], defaults={"role": role}
                )
            created = self._todo_spec(workspace, author=users["alice"])
            if created:
                spec = Spec.objects.get(workspace=workspace, slug="todo")
                _merge_rules(spec, users["alice"])
                _review_in_progress(spec, users)
                _schema_change(spec, users)
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


def _merge_rules(spec: Spec, admin) -> None:
    """The demo spec holds its API to backward compatibility and has an admin approve dropped
    tables and columns: a request that removes an endpoint or drops a column shows, in its merge
    box, what waits for an admin (the two seeded requests break nothing and drop nothing)."""
    rules = merge_rules_of(spec) | {"compatibility": "backward", "destructive_needs_admin": True}
    merge_rules_save(spec=spec, actor=admin, **rules)


def _schema_change(spec: Spec, users: dict):
    """alice's draft request that changes the database (its Impact tab has a migration and
    findings): tasks get a priority and an index for it, and `completed` becomes `done`."""
    alice = users["alice"]
    cr = review.change_request_open(spec=spec, author=alice, title="Prioritise tasks")
    tasks = DataModel.objects.get(revision=cr.working, table="tasks")
    review.change_request_add(
        change_request=cr,
        actor=alice,
        model=Field,
        parent=tasks,
        name="priority",
        type="smallint",
        default="0",
        description="0 (none) to 3 (urgent)",
    )
    review.change_request_add(
        change_request=cr,
        actor=alice,
        model=Index,
        parent=tasks,
        name="idx_tasks_user_priority",
        columns="user_id, priority DESC",
        purpose="A user's tasks, most urgent first",
    )
    completed = Field.objects.get(revision=cr.working, model=tasks, name="completed")
    review.change_request_update(
        change_request=cr,
        actor=alice,
        row=completed,
        expected_version=completed.version,
        name="done",
    )
    # The index names the column by name: it follows the rename (else it would be dropped).
    index = Index.objects.get(revision=cr.working, model=tasks, name="idx_tasks_user_id_completed")
    review.change_request_update(
        change_request=cr,
        actor=alice,
        row=index,
        expected_version=index.version,
        columns="user_id, done",
    )
    return cr


def _review_in_progress(spec: Spec, users: dict):
    """bob's change request, submitted, with a review requested from carol, who suggested a
    value on the changed field and requested changes: through the services, as in the pages."""
    bob, carol = users["bob"], users["carol"]
    cr = review.change_request_open(spec=spec, author=bob, title="Clarify who owns a task")
    endpoint = Endpoint.objects.get(revision=cr.working, name="List Tasks")
    ownership = "Returns only the tasks the authenticated user created"
    review.change_request_update(
        change_request=cr,
        actor=bob,
        row=endpoint,
        expected_version=endpoint.version,
        user_ownership=ownership,
    )
    cr = review.change_request_submit(change_request=cr, actor=bob)
    review.change_request_request_review(change_request=cr, actor=bob, reviewers=[carol])
    threads.change_request_comment(
        change_request=cr,
        author=carol,
        body="Say which column decides it, as the other endpoints do.",
        anchor_kind="endpoint",
        anchor_uid=endpoint.uid,
        row_uid=endpoint.uid,
        field="user_ownership",
        suggestion="Returns only tasks whose user_id equals the authenticated user's id",
    )
    review.change_request_review(
        change_request=cr,
        reviewer=carol,
        verdict="request_changes",
        body="See my suggestion on **User ownership**.",
    )
    return cr
