"""Staff administration of paths, lessons, resources and progress."""

from django.contrib import admin

from .models import LearningPath, Lesson, LessonCompletion, Resource


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


@admin.register(LearningPath)
class LearningPathAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "visibility", "cloned_from", "updated_at"]
    list_filter = ["visibility"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["owner", "cloned_from"]
    inlines = [LessonInline, ResourceInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "path", "parent", "position", "updated_at"]
    list_filter = ["path"]
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
