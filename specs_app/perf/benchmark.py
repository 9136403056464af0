"""The figures of `manage.py bench`: how long each operation takes on a big spec, and how many
queries it makes.

Every operation runs once untimed (its queries are counted then), then `runs` times timed; the
median is reported. Pages are requested through Django's test client, as a logged-in member,
and compared with a trivial view (a bare HttpResponse) requested the same way, so that a
page's figure says what the page itself costs over the request cycle.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, reset_queries
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path, reverse

from specs_app.models import DataModel, Endpoint, Membership, Role, Spec, Workspace
from specs_app.perf.bigspec import BigSpecSize, big_spec_markdown, make_big_spec
from specs_app.services import review
from specs_app.services.diff import revision_diff
from specs_app.services.export import revision_export
from specs_app.services.impact import change_request_impact
from specs_app.services.imports import spec_import
from specs_app.services.lint import lint_revision
from specs_app.services.revisions import revision_row_count

#: Seconds allowed for each operation on the 1000/300 spec, and page ratios to the trivial view.
BUDGETS = {"fork": 2.0, "export": 0.5, "import": 1.0, "lint": 0.5, "diff": 1.0, "merge": 2.0}
PAGE_RATIO = 10.0
EDITOR_RATIO = 3.0
EDITED_ENDPOINTS = 20


@dataclass
class Figure:
    name: str
    seconds: float
    queries: int
    runs: int
    #: The first run, with nothing computed before (operations are always measured so).
    first_seconds: float = 0.0
    ratio: float | None = None
    budget: str = ""
    within: bool | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.ratio is None:
            del data["ratio"]
        return data


@dataclass
class Report:
    vendor: str
    size: BigSpecSize
    rows: int
    figures: list[Figure] = field(default_factory=list)

    def to_list(self) -> list[dict]:
        """One object per figure, each naming the database and the spec it was measured on."""
        spec = {"endpoints": self.size.endpoints, "models": self.size.models, "rows": self.rows}
        return [{**f.to_dict(), "database": self.vendor, "spec": spec} for f in self.figures]


def trivial_view(request) -> HttpResponse:
    return HttpResponse("ok")


def _bench_urlpatterns():
    from studio.urls import urlpatterns

    return [path("__bench__/trivial/", trivial_view, name="bench_trivial"), *urlpatterns]


#: ROOT_URLCONF while the pages are measured: the studio's URLs and the trivial view.
urlpatterns = _bench_urlpatterns()


def measure(
    name: str, operation: Callable, *, runs: int, prepare: Callable | None = None, cold=True
):
    """Median seconds of `operation(prepared)` over `runs`, after a first run whose queries
    are counted. `prepare()` (not timed) makes what each run needs. Each run starts with an
    empty cache unless `cold` is False (pages: the median is then of repeated views)."""
    cache.clear()
    reset_queries()  # the log is a bounded deque: a full one would count nothing
    prepared = prepare() if prepare else None
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        operation(prepared)
        first = time.perf_counter() - started
    queries = len(captured)  # now: each request of the runs below empties the log
    times = []
    for _ in range(runs):
        prepared = prepare() if prepare else None
        if cold:
            cache.clear()
        started = time.perf_counter()
        operation(prepared)
        times.append(time.perf_counter() - started)
    return Figure(name, statistics.median(times), queries, runs, first)


# ---------------------------------------------------------------------------------------------
# The situation: a big spec, its members, a change request with 20 endpoints edited


@dataclass
class Scene:
    spec: Spec
    editor: object
    reviewer: object
    workspace: Workspace
    endpoints: int
    counter: int = 0

    def next_number(self) -> int:
        self.counter += 1
        return self.counter


def build_scene(size: BigSpecSize) -> Scene:
    """The big spec (reused when the database has it) and two members."""
    workspace, _ = Workspace.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    editor = _member(workspace, "bench-editor", Role.EDITOR)
    reviewer = _member(workspace, "bench-reviewer", Role.REVIEWER)
    slug = f"big-{size.endpoints}-{size.models}-{size.seed}"
    spec = Spec.objects.filter(workspace=workspace, slug=slug).first()
    if spec is None:
        spec = make_big_spec(workspace=workspace, slug=slug, size=size, author=editor)
    spec.lint_gate = False  # the merge measured is the three-way merge, not the gate
    spec.save(update_fields=["lint_gate"])
    return Scene(spec, editor, reviewer, workspace, size.endpoints)


def _member(workspace: Workspace, username: str, role: str):
    user, _ = get_user_model().objects.get_or_create(username=username)
    if not workspace.memberships.filter(user=user).exists():
        Membership.objects.create(workspace=workspace, user=user, role=role)
    return user


def _fresh(spec: Spec) -> Spec:
    return Spec.objects.select_related("head").get(pk=spec.pk)


def open_edited_request(scene: Scene, region: int):
    """A change request on the head in which 20 endpoints of one fifth of the spec changed:
    requests on different regions never touch the same endpoint."""
    spec = _fresh(scene.spec)
    share = scene.endpoints // 5
    first, count = region * share, min(EDITED_ENDPOINTS, share)
    cr = review.change_request_open(
        spec=spec, author=scene.editor, title=f"Bench change {scene.next_number()}"
    )
    endpoints = Endpoint.objects.filter(revision=cr.working).order_by("position")
    for row in endpoints[first : first + count]:
        review.change_request_update(
            change_request=cr,
            actor=scene.editor,
            row=row,
            expected_version=row.version,
            user_ownership=f"{row.user_ownership} (changed {cr.number})",
        )
    return cr


def _approve(scene: Scene, cr) -> None:
    review.change_request_submit(change_request=cr, actor=scene.editor)
    review.change_request_review(change_request=cr, reviewer=scene.reviewer, verdict="approve")


# ---------------------------------------------------------------------------------------------
# Operations


def measure_operations(scene: Scene, size: BigSpecSize, runs: int) -> list[Figure]:
    spec = scene.spec
    api, schema = big_spec_markdown(size)
    diffed = open_edited_request(scene, region=0)
    figures = [
        measure(
            "fork",
            lambda _: review.change_request_open(
                spec=_fresh(spec), author=scene.editor, title="Bench fork"
            ),
            runs=runs,
        ),
        measure("export", lambda _: revision_export(_fresh(spec).head), runs=runs),
        measure(
            "import",
            lambda _: spec_import(
                workspace=scene.workspace,
                spec_slug=f"imported-{scene.next_number()}",
                api_text=api,
                schema_text=schema,
            ),
            runs=runs,
        ),
        measure("lint", lambda _: lint_revision(_fresh(spec).head), runs=runs),
        measure("diff", lambda _: revision_diff(old=diffed.base, new=diffed.working), runs=runs),
        # Both schemas as DDL, the migration between them and its risks (the Impact tab's work
        # before its cache).
        measure("migration", lambda _: change_request_impact(diffed), runs=runs),
        measure(
            "merge",
            lambda second: review.change_request_merge(change_request=second, actor=scene.editor),
            runs=runs,
            prepare=lambda: _two_requests_first_merged(scene),
        ),
    ]
    return figures


def _two_requests_first_merged(scene: Scene):
    """Two requests on the same head, 20 endpoints each; the first is merged, so merging the
    second is a three-way merge."""
    first = open_edited_request(scene, region=1)
    second = open_edited_request(scene, region=2)
    _approve(scene, first)
    review.change_request_merge(change_request=first, actor=scene.editor)
    _approve(scene, second)
    return second


# ---------------------------------------------------------------------------------------------
# Pages


def page_urls(scene: Scene) -> dict[str, str]:
    spec = _fresh(scene.spec)
    cr = open_edited_request(scene, region=3)
    ws, slug = scene.workspace.slug, spec.slug
    middle = scene.endpoints * 3 // 5
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position")[middle]
    model = DataModel.objects.filter(revision=cr.working).order_by("position").first()
    numbers = list(spec.revisions.filter(number__isnull=False).values_list("number", flat=True))
    edit = (ws, slug, cr.number)
    return {
        "trivial": reverse("bench_trivial"),
        "spec": reverse("specs_app:spec_detail", args=[ws, slug]),
        "endpoint_editor": reverse("specs_app:editor_item", args=[*edit, "endpoint", endpoint.uid]),
        "model_editor": reverse("specs_app:editor_item", args=[*edit, "model", model.uid]),
        "changes": reverse("specs_app:change_request", args=edit) + "?tab=changes",
        "impact": reverse("specs_app:change_request", args=edit) + "?tab=impact",
        "ddl": reverse("specs_app:ddl", args=[ws, slug]),
        "conversation": reverse("specs_app:change_request", args=edit),
        "dashboard": reverse("specs_app:workspace_list"),
        "inbox": reverse("specs_app:inbox"),
        "compare": reverse("specs_app:compare", args=[ws, slug])
        + f"?from={min(numbers)}&to={max(numbers)}",
        "markdown": reverse("specs_app:markdown", args=[ws, slug]),
    }


def measure_pages(scene: Scene, runs: int) -> list[Figure]:
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        urls = page_urls(scene)
        client = Client()
        client.force_login(scene.editor)
        figures = [_measure_page(client, name, url, runs) for name, url in urls.items()]
    trivial = figures[0].seconds
    for figure in figures:
        figure.ratio = figure.seconds / trivial if trivial else None
    return figures


def _measure_page(client: Client, name: str, url: str, runs: int) -> Figure:
    def get(_):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    return measure(f"page:{name}", get, runs=runs, cold=False)


# ---------------------------------------------------------------------------------------------


def judge(figures: list[Figure]) -> None:
    """Set each figure's budget and whether it is within it."""
    for figure in figures:
        if figure.name in BUDGETS:
            figure.budget = f"<= {BUDGETS[figure.name]:g} s"
            figure.within = figure.seconds <= BUDGETS[figure.name]
        elif figure.name.startswith("page:") and figure.name != "page:trivial":
            limit = EDITOR_RATIO if figure.name.endswith("_editor") else PAGE_RATIO
            figure.budget = f"<= {limit:g}x trivial"
            figure.within = figure.ratio is not None and figure.ratio <= limit


def run_bench(size: BigSpecSize, *, runs: int) -> Report:
    scene = build_scene(size)
    figures = measure_operations(scene, size, runs) + measure_pages(scene, runs)
    judge(figures)
    rows = revision_row_count(_fresh(scene.spec).head)
    return Report(connection.vendor, size, rows, figures)
