"""Thin views: parse, fetch and authorise (access.py), call a service or selector, render.

Participants' pages work with no account and no JavaScript: one statement at a time with
three large buttons, each a plain form post that redirects to the next statement."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from village.conversations import access, forms, policy, selectors, services
from village.conversations.models import STATEMENT_HARD_LIMIT, Conversation, Link, Voter
from village.conversations.standing import standing_of
from village.engines.identifying import identifying_hints
from village.exports import csv_text
from village.htmx import is_htmx
from village.language import selectors as language_selectors
from village.language.after_post import hold_once
from village.language.middleware import current_partnership_id, read_with
from village.once import run_once
from village.pdf import PdfUnavailable, pdf_from_html
from village.people import throttle
from village.people.browser_key import browser_key
from village.people.models import Member
from village.people.selectors import agencies_for

ConversationError = policy.ConversationError


def _member(request: HttpRequest) -> Member | None:
    member = getattr(request, "member", None)
    return member if member else None


def _can(request: HttpRequest, conversation: Conversation, *, joined: bool) -> policy.Abilities:
    return policy.abilities(
        conversation=conversation,
        people=policy.people_of(member=_member(request), conversation=conversation),
        joined=joined,
    )


# --- starting and running ---------------------------------------------------------------------


@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        raise PermissionDenied
    conversations = selectors.conversations_for(partnership=member.partnership)
    return render(
        request,
        "conversations/list.html",
        {
            "rows": [
                (c, policy.STATE_LABELS[policy.state_of(c)], _can(request, c, joined=False))
                for c in conversations
            ],
            "can_create": policy.can_run_conversations(member=member),
        },
    )


@login_required
def conversation_create(request: HttpRequest) -> HttpResponse:
    member = access.access_runner(member=_member(request))
    form = forms.ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                conversation = services.conversation_create(
                    partnership=member.partnership, created_by=member, **form.values()
                )
            except ConversationError as error:
                form.add_error(None, str(error))
                return render(request, "conversations/create.html", {"form": form})
            messages.success(request, _("The conversation is ready. Make its links next."))
            return redirect("conversations:manage", pk=conversation.pk)

        return run_once(request, create)
    return render(request, "conversations/create.html", {"form": form})


def _manage_context(conversation: Conversation, member: Member, **extra: Any) -> dict[str, Any]:
    constituencies = selectors.constituencies_of(conversation=conversation)
    counts = selectors.counts_by_constituency(conversation=conversation)
    can = policy.abilities(
        conversation=conversation,
        people=policy.people_of(member=member, conversation=conversation),
        joined=False,
    )
    context: dict[str, Any] = {
        "conversation": conversation,
        "state": policy.STATE_LABELS[policy.state_of(conversation)],
        "can": can,
        "groups": [(c, counts.get(c.pk, 0)) for c in constituencies],
        "open_link_count": counts.get(None, 0),
        "links": selectors.links_of(conversation=conversation),
        "link_form": forms.LinkForm(constituencies=constituencies),
        "seeds_form": forms.SeedsForm(),
        "moderators_form": forms.ModeratorsForm(
            members=_partnership_members(conversation),
            initial={"moderators": list(conversation.moderators.all())},
        ),
        "waiting": selectors.pending_count(conversation=conversation),
        "statements": selectors.votable_statements(conversation=conversation).order_by("text"),
        "actions": selectors.actions_of(conversation=conversation),
        "action_form": forms.ActionForm(
            statements=selectors.result_statements(conversation=conversation),
            agencies=agencies_for(partnership=conversation.partnership),
        ),
    }
    context.update(extra)
    return context


def _partnership_members(conversation: Conversation) -> Any:
    return Member.objects.filter(
        partnership=conversation.partnership, deactivated_at__isnull=True
    ).order_by("display_name")


@login_required
@require_GET
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, member = access.access_management(pk=pk, member=_member(request))
    return render(request, "conversations/manage.html", _manage_context(conversation, member))


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, member = access.access_management(pk=pk, member=_member(request))
    initial = {
        "question": conversation.question,
        "context": conversation.context,
        "opens_at": conversation.opens_at,
        "closes_at": conversation.closes_at,
        "moderation": conversation.moderation,
        "results_while_open": conversation.results_while_open,
        "moderation_policy": conversation.moderation_policy,
        "statement_max_length": conversation.statement_max_length,
        **{f"expected_{c.kind}": c.expected for c in conversation.constituencies.all()},
    }
    form = forms.ConversationForm(request.POST or None, initial=initial, new=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.conversation_update(conversation=conversation, actor=member, **form.values())
        except ConversationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The conversation is updated."))
            return redirect("conversations:manage", pk=conversation.pk)
    return render(request, "conversations/edit.html", {"form": form, "conversation": conversation})


def _back_to_manage(request: HttpRequest, pk: int, error: str = "", done: str = "") -> HttpResponse:
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect("conversations:manage", pk=pk)


@login_required
@require_POST
def seeds(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, member = access.access_management(pk=pk, member=_member(request))
    form = forms.SeedsForm(request.POST)
    if not form.is_valid():
        return _back_to_manage(request, pk, error=str(next(iter(form.errors.values()))[0]))

    def create() -> HttpResponse:
        try:
            added = services.seeds_add(
                conversation=conversation,
                actor=member,
                seeds=form.cleaned_data["seeds"].splitlines(),
            )
        except ConversationError as error:
            return _back_to_manage(request, pk, error=str(error))
        return _back_to_manage(request, pk, done=_("%(n)s seed statements added.") % {"n": added})

    return run_once(request, create)


@login_required
@require_POST
def links_create(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, member = access.access_management(pk=pk, member=_member(request))
    form = forms.LinkForm(
        request.POST, constituencies=selectors.constituencies_of(conversation=conversation)
    )
    if not form.is_valid():
        return render(
            request,
            "conversations/manage.html",
            _manage_context(conversation, member, link_form=form),
        )

    def create() -> HttpResponse:
        try:
            made = services.link_create(
                conversation=conversation, actor=member, **form.link_values()
            )
        except ConversationError as error:
            return _back_to_manage(request, pk, error=str(error))
        return _back_to_manage(request, pk, done=_("%(n)s link(s) made.") % {"n": len(made)})

    return run_once(request, create)


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    member, link = access.access_link_to_manage(pk=pk, link_pk=link_pk, member=_member(request))
    try:
        services.link_revoke(link=link, actor=member)
    except ConversationError as error:
        return _back_to_manage(request, pk, error=str(error))
    return _back_to_manage(request, pk, done=_("The link is stopped. Nobody new can use it."))


@login_required
@require_POST
def moderators(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, member = access.access_management(pk=pk, member=_member(request))
    form = forms.ModeratorsForm(request.POST, members=_partnership_members(conversation))
    if not form.is_valid():
        return _back_to_manage(request, pk, error=_("Choose members of this partnership."))
    try:
        services.moderators_set(
            conversation=conversation, actor=member, members=list(form.cleaned_data["moderators"])
        )
    except ConversationError as error:
        return _back_to_manage(request, pk, error=str(error))
    return _back_to_manage(request, pk, done=_("The co-moderators are saved."))


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, member = access.access_management(pk=pk, member=_member(request))
    try:
        services.conversation_close(conversation=conversation, actor=member)
    except ConversationError as error:
        return _back_to_manage(request, pk, error=str(error))
    return _back_to_manage(request, pk, done=_("The conversation is closed."))


@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, member = access.access_management(pk=pk, member=_member(request))
    form = forms.ActionForm(
        request.POST,
        statements=selectors.result_statements(conversation=conversation),
        agencies=agencies_for(partnership=conversation.partnership),
    )
    if not form.is_valid():
        return render(
            request,
            "conversations/manage.html",
            _manage_context(conversation, member, action_form=form),
        )

    def create() -> HttpResponse:
        try:
            services.action_create(conversation=conversation, actor=member, **form.cleaned_data)
        except ConversationError as error:
            return _back_to_manage(request, pk, error=str(error))
        return _back_to_manage(request, pk, done=_("Action added."))

    return run_once(request, create)


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    member, action = access.access_action(pk=pk, action_pk=action_pk, member=_member(request))
    form = forms.ActionStatusForm(request.POST)
    if not form.is_valid():
        return _back_to_manage(request, pk, error=_("Choose how the action is going."))
    try:
        services.action_update(action=action, actor=member, status=form.cleaned_data["status"])
    except ConversationError as error:
        return _back_to_manage(request, pk, error=str(error))
    return _back_to_manage(request, pk, done=_("The action's progress is saved."))


@login_required
def in_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the cards from a meeting: each person's answers, with their agreement."""
    conversation, member = access.access_management(pk=pk, member=_member(request))
    people = forms.in_person_people(request.POST.get("people") or request.GET.get("people"))
    form = forms.InPersonForm(
        request.POST or None,
        constituencies=selectors.constituencies_of(conversation=conversation),
        statements=list(selectors.votable_statements(conversation=conversation).order_by("text")),
        people=people,
    )
    context = {
        "conversation": conversation,
        "form": form,
        "people": people,
        "can": policy.abilities(
            conversation=conversation,
            people=policy.people_of(member=member, conversation=conversation),
            joined=False,
        ),
    }
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                added = services.in_person_record(
                    conversation=conversation,
                    actor=member,
                    constituency=form.chosen_constituency(),
                    consent_recorded=form.cleaned_data["consent"],
                    cards=form.cards(),
                )
            except ConversationError as error:
                form.add_error(None, str(error))
                return render(request, "conversations/in_person.html", context)
            return _back_to_manage(
                request,
                pk,
                done=_("%(votes)s votes from %(people)s people added.")
                % {"votes": added, "people": len(form.cards())},
            )

        return run_once(request, create)
    return render(request, "conversations/in_person.html", context)


