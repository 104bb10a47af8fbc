"""Staff administration of paths, lessons, resources, progress, flashcards and quizzes."""

from django.contrib import admin

from .models import (
    CardState,
    Flashcard,
    LearningPath,
    Lesson,
    LessonCompletion,
    QuizAnswer,
    QuizAttempt,
    QuizOption,
    QuizQuestion,
    Resource,
    Review,
    StudyPreference,
)


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


@admin.register(Flashcard)
class FlashcardAdmin(admin.ModelAdmin):
    list_display = ["key", "path", "lesson", "position"]
    list_filter = ["path"]
    search_fields = ["key", "front", "back"]
    list_select_related = ["path", "lesson"]
    raw_id_fields = ["lesson"]


@admin.register(CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ["learner", "card", "phase", "due", "reps", "updated_at"]
    list_filter = ["phase", "card__path"]
    search_fields = ["learner__username", "card__key"]
    list_select_related = ["learner", "card"]
    raw_id_fields = ["learner", "card"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["learner", "card", "rating", "reviewed_at", "phase_after", "due_after"]
    list_filter = ["rating", "phase_after", "card__path"]
    search_fields = ["learner__username", "card__key", "key"]
    date_hierarchy = "reviewed_at"
    list_select_related = ["learner", "card"]
    raw_id_fields = ["learner", "card"]


@admin.register(StudyPreference)
class StudyPreferenceAdmin(admin.ModelAdmin):
    list_display = ["learner", "desired_retention", "new_cards_per_day"]
    search_fields = ["learner__username"]
    raw_id_fields = ["learner"]


class QuizOptionInline(admin.TabularInline):
    model = QuizOption
    fields = ["position", "text", "correct"]
    extra = 0


@admin.register(QuizQuestion)
class QuizQuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "path", "kind", "lesson", "section", "position"]
    list_filter = ["path", "kind"]
    search_fields = ["key", "text", "explanation"]
    list_select_related = ["path", "lesson"]
    raw_id_fields = ["lesson"]
    inlines = [QuizOptionInline]


class QuizAnswerInline(admin.TabularInline):
    model = QuizAnswer
    fields = ["question", "points", "answered_at"]
    readonly_fields = ["question", "points", "answered_at"]
    extra = 0
    can_delete = False


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "path", "learner", "started_at", "finished_at", "score"]
    list_filter = ["path", ("finished_at", admin.EmptyFieldListFilter)]
    search_fields = ["learner__username"]
    date_hierarchy = "started_at"
    list_select_related = ["path", "learner"]
    raw_id_fields = ["learner"]
    inlines = [QuizAnswerInline]


@admin.register(QuizAnswer)
class QuizAnswerAdmin(admin.ModelAdmin):
    list_display = ["attempt", "question", "points", "answered_at"]
    list_filter = ["attempt__path", "question__kind"]
    search_fields = ["attempt__learner__username", "question__key"]
    list_select_related = ["attempt__path", "question"]
    raw_id_fields = ["attempt", "question"]
