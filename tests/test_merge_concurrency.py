"""Two merges of one spec at the same time, on PostgreSQL (row locks are what serialise them)."""

import threading

import pytest
from django.db import connection

from specs_app.models import Endpoint, Revision
from specs_app.services import review as services
from specs_app.services.errors import ServiceError
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (run in CI)"
    ),
]


def test_concurrent_merges_serialise_and_keep_every_change(spec, editor, reviewer):
    ready_spec(spec)
    names = list(
        Endpoint.objects.filter(revision=spec.head)
        .order_by("position")
        .values_list("name", flat=True)
    )
    requests = []
    for index, name in enumerate(names[:2]):
        cr = open_request(spec, editor, f"Request {index}")
        edit_endpoint(cr, editor, name, user_ownership=f"Changed by request {index}")
        services.change_request_submit(change_request=cr, actor=editor)
        services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
        requests.append(cr)

    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []

    def merge(cr) -> None:
        try:
            barrier.wait()
            services.change_request_merge(change_request=cr, actor=editor)
            outcomes.append("merged")
        except ServiceError as exc:
            outcomes.append(f"refused: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=merge, args=(cr,)) for cr in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == ["merged", "merged"]
    spec.refresh_from_db()
    numbers = sorted(
        Revision.objects.filter(spec=spec, state="published").values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]
    assert spec.head.number == 3
    head_ownership = set(
        Endpoint.objects.filter(revision=spec.head).values_list("user_ownership", flat=True)
    )
    assert {"Changed by request 0", "Changed by request 1"} <= head_ownership
