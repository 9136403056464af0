"""The merge rules page: everyone with access reads the rules, admins change them (audited);
bad input is refused with a message by the field and nothing changes."""

import pytest
from django.urls import reverse

from specs_app.models import AuditEvent, Spec
from specs_app.services.errors import FieldErrors, ServiceError
from specs_app.services.merge_rules import merge_rules_of, merge_rules_save

pytestmark = pytest.mark.django_db

URL = reverse("specs_app:merge_rules", args=["acme", "todo"])
GOOD = {
    "required_approvals": "2",
    "lint_gate": "on",
    "compatibility": "backward",
    "destructive_needs_admin": "on",
}


def _rules(spec) -> dict:
    return merge_rules_of(Spec.objects.get(pk=spec.pk))


DEFAULTS = {
    "required_approvals": 1,
    "lint_gate": True,
    "require_resolved_conversations": True,
    "compatibility": "none",
    "destructive_needs_admin": False,
}


def test_an_admin_sees_the_form_with_the_modes_explained(client_for, owner, spec):
    response = client_for(owner).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="merge-rules-form"' in body
    assert "Backward: existing clients keep working" in body
    assert "Forward: new clients work against the previous server" in body
    assert "Full: both backward and forward" in body
    assert "Destructive migrations need an admin&#x27;s approval" in body
    assert 'value="none" id="id_compatibility_0" checked' in body


def test_a_viewer_reads_the_rules_without_a_form(client_for, viewer, spec):
    spec.compatibility = "full"
    spec.save()
    response = client_for(viewer).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "merge-rules-form" not in body and 'data-testid="merge-rules"' in body
    assert "Full: both backward and forward" in body
    assert "Only admins change them." in body


def test_the_spec_page_and_the_lint_settings_link_to_it(client_for, owner, viewer, spec):
    assert (
        URL
        in client_for(viewer)
        .get(reverse("specs_app:spec_detail", args=["acme", "todo"]))
        .content.decode()
    )
    lint = client_for(owner).get(reverse("specs_app:lint_settings", args=["acme", "todo"]))
    assert URL in lint.content.decode()


def test_an_admin_saves_and_it_is_audited(client_for, owner, spec):
    response = client_for(owner).post(URL, GOOD)
    assert response.status_code == 302 and response.url == URL
    assert _rules(spec) == {
        "required_approvals": 2,
        "lint_gate": True,
        "require_resolved_conversations": False,
        "compatibility": "backward",
        "destructive_needs_admin": True,
    }
    event = AuditEvent.objects.get(verb="merge_rules.changed")
    assert (event.actor, event.spec, event.target) == (owner, spec, "todo")
    assert event.details == {
        "changed": {
            "required_approvals": [1, 2],
            "require_resolved_conversations": [True, False],
            "compatibility": ["none", "backward"],
            "destructive_needs_admin": [False, True],
        }
    }
    page = client_for(owner).get(URL).content.decode()
    assert "Merge rules saved." in page


def test_saving_the_same_rules_changes_and_audits_nothing(client_for, owner, spec):
    same = {
        "required_approvals": "1",
        "lint_gate": "on",
        "require_resolved_conversations": "on",
        "compatibility": "none",
    }
    response = client_for(owner).post(URL, same, follow=True)
    assert "Nothing changed." in response.content.decode()
    assert not AuditEvent.objects.filter(verb="merge_rules.changed").exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"required_approvals": "-1"}, "Required approvals cannot be negative."),
        ({"required_approvals": "11"}, "Required approvals can be at most 10."),
        ({"required_approvals": "two"}, "Required approvals must be a whole number."),
        ({"required_approvals": ""}, "Say how many approvals a change request needs"),
        ({"compatibility": "sideways"}, "Pick one of the compatibility modes listed."),
        ({"compatibility": ""}, "Pick a compatibility mode."),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_changes(
    client_for, owner, spec, changes, message
):
    response = client_for(owner).post(URL, GOOD | changes)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and "is-invalid" in body
    assert "The merge rules were not saved" in body
    assert _rules(spec) == DEFAULTS
    assert not AuditEvent.objects.filter(verb="merge_rules.changed").exists()


@pytest.mark.parametrize("persona", ["editor", "reviewer", "viewer"])
def test_saving_needs_the_admin_role(client_for, spec, persona, request):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(URL, GOOD)
    assert response.status_code == 403
    assert _rules(spec) == DEFAULTS


def test_an_outsider_gets_404(client_for, outsider, spec):
    assert client_for(outsider).get(URL).status_code == 404
    assert client_for(outsider).post(URL, GOOD).status_code == 404
    assert _rules(spec) == DEFAULTS


def test_anonymous_is_sent_to_sign_in(client, spec):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url


def test_wrong_method(client_for, owner, spec):
    assert client_for(owner).put(URL).status_code == 405


def test_the_service_checks_every_value(spec, owner, editor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        merge_rules_save(spec=spec, actor=editor, **DEFAULTS)
    with pytest.raises(FieldErrors) as bad:
        merge_rules_save(
            spec=spec, actor=owner, **(DEFAULTS | {"required_approvals": 99, "compatibility": "x"})
        )
    assert set(bad.value.errors) == {"required_approvals", "compatibility"}
    with pytest.raises(ServiceError, match="Not a merge rule: colour"):
        merge_rules_save(spec=spec, actor=owner, **(DEFAULTS | {"colour": "red"}))
    with pytest.raises(ServiceError, match="Merge rules missing: lint_gate"):
        merge_rules_save(
            spec=spec, actor=owner, **{k: v for k, v in DEFAULTS.items() if k != "lint_gate"}
        )
    assert _rules(spec) == DEFAULTS
