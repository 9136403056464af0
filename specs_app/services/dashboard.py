"""The home page's dashboard: the change requests a user wrote, is asked to review or may
review, and those merged lately in their workspaces.

A fixed number of queries however many requests there are: each list is one query, with its
reviews prefetched (the state badge and the approval count are computed from them) and its
comment count annotated.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch

from specs_app.models import ChangeRequest, Review, ReviewRequest, Role
from specs_app.services.review import (
    change_request_approvals,
    change_request_review_decision,
    change_requests_awaiting_review,
)

State = ChangeRequest.State

#: "Recently merged" shows this many.
RECENTLY_MERGED = 10


@dataclass
class DashboardRow:
    cr: ChangeRequest
    state: object  # RequestState
    approvals: int
    comments: int
    requested: bool = False  # a review is asked of the user and pending

    @property
    def age_from(self):
        return self.cr.merged_at or self.cr.created_at


@dataclass
class Dashboard:
    mine: list[DashboardRow] = field(default_factory=list)
    waiting: list[DashboardRow] = field(default_factory=list)
    changes_requested: list[DashboardRow] = field(default_factory=list)
    merged: list[DashboardRow] = field(default_factory=list)


def _listed(queryset):
    reviews = Review.objects.select_related("reviewer").order_by("created_at", "id")
    return (
        queryset.select_related("spec__workspace", "author")
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .annotate(comment_count=Count("comments", distinct=True))
    )


def _rows(queryset, requested: bool = False) -> list[DashboardRow]:
    return [
        DashboardRow(
            cr,
            change_request_review_decision(cr),
            change_request_approvals(cr),
            cr.comment_count,
            requested,
        )
        for cr in queryset
    ]


def _pending_request_of(user):
    """The pending review requests of `user` on the request in OuterRef("pk")."""
    answered = Review.objects.filter(
        change_request=OuterRef("change_request"),
        reviewer=OuterRef("reviewer"),
        created_at__gt=OuterRef("requested_at"),
    )
    return ReviewRequest.objects.filter(change_request=OuterRef("pk"), reviewer=user).exclude(
        Exists(answered)
    )


def dashboard_for_user(user) -> Dashboard:
    member_of = {"spec__workspace__memberships__user": user}
    open_states = [State.DRAFT, State.IN_REVIEW]
    mine = _rows(
        _listed(
            ChangeRequest.objects.filter(author=user, state__in=open_states, **member_of)
        ).order_by("-updated_at", "-pk")
    )
    reviewer_of = {
        "spec__workspace__memberships__user": user,
        "spec__workspace__memberships__role__in": [Role.REVIEWER, Role.ADMIN],
    }
    requested = _rows(
        _listed(
            ChangeRequest.objects.filter(state=State.IN_REVIEW, **reviewer_of)
            .exclude(author=user)
            .filter(Exists(_pending_request_of(user)))
        ).order_by("created_at", "pk"),
        requested=True,
    )
    others = _rows(
        _listed(
            change_requests_awaiting_review(user=user).exclude(Exists(_pending_request_of(user)))
        )
    )
    merged = _rows(
        _listed(ChangeRequest.objects.filter(state=State.MERGED, **member_of)).order_by(
            "-merged_at", "-pk"
        )[:RECENTLY_MERGED]
    )
    return Dashboard(
        mine=mine,
        waiting=requested + others,
        changes_requested=[row for row in mine if row.state.key == "changes_requested"],
        merged=merged,
    )
