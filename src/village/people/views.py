"""Thin views for the home page, the account page, members, invitations and the audit log.

Signing in, out, password reset and change, email codes and two-step verification are
django-allauth's views (config/urls.py), shown in Village's own templates.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from village.errors import UserError
from village.language.after_post import hold_once
from village.once import run_once
from village.people import access, selectors, services
from village.people.forms import (
    AcceptInvitationForm,
    InvitationForm,
    JoinForm,
    MemberForm,
    MemberPlacesForm,
    SupportLinkFormSet,
    TeamEditForm,
    TeamForm,
)
from village.people.middleware import SESSION_KEY
from village.people.models import Member


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "people/home.html")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Your account: which partnership you are in, password, email and two-step sign-in."""
    return render(
        request,
        "people/account.html",
        {"memberships": selectors.memberships_for(user=request.user)},
    )


@login_required
@require_POST
def switch_partnership(request: HttpRequest) -> HttpResponse:
    """Choose which of your partnerships you are in; every page then uses that one."""
    chosen = request.POST.get("member", "")
    memberships = selectors.memberships_for(user=request.user)
    member = memberships.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if member is None:
        messages.error(request, _("Choose one of your partnerships from the list."))
        return redirect("people:account")
    request.session[SESSION_KEY] = member.pk
    messages.success(request, _("You are now in %(name)s.") % {"name": member.partnership.name})
    return redirect("people:home")


def _members_page(
    request: HttpRequest, admin: Member, form: InvitationForm, invite_link: str = ""
) -> HttpResponse:
    return render(
        request,
        "people/members.html",
        {
            "members": selectors.all_members_for(partnership=admin.partnership),
            "invitations": selectors.open_invitations_for(partnership=admin.partnership),
            "form": form,
            "invite_link": invite_link,
            "admin": admin,
        },
    )


def _invite_link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("people:accept", kwargs={"token": token}))


