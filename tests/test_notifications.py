"""Notifications made from audit events: who is told what for each verb, never the actor, only
members, one per recipient per event; and the email that follows once the transaction commits."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from specs_app.models import (
    AuditEvent,
    Comment,
    Export,
    GitTarget,
    Membership,
    Notification,
    NotificationSettings,
    Role,
)
from specs_app.services import git as git_services
from specs_app.services import review as services
from specs_app.services import threads
from specs_app.services.audit import audit_record
from specs_app.services.notifications import mentioned_usernames, workspace_mentions
from specs_app.tasks import notification_email_task
from tests import git_helpers
from tests.factories import UserFactory
from tests.git_helpers import push_file
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures
Kind = Notification.Kind


def _told(**filters) -> dict[str, tuple[str, str]]:
    """username -> (kind, text) of the notifications matching `filters`."""
    return {
        n.recipient.username: (n.kind, n.text)
        for n in Notification.objects.filter(**filters).select_related("recipient")
    }


def _cr(spec, editor, title="Add labels"):
    return open_request(ready_spec(spec), editor, title)


def _in_review(spec, editor, title="Add labels"):
    cr = _cr(spec, editor, title)
    services.change_request_submit(change_request=cr, actor=editor)
    return cr


def _member(workspace, username, role=Role.EDITOR):
    user = UserFactory(username=username)
    Membership.objects.create(workspace=workspace, user=user, role=role)
    return user


def _cr_path(cr, query="", anchor=""):
    url = reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])
    return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


# Review requested (written by `states`: the event as CONTRACTS.md specifies it).


def test_review_requested_tells_each_member_reviewer_but_not_the_actor(
    spec, editor, reviewer, owner, outsider
):
    cr = _in_review(spec, editor)
    audit_record(
        spec=spec,
        actor=editor,
        verb="review.requested",
        target=f"#{cr.number}",
        reviewer_ids=[reviewer.pk, owner.pk, outsider.pk, editor.pk],
        reviewers=["rita", "olivia", "oscar", "edgar"],
        again=False,
    )
    told = _told(kind=Kind.REVIEW_REQUESTED)
    assert told == {
        "rita": (Kind.REVIEW_REQUESTED, "edgar requested your review on #1 Add labels"),
        "olivia": (Kind.REVIEW_REQUESTED, "edgar requested your review on #1 Add labels"),
    }, "the outsider (not a member) and the actor are not told"
    notification = Notification.objects.get(recipient=reviewer)
    assert notification.url == _cr_path(cr, "tab=changes")
    assert (notification.change_request, notification.spec, notification.actor) == (
        cr,
        spec,
        editor,
    )
    assert notification.read_at is None


def test_review_re_requested_says_again(spec, editor, reviewer):
    cr = _in_review(spec, editor)
    audit_record(
        spec=spec,
        actor=editor,
        verb="review.requested",
        target=f"#{cr.number}",
        reviewer_ids=[reviewer.pk],
        reviewers=["rita"],
        again=True,
    )
    assert _told() == {
        "rita": (Kind.REVIEW_REQUESTED, "edgar asked again for your review on #1 Add labels")
    }


# Reviews given (existing services, end to end).


@pytest.mark.parametrize(
    ("verdict", "said"),
    [
        ("approve", "rita approved #1 Add labels"),
        ("request_changes", "rita requested changes on #1 Add labels"),
        ("comment", "rita reviewed #1 Add labels"),
    ],
)
def test_a_review_tells_the_author(spec, editor, reviewer, verdict, said):
    cr = _in_review(spec, editor)
    services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict=verdict, body="Rename the field please"
    )
    assert _told() == {"edgar": (Kind.REVIEW_GIVEN, said)}
    notification = Notification.objects.get()
    assert notification.excerpt == "Rename the field please"
    assert notification.url == _cr_path(cr, "tab=conversation")


def test_a_review_mentioning_someone_tells_them_too(spec, editor, reviewer, viewer):
    cr = _in_review(spec, editor)
    services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="request_changes", body="@victor agrees"
    )
    assert _told() == {
        "edgar": (Kind.REVIEW_GIVEN, "rita requested changes on #1 Add labels"),
        "victor": (Kind.MENTION, "rita mentioned you in a review of #1 Add labels"),
    }


def test_review_dismissed_tells_the_reviewer(spec, editor, reviewer, owner):
    cr = _in_review(spec, editor)
    review = services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="request_changes", body="No"
    )
    Notification.objects.all().delete()
    audit_record(
        spec=spec,
        actor=owner,
        verb="review.dismissed",
        target=f"#{cr.number}",
        review=review.pk,
        reviewer_id=reviewer.pk,
        reviewer="rita",
        reason="Addressed in the second round",
    )
    assert _told() == {
        "rita": (Kind.REVIEW_DISMISSED, "olivia dismissed your review of #1 Add labels")
    }
    assert Notification.objects.get().excerpt == "Addressed in the second round"


# Comments and mentions.


def test_a_comment_tells_the_author_and_mentioned_members_once_each(
    spec, editor, reviewer, viewer, owner, outsider
):
    cr = _in_review(spec, editor)
    body = "@edgar and @victor, see `@olivia` and @oscar and @nobody; mail rita@example.com"
    comment = threads.change_request_comment(change_request=cr, author=reviewer, body=body)
    assert _told() == {
        "edgar": (Kind.MENTION, "rita mentioned you on #1 Add labels"),
        "victor": (Kind.MENTION, "rita mentioned you on #1 Add labels"),
    }, "one for the author (the mention), none in code, for outsiders or unknown names"
    assert set(Notification.objects.values_list("url", flat=True)) == {
        _cr_path(cr, "tab=conversation", f"comment-{comment.pk}")
    }


def test_a_plain_comment_tells_the_author_only(spec, editor, reviewer):
    cr = _in_review(spec, editor)
    threads.change_request_comment(change_request=cr, author=reviewer, body="Looks fine")
    assert _told() == {"edgar": (Kind.COMMENT, "rita commented on #1 Add labels")}


def test_the_author_commenting_on_their_own_request_tells_nobody(spec, editor):
    cr = _in_review(spec, editor)
    threads.change_request_comment(change_request=cr, author=editor, body="Note to self @edgar")
    assert Notification.objects.count() == 0


def test_a_description_mention_tells_the_member(spec, editor, reviewer, outsider):
    services.change_request_open(
        spec=ready_spec(spec), author=editor, title="Labels", description="@rita and @oscar: ok?"
    )
    assert _told() == {"rita": (Kind.MENTION, "edgar mentioned you in #1 Labels")}


def test_a_reply_tells_the_thread_and_the_author(spec, workspace, editor, reviewer, owner, viewer):
    """comment.replied as `threads` writes it: root author, earlier repliers, the request's
    author, and the mentioned, each once; never the one who replied."""
    erin = _member(workspace, "erin")
    cr = _in_review(spec, editor)
    root = threads.change_request_comment(change_request=cr, author=owner, body="Why?")
    earlier = Comment.objects.create(
        change_request=cr, author=reviewer, body="Because", parent=root
    )
    audit_record(
        spec=spec,
        actor=reviewer,
        verb="comment.replied",
        target=f"#{cr.number}",
        comment=earlier.pk,
        parent=root.pk,
    )
    Notification.objects.all().delete()
    reply = Comment.objects.create(
        change_request=cr, author=erin, body="Agreed, @victor?", parent=root
    )
    audit_record(
        spec=spec,
        actor=erin,
        verb="comment.replied",
        target=f"#{cr.number}",
        comment=reply.pk,
        parent=root.pk,
    )
    said = "erin replied to a thread on #1 Add labels"
    assert _told() == {
        "olivia": (Kind.REPLY, said),
        "rita": (Kind.REPLY, said),
        "edgar": (Kind.REPLY, said),
        "victor": (Kind.MENTION, "erin mentioned you on #1 Add labels"),
    }
    assert Notification.objects.filter(url__endswith=f"#comment-{reply.pk}").count() == 4


# Merged.


def test_merged_tells_the_author_and_every_reviewer(spec, workspace, editor, reviewer, owner):
    second = _member(workspace, "rob", Role.REVIEWER)
    cr = _in_review(spec, editor)
    services.change_request_review(change_request=cr, reviewer=second, verdict="comment")
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    Notification.objects.all().delete()
    services.change_request_merge(change_request=cr, actor=owner)
    said = "olivia merged #1 Add labels"
    assert _told() == {
        "edgar": (Kind.MERGED, said),
        "rita": (Kind.MERGED, said),
        "rob": (Kind.MERGED, said),
    }


def test_the_author_merging_is_not_told(spec, editor, reviewer):
    cr = _in_review(spec, editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    Notification.objects.all().delete()
    services.change_request_merge(change_request=cr, actor=editor)
    assert _told() == {"rita": (Kind.MERGED, "edgar merged #1 Add labels")}


def test_a_member_who_left_is_not_told(spec, editor, reviewer):
    cr = _in_review(spec, editor)
    Membership.objects.filter(user=editor).delete()
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    assert Notification.objects.count() == 0


# Export outcomes (the hook in services/git.py: export=<id> in the export.* audit event).


@pytest.mark.django_db(transaction=True)
def test_a_failed_export_after_a_merge_tells_the_author_and_the_merger(
    spec, editor, reviewer, owner, target, remote, tmp_path
):
    GitTarget.objects.filter(pk=target.pk).update(repository=str(tmp_path / "gone.git"))
    cr = _in_review(spec, editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    services.change_request_merge(change_request=cr, actor=owner)
    export = Export.objects.get()
    assert export.status == "failed"
    said = "The export of r2 of Todo to git failed (#1 Add labels)"
    told = _told(kind=Kind.EXPORT_FAILED)
    assert told == {"edgar": (Kind.EXPORT_FAILED, said), "olivia": (Kind.EXPORT_FAILED, said)}
    notification = Notification.objects.get(recipient=owner, kind=Kind.EXPORT_FAILED)
    assert notification.url == reverse("specs_app:exports", args=["acme", "todo"])
    assert "Reading the remote" in notification.excerpt


def test_a_drifted_manual_export_tells_the_admins_and_who_asked(
    spec, workspace, editor, owner, target, remote
):
    second_admin = _member(workspace, "alma", Role.ADMIN)
    push_file(remote, "specs/api/rest-endpoints.md", "Edited in git.\n")
    assert git_services.export_now(spec=spec, actor=editor).status == "drift"
    said = "The export of r1 of Todo stopped: its files were changed in git"
    assert _told() == {
        "olivia": (Kind.EXPORT_DRIFTED, said),
        "alma": (Kind.EXPORT_DRIFTED, said),
        "edgar": (Kind.EXPORT_DRIFTED, said),
    }
    assert second_admin.notifications.get().change_request is None


def test_a_succeeded_export_tells_nobody(spec, owner, target, remote):
    assert git_services.export_now(spec=spec, actor=owner).status == "succeeded"
    assert Notification.objects.count() == 0


# Cost and shape.


def test_other_verbs_cost_no_query_beyond_the_event(spec, editor, django_assert_num_queries):
    with django_assert_num_queries(1):
        audit_record(spec=spec, actor=editor, verb="endpoint.changed", target="#1", item="x")
    assert Notification.objects.count() == 0


def test_one_notification_per_recipient_per_event(spec, editor, reviewer):
    cr = _in_review(spec, editor)
    threads.change_request_comment(change_request=cr, author=reviewer, body="@edgar @edgar")
    event = AuditEvent.objects.get(verb="comment.added")
    assert list(Notification.objects.values_list("event", "recipient")) == [(event.pk, editor.pk)]


def test_mentioned_usernames_are_those_rendering_links():
    assert mentioned_usernames("@bob, @carol. and `@dave` a@b.com @bob\n\n    @code") == [
        "bob",
        "carol",
    ]
    assert mentioned_usernames("no mentions") == []


def test_workspace_mentions_link_every_member_in_one_query(
    workspace, owner, editor, outsider, django_assert_num_queries
):
    with django_assert_num_queries(1):
        mentions = workspace_mentions(workspace=workspace)
    assert mentions == {
        "olivia": reverse("specs_app:member_detail", args=["acme", "olivia"]),
        "edgar": reverse("specs_app:member_detail", args=["acme", "edgar"]),
    }
    assert mentions["edgar"] == "/w/acme/people/edgar/"


# Email: after commit, through the tasks backend; never on rollback; opt-out respected.


def _comment_committed(cr, author, body, capture):
    with capture(execute=True):
        return threads.change_request_comment(change_request=cr, author=author, body=body)


def test_the_email_follows_the_commit(
    spec, editor, reviewer, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://studio.example.com"
    cr = _in_review(spec, editor)
    assert mailoutbox == []
    comment = _comment_committed(
        cr, reviewer, "Please **rename** <b>it</b>", django_capture_on_commit_callbacks
    )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == "[Spec Studio] rita commented on #1 Add labels"
    assert mail.to == ["edgar@example.com"]
    link = f"https://studio.example.com{_cr_path(cr, 'tab=conversation', f'comment-{comment.pk}')}"
    assert link in mail.body and "Please **rename** <b>it</b>" in mail.body
    html, mime = mail.alternatives[0]
    assert mime == "text/html"
    assert f'href="{link.replace("&", "&amp;")}"' in html
    assert "&lt;b&gt;it&lt;/b&gt;" in html and "<b>it</b>" not in html
    assert Notification.objects.get().emailed_at is not None


def test_review_request_email_subject(
    spec, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    cr = _in_review(spec, editor)
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(
            spec=spec,
            actor=editor,
            verb="review.requested",
            target=f"#{cr.number}",
            reviewer_ids=[reviewer.pk],
            reviewers=["rita"],
            again=False,
        )
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("[Spec Studio] edgar requested your review on #1 Add labels", ["rita@example.com"])
    ]


def test_nothing_is_sent_before_the_commit(
    spec, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    cr = _in_review(spec, editor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        threads.change_request_comment(change_request=cr, author=reviewer, body="Hm")
    assert mailoutbox == [] and len(callbacks) >= 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_or_kept_when_the_transaction_rolls_back(
    spec, editor, reviewer, mailoutbox
):
    cr = _in_review(spec, editor)
    with pytest.raises(RuntimeError), transaction.atomic():
        threads.change_request_comment(change_request=cr, author=reviewer, body="@edgar hi")
        assert Notification.objects.count() == 1
        raise RuntimeError("something later failed")
    assert Notification.objects.count() == 0 and mailoutbox == []

    threads.change_request_comment(change_request=cr, author=reviewer, body="@edgar hi")
    assert Notification.objects.count() == 1 and len(mailoutbox) == 1, "committed: sent"


def test_opting_out_keeps_the_inbox_but_sends_nothing(
    spec, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=editor, email=False)
    cr = _in_review(spec, editor)
    _comment_committed(cr, reviewer, "@edgar look", django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=editor).count() == 1 and mailoutbox == []


def test_a_muted_kind_is_not_emailed_but_others_are(
    spec, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=editor, muted_kinds=[Kind.COMMENT])
    cr = _in_review(spec, editor)
    _comment_committed(cr, reviewer, "Plain comment", django_capture_on_commit_callbacks)
    assert mailoutbox == []
    _comment_committed(cr, reviewer, "Now @edgar", django_capture_on_commit_callbacks)
    assert [m.subject for m in mailoutbox] == ["[Spec Studio] rita mentioned you on #1 Add labels"]


def test_no_address_no_email(
    spec, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    type(editor).objects.filter(pk=editor.pk).update(email="")
    cr = _in_review(spec, editor)
    _comment_committed(cr, reviewer, "Hi", django_capture_on_commit_callbacks)
    assert mailoutbox == [] and Notification.objects.count() == 1


def test_a_mail_server_failure_breaks_nothing(
    spec, editor, reviewer, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    cr = _in_review(spec, editor)
    comment = _comment_committed(cr, reviewer, "Hi", django_capture_on_commit_callbacks)
    assert comment.pk and mailoutbox == []
    notification = Notification.objects.get()
    assert notification.emailed_at is None, "not marked sent: a retry may send it"


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_worker_sends_the_email(spec, editor, reviewer, mailoutbox):
    cr = _in_review(spec, editor)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        threads.change_request_comment(change_request=cr, author=reviewer, body="Queued")
        assert mailoutbox == [] and Notification.objects.get().emailed_at is None
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [m.subject for m in mailoutbox] == ["[Spec Studio] rita commented on #1 Add labels"]
    assert Notification.objects.get().emailed_at is not None


def test_a_task_delivered_twice_sends_once(
    spec, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    cr = _in_review(spec, editor)
    _comment_committed(cr, reviewer, "Once", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert notification_email_task.call(Notification.objects.get().pk) == "skipped"
    assert len(mailoutbox) == 1
