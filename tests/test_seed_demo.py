from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory

from specs_app.models import (
    ChangeRequest,
    Comment,
    Endpoint,
    Membership,
    Notification,
    Revision,
    Spec,
)
from specs_app.services.export import revision_export
from specs_app.services.impact import change_request_impact

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent.parent / "specs_app" / "demo" / "todo" / "specs"


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_users_roles_and_the_reference_spec():
    output = _seed()
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"alice": "admin", "bob": "editor", "carol": "reviewer", "dave": "viewer"}
    password = output.split("password for all: ", 1)[1].split(")", 1)[0]
    # A request, as every sign-in has one: the login throttle (django-axes) needs it.
    request = RequestFactory().post("/accounts/login/")
    assert all(authenticate(request, username=name, password=password) for name in roles)

    spec = Spec.objects.get(workspace__slug="acme", slug="todo")
    assert spec.head.number == 1
    exported = revision_export(spec.head)
    assert exported["specs/api/rest-endpoints.md"] == (GOLDEN / "api/rest-endpoints.md").read_text()
    assert exported["specs/database/schema.md"] == (GOLDEN / "database/schema.md").read_text()


def test_seed_demo_is_idempotent():
    _seed()
    counts = (Revision.objects.count(), Endpoint.objects.count(), Membership.objects.count())
    output = _seed()
    assert "already present" in output
    assert (
        Revision.objects.count(),
        Endpoint.objects.count(),
        Membership.objects.count(),
    ) == counts


@pytest.mark.django_db(transaction=True)  # real commits: the emails' hand-over runs
def test_seed_demo_leaves_a_review_in_progress_without_sending_email():
    _seed()
    cr = ChangeRequest.objects.get(author__username="bob")
    assert cr.state == "in_review"
    thread = Comment.objects.get(change_request=cr)
    assert (thread.author.username, thread.anchor_field) == ("carol", "user_ownership")
    assert thread.suggestion.startswith("Returns only tasks whose user_id")
    assert cr.reviews.get().verdict == "request_changes"
    kinds = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == [("bob", "comment"), ("bob", "review_given"), ("carol", "review_requested")]
    assert mail.outbox == []
    _seed()
    assert ChangeRequest.objects.count() == 2


@pytest.mark.django_db
def test_seed_demo_leaves_a_draft_whose_impact_tab_has_a_migration_and_findings():
    _seed()
    cr = ChangeRequest.objects.get(author__username="alice")

    impact = change_request_impact(cr)

    assert cr.state == "draft"
    assert "ALTER TABLE tasks RENAME COLUMN completed TO done;" in impact.migration.sql
    assert (
        "ALTER TABLE tasks ADD COLUMN priority smallint NOT NULL DEFAULT 0;" in impact.migration.sql
    )
    assert "CREATE INDEX idx_tasks_user_priority ON tasks(user_id, priority DESC);" in (
        impact.migration.sql
    )
    assert "DROP INDEX" not in impact.migration.sql  # the index follows the renamed column
    assert {"BC102", "PG101"} <= {risk.code for risk in impact.risks}
