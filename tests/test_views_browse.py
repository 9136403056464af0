import re

import pytest
from django.urls import reverse

from specs_app.models import DataModel, Endpoint
from specs_app.services.content import content_update
from specs_app.services.revisions import revision_fork, revision_publish
from tests.factories import published_spec

pytestmark = pytest.mark.django_db


def _pages(spec) -> dict[str, str]:
    endpoint = Endpoint.objects.filter(revision=spec.head).first()
    model = DataModel.objects.filter(revision=spec.head).first()
    ws = spec.workspace.slug
    return {
        "workspace_list": reverse("specs_app:workspace_list"),
        "spec_list": reverse("specs_app:spec_list", args=[ws]),
        "spec_detail": reverse("specs_app:spec_detail", args=[ws, spec.slug]),
        "endpoint_detail": reverse("specs_app:endpoint_detail", args=[ws, spec.slug, endpoint.uid]),
        "model_detail": reverse("specs_app:model_detail", args=[ws, spec.slug, model.uid]),
    }


@pytest.mark.parametrize(
    "page", ["workspace_list", "spec_list", "spec_detail", "endpoint_detail", "model_detail"]
)
def test_page_works_for_viewer(client_for, viewer, spec, page):
    response = client_for(viewer).get(_pages(spec)[page])
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["spec_list", "spec_detail", "endpoint_detail", "model_detail"])
def test_outsider_gets_404(client_for, outsider, spec, page):
    assert client_for(outsider).get(_pages(spec)[page]).status_code == 404


@pytest.mark.parametrize(
    "page", ["workspace_list", "spec_list", "spec_detail", "endpoint_detail", "model_detail"]
)
def test_wrong_method_is_refused(client_for, viewer, spec, page):
    assert client_for(viewer).post(_pages(spec)[page]).status_code == 405


