from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.services import MunicipalityFileError, municipalities_load


class Command(BaseCommand):
    help = (
        "Load or update municipalities and welfare areas from the official CSV "
        "(code,name_fi,name_sv,population_2020,welfare_area_id,welfare_area_fi,welfare_area_sv). "
        "Idempotent; a bad row loads nothing. Never changes which region a municipality belongs to."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file, e.g. ../shared/data/municipalities-2021.csv")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            counts = municipalities_load(path=file)
        except MunicipalityFileError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Municipalities: {counts.municipalities_created} created, {counts.municipalities_updated} updated, "
            f"{counts.municipalities_unchanged} unchanged.\n"
            f"Welfare areas: {counts.welfare_areas_created} created, {counts.welfare_areas_updated} updated, "
            f"{counts.welfare_areas_unchanged} unchanged."
        ))