# --- taking part ------------------------------------------------------------------------------


def _link_for_code(request: HttpRequest, code: str) -> Link:
    """Find the link; misses count towards this client's limit on trying codes."""
    if throttle.is_over(request, action="code"):
        raise throttle.Throttled(throttle.message("code"))
    try:
        return access.access_link(code=code)
    except Http404:
        throttle.check(request, action="code")
        raise Http404(_("We could not find a conversation with that link.")) from None


def _join_form(link: Link, data: Any = None) -> forms.JoinForm:
    constituencies = (
        selectors.constituencies_of(conversation=link.conversation) if link.is_open_link else None
    )
    return forms.JoinForm(data, constituencies=constituencies)


def join(request: HttpRequest, code: str) -> HttpResponse:
    """The page a link opens: the question, why it matters, the moderation policy, and one
    button to take part. No account needed."""
    link = _link_for_code(request, code)
    conversation = link.conversation
    member = _member(request)
    voter = selectors.voter_for(
        conversation=conversation, member=member, browser_key=browser_key(request)
    )
    form = _join_form(link, request.POST if request.method == "POST" else None)
    if request.method == "POST" and voter is None and form.is_valid():

        def create() -> HttpResponse:
            try:
                if policy.Person.GUEST in policy.people_of(
                    member=member, conversation=conversation
                ):
                    throttle.check(request, action="join", scope=f"conversation:{conversation.pk}")
                services.voter_join(
                    link=link,
                    member=member,
                    browser_key=browser_key(request),
                    declared=form.declared_constituency(),
                    career_stage=form.cleaned_data.get("career_stage", ""),
                )
            except (ConversationError, throttle.Throttled) as error:
                form.add_error(None, str(error))
                return _join_page(request, link, form, None)
            return redirect("conversations:vote", pk=conversation.pk)

        return run_once(request, create)
    if request.method == "POST" and voter is not None:
        return redirect("conversations:vote", pk=conversation.pk)
    return _join_page(request, link, form, voter)


