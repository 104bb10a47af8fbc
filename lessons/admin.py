"""Staff administration of paths, lessons, resources and progress."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LearningPath, Lesson, LessonCompletion, Resource, Visibility


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["title", "slug", "parent", "position"]
    extra = 0
    ordering = ["parent_id", "position"]
    show_change_link = True


class ResourceInline(admin.TabularInline):
    model = Resource
    fields = ["position", "title", "authors", "year", "kind", "url", "note"]
    extra = 0


class OwnerFilter(admin.SimpleListFilter):
    title = _("made by")
    parameter_name = "made_by"

    def lookups(self, request, model_admin):
        return [
            ("staff", _("Staff (no owner)")),
            ("learners", _("Learners")),
            ("clones", _("Clones")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "staff":
            return queryset.filter(owner__isnull=True)
        if self.value() == "learners":
            return queryset.filter(owner__isnull=False)
        if self.value() == "clones":
            return queryset.filter(cloned_from__isnull=False)
        return queryset


@admin.register(LearningPath)
class LearningPathAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "slug",
        "owner",
        "visibility",
        "featured",
        "published",
        "cloned_from",
        "updated_at",
    ]
    list_filter = ["featured", "published", "visibility", OwnerFilter]
    search_fields = ["title", "slug", "summary", "owner__username"]
    list_select_related = ["owner", "cloned_from"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["owner", "cloned_from"]
    inlines = [LessonInline, ResourceInline]
    actions = ["feature", "unfeature", "publish", "unpublish"]

    def save_formset(self, request, form, formset, change):
        if formset.model is Lesson:  # an edit here must also stale open editor forms
            for lesson_form in formset.forms:
                if lesson_form.instance.pk and lesson_form.has_changed():
                    lesson_form.instance.version += 1
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("Feature on the home page (public paths only)"))
    def feature(self, request, queryset):
        eligible = queryset.filter(published=True, visibility=Visibility.PUBLIC)
        count = eligible.update(featured=True, updated_at=timezone.now())
        skipped = queryset.count() - count
        self.message_user(request, _("%(n)d path(s) featured.") % {"n": count})
        if skipped:
            self.message_user(
                request,
                _("%(n)d not featured: only a published, public path can be.") % {"n": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Stop featuring"))
    def unfeature(self, request, queryset):
        count = queryset.update(featured=False, updated_at=timezone.now())
        self.message_user(request, _("%(n)d path(s) no longer featured.") % {"n": count})

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        count = queryset.update(published=True, updated_at=timezone.now())
        self.message_user(request, _("%(n)d path(s) published.") % {"n": count})

    @admin.action(description=_("Unpublish (hide from all but owner and staff)"))
    def unpublish(self, request, queryset):
        count = queryset.update(published=False, featured=False, updated_at=timezone.now())
        self.message_user(request, _("%(n)d path(s) unpublished.") % {"n": count})


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "path", "parent", "position", "version", "updated_at"]
    list_filter = ["path"]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        if change and form.changed_data:  # an open editor form of this lesson is now stale
            obj.version += 1
        super().save_model(request, obj, form, change)

    search_fields = ["title", "slug", "body"]
    ordering = ["path", "parent_id", "position"]
    list_select_related = ["path", "parent"]
    raw_id_fields = ["parent"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "year", "path"]
    list_filter = ["kind", "path"]
    search_fields = ["title", "authors", "note"]
    ordering = ["path", "position"]


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["learner", "lesson", "completed_at"]
    list_filter = ["lesson__path"]
    search_fields = ["learner__username", "lesson__title"]
    list_select_related = ["learner", "lesson"]
    raw_id_fields = ["learner", "lesson"]
