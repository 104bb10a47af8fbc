"""Staff browse demo runs: what was asked, how it went, what came back."""

from django.contrib import admin

from .models import DemoRun
from .services import runs_reap


@admin.register(DemoRun)
class DemoRunAdmin(admin.ModelAdmin):
    list_display = ["id", "family", "status", "seed", "device", "sampling_seconds", "learner"]
    list_display += ["created_at"]
    list_filter = ["family", "status", "device"]
    search_fields = ["id", "learner__username", "error"]
    date_hierarchy = "created_at"
    raw_id_fields = ["learner", "reused_from"]
    readonly_fields = [f.name for f in DemoRun._meta.fields]

    def changelist_view(self, request, extra_context=None):
        runs_reap()  # staff never see a run "running" whose worker is long gone
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        return False  # runs are made by learners through the Lab
