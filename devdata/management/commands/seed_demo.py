from django.conf import settings
from django.core.management.base import BaseCommand

from cards.numbers import display
from devdata.demo import BULK_CARDS, BULK_SEED, BULK_USES, DEMO_CARDS, DEMO_LOGINS, demo_counts, demo_seed


class Command(BaseCommand):
    help = (
        "Create the demo networks, offices, venues, logins and known demo cards; without --small also a few "
        "hundred cards and a few thousand uses over the last two years. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true",
                            help="Only networks, offices, venues, logins and the fixed demo cards (fast).")
        parser.add_argument("--cards", type=int, default=BULK_CARDS, help="Bulk cards (full mode).")
        parser.add_argument("--uses", type=int, default=BULK_USES, help="Bulk uses (full mode).")
        parser.add_argument("--seed", type=int, default=BULK_SEED, help="Random seed of the bulk data.")

    def handle(self, *args, small: bool, cards: int, uses: int, seed: int, **options):
        summary = demo_seed(small=small, card_count=cards, use_count=uses, seed=seed)
        created = ", ".join(f"{count} {what}" for what, count in summary.created.items() if count) or "nothing new"
        self.stdout.write(f"Demo data ready (created now: {created}).")
        if summary.bulk_skipped:
            self.stdout.write("Bulk demo cards and uses were already present; left as they are.")
        elif not small:
            self.stdout.write(f"Bulk: {summary.bulk_cards} cards and {summary.bulk_uses} uses created.")
        if summary.rollups_rebuilt:
            self.stdout.write("Statistics rollups rebuilt.")
        self.stdout.write("\nThe demo database now holds:")
        for what, count in demo_counts().items():
            self.stdout.write(f"  {what:<32} {count:>7}")
        self.stdout.write(f"\nDemo logins (password: the DEMO_PASSWORD setting, {len(settings.DEMO_PASSWORD)} chars):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<20} {login.description}")
        self.stdout.write("\nDemo cards:")
        for key, number in DEMO_CARDS.items():
            self.stdout.write(f"  {display(number):<14} {key}")
        self.stdout.write(self.style.SUCCESS("Done."))
