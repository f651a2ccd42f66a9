from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ExportRecord

        # R12: every export is also an audit-log entry (who, when, what), next to card changes.
        auditlog.register(ExportRecord, m2m_fields={"regions"})

        from core.exports import set_export_recorder

        from .services import export_record

        # The apps below reports (the counter's CSV, the API's lists of uses) record their exports through it.
        set_export_recorder(export_record)