def _join_page(
    request: HttpRequest, link: Link, form: forms.JoinForm, voter: Voter | None
) -> HttpResponse:
    conversation = link.conversation
    refusal = policy.decide_for(
        act=policy.Act.JOIN,
        conversation=conversation,
        people=policy.people_of(member=_member(request), conversation=conversation),
        joined=False,
    ).reason
    full = link.uses_left == 0 or link.revoked
    return render(
        request,
        "conversations/join.html",
        {
            "conversation": conversation,
            "link": link,
            "form": form,
            "voter": voter,
            "refusal": refusal,
            "full": full and voter is None,
        },
    )


def _participant(request: HttpRequest, pk: int) -> tuple[Conversation, Voter]:
    conversation, voter = access.access_participation(
        pk=pk, member=_member(request), browser_key=browser_key(request)
    )
    read_with(partnership_id=conversation.partnership_id)
    return conversation, voter


SAVED = {
    1: gettext_lazy("Saved: you agree. Here is the next statement."),
    -1: gettext_lazy("Saved: you disagree. Here is the next statement."),
    0: gettext_lazy("Saved: you passed. Here is the next statement."),
}


def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """One statement at a time: agree, disagree or pass. A post saves the answer (a changed
    one too) and goes to the next statement: from a page with scripts, the answer is sent in
    the background and the reply is the next statement alone, so a vote is one request."""
    conversation, voter = _participant(request, pk)
    if request.method != "POST":
        return _ballot_page(request, conversation, voter)
    form = forms.VoteForm(request.POST)
    error, status = "", ""
    if not form.is_valid():
        error = _("Choose agree, disagree or pass.")
    else:
        try:
            services.vote_cast(
                voter=voter,
                member=_member(request),
                statement_id=form.cleaned_data["statement"],
                value=form.cleaned_data["value"],
            )
            status = str(SAVED[form.cleaned_data["value"]])
        except ConversationError as exc:
            error = str(exc)
    if is_htmx(request):
        return render(
            request,
            "conversations/_vote_saved.html",
            _ballot_context(request, conversation, voter, error=error, status=status),
        )
    if error:
        messages.error(request, error)
    if request.POST.get("back") == "answers":
        return redirect("conversations:answers", pk=pk)
    return redirect("conversations:vote", pk=pk)


