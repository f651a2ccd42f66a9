import datetime

from django.core.management.base import BaseCommand

from cards.retention import retention_apply


class Command(BaseCommand):
    help = "R13: reduce cards expired or inactive longer than the retention setting to statistics-only rows."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only show what would change.")
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None,
                            help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, dry_run: bool = False, date: datetime.date | None = None, **options):
        result = retention_apply(today=date, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Dry run: {result.due} card(s) ended before {result.limit.isoformat()} would be reduced "
                "(birth year, postal code, children, gender, life situation and wellbeing answers cleared; "
                "home municipality, office, dates and uses kept)."
            )
            for number in result.numbers:
                self.stdout.write(f"  {number}")
            if result.due > len(result.numbers):
                self.stdout.write(f"  … and {result.due - len(result.numbers)} more")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Reduced {result.reduced} card(s) ended before {result.limit.isoformat()}."
        ))
