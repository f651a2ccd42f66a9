"""Private file storage for generated reports: never under /media/, read through scoped views only.

The files go where ``STORAGES["private"]`` says (issue 15, point 5): a folder by default, or the S3-compatible bucket
under its ``private/`` prefix when ``AWS_STORAGE_BUCKET_NAME`` is set, so that a web node and a Celery worker on
different machines share them. The field keeps this one class (and its migrations their path); the target is looked
up on every use, so a test or a worker pointing ``STORAGES`` or ``PRIVATE_MEDIA_ROOT`` elsewhere is followed."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible

LOCAL = "django.core.files.storage.FileSystemStorage"


class _Folder(FileSystemStorage):
    """``settings.PRIVATE_MEDIA_ROOT``, read on every access."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None


@deconstructible(path="reports.storage.PrivateStorage")
class PrivateStorage(Storage):
    """The reports' files in ``STORAGES["private"]``: the private folder, or the bucket."""

    @staticmethod
    def target() -> Storage:
        if settings.STORAGES.get("private", {}).get("BACKEND", LOCAL) == LOCAL:
            return _Folder()
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self.target()._open(name, mode)

    def _save(self, name, content):
        return self.target()._save(name, content)

    def delete(self, name):
        return self.target().delete(name)

    def exists(self, name):
        return self.target().exists(name)

    def size(self, name):
        return self.target().size(name)

    def listdir(self, path):
        return self.target().listdir(path)

    def path(self, name):
        return self.target().path(name)

    def get_modified_time(self, name):
        return self.target().get_modified_time(name)

    def url(self, name):  # noqa: D102 - files are served by reports:file_download only
        raise ValueError("private files have no public URL")