def _ballot_context(
    request: HttpRequest, conversation: Conversation, voter: Voter, **extra: str
) -> dict[str, Any]:
    return {
        "conversation": conversation,
        "voter": voter,
        "ballot": selectors.ballot_of(conversation=conversation, pseudonym=voter.pseudonym),
        "can": _can(request, conversation, joined=True),
        "choices": forms.VALUE_CHOICES,
        **extra,
    }


def _ballot_page(request: HttpRequest, conversation: Conversation, voter: Voter) -> HttpResponse:
    return render(request, "conversations/vote.html", _ballot_context(request, conversation, voter))


@require_GET
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    """Every answer this person gave, each changeable."""
    conversation, voter = _participant(request, pk)
    return render(
        request,
        "conversations/answers.html",
        {
            "conversation": conversation,
            "answers": selectors.own_votes(conversation=conversation, pseudonym=voter.pseudonym),
            "can": _can(request, conversation, joined=True),
            "choices": forms.VALUE_CHOICES,
        },
    )


@require_GET
def standing(request: HttpRequest, pk: int) -> HttpResponse:
    """Where I stand: how often each constituency and each opinion group of the last results
    answered as this person did, with any group too small to show hidden. Shown when this
    person may see the results."""
    try:
        conversation, voter = access.access_standing(
            pk=pk, member=_member(request), browser_key=browser_key(request)
        )
    except access.ResultsNotYet as refused:
        return render(
            request,
            "conversations/standing.html",
            {"conversation": refused.conversation, "refusal": refused.reason},
            status=403,
        )
    groups = selectors.snapshot_groups(conversation=conversation)
    return render(
        request,
        "conversations/standing.html",
        {
            "conversation": conversation,
            "standing": standing_of(conversation=conversation, voter=voter, opinion_groups=groups),
            "groups_ready": groups is not None,
            "can": _can(request, conversation, joined=True),
        },
    )


def _write_checks(conversation: Conversation, text: str) -> dict[str, Any]:
    """What a writer sees before posting: anything that looks identifying, the language
    lens's suggestions, statements that say much the same, and whether it is too long."""
    return {
        "identifying_hints": identifying_hints(text),
        "lens": language_selectors.hints_for(text=text, partnership_id=current_partnership_id()),
        "similar": selectors.similar_to(conversation=conversation, text=text),
        "too_long": len(" ".join(text.split())) > conversation.statement_max_length,
    }


