"""Thin views: parse, fetch and authorise (access.py), call a service or selector, render.

Every change is a form post that redirects (post, redirect, get); removing and publishing
ask first. A refusal from a service is shown in its own plain words, with what was typed
kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from village.once import run_once
from village.people.models import Member
from village.reviews import access, forms, policy, selectors, services
from village.reviews.models import Amendment, CharterVersion, Clause, ClauseKind, Value
from village.reviews.policy import ReviewError


def _member(request: HttpRequest) -> Member:
    member = getattr(request, "member", None)
    if not member:
        raise PermissionDenied
    return member


def _posted(request: HttpRequest) -> Any:
    """The form data of a post, even an empty one (so it gets its errors); None otherwise."""
    return request.POST if request.method == "POST" else None


def _can(target: policy.Target, member: Member) -> dict[str, bool]:
    return policy.abilities(target=target, member=member)


def _version_url(version: CharterVersion) -> str:
    if version.is_published:
        return reverse("reviews:version", args=[version.pk])
    return reverse("reviews:draft", args=[version.pk])


# --- reading the charter ----------------------------------------------------------------------


@login_required
@require_GET
def charter(request: HttpRequest) -> HttpResponse:
    """The charter in force, read relationally; or how to start one."""
    member = _member(request)
    found = selectors.charter_of(partnership=member.partnership)
    published = selectors.published_version(charter=found) if found else None
    if published is not None:
        return _version_page(request, published, member)
    return render(
        request,
        "reviews/charter_none.html",
        {
            "draft": selectors.draft_of(charter=found) if found else None,
            "can_start": policy.can_open_reviews(member=member, partnership=member.partnership),
        },
    )


@login_required
@require_GET
def version(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    return _version_page(request, access.access_version(pk=pk, member=member), member)


def _version_page(request: HttpRequest, version: CharterVersion, member: Member) -> HttpResponse:
    charter = version.charter
    current = selectors.published_version(charter=charter)
    return render(
        request,
        "reviews/charter_version.html",
        {
            "version": version,
            "in_force": current is not None and current.pk == version.pk,
            "draft": selectors.draft_of(charter=charter),
            "readings": selectors.charter_reading(version=version),
            "open_amendments": selectors.amendments_of(charter=charter, state="open").count(),
            "can": _can(version, member),
            "can_name": policy.can_set_representatives(
                member=member, partnership=member.partnership
            ),
        },
    )


@login_required
@require_POST
def load_default(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    try:
        draft = services.charter_load_default(partnership=member.partnership, actor=member)
    except ReviewError as error:
        messages.error(request, str(error))
        return redirect("reviews:charter")
    messages.success(
        request, _("Village's default charter is your draft. Change it, then publish it.")
    )
    return redirect("reviews:draft", pk=draft.pk)


@login_required
@require_GET
def versions(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    found = selectors.charter_of(partnership=member.partnership)
    rows = list(selectors.versions_of(charter=found)) if found else []
    numbers = [v.number for v in rows]
    form = forms.DifferencesForm(
        numbers=numbers,
        initial={"old": numbers[1], "new": numbers[0]} if len(numbers) > 1 else {},
    )
    return render(request, "reviews/charter_versions.html", {"rows": rows, "form": form})


@login_required
@require_GET
def differences(request: HttpRequest) -> HttpResponse:
    """The differences between any two versions, word by word."""
    member = _member(request)
    found = selectors.charter_of(partnership=member.partnership)
    if found is None:
        return redirect("reviews:charter")
    by_number = {v.number: v for v in selectors.versions_of(charter=found)}
    form = forms.DifferencesForm(request.GET, numbers=list(by_number))
    found_differences = None
    if form.is_valid():
        old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
        found_differences = selectors.version_differences(old=old, new=new)
    return render(
        request,
        "reviews/charter_differences.html",
        {"form": form, "differences": found_differences},
    )


# --- changing the draft -----------------------------------------------------------------------


@login_required
@require_POST
def draft_start(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    version = access.access_version(pk=pk, member=member)
    try:
        draft = services.draft_start(version=version, actor=member)
    except ReviewError as error:
        messages.error(request, str(error))
        return redirect("reviews:version", pk=version.pk)
    messages.success(request, _("A new draft is ready, copied from the charter in force."))
    return redirect("reviews:draft", pk=draft.pk)


@login_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft, with its values and clauses to change, and its opening words."""
    member = _member(request)
    version = access.access_version(pk=pk, member=member)
    if version.is_published:
        return redirect("reviews:version", pk=version.pk)
    form = forms.VersionForm(
        _posted(request), initial={"preamble": version.preamble, "note": version.note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(version=version, actor=member, **form.cleaned_data)
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The opening words are saved."))
            return redirect("reviews:draft", pk=version.pk)
    return render(
        request,
        "reviews/charter_draft.html",
        {
            "version": version,
            "form": form,
            "readings": selectors.charter_reading(version=version),
            "values": selectors.values_of(version=version),
            "gaps": selectors.reciprocity_gaps(version=version),
            "can": _can(version, member),
        },
    )


def _refused(act: policy.Act, version: CharterVersion, member: Member) -> None:
    """Refuse a page whose only use is a change the person may not make, in plain words."""
    decision = policy.decide_for(
        act=act, target=version, people=policy.people_of(member=member, target=version)
    )
    if not decision:
        raise PermissionDenied(decision.reason)


@login_required
def value_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    version = access.access_version(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, version, member)
    form = forms.ValueForm(_posted(request))
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                value = services.value_add(
                    version=version, actor=member, text=services.ValueText(**form.value_text())
                )
            except ReviewError as error:
                form.add_error(None, str(error))
                return _value_page(request, version, form, None)
            messages.success(request, _("The value is added. Add its rights and responsibilities."))
            return redirect(f"{reverse('reviews:draft', args=[version.pk])}#value-{value.pk}")

        return run_once(request, create)
    return _value_page(request, version, form, None)


def _value_page(
    request: HttpRequest, version: CharterVersion, form: Any, value: Value | None
) -> HttpResponse:
    return render(
        request, "reviews/charter_value.html", {"version": version, "form": form, "value": value}
    )


@login_required
def value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    value = access.access_value(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, value.version, member)
    form = forms.ValueForm(
        _posted(request),
        initial={
            "name": value.name,
            "description": value.description,
            "plain": value.plain,
            "principles": "\n".join(value.principles),
            "assumptions": "\n".join(value.assumptions),
            "foundations": value.foundations,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.value_update(
                value=value, actor=member, text=services.ValueText(**form.value_text())
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The value is saved."))
            return redirect(f"{reverse('reviews:draft', args=[value.version_id])}#value-{value.pk}")
    return _value_page(request, value.version, form, value)


@login_required
def value_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    value = access.access_value(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, value.version, member)
    back = reverse("reviews:draft", args=[value.version_id])
    if request.method == "POST":
        try:
            services.value_remove(value=value, actor=member)
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The value and its clauses are removed from the draft."))
        return redirect(back)
    return render(
        request,
        "reviews/charter_remove.html",
        {
            "title": _("Remove this value and all its rights and responsibilities?"),
            "thing": value.name,
            "back": back,
        },
    )


@login_required
def clause_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    value = access.access_value(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, value.version, member)
    form = forms.ClauseForm(_posted(request), initial={"kind": ClauseKind.RIGHT})
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                services.clause_add(value=value, actor=member, **form.cleaned_data)
            except ReviewError as error:
                form.add_error(None, str(error))
                return _clause_page(request, value, form, None)
            messages.success(request, _("The clause is added."))
            return redirect(f"{reverse('reviews:draft', args=[value.version_id])}#value-{value.pk}")

        return run_once(request, create)
    return _clause_page(request, value, form, None)


def _clause_page(
    request: HttpRequest, value: Value, form: Any, clause: Clause | None
) -> HttpResponse:
    return render(
        request, "reviews/charter_clause.html", {"value": value, "form": form, "clause": clause}
    )


@login_required
def clause_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    clause = access.access_clause(pk=pk, member=member)
    value = clause.value
    _refused(policy.Act.EDIT_DRAFT, value.version, member)
    form = forms.ClauseEditForm(
        _posted(request), initial={"parties": clause.parties, "text": clause.text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.clause_update(clause=clause, actor=member, **form.cleaned_data)
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The clause is saved."))
            return redirect(f"{reverse('reviews:draft', args=[value.version_id])}#value-{value.pk}")
    return _clause_page(request, value, form, clause)


@login_required
def clause_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    clause = access.access_clause(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, clause.value.version, member)
    back = reverse("reviews:draft", args=[clause.value.version_id])
    if request.method == "POST":
        try:
            services.clause_remove(clause=clause, actor=member)
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The clause is removed from the draft."))
        return redirect(back)
    return render(
        request,
        "reviews/charter_remove.html",
        {
            "title": _("Remove this %(kind)s?") % {"kind": clause.get_kind_display().lower()},
            "thing": clause.text,
            "back": back,
        },
    )


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing asks first, listing what stops it: rights with no responsibility beside
    them, and the language lens's suggestions, which the person publishing must say they
    have read."""
    member = _member(request)
    version = access.access_version(pk=pk, member=member)
    _refused(policy.Act.PUBLISH, version, member)
    form = forms.PublishForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.version_publish(
                version=version,
                actor=member,
                acknowledge_lens=form.cleaned_data["acknowledge_lens"],
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Version %(n)s is published.") % {"n": version.number})
            return redirect("reviews:charter")
    return render(
        request,
        "reviews/charter_publish.html",
        {
            "version": version,
            "form": form,
            "gaps": selectors.reciprocity_gaps(version=version),
            "notes": selectors.lens_findings(version=version),
        },
    )


# --- representatives --------------------------------------------------------------------------


def _partnership_members(member: Member) -> Any:
    return Member.objects.filter(
        partnership=member.partnership, deactivated_at__isnull=True
    ).order_by("display_name")


@login_required
def representatives(request: HttpRequest) -> HttpResponse:
    """An admin names who speaks for each constituency on amendments."""
    member = _member(request)
    partnership = member.partnership
    if not policy.can_set_representatives(member=member, partnership=partnership):
        raise PermissionDenied(_("Only an admin can name representatives."))
    form = forms.RepresentativeForm(_posted(request), members=_partnership_members(member))
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_set(
                partnership=partnership,
                actor=member,
                member=form.cleaned_data["member"],
                represents=form.cleaned_data["represents"],
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The representative is named."))
            return redirect("reviews:representatives")
    return render(
        request,
        "reviews/charter_representatives.html",
        {"form": form, "rows": selectors.representatives_for(partnership=partnership)},
    )


@login_required
def representative_remove(request: HttpRequest, member_pk: int) -> HttpResponse:
    member = _member(request)
    partnership = member.partnership
    if not policy.can_set_representatives(member=member, partnership=partnership):
        raise PermissionDenied(_("Only an admin can name representatives."))
    row = selectors.representatives_for(partnership=partnership).filter(member_id=member_pk).first()
    if row is None:
        messages.error(request, _("That person is not a representative."))
        return redirect("reviews:representatives")
    back = reverse("reviews:representatives")
    if request.method == "POST":
        try:
            services.representative_remove(partnership=partnership, actor=member, member=row.member)
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("They no longer represent their constituency."))
        return redirect(back)
    return render(
        request,
        "reviews/charter_remove.html",
        {
            "title": _("Stop this person representing their constituency?"),
            "thing": f"{row.member.display_name}: {row.get_represents_display()}",
            "back": back,
            "yes": _("Yes, stop"),
        },
    )


# --- amendments -------------------------------------------------------------------------------


@login_required
def amendment_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose new words for a clause of the charter in force."""
    member = _member(request)
    clause = access.access_clause(pk=pk, member=member)
    version = clause.value.version
    _refused(policy.Act.PROPOSE_AMENDMENT, version, member)
    form = forms.AmendmentForm(_posted(request), initial={"new_text": clause.text})
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                amendment = services.amendment_propose(
                    version=version, actor=member, clause=clause, **form.cleaned_data
                )
            except ReviewError as error:
                form.add_error(None, str(error))
                return _propose_page(request, clause, form)
            messages.success(request, _("Your amendment is proposed. Representatives can vote."))
            return redirect("reviews:amendment", pk=amendment.pk)

        return run_once(request, create)
    return _propose_page(request, clause, form)


def _propose_page(request: HttpRequest, clause: Clause, form: Any) -> HttpResponse:
    return render(request, "reviews/amendment_propose.html", {"clause": clause, "form": form})


@login_required
@require_GET
def amendments(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    found = selectors.charter_of(partnership=member.partnership)
    rows = list(selectors.amendments_of(charter=found)) if found else []
    return render(request, "reviews/amendment_list.html", {"rows": rows})


def _amendment_page(
    request: HttpRequest,
    amendment: Amendment,
    member: Member,
    *,
    comment_form: Any = None,
    vote_form: Any = None,
) -> HttpResponse:
    return render(
        request,
        "reviews/amendment_detail.html",
        {
            "amendment": amendment,
            "clause": selectors.amendment_clause(amendment=amendment),
            "pieces": selectors.amendment_difference(amendment=amendment),
            "standing": selectors.amendment_standing(amendment=amendment),
            "comments": amendment.comments.select_related("author"),
            "comment_form": comment_form or forms.CommentForm(),
            "vote_form": vote_form or forms.VoteForm(),
            "represents": policy.representing(member),
            "can": _can(amendment, member),
        },
    )


@login_required
@require_GET
def amendment(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    return _amendment_page(request, access.access_amendment(pk=pk, member=member), member)


@login_required
@require_POST
def amendment_comment(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    found = access.access_amendment(pk=pk, member=member)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        return _amendment_page(request, found, member, comment_form=form)

    def create() -> HttpResponse:
        try:
            services.amendment_comment(
                amendment=found, actor=member, text=form.cleaned_data["text"]
            )
        except ReviewError as error:
            form.add_error("text", str(error))
            return _amendment_page(request, found, member, comment_form=form)
        messages.success(request, _("Your comment is added."))
        return redirect(f"{reverse('reviews:amendment', args=[found.pk])}#comments")

    return run_once(request, create)


@login_required
@require_POST
def amendment_vote(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    found = access.access_amendment(pk=pk, member=member)
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        return _amendment_page(request, found, member, vote_form=form)
    try:
        decided = services.amendment_vote(
            amendment=found, actor=member, yes=form.cleaned_data["answer"] == "yes"
        )
    except ReviewError as error:
        form.add_error(None, str(error))
        return _amendment_page(request, found, member, vote_form=form)
    messages.success(
        request,
        _("Your vote is saved. Every constituency said yes: the change is in the draft.")
        if decided.state == "accepted"
        else _("Your vote is saved."),
    )
    return redirect("reviews:amendment", pk=found.pk)


@login_required
def amendment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    found = access.access_amendment(pk=pk, member=member)
    decision = policy.decide_for(
        act=policy.Act.WITHDRAW_AMENDMENT,
        target=found,
        people=policy.people_of(member=member, target=found),
    )
    if not decision:
        raise PermissionDenied(decision.reason)
    back = reverse("reviews:amendment", args=[found.pk])
    if request.method == "POST":
        try:
            services.amendment_withdraw(amendment=found, actor=member)
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The amendment is withdrawn."))
        return redirect(back)
    return render(
        request,
        "reviews/charter_remove.html",
        {
            "title": _("Withdraw this amendment?"),
            "thing": found.new_text,
            "back": back,
            "yes": _("Yes, withdraw it"),
        },
    )


# --- a clause starts a conversation -----------------------------------------------------------


@login_required
def clause_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """A facilitator opens a brave conversation from a clause, seeded with every right and
    responsibility of its value; the clause then shows it and, once shared, its common
    ground."""
    member = _member(request)
    clause = access.access_clause(pk=pk, member=member)
    _refused(policy.Act.START_CONVERSATION, clause.value.version, member)
    form = forms.ClauseConversationForm(
        _posted(request),
        initial={"question": _("How well do we live up to this, and where does the system not?")},
    )
    if request.method != "POST":
        form.start_window_now(length=forms.CONVERSATION_LENGTH)
    elif form.is_valid():

        def create() -> HttpResponse:
            try:
                link = services.clause_conversation_start(
                    clause=clause, actor=member, **form.cleaned_data
                )
            except ReviewError as error:
                form.add_error(None, str(error))
                return _conversation_page(request, clause, form)
            messages.success(
                request, _("The conversation is ready, seeded from this value. Make its links.")
            )
            return redirect("conversations:manage", pk=link.conversation_id)

        return run_once(request, create)
    return _conversation_page(request, clause, form)


def _conversation_page(request: HttpRequest, clause: Clause, form: Any) -> HttpResponse:
    return render(
        request,
        "reviews/charter_conversation.html",
        {
            "clause": clause,
            "form": form,
            "seeds": clause.value.clauses.order_by("-kind", "position", "pk"),
        },
    )
