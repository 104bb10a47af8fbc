"""Staff administration of paths, lessons, resources, figures, progress, podcast
episodes, flashcards, quizzes and glossaries."""

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .cache import content_changed
from .models import (
    CardRequeue,
    CardState,
    Episode,
    Flashcard,
    FsrsParameters,
    GlossaryTerm,
    LearningPath,
    Lesson,
    LessonCompletion,
    PathFigure,
    QuizAnswer,
    QuizAttempt,
    QuizOption,
    QuizQuestion,
    Resource,
    Review,
    StudyPreference,
    Visibility,
)
from .podcast import services
from .podcast.files import MAX_AUDIO_BYTES, audio_check
from .podcast.formats import clock
from .podcast.render import RenderError
from .podcast.script import ScriptError, script_parse
from .quizzes.demo import DemoInvalid, demo_check


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["title", "slug", "parent", "position"]
    extra = 0
    ordering = ["parent_id", "position"]
    show_change_link = True


# A resource typed as "arxiv.org/abs/…" means https (Django 6's default, asked for now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ResourceInline(admin.TabularInline):
    model = Resource
    formfield_overrides = HTTPS_URLS
    fields = ["position", "title", "authors", "year", "kind", "url", "note"]
    extra = 0


class FigureInline(admin.TabularInline):
    """A path's figures, to look at: they change only with its bundle (import_path or
    an upload), where every file is checked and every lesson's reference to it."""

    model = PathFigure
    fields = ["name", "content_type", "width", "height", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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


def _content_changed(paths) -> None:
    """An UPDATE of paths sends no signal: their cached pages (lessons/cache.py) must
    still stop being served, e.g. to anonymous readers of an unpublished path."""
    for path_id in paths.values_list("pk", flat=True):
        content_changed(path_id)


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
    inlines = [LessonInline, ResourceInline, FigureInline]
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
        _content_changed(eligible)
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
        _content_changed(queryset)
        self.message_user(request, _("%(n)d path(s) no longer featured.") % {"n": count})

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        count = queryset.update(published=True, updated_at=timezone.now())
        _content_changed(queryset)
        self.message_user(request, _("%(n)d path(s) published.") % {"n": count})

    @admin.action(description=_("Unpublish (hide from all but owner and staff)"))
    def unpublish(self, request, queryset):
        count = queryset.update(published=False, featured=False, updated_at=timezone.now())
        _content_changed(queryset)
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
    formfield_overrides = HTTPS_URLS
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


class EpisodeAdminForm(forms.ModelForm):
    replacement_audio = forms.FileField(
        required=False,
        label=_("Replace the audio"),
        help_text=_(
            "An MP3 or Ogg file of at most 50 MB, e.g. a human recording of the script. "
            "The transcript and chapters keep their times."
        ),
    )

    class Meta:
        model = Episode
        fields = ["path", "script"]

    def clean_script(self):
        text = self.cleaned_data["script"]
        try:
            script_parse(text)
        except ScriptError as error:
            raise forms.ValidationError(_("Line %(error)s"), params={"error": error}) from error
        return text

    def clean_replacement_audio(self):
        upload = self.cleaned_data.get("replacement_audio")
        if not upload:
            return None
        if Path(upload.name).suffix.lower() not in {".mp3", ".ogg", ".opus"}:
            raise forms.ValidationError(_("Upload an .mp3, .ogg or .opus file."))
        if upload.size > MAX_AUDIO_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        data = upload.read()
        try:
            self.audio_check = audio_check(data)
        except RenderError as error:
            raise forms.ValidationError(
                _("This file was refused: %(error)s."), params={"error": error}
            ) from error
        self.audio_data = data
        return upload


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    form = EpisodeAdminForm
    list_display = ["title", "path", "duration_shown", "audio_size", "updated_at"]
    list_select_related = ["path"]
    search_fields = ["title", "path__title", "script"]
    raw_id_fields = ["path"]
    readonly_fields = [
        "title",
        "description",
        "audio_link",
        "audio_type",
        "audio_size",
        "duration_shown",
        "chapters",
        "build",
        "guid",
        "published_at",
    ]
    actions = ["rebuild_from_script"]

    @admin.display(description=_("Duration"))
    def duration_shown(self, episode: Episode) -> str:
        return clock(episode.duration)

    @admin.display(description=_("Audio"))
    def audio_link(self, episode: Episode) -> str:
        if not episode.pk or not episode.has_audio:
            return _("none yet: use the action “Rebuild the audio from the script”")
        url = reverse("podcast_audio", args=[episode.path.slug, episode.audio_extension])
        return format_html('<a href="{}">{}</a>', url, episode.audio.name)

    def save_model(self, request, obj, form, change):
        services.episode_save_script(episode=obj, script_text=form.cleaned_data["script"])
        if change and "script" in form.changed_data:
            messages.warning(
                request,
                _("The script changed: rebuild the audio so the episode says the new words."),
            )
        if getattr(form, "audio_data", None) is not None:
            services.episode_replace_audio(
                episode=obj,
                data=form.audio_data,
                check=form.audio_check,
                filename=form.cleaned_data["replacement_audio"].name,
            )
            messages.success(request, _("The new audio is in place."))

    @admin.action(description=_("Rebuild the audio from the script (espeak-ng)"))
    def rebuild_from_script(self, request, queryset):
        for episode in queryset.select_related("path"):
            try:
                episode = services.episode_rebuild(episode=episode)
            except RenderError as error:
                self.message_user(request, f"{episode}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{episode}: rebuilt, {clock(episode.duration)}.", messages.SUCCESS
                )


@admin.register(Flashcard)
class FlashcardAdmin(admin.ModelAdmin):
    list_display = ["key", "path", "lesson", "position", "question"]
    list_filter = ["path", ("question", admin.EmptyFieldListFilter)]
    search_fields = ["key", "front", "back"]
    list_select_related = ["path", "lesson", "question"]
    raw_id_fields = ["lesson", "question"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "path", "lesson", "position"]
    list_filter = ["path"]
    search_fields = ["term", "definition"]
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
    list_display = ["learner", "desired_retention", "new_cards_per_day", "certainty"]
    search_fields = ["learner__username"]
    raw_id_fields = ["learner"]


class QuizOptionInline(admin.TabularInline):
    model = QuizOption
    fields = ["position", "text", "correct"]
    extra = 0


class QuizQuestionForm(forms.ModelForm):
    """Staff's edit of a question: its demo passes the bundle's check, or is refused."""

    class Meta:
        model = QuizQuestion
        fields = ["path", "lesson", "section", "key", "position", "kind", "text", "explanation"]
        fields += ["demo"]

    def clean_demo(self):
        demo = self.cleaned_data.get("demo")
        if demo is None:
            return None
        try:
            return demo_check(demo)
        except DemoInvalid as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(QuizQuestion)
class QuizQuestionAdmin(admin.ModelAdmin):
    form = QuizQuestionForm
    list_display = ["key", "path", "kind", "lesson", "section", "position"]
    list_filter = ["path", "kind"]
    search_fields = ["key", "text", "explanation"]
    list_select_related = ["path", "lesson"]
    raw_id_fields = ["lesson"]
    inlines = [QuizOptionInline]


class QuizAnswerInline(admin.TabularInline):
    model = QuizAnswer
    fields = ["question", "points", "certainty", "mark", "answered_at"]
    readonly_fields = ["question", "points", "certainty", "mark", "answered_at"]
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
    list_display = ["attempt", "question", "points", "certainty", "mark", "answered_at"]
    list_filter = ["attempt__path", "question__kind", "certainty"]
    search_fields = ["attempt__learner__username", "question__key"]
    list_select_related = ["attempt__path", "question"]
    raw_id_fields = ["attempt", "question"]


@admin.register(CardRequeue)
class CardRequeueAdmin(admin.ModelAdmin):
    list_display = ["learner", "card", "answer", "created_at"]
    list_filter = ["card__path"]
    search_fields = ["learner__username", "card__key"]
    date_hierarchy = "created_at"
    list_select_related = ["learner", "card", "answer"]
    raw_id_fields = ["learner", "card", "answer"]


@admin.register(FsrsParameters)
class FsrsParametersAdmin(admin.ModelAdmin):
    list_display = ["fitted_at", "learner", "review_count"]
    list_filter = [("learner", admin.EmptyFieldListFilter)]
    search_fields = ["learner__username"]
    date_hierarchy = "fitted_at"
    list_select_related = ["learner"]
    raw_id_fields = ["learner"]
