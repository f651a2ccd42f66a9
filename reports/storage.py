"""Private file storage for generated reports: never under /media/, read through scoped views only."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="reports.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """``settings.PRIVATE_MEDIA_ROOT``, read on every access so tests and workers can point elsewhere."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None

    def url(self, name):  # noqa: D102 - files are served by reports:file_download only
        raise ValueError("private files have no public URL")
