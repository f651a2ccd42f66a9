"""Read-only admin views of the export log (R12) and the generated files, in the user's scope."""

from django.contrib import admin
from django.db.models import Q

from kaikukanta.admin import COORDINATOR, REGIONAL_CONTACT, ScopedAdmin
from kaikukanta.scopes import scope_for

from .models import ExportRecord, ReportFile, RollupRun


@admin.register(ExportRecord)
class ExportRecordAdmin(ScopedAdmin):
    """Who exported what and when: coordinators see all, regional contacts their regions' exports."""

    view_roles = frozenset({COORDINATOR, REGIONAL_CONTACT})
    list_display = ("at", "user", "what", "format", "national", "rows")
    list_filter = ("what", "format", "national")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "what", "format", "params", "regions", "national", "rows")

    def scoped_queryset(self, request):
        scope = scope_for(request.user)
        records = ExportRecord.objects.select_related("user")
        if scope.national:
            return records
        return records.filter(Q(regions__in=scope.region_ids) | Q(user=request.user)).distinct()


@admin.register(ReportFile)
class ReportFileAdmin(ScopedAdmin):
    view_roles = frozenset({COORDINATOR, REGIONAL_CONTACT})
    list_display = ("created_at", "kind", "format", "region", "period_key", "status", "requested_by", "notified_at")
    list_filter = ("kind", "format", "status")
    readonly_fields = ("kind", "format", "requested_by", "region", "params", "period_key", "status", "progress",
                       "total", "file", "created_at", "finished_at", "notified_at", "error")

    def scoped_queryset(self, request):
        from .services import report_files_for

        return report_files_for(request.user)


@admin.register(RollupRun)
class RollupRunAdmin(ScopedAdmin):
    view_roles = frozenset({COORDINATOR})
    list_display = ("started_at", "finished_at", "full", "status", "cutoff", "cards_touched", "requested_by")
    list_filter = ("status", "full")
    readonly_fields = ("started_at", "finished_at", "full", "status", "cutoff", "months", "cards_touched",
                       "requested_by", "error")

    def scoped_queryset(self, request):
        return RollupRun.objects.select_related("requested_by")
