import pytest
from django.urls import reverse

from specs_app.models import LintConfig
from specs_app.services.lint import RULES

pytestmark = pytest.mark.django_db

RULES_URL = reverse("specs_app:lint_rules", args=["acme", "todo"])
SETTINGS_URL = reverse("specs_app:lint_settings", args=["acme", "todo"])
SPEC_URL = reverse("specs_app:spec_detail", args=["acme", "todo"])


def _settings_post(**changes) -> dict:
    data = {"owner_table": "users", "external_tables": ""}
    data |= {f"rule:{rule_id}": "default" for rule_id in RULES}
    return data | changes


# --- Rules page


def test_rules_page_documents_every_rule_for_any_member(client_for, viewer, spec):
    response = client_for(viewer).get(RULES_URL)
    assert response.status_code == 200
    body = response.content.decode()
    for rule in RULES.values():
        assert rule.id in body and rule.title in body
    assert "Lint settings" not in body


def test_rules_page_shows_the_configured_severity(client_for, viewer, spec):
    LintConfig.objects.create(spec=spec, rules={"errors.no-500": "off"})
    body = client_for(viewer).get(RULES_URL).content.decode()
    section = body.split('id="errors.no-500"', 1)[1].split("</article>", 1)[0]
    assert "In this spec: <span" in section and ">off</span>" in section


def test_rules_page_outsider_gets_404(client_for, outsider, spec):
    assert client_for(outsider).get(RULES_URL).status_code == 404


def test_rules_page_rejects_wrong_method(client_for, viewer, spec):
    assert client_for(viewer).post(RULES_URL).status_code == 405


# --- Settings page


def test_settings_page_works_for_admin(client_for, owner, spec):
    response = client_for(owner).get(SETTINGS_URL)
    assert response.status_code == 200
    assert 'name="rule:http.body-not-allowed"' in response.content.decode()


@pytest.mark.parametrize("persona", ["viewer", "editor", "reviewer"])
def test_settings_page_requires_admin(client_for, spec, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(SETTINGS_URL).status_code == 403
    assert client.post(SETTINGS_URL, _settings_post(owner_table="x")).status_code == 403
    assert not LintConfig.objects.exists()


def test_settings_page_outsider_gets_404(client_for, outsider, spec):
    assert client_for(outsider).get(SETTINGS_URL).status_code == 404
    assert client_for(outsider).post(SETTINGS_URL, _settings_post()).status_code == 404


def test_settings_page_rejects_wrong_method(client_for, owner, spec):
    assert client_for(owner).delete(SETTINGS_URL).status_code == 405
    assert client_for(owner).put(SETTINGS_URL).status_code == 405


def test_saving_settings_changes_what_lint_reports(client_for, owner, spec):
    client = client_for(owner)
    data = _settings_post(
        owner_table="accounts",
        external_tables="users\nauth_groups, billing",
        **{"rule:http.body-not-allowed": "off", "rule:errors.no-500": "error"},
    )
    response = client.post(SETTINGS_URL, data, follow=True)
    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "Lint settings saved." in response.content.decode()
    config = LintConfig.objects.get(spec=spec)
    assert config.owner_table == "accounts"
    assert config.external_tables == ["auth_groups", "billing", "users"]
    assert config.rules == {"errors.no-500": "error", "http.body-not-allowed": "off"}
    body = client.get(SPEC_URL).content.decode()
    assert "http.body-not-allowed" not in body
    assert "complete.unknown-reference" not in body  # users is external now


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"owner_table": "not a table"}, "is not a table name"),
        ({"external_tables": "fine, bad name"}, "is not a table name"),
        ({"rule:errors.no-500": "loud"}, "&quot;loud&quot; is not a setting for errors.no-500"),
        ({"owner_table": ""}, "This field is required"),
    ],
)
def test_bad_settings_input_explains_and_changes_nothing(client_for, owner, spec, changes, message):
    LintConfig.objects.create(spec=spec, rules={"errors.no-500": "off"})
    response = client_for(owner).post(SETTINGS_URL, _settings_post(**changes))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "were not saved" in body
    config = LintConfig.objects.get(spec=spec)
    assert (config.owner_table, config.external_tables, config.rules) == (
        "users",
        [],
        {"errors.no-500": "off"},
    )


# --- The panel on the spec page


def test_spec_page_shows_the_lint_panel(client_for, viewer, spec):
    body = client_for(viewer).get(SPEC_URL).content.decode()
    assert 'data-testid="lint-panel"' in body
    assert "http.body-not-allowed" in body  # 3 factory GET endpoints carry a body: 2 errors each
    assert 'data-testid="lint-errors">6 errors' in body
    assert RULES_URL in body
    assert SETTINGS_URL not in body
    assert "/endpoints/" in body.split('data-testid="lint-panel"', 1)[1]


def test_spec_page_links_the_settings_for_admins(client_for, owner, spec):
    assert SETTINGS_URL in client_for(owner).get(SPEC_URL).content.decode()


def test_lint_panel_links_keep_the_browsed_revision(client_for, viewer, spec):
    from specs_app.services.revisions import revision_fork, revision_publish

    revision_publish(revision=revision_fork(source=spec.head))
    body = client_for(viewer).get(SPEC_URL, {"revision": 1}).content.decode()
    panel = body.split('data-testid="lint-panel"', 1)[1]
    assert "?revision=1" in panel


def test_saving_settings_is_audited(client_for, owner, spec):
    from specs_app.models import AuditEvent

    client_for(owner).post(SETTINGS_URL, _settings_post(owner_table="accounts"))
    event = AuditEvent.objects.get(verb="lint_settings.changed")
    assert (event.spec, event.actor, event.details["owner_table"]) == (spec, owner, "accounts")
