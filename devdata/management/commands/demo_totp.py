import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from devdata.demo import DEMO_TOTP_SECRET, DEMO_USERNAMES, demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo login (seed_demo gives the coordinator and the regional "
        "contacts the demo TOTP secret). Refuses any account whose authenticator is not the demo's."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="alue-tampere",
                            help="A demo login with the demo TOTP (default: alue-tampere).")

    def handle(self, *args, username: str, **options):
        totp = Authenticator.objects.filter(user__username=username, type=Authenticator.Type.TOTP).first()
        if username not in DEMO_USERNAMES or totp is None or decrypt(totp.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(f"{username} has no demo TOTP authenticator (run seed_demo; only demo logins have one).")
        now = time.time()
        left = mfa_settings.TOTP_PERIOD - int(now) % mfa_settings.TOTP_PERIOD
        self.stdout.write(demo_totp_code(now))
        self.stderr.write(f"Code for {username}, valid for another {left} s (secret {DEMO_TOTP_SECRET}).")