def write(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a statement. Before it is posted, the page shows anything that looks like it
    could identify someone, the language lens's suggestions, and statements already there
    that say much the same; the writer can change it or post it as it is."""
    conversation, _voter = _participant(request, pk)
    check_url = reverse("conversations:write_check", kwargs={"pk": pk})
    form = forms.StatementForm(request.POST or None, check_url=check_url)
    context: dict[str, Any] = {
        "conversation": conversation,
        "can": _can(request, conversation, joined=True),
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        checks = _write_checks(conversation, text)
        # Too long comes back every time; the other checks (the lens's hints among them,
        # unless the live checks showed them) come back once, then it goes as it is.
        found = bool(checks["identifying_hints"] or checks["similar"])
        if checks["too_long"] or hold_once(form, found=found):
            context.update(checks)
            return render(request, "conversations/write.html", context)

        def create() -> HttpResponse:
            try:
                throttle.check(request, action="post", scope=f"conversation:{conversation.pk}")
                statement = services.statement_write(
                    conversation=conversation,
                    member=_member(request),
                    browser_key=browser_key(request),
                    text=text,
                )
            except (ConversationError, throttle.Throttled) as error:
                form.add_error("text", str(error))
                return render(request, "conversations/write.html", context)
            messages.success(
                request,
                _("Thank you. Your statement is posted for others to vote on.")
                if statement.state == "accepted"
                else _("Thank you. A moderator will look at your statement soon."),
            )
            return redirect("conversations:vote", pk=pk)

        return run_once(request, create)
    return render(request, "conversations/write.html", context)


@require_POST
def write_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The checks of a statement being typed, for the write page to show as it changes
    (HTMX, a pause after typing). A post, so a draft never sits in an address that proxies
    and browsers keep; it writes nothing."""
    conversation, _voter = _participant(request, pk)
    text = str(request.POST.get("text", ""))[: STATEMENT_HARD_LIMIT * 4]
    checks = _write_checks(conversation, text) if text.strip() else {}
    return render(
        request,
        "conversations/_write_checks.html",
        {"conversation": conversation, "live": True, **checks},
    )


# --- moderating -------------------------------------------------------------------------------


@login_required
@require_GET
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, _moderator = access.access_moderation(pk=pk, member=_member(request))
    return render(
        request,
        "conversations/moderate.html",
        {
            "conversation": conversation,
            "can": _can(request, conversation, joined=False),
            "queue": selectors.moderation_queue(conversation=conversation),
            "accepted": selectors.decided(conversation=conversation, state="accepted"),
            "rejected": selectors.decided(conversation=conversation, state="rejected"),
            "reject_form": forms.RejectForm(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    """Accept a statement, or reject it with a reason from the policy."""
    _conversation, member, statement = access.access_statement_to_moderate(
        pk=pk, statement_pk=statement_pk, member=_member(request)
    )
    try:
        if request.POST.get("decision") == "accept":
            services.statement_accept(statement=statement, actor=member)
            messages.success(request, _("Accepted."))
        else:
            form = forms.RejectForm(request.POST)
            if not form.is_valid():
                raise ConversationError(_("Choose the reason from the moderation policy."))
            services.statement_reject(
                statement=statement, actor=member, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Not accepted. The reason is counted in the log."))
    except ConversationError as error:
        messages.error(request, str(error))
    return redirect("conversations:moderate", pk=pk)


def _statement_change(request: HttpRequest, pk: int, statement_pk: int, kind: str) -> HttpResponse:
    conversation, member, statement = access.access_statement_to_moderate(
        pk=pk, statement_pk=statement_pk, member=_member(request)
    )
    form_class = forms.SplitForm if kind == "split" else forms.TextForm
    initial = {"parts" if kind == "split" else "text": statement.text}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "split":
                services.statement_split(
                    statement=statement,
                    actor=member,
                    parts=form.cleaned_data["parts"].splitlines(),
                )
            elif kind == "reword":
                services.statement_reword(
                    statement=statement, actor=member, text=form.cleaned_data["text"]
                )
            else:
                services.statement_edit(
                    statement=statement, actor=member, text=form.cleaned_data["text"]
                )
        except ConversationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved. The log counts the change."))
            return redirect("conversations:moderate", pk=pk)
    return render(
        request,
        "conversations/statement_change.html",
        {"conversation": conversation, "statement": statement, "form": form, "kind": kind},
    )


@login_required
def statement_edit(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    return _statement_change(request, pk, statement_pk, "edit")


@login_required
def statement_split(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    return _statement_change(request, pk, statement_pk, "split")


@login_required
def statement_reword(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    return _statement_change(request, pk, statement_pk, "reword")


# --- the published moderation log -------------------------------------------------------------


def _log_conversation(request: HttpRequest, pk: int) -> Conversation:
    return access.access_log(pk=pk, member=_member(request), browser_key=browser_key(request))


@require_GET
def log(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _log_conversation(request, pk)
    return render(
        request,
        "conversations/log.html",
        {
            "conversation": conversation,
            "rows": selectors.moderation_log(conversation=conversation),
            "waiting": selectors.pending_count(conversation=conversation),
        },
    )


@require_GET
def log_csv(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _log_conversation(request, pk)
    rows = selectors.moderation_log_rows(selectors.moderation_log(conversation=conversation))
    response = HttpResponse(
        csv_text(header=selectors.LOG_CSV_HEADER, rows=rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="conversation-{conversation.pk}-moderation-log.csv"'
    )
    return response


# --- results ----------------------------------------------------------------------------------


def _results_conversation(request: HttpRequest, pk: int, act: policy.Act) -> Conversation:
    return access.access_results(
        pk=pk, member=_member(request), browser_key=browser_key(request), act=act
    )


def _results_page(request: HttpRequest, pk: int, *, printing: bool) -> HttpResponse:
    act = policy.Act.EXPORT_RESULTS if printing else policy.Act.READ_RESULTS
    try:
        conversation = _results_conversation(request, pk, act)
    except access.ResultsNotYet as refused:
        return _results_refused(request, refused)
    return render(
        request,
        "conversations/results.html",
        {
            "results": selectors.results_for(conversation=conversation),
            "printing": printing,
            "can": _can(request, conversation, joined=True),
        },
    )


@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results the worker last computed: nothing is computed for a page."""
    return _results_page(request, pk, printing=False)


@require_GET
def results_print(request: HttpRequest, pk: int) -> HttpResponse:
    return _results_page(request, pk, printing=True)


def _results_refused(request: HttpRequest, refused: access.ResultsNotYet) -> HttpResponse:
    return render(
        request, "conversations/results_not_yet.html", {"reason": refused.reason}, status=403
    )


@require_GET
def results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The results as a PDF (WeasyPrint), from the same parts as the page, with a small
    print stylesheet of its own."""
    try:
        conversation = _results_conversation(request, pk, policy.Act.EXPORT_RESULTS)
    except access.ResultsNotYet as refused:
        return _results_refused(request, refused)
    html = render_to_string(
        "conversations/results_pdf.html",
        {"results": selectors.results_for(conversation=conversation), "printing": True},
        request=request,
    )
    try:
        pdf = pdf_from_html(html)
    except PdfUnavailable:
        return render(
            request,
            "conversations/results_not_yet.html",
            {
                "title": _("A PDF cannot be made here"),
                "reason": _(
                    "This server cannot make PDFs. Open the print view and use your "
                    "browser's Print, which can save a PDF too."
                ),
            },
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="conversation-{pk}-results.pdf"'
    return response


@require_GET
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        conversation = _results_conversation(request, pk, policy.Act.EXPORT_RESULTS)
    except access.ResultsNotYet as refused:
        return _results_refused(request, refused)
    found = selectors.results_for(conversation=conversation)
    response = HttpResponse(
        csv_text(header=selectors.RESULTS_CSV_HEADER, rows=selectors.results_csv_rows(found)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="conversation-{pk}-results.csv"'
    return response
