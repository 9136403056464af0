"""A spec's migration risk settings: stored per code, changed by admins on the lint settings page
(audited), read by `risk_settings_load` for `migration_risks`; the rules reference lists every
code with an anchor a reviewer can link to."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from specs_app.interchange.sql import changes as k
from specs_app.interchange.sql.changes import Change, Migration
from specs_app.interchange.sql.risks import RISK_RULES, migration_risks
from specs_app.models import AuditEvent, LintConfig
from specs_app.services.errors import ServiceError
from specs_app.services.lint_settings import lint_settings_save
from specs_app.services.risk_settings import risk_settings_load, risk_settings_save

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("specs_app:lint_settings", args=["acme", "todo"])
RISKS_URL = reverse("specs_app:risk_settings", args=["acme", "todo"])
RULES_URL = reverse("specs_app:lint_rules", args=["acme", "todo"])


def _post(**changes) -> dict:
    data = {f"risk:{code}": "default" for code in RISK_RULES}
    return data | {f"risk:{code}": setting for code, setting in changes.items()}


def _stored(spec) -> dict:
    config = LintConfig.objects.filter(spec=spec).first()
    return config.risk_rules if config else {}


# --- The service


def test_saving_stores_only_what_differs_from_the_default_and_audits(spec, owner):
    stored = risk_settings_save(
        spec=spec, actor=owner, settings={"DS102": "off", "PG101": "error", "MF104": "warning"}
    )
    assert stored == {"DS102": "off", "PG101": "error"}
    assert _stored(spec) == stored
    assert risk_settings_load(spec) == stored
    event = AuditEvent.objects.get(verb="risk_settings.changed")
    assert (event.spec, event.actor, event.target) == (spec, owner, "todo")
    assert event.details == {"before": {}, "risk_rules": stored}


def test_the_loaded_settings_drive_migration_risks(spec, owner):
    migration = Migration(
        "postgresql",
        [
            Change(k.DROP_TABLE, "legacy", 'DROP TABLE "legacy";'),
            Change(k.CREATE_INDEX, "orders", 'CREATE INDEX ix ON "orders" ("a");', columns=("a",)),
        ],
    )
    assert [(r.code, r.level) for r in migration_risks(migration, risk_settings_load(spec))] == [
        ("DS102", "error"),
        ("PG101", "warning"),
    ]
    risk_settings_save(spec=spec, actor=owner, settings={"DS102": "off", "PG101": "error"})
    assert [(r.code, r.level) for r in migration_risks(migration, risk_settings_load(spec))] == [
        ("PG101", "error")
    ]


def test_risk_and_lint_settings_keep_each_other(spec, owner):
    risk_settings_save(spec=spec, actor=owner, settings={"DS102": "off"})
    lint_settings_save(spec=spec, actor=owner, owner_table="accounts", external_tables=[], rules={})
    assert risk_settings_load(spec) == {"DS102": "off"}
    risk_settings_save(spec=spec, actor=owner, settings={})
    config = LintConfig.objects.get(spec=spec)
    assert (config.owner_table, config.risk_rules) == ("accounts", {})
    events = AuditEvent.objects.filter(verb="risk_settings.changed").order_by("pk")
    assert [event.details["before"] for event in events] == [{}, {"DS102": "off"}]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"XX999": "off"}, "There is no migration risk XX999."),
        ({"DS102": "loud"}, '"loud" is not a setting for DS102'),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(spec, owner, settings, message):
    risk_settings_save(spec=spec, actor=owner, settings={"PG101": "off"})
    with pytest.raises(ServiceError, match=message):
        risk_settings_save(spec=spec, actor=owner, settings=settings)
    assert _stored(spec) == {"PG101": "off"}
    assert AuditEvent.objects.filter(verb="risk_settings.changed").count() == 1


def test_settings_stored_by_hand_are_read_defensively(spec):
    LintConfig.objects.create(
        spec=spec, risk_rules={"DS102": "off", "XX999": "off", "PG101": "loud", "DS103": "error"}
    )
    assert risk_settings_load(spec) == {"DS102": "off"}


@pytest.mark.parametrize("persona", ["viewer", "editor", "reviewer", "outsider"])
def test_saving_needs_an_admin(request, spec, persona):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    actor = request.getfixturevalue(persona)
    error = Http404 if persona == "outsider" else PermissionDenied
    with pytest.raises(error):
        risk_settings_save(spec=spec, actor=actor, settings={"DS102": "off"})
    assert not LintConfig.objects.exists() and not AuditEvent.objects.exists()


# --- The section of the lint settings page


def test_the_section_lists_every_code_with_a_select(client_for, owner, spec):
    body = client_for(owner).get(SETTINGS_URL).content.decode()
    section = body.split('id="risks"', 1)[1]
    for code, rule in RISK_RULES.items():
        assert f'name="risk:{code}"' in section
        assert f"{RULES_URL}#{code}" in section and rule.title in section
        assert f"Default ({rule.level})" in section
    for heading in ("Destructive", "Backward incompatible", "Data-dependent", "Locking"):
        assert heading in section
    assert RISKS_URL in section


def test_admin_saves_and_sees_the_saved_settings(client_for, owner, spec):
    client = client_for(owner)
    response = client.post(RISKS_URL, _post(DS102="off", PG101="error"), follow=True)
    assert response.redirect_chain == [(SETTINGS_URL + "?saved=risks#risks", 302)]
    body = response.content.decode()
    # said in the section the page opens at, not at the top of the page
    section = body.split('id="risks"', 1)[1]
    assert 'data-testid="risk-settings-saved">Migration risk settings saved.' in section
    assert "risk-settings-saved" not in client.get(SETTINGS_URL).content.decode()
    assert _stored(spec) == {"DS102": "off", "PG101": "error"}
    selected = body.split('name="risk:DS102"', 1)[1].split("</select>", 1)[0]
    assert '<option value="off" selected>' in selected
    assert AuditEvent.objects.get(verb="risk_settings.changed").actor == owner


@pytest.mark.parametrize("persona", ["viewer", "editor", "reviewer"])
def test_a_member_below_admin_gets_403(client_for, spec, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(RISKS_URL, _post(DS102="off")).status_code == 403
    assert client.get(SETTINGS_URL).status_code == 403
    assert not LintConfig.objects.exists()


def test_an_outsider_gets_404(client_for, outsider, spec):
    assert client_for(outsider).post(RISKS_URL, _post(DS102="off")).status_code == 404
    assert not LintConfig.objects.exists()


def test_only_post(client_for, owner, spec):
    assert client_for(owner).get(RISKS_URL).status_code == 405


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_post(DS102="loud"), "&quot;loud&quot; is not a setting for DS102"),
        ({k: v for k, v in _post().items() if k != "risk:MF104"}, "Choose a setting for MF104."),
    ],
)
def test_a_bad_value_explains_and_changes_nothing(client_for, owner, spec, data, message):
    risk_settings_save(spec=spec, actor=owner, settings={"PG101": "off"})
    response = client_for(owner).post(RISKS_URL, data | {"risk:SS101": "error"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "migration risk settings were not saved" in body
    assert message in body
    assert 'class="invalid-feedback d-block"' in body
    assert _stored(spec) == {"PG101": "off"}
    assert AuditEvent.objects.filter(verb="risk_settings.changed").count() == 1
    # the lint form above is still there, unchanged
    assert 'data-testid="lint-settings-form"' in body


def test_the_lint_form_still_saves_without_touching_the_risks(client_for, owner, spec):
    from specs_app.services.lint import RULES

    risk_settings_save(spec=spec, actor=owner, settings={"DS102": "off"})
    data = {"owner_table": "accounts", "external_tables": ""}
    data |= {f"rule:{rule_id}": "default" for rule_id in RULES}
    assert client_for(owner).post(SETTINGS_URL, data).status_code == 302
    assert _stored(spec) == {"DS102": "off"}
    assert LintConfig.objects.get(spec=spec).owner_table == "accounts"


# --- The rules reference


def test_the_rules_page_documents_every_code_for_any_member(client_for, viewer, owner, spec):
    risk_settings_save(spec=spec, actor=owner, settings={"DS102": "off", "PG101": "error"})
    body = client_for(viewer).get(RULES_URL).content.decode()
    for code, rule in RISK_RULES.items():
        article = body.split(f'<article class="card mb-2" id="{code}"', 1)[1]
        article = article.split("</article>", 1)[0]
        assert escape(rule.title) in article and escape(rule.safer) in article
        assert (("PostgreSQL only") in article) == bool(rule.dialects)
    ds102 = body.split('id="DS102"', 1)[1].split("</article>", 1)[0]
    assert "In this spec: <span" in ds102 and ">off</span>" in ds102
    pg101 = body.split('id="PG101"', 1)[1].split("</article>", 1)[0]
    assert ">error</span>" in pg101.split("In this spec:", 1)[1]


# --- Query counts


def _every_code_overridden(spec, owner):
    risk_settings_save(spec=spec, actor=owner, settings={code: "off" for code in RISK_RULES})


@pytest.mark.parametrize("stored", ["none", "every code"])
def test_the_pages_cost_the_same_queries_whatever_is_stored(
    client_for, owner, spec, stored, django_assert_num_queries
):
    if stored == "every code":
        _every_code_overridden(spec, owner)
    client = client_for(owner)
    # session, user, membership, spec, unread notifications, the lint configuration
    with django_assert_num_queries(6):
        assert client.get(SETTINGS_URL).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(RULES_URL).status_code == 200
    # session, user, membership, spec, the configuration; the service's membership check,
    # savepoint, lock the spec, read the configuration, full_clean's 2 checks (spec exists, one
    # configuration per spec), write, audit, release
    with django_assert_num_queries(14):
        assert client.post(RISKS_URL, _post(DS102="off")).status_code == 302
