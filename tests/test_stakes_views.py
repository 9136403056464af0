"""The merge box's list of what needs an admin's approval, the acknowledgement page (asks
first; admins only; never the author), and what the stakes cost the request page in queries."""

import pytest
from django.urls import reverse

from specs_app.models import AuditEvent, Endpoint, StakeApproval
from specs_app.services import review as services
from tests.review_helpers import open_request, ready_spec
from tests.test_query_counts import _changed_request, _get, _spec, size_param

pytestmark = pytest.mark.django_db


def _breaking_request(spec, author, *, mode="backward"):
    ready_spec(spec)
    spec.compatibility = mode
    spec.save(update_fields=["compatibility"])
    cr = open_request(spec, author, "Drop an endpoint")
    gone = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    services.change_request_delete(change_request=cr, actor=author, row=gone)
    services.change_request_submit(change_request=cr, actor=author)
    return cr, gone


def _url(cr, name="change_request") -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number])


def test_the_merge_box_lists_what_waits_for_an_admin(client_for, spec, editor, reviewer):
    cr, gone = _breaking_request(spec, editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")

    body = client_for(editor).get(_url(cr)).content.decode()

    assert 'data-testid="stakes"' in body and "Needs an admin's approval" in body
    assert 'data-code="api-path-removed-without-deprecation"' in body
    assert f"{gone.method} {gone.path}" in body and "was removed." in body
    assert "1 breaking API change needs an admin&#x27;s approval." in body
    assert 'href="?tab=impact" data-testid="stakes-impact-link"' in body
    assert "acknowledge-stakes" not in body  # an editor cannot
    assert 'disabled aria-describedby="merge-missing"' in body


def test_an_admin_sees_the_acknowledge_button_but_not_on_their_own_request(
    client_for, spec, editor, owner
):
    cr, _ = _breaking_request(spec, editor)
    assert "acknowledge-stakes" in client_for(owner).get(_url(cr)).content.decode()
    own, _ = _breaking_request(spec, owner)
    body = client_for(owner).get(_url(own)).content.decode()
    assert "acknowledge-stakes" not in body and "another admin must approve" in body


def test_approved_stakes_say_by_whom(client_for, spec, editor, owner):
    cr, _ = _breaking_request(spec, editor)
    services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")

    body = client_for(editor).get(_url(cr)).content.decode()
    assert "Approved by an admin" in body
    assert "Approved by olivia (approving review" in body and 'data-approved="yes"' in body


def test_nothing_is_shown_when_nothing_is_at_stake(client_for, spec, editor):
    cr, _ = _breaking_request(spec, editor, mode="none")
    assert 'data-testid="stakes"' not in client_for(editor).get(_url(cr)).content.decode()


def test_the_acknowledge_page_asks_first_and_lists_the_stakes(client_for, spec, editor, owner):
    cr, gone = _breaking_request(spec, editor)
    url = _url(cr, "change_request_acknowledge_stakes")

    page = client_for(owner).get(url)
    body = page.content.decode()
    assert page.status_code == 200 and f"{gone.method} {gone.path}" in body
    assert "without approving the request itself" in body
    # Without `confirm`, a POST asks too.
    assert 'data-testid="confirm-acknowledge"' in client_for(owner).post(url).content.decode()
    assert not StakeApproval.objects.exists()

    fingerprint = body.split('name="fingerprint" value="', 1)[1].split('"', 1)[0]
    response = client_for(owner).post(url, {"confirm": "yes", "fingerprint": [fingerprint]})
    assert response.status_code == 302 and response.url == _url(cr)
    approval = StakeApproval.objects.get()
    assert (approval.approved_by, approval.via) == (owner, "acknowledgement")
    assert AuditEvent.objects.filter(verb="stakes.acknowledged", actor=owner).exists()
    after = client_for(owner).get(_url(cr)).content.decode()
    assert "Acknowledged 1 finding at stake." in after and "(acknowledged," in after


def test_a_stale_acknowledgement_is_refused_with_a_message(client_for, spec, editor, owner):
    cr, _ = _breaking_request(spec, editor)
    url = _url(cr, "change_request_acknowledge_stakes")
    response = client_for(owner).post(
        url, {"confirm": "yes", "fingerprint": ["0" * 24]}, follow=True
    )
    assert "changed since you looked" in response.content.decode()
    assert not StakeApproval.objects.exists()


@pytest.mark.parametrize("persona", ["editor", "reviewer", "viewer"])
def test_acknowledging_needs_an_admin(client_for, spec, editor, persona, request):
    cr, _ = _breaking_request(spec, editor)
    user = request.getfixturevalue(persona)
    url = _url(cr, "change_request_acknowledge_stakes")
    assert client_for(user).get(url).status_code == 403
    assert client_for(user).post(url, {"confirm": "yes"}).status_code == 403
    assert not StakeApproval.objects.exists()


def test_an_outsider_gets_404(client_for, spec, editor, outsider):
    cr, _ = _breaking_request(spec, editor)
    url = _url(cr, "change_request_acknowledge_stakes")
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).post(url, {"confirm": "yes"}).status_code == 404


def test_the_author_is_told_another_admin_must(client_for, spec, owner):
    cr, _ = _breaking_request(spec, owner)
    url = _url(cr, "change_request_acknowledge_stakes")
    body = client_for(owner).get(url).content.decode()
    assert "another admin must approve" in body and "acknowledge-confirm" not in body


def test_wrong_method(client_for, spec, editor, owner):
    cr, _ = _breaking_request(spec, editor)
    assert client_for(owner).put(_url(cr, "change_request_acknowledge_stakes")).status_code == 405


@size_param
def test_what_the_stakes_cost_the_conversation_tab(
    client_for, editor, reviewer, owner, workspace, django_assert_num_queries, size
):
    spec = _spec(workspace, owner, size)
    spec.compatibility = "backward"
    spec.destructive_needs_admin = True
    spec.save()
    cr = _changed_request(spec, editor)
    gone = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").last()
    services.change_request_delete(change_request=cr, actor=editor, row=gone)
    cr = services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    url = _url(cr)
    # The Conversation tab's 16 (tests/test_query_counts_states.py) + the impact of the edit,
    # computed once: the spec's risk settings (the cache key's, the service's), the schema
    # records of base and draft (models + 5 child tables each: 12) and their API records
    # (endpoints + 5 child tables each: 12); + the approvals of the stakes found: 43.
    body = _get(client_for(editor), django_assert_num_queries, 43, url)
    assert 'data-testid="stake"' in body
    # Kept per edit: the risk settings of the cache key and the approvals: 16 + 2.
    again = _get(client_for(editor), django_assert_num_queries, 18, url)
    assert again.count('data-testid="stake"') == 1


def test_the_timeline_says_what_the_admin_approved(client_for, spec, editor, owner, reviewer):
    cr, _ = _breaking_request(spec, editor)
    services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")
    body = client_for(editor).get(_url(cr)).content.decode()
    assert "approved 1 finding at stake" in body