@login_required
def members(request: HttpRequest) -> HttpResponse:
    admin = access.access_admin(request)
    agencies = selectors.agencies_for(partnership=admin.partnership)
    form = InvitationForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                _invitation, token = services.invitation_create(
                    partnership=admin.partnership, created_by=admin, **form.cleaned_data
                )
            except UserError as error:
                form.add_error("email", str(error))
                response = _members_page(request, admin, form)
                response.status_code = 400
                return response
            fresh = InvitationForm(agencies=agencies)
            return _members_page(request, admin, fresh, _invite_link(request, token))

        return run_once(request, create, replay_to=request.path)
    return _members_page(request, admin, form)


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    admin, member = access.access_member(request, pk)
    initial = {
        "roles": member.roles,
        "constituency": member.constituency,
        "agency": member.agency,
        "team": member.team,
        "career_stage": member.career_stage,
    }
    form = MemberForm(
        request.POST or None,
        initial=initial,
        agencies=selectors.agencies_for(partnership=admin.partnership),
        teams=selectors.teams_for(partnership=admin.partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=admin, member=member, **form.cleaned_data)
        except UserError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved changes to %(name)s.") % {"name": member})
            return redirect("people:members")
    return render(request, "people/member_edit.html", {"form": form, "subject": member})


@login_required
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deactivates."""
    admin, member = access.access_member(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.member_deactivate(actor=admin, member=member)
        except UserError as problem:
            error = str(problem)
        else:
            messages.success(request, _("%(name)s is deactivated.") % {"name": member})
            return redirect("people:members")
    return render(
        request,
        "people/member_deactivate.html",
        {"subject": member, "error": error, "is_self": member.pk == admin.pk},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    admin, invitation = access.access_invitation(request, pk)
    try:
        services.invitation_revoke(actor=admin, invitation=invitation)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("people:members")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    admin, invitation = access.access_invitation(request, pk)
    form = InvitationForm(agencies=selectors.agencies_for(partnership=admin.partnership))
    try:
        _invitation, token = services.invitation_resend(actor=admin, invitation=invitation)
    except services.InvitationError as error:
        messages.error(request, str(error))
        return redirect("people:members")
    return _members_page(request, admin, form, _invite_link(request, token))


def _moved(links: list[dict[str, Any]], move: str) -> tuple[list[dict[str, Any]], str]:
    """The links with one moved up or down ("up-2", "down-0"), and what to say about it."""
    direction, _sep, index_text = move.partition("-")
    index = int(index_text) if index_text.isdigit() else -1
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not (0 <= index < len(links) and 0 <= other < len(links)):
        return links, ""
    links[index], links[other] = links[other], links[index]
    name = links[other]["name"]
    said = _("“%(name)s” moved up.") if direction == "up" else _("“%(name)s” moved down.")
    return links, said % {"name": name}


@login_required
def support_links(request: HttpRequest) -> HttpResponse:
    """Admins set the signposting every circle's support panel shows, and its order: each
    link has Move up and Move down buttons, which save the page's changes as they move it."""
    admin = access.access_admin(request)
    current = selectors.support_links_for(partnership=admin.partnership)
    initial = [
        {
            "id": s.pk,
            "name": s.name,
            "description": s.description,
            "contact": s.contact,
            "url": s.url,
            "is_reminder": s.is_reminder,
        }
        for s in current
    ]
    formset = SupportLinkFormSet(request.POST or None, initial=initial, prefix="links")
    if request.method == "POST" and formset.is_valid():
        kept = [
            form
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not hold_once(*kept):
            links, moved = _moved(
                [form.cleaned_data for form in kept], str(request.POST.get("move", ""))
            )
            try:
                services.support_links_replace(
                    partnership=admin.partnership, actor=admin, links=links
                )
            except services.SupportLinkError as error:
                formset.non_form_errors().append(str(error))
            else:
                messages.success(request, moved or _("Support links saved."))
                return redirect("people:support")
    return render(request, "people/support.html", {"formset": formset})


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    admin = access.access_admin(request)
    return render(
        request,
        "people/audit.html",
        {"entries": selectors.audit_entries_for(partnership=admin.partnership)},
    )


def _teams_page(request: HttpRequest, admin: Member, form: TeamForm) -> HttpResponse:
    return render(
        request,
        "people/teams.html",
        {"rows": selectors.team_rows_for(partnership=admin.partnership), "form": form},
    )


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    """Admins make teams, each in an agency and optionally inside another team."""
    admin = access.access_admin(request)
    partnership = admin.partnership
    form = TeamForm(
        request.POST or None,
        agencies=selectors.agencies_for(partnership=partnership),
        teams=selectors.teams_for(partnership=partnership),
    )
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                team = services.team_create(
                    partnership=partnership, actor=admin, **form.cleaned_data
                )
            except UserError as error:
                form.add_error(None, str(error))
                return _teams_page(request, admin, form)
            messages.success(request, _("The team %(name)s is made.") % {"name": team.name})
            return redirect("people:teams")

        return run_once(request, create)
    return _teams_page(request, admin, form)


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    admin, team = access.access_team(request, pk)
    others = selectors.teams_for(partnership=admin.partnership).filter(agency=team.agency)
    form = TeamEditForm(
        request.POST or None,
        teams=others.exclude(pk=team.pk),
        initial={"name": team.name, "parent": team.parent},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=admin, team=team, **form.cleaned_data)
        except UserError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved the team %(name)s.") % {"name": team.name})
            return redirect("people:teams")
    return render(request, "people/team_edit.html", {"form": form, "team": team})


@login_required
def member_places(request: HttpRequest) -> HttpResponse:
    """Admins set members' teams and career stages, many at once, agency by agency."""
    admin = access.access_admin(request)
    partnership = admin.partnership
    agency = request.GET.get("agency", "")
    form = MemberPlacesForm(
        request.POST or None,
        members=selectors.members_to_place(partnership=partnership, agency_id=agency),
        teams=selectors.teams_for(partnership=partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.member_places_set(actor=admin, places=form.places())
        except UserError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "Saved. %(count)s member changed.",
                    "Saved. %(count)s members changed.",
                    changed,
                )
                % {"count": changed},
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "people/member_places.html",
        {
            "form": form,
            "agencies": selectors.agencies_for(partnership=partnership),
            "agency": agency,
        },
    )


def _invalid(request: HttpRequest, error: Exception) -> HttpResponse:
    return render(request, "people/invitation_invalid.html", {"reason": str(error)}, status=410)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accepting never signs anyone in.

    - Signed in: join with your own account, if the invitation is for your address.
    - Not signed in, and the address already has an account: sign in first, then come back.
    - Otherwise: choose a name and password; then sign in and prove the address with a code.
    """
    try:
        invitation = services.invitation_for_token(token=token)
    except services.InvitationError as error:
        return _invalid(request, error)
    here = reverse("people:accept", kwargs={"token": token})
    if request.user.is_authenticated:
        join_form = JoinForm(request.POST or None)
        if request.method == "POST" and join_form.is_valid():
            try:
                member = services.invitation_join(
                    token=token, user=request.user, **join_form.cleaned_data
                )
            except services.InvitationError as error:
                join_form.add_error(None, str(error))
            else:
                request.session[SESSION_KEY] = member.pk
                messages.success(
                    request, _("Welcome to %(name)s.") % {"name": member.partnership.name}
                )
                return redirect("people:home")
        return render(
            request, "people/accept_join.html", {"form": join_form, "invitation": invitation}
        )
    if services.account_exists(email=invitation.email):
        sign_in = f"{reverse('people:login')}?{urlencode({'next': here})}"
        return render(
            request, "people/accept_sign_in.html", {"invitation": invitation, "sign_in": sign_in}
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.invitation_accept(token=token, **form.cleaned_data)
        except services.InvitationError as error:
            return _invalid(request, error)
        messages.success(
            request,
            _(
                "Your account for %(name)s is ready. Sign in with your email address and new "
                "password. We will email you a code to check the address is yours."
            )
            % {"name": member.partnership.name},
        )
        return redirect("people:login")
    return render(request, "people/accept.html", {"form": form, "invitation": invitation})