@pytest.mark.parametrize("page", ["workspace_list", "spec_detail"])
def test_anonymous_is_sent_to_login(client, spec, page):
    response = client.get(_pages(spec)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_workspace_list_shows_only_own_workspaces(client_for, outsider, spec):
    body = client_for(outsider).get(reverse("specs_app:workspace_list")).content.decode()
    assert "Elsewhere" in body and "Acme" not in body


def test_spec_page_lists_endpoints_and_models(client_for, viewer, spec):
    body = client_for(viewer).get(_pages(spec)["spec_detail"]).content.decode()
    for endpoint in Endpoint.objects.filter(revision=spec.head):
        assert endpoint.name in body and endpoint.path in body
    for model in DataModel.objects.filter(revision=spec.head):
        assert model.name in body and model.table in body
    assert "Revision r1" in body


def test_endpoint_page_shows_every_element(client_for, viewer, spec):
    endpoint = Endpoint.objects.filter(revision=spec.head).first()
    body = client_for(viewer).get(_pages(spec)["endpoint_detail"]).content.decode()
    children = [
        *(p.name for p in endpoint.parameters.all()),
        *(f.name for f in endpoint.body_fields.all()),
        *(e.description for e in endpoint.errors.all()),
        *(r.text for r in endpoint.business_rules.all()),
        *(t.text for t in endpoint.test_cases.all()),
    ]
    assert len(children) == 9
    for text in children:
        assert text.replace("'", "&#x27;") in body
    assert endpoint.user_ownership.replace("'", "&#x27;") in body
    assert f"Success ({endpoint.success_status})" in body


def test_model_page_shows_every_element(client_for, viewer, spec):
    model = DataModel.objects.filter(revision=spec.head).first()
    body = client_for(viewer).get(_pages(spec)["model_detail"]).content.decode()
    texts = [
        *(f.name for f in model.fields.all()),
        *(r.target for r in model.relationships.all()),
        *(i.name for i in model.indexes.all()),
        *(c.text for c in model.constraints.all()),
        *(n.text for n in model.migration_notes.all()),
        "CHECK (length(title) &gt; 0)",
        "FK → users.id",
    ]
    for text in texts:
        assert text in body


def test_older_revision_can_be_browsed_and_says_so(client_for, viewer, spec):
    draft = revision_fork(source=spec.head)
    endpoint = Endpoint.objects.filter(revision=draft).first()
    content_update(row=endpoint, expected_version=endpoint.version, name="Renamed In R2")
    revision_publish(revision=draft)
    url = _pages(spec)["spec_detail"]
    client = client_for(viewer)

    latest = client.get(url).content.decode()
    assert "Revision r2" in latest and "Renamed In R2" in latest
    older = client.get(url, {"revision": 1}).content.decode()
    assert "Revision r1" in older and "Renamed In R2" not in older
    assert "older revision" in older
    assert client.get(url, {"revision": 9}).status_code == 404


def test_spec_without_published_revision_says_so(client_for, viewer, workspace):
    from tests.factories import SpecFactory

    empty = SpecFactory(workspace=workspace, slug="empty", title="Empty")
    url = reverse("specs_app:spec_detail", args=["acme", empty.slug])
    response = client_for(viewer).get(url)
    assert response.status_code == 200
    assert "no published revision yet" in response.content.decode()


def test_hostile_text_is_escaped(client_for, viewer, workspace):
    spec = published_spec(workspace=workspace, slug="x", endpoints=1, models=0)
    draft = revision_fork(source=spec.head)
    endpoint = Endpoint.objects.get(revision=draft)
    content_update(row=endpoint, expected_version=1, name="<script>alert(1)</script>")
    revision_publish(revision=draft)
    body = client_for(viewer).get(reverse("specs_app:spec_detail", args=["acme", "x"])).content
    assert b"<script>alert(1)" not in body
    assert b"&lt;script&gt;alert(1)" in body


def _spec_page_queries(client, django_assert_num_queries, workspace, slug, size, expected):
    published_spec(workspace=workspace, slug=slug, endpoints=size, models=size // 10)
    url = reverse("specs_app:spec_detail", args=["acme", slug])
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_spec_page_query_count_is_constant(
    client_for, viewer, workspace, django_assert_num_queries, size
):
    # session, user, membership, spec, published revisions, open change requests, latest
    # export, endpoints, models, lint configuration, lint content (one query per table: 12)
    _spec_page_queries(
        client_for(viewer), django_assert_num_queries, workspace, f"s{size}", size, 23
    )


@pytest.mark.parametrize("size", [10, 200])
def test_spec_list_query_count_is_constant(
    client_for, viewer, workspace, django_assert_num_queries, size
):
    for n in range(3):
        published_spec(workspace=workspace, slug=f"s{size}-{n}", endpoints=size, models=1)
    client = client_for(viewer)
    with django_assert_num_queries(5):  # session, user, membership, specs, unread count
        response = client.get(reverse("specs_app:spec_list", args=["acme"]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_endpoint_page_query_count_is_constant(
    client_for, viewer, workspace, django_assert_num_queries, size
):
    spec = published_spec(workspace=workspace, slug=f"e{size}", endpoints=size, models=1)
    endpoint = Endpoint.objects.filter(revision=spec.head).last()
    url = reverse("specs_app:endpoint_detail", args=["acme", spec.slug, endpoint.uid])
    client = client_for(viewer)
    # session, user, membership, spec, revisions, endpoint, 5 child tables, the revision's
    # models (name and table, for the endpoint's data model)
    with django_assert_num_queries(13):  # 12 + the navbar's unread count
        assert client.get(url).status_code == 200


def test_a_big_spec_lists_the_first_fifty_items_with_findings_and_offers_all(
    client_for, viewer, workspace
):
    from specs_app.perf.bigspec import BigSpecSize, make_big_spec

    make_big_spec(workspace=workspace, slug="big", size=BigSpecSize(60, 3, 1))
    url = reverse("specs_app:spec_detail", args=["acme", "big"])
    client = client_for(viewer)

    body = client.get(url).content.decode()
    everything = client.get(url + "?lint=all").content.decode()

    panel = body.split('data-testid="lint-panel"', 1)[1].split("</section>", 1)[0]
    all_panel = everything.split('data-testid="lint-panel"', 1)[1].split("</section>", 1)[0]
    shown = panel.count('class="list-group-item"')
    assert shown == 50
    hidden = int(re.search(r'data-testid="lint-more">(\d+) more items', panel).group(1))
    assert all_panel.count('class="list-group-item"') == shown + hidden
    assert 'data-testid="lint-more"' not in all_panel
