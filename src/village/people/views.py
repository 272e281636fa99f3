"""Thin views for signing in, the home page, members, invitations and the audit log."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from village.once import run_once
from village.people import selectors, services
from village.people.forms import AcceptInvitationForm, InvitationForm, SupportLinkFormSet
from village.people.models import Member


def _admin(request: HttpRequest) -> Member:
    member = getattr(request, "member", None)
    if not member or not rules.test_rule("people.manage_members", member, member.partnership):
        raise PermissionDenied
    return member


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "people/home.html")


@login_required
def members(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    form = InvitationForm(
        request.POST or None, agencies=selectors.agencies_for(partnership=admin.partnership)
    )

    def page(form: InvitationForm, invite_link: str = "") -> HttpResponse:
        return render(
            request,
            "people/members.html",
            {
                "members": selectors.members_for(partnership=admin.partnership),
                "form": form,
                "invite_link": invite_link,
            },
        )

    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            _invitation, token = services.invitation_create(
                partnership=admin.partnership, created_by=admin, **form.cleaned_data
            )
            link = request.build_absolute_uri(reverse("people:accept", kwargs={"token": token}))
            return page(
                InvitationForm(agencies=selectors.agencies_for(partnership=admin.partnership)),
                link,
            )

        return run_once(request, create, replay_to=request.path)
    return page(form)


@login_required
def support_links(request: HttpRequest) -> HttpResponse:
    """Admins set the signposting every circle's support panel shows."""
    admin = _admin(request)
    current = selectors.support_links_for(partnership=admin.partnership)
    initial = [
        {"name": s.name, "description": s.description, "contact": s.contact, "url": s.url}
        for s in current
    ]
    formset = SupportLinkFormSet(request.POST or None, initial=initial, prefix="links")
    if request.method == "POST" and formset.is_valid():
        services.support_links_replace(
            partnership=admin.partnership,
            actor=admin,
            links=[
                form.cleaned_data
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ],
        )
        messages.success(request, _("Support links saved."))
        return redirect("people:support")
    return render(request, "people/support.html", {"formset": formset})


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    return render(
        request,
        "people/audit.html",
        {"events": selectors.audit_events_for(partnership=admin.partnership)},
    )


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token=token)
    except services.InvitationError as error:
        return render(request, "people/invitation_invalid.html", {"reason": str(error)}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.invitation_accept(token=token, **form.cleaned_data)
        except services.InvitationError as error:
            return render(
                request, "people/invitation_invalid.html", {"reason": str(error)}, status=410
            )
        login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to %(name)s.") % {"name": member.partnership.name})
        return redirect("people:home")
    return render(request, "people/accept.html", {"form": form, "invitation": invitation})
