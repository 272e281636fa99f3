"""`village identity_provider`: let a partnership's members sign in with their organisation's
OpenID Connect provider (Microsoft Entra ID, Google Workspace...). See docs/sign-in.md.

The client secret is read from the OIDC_CLIENT_SECRET environment variable, never from the
command line, so it stays out of shell history and process lists.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from village.people import selectors, services


class Command(BaseCommand):
    help = "Add or update an OpenID Connect sign-in provider for a partnership."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="the partnership's slug")
        parser.add_argument("--id", required=True, help="a short name used in the web address")
        parser.add_argument("--name", required=True, help="the button text on the sign-in page")
        parser.add_argument("--server-url", required=True, help="the provider's issuer URL")
        parser.add_argument("--client-id", required=True)
        parser.add_argument(
            "--verified-domain",
            action="append",
            default=[],
            help="an email domain the provider owns, if it does not send email_verified",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = selectors.partnership_by_slug(slug=options["partnership"])
        if partnership is None:
            raise CommandError(f"There is no partnership {options['partnership']!r}.")
        secret = os.environ.get("OIDC_CLIENT_SECRET", "")
        if not secret:
            raise CommandError("Set OIDC_CLIENT_SECRET to the client secret first.")
        app = services.identity_provider_set(
            partnership=partnership,
            provider_id=options["id"],
            name=options["name"],
            server_url=options["server_url"],
            client_id=options["client_id"],
            secret=secret,
            verified_domains=options["verified_domain"],
        )
        self.stdout.write(
            f"Saved. Give the provider this redirect address: "
            f"https://<your Village address>/accounts/oidc/{app.provider_id}/login/callback/"
        )
