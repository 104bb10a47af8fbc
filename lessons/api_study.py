"""The study API: flashcards, a learner's due cards and reviews, the quiz and its
attempts. Reading cards and questions is open like the paths they belong to; everything
about a learner (due cards, reviews, attempts) needs a signed-in learner (session or
token) and only ever shows or changes their own records."""

from http import HTTPStatus

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from . import flashcards as fc
from . import quizzes, selectors
from .markdown import render_markdown
from .models import Flashcard, QuizAttempt, QuizQuestion, Rating, Review

PATH_PARAMETER = OpenApiParameter(
    "path", OpenApiTypes.STR, required=True, description="The path's slug."
)


def _readable_path(request: Request):
    slug = request.query_params.get("path") or request.data.get("path")
    if not slug:
        raise ValidationError({"path": ["Give the path's slug."]})
    return get_object_or_404(selectors.path_readable(user=request.user), slug=slug)


class FlashcardSerializer(serializers.ModelSerializer):
    path = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lesson = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    front_html = serializers.SerializerMethodField()
    back_html = serializers.SerializerMethodField()

    class Meta:
        model = Flashcard
        fields = ["id", "key", "path", "lesson", "front", "back", "front_html", "back_html"]

    def get_front_html(self, card) -> str:
        return render_markdown(card.front).html

    def get_back_html(self, card) -> str:
        return render_markdown(card.back).html


class DueCardSerializer(serializers.Serializer):
    card = FlashcardSerializer()
    state = serializers.ChoiceField(choices=["new", "learning", "review", "relearning"])
    reps = serializers.IntegerField(help_text="Reviews so far: send it as expected_reps.")
    due = serializers.DateTimeField(allow_null=True)
    intervals = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Seconds until the next review for each rating, keyed 1 (Again) to 4 (Easy).",
    )


class FlashcardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Flashcards of the paths you may read; `due/` is your study queue for one path."""

    serializer_class = FlashcardSerializer

    def get_queryset(self):
        paths = selectors.path_readable(user=self.request.user)
        cards = Flashcard.objects.filter(path__in=paths).select_related("path", "lesson")
        if slug := self.request.query_params.get("path"):
            cards = cards.filter(path__slug=slug)
        return cards

    @extend_schema(
        parameters=[
            OpenApiParameter("path", OpenApiTypes.STR, description="Only this path's cards.")
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[PATH_PARAMETER], responses=DueCardSerializer(many=True))
    @action(detail=False, permission_classes=[IsAuthenticated], pagination_class=None)
    def due(self, request: Request) -> Response:
        path = _readable_path(request)
        now = timezone.now()
        queue = fc.study_queue(request=request, path=path, now=now)
        retention = fc.desired_retention(user=request.user)
        items = []
        for card in queue.cards:
            standing = queue.standing(card, now)
            choices = fc.rating_choices(standing=standing, retention=retention, now=now)
            items.append(
                {
                    "card": card,
                    "state": "new" if standing.is_new else standing.phase.name.lower(),
                    "reps": standing.reps,
                    "due": None if standing.is_new else standing.fsrs.due,
                    "intervals": {
                        str(c.rating.value): int(c.interval.total_seconds()) for c in choices
                    },
                }
            )
        return Response(DueCardSerializer(items, many=True).data)


class ReviewSerializer(serializers.ModelSerializer):
    interval_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "card",
            "key",
            "rating",
            "reviewed_at",
            "phase_after",
            "due_after",
            "interval_seconds",
            "stability_after",
            "difficulty_after",
        ]

    def get_interval_seconds(self, review) -> int:
        return int(review.interval.total_seconds())


class ReviewInputSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=Rating.choices)
    key = serializers.UUIDField(help_text="Your idempotency key: sending it again is a no-op.")
    expected_reps = serializers.IntegerField(
        required=False, min_value=0, help_text="The card's `reps` you saw; 409 if it moved on."
    )


class ReviewViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Your reviews. POST records one rating, once per `key`: 201 the first time, 200
    with the same review when the key is sent again, 409 for a stale `expected_reps`."""

    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Review.objects.filter(learner=self.request.user).order_by("-reviewed_at", "-id")

    @extend_schema(
        request=ReviewInputSerializer,
        responses={201: ReviewSerializer, 200: ReviewSerializer, 409: OpenApiTypes.OBJECT},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        paths = selectors.path_readable(user=request.user)
        card = Flashcard.objects.filter(id=data.validated_data["card"], path__in=paths).first()
        if card is None:
            raise ValidationError({"card": ["No such card."]})
        try:
            review, created = fc.review_record(
                learner=request.user,
                card=card,
                rating=Rating(data.validated_data["rating"]),
                key=data.validated_data["key"],
                expected_reps=data.validated_data.get("expected_reps"),
            )
        except fc.ReviewRefused as refused:
            return Response({"detail": refused.message}, status=refused.status)
        status = HTTPStatus.CREATED if created else HTTPStatus.OK
        return Response(ReviewSerializer(review).data, status=status)


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionSerializer(serializers.ModelSerializer):
    """A question as asked: the options without saying which are right."""

    lesson = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    options = OptionSerializer(many=True)

    class Meta:
        model = QuizQuestion
        fields = ["id", "key", "kind", "text", "lesson", "section", "options"]


class QuizQuestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A path's quiz in the path's order (an attempt gives its own shuffled order)."""

    serializer_class = QuestionSerializer
    pagination_class = None

    def get_queryset(self):
        path = _readable_path(self.request)
        return path.quiz_questions.select_related("lesson").prefetch_related("options")

    @extend_schema(parameters=[PATH_PARAMETER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class AttemptSerializer(serializers.ModelSerializer):
    path = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    total = serializers.IntegerField(read_only=True, help_text="Number of questions.")
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    questions = serializers.SerializerMethodField(help_text="In this attempt's order.")
    answered = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField(help_text="Once finished: every answer, marked.")

    class Meta:
        model = QuizAttempt
        fields = [
            "id",
            "path",
            "started_at",
            "finished_at",
            "score",
            "total",
            "percent",
            "answered",
            "questions",
            "result",
        ]

    def _rows(self, attempt):
        cache = self.context.setdefault("rows", {})
        if attempt.id not in cache:
            cache[attempt.id] = quizzes.attempt_review(attempt=attempt)
        return cache[attempt.id]

    def get_questions(self, attempt) -> list[dict]:
        return [
            {
                "id": row.question.id,
                "kind": row.question.kind,
                "text": row.question.text,
                "options": [{"id": o.id, "text": o.text} for o in row.options],
            }
            for row in self._rows(attempt)
        ]

    def get_answered(self, attempt) -> list[int]:
        return [row.question.id for row in self._rows(attempt) if row.answer]

    def get_result(self, attempt) -> list[dict] | None:
        if attempt.finished_at is None:
            return None
        return [_marked(row) for row in self._rows(attempt)]


def _marked(row) -> dict:
    return {
        "question": row.question.id,
        "chosen": sorted(row.chosen),
        "correct": sorted(row.correct),
        "points": row.points,
        "explanation": row.question.explanation,
        "lesson_url": row.question.lesson_url(),
    }


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    options = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


FEEDBACK = inline_serializer(
    "AnswerFeedback",
    {
        "question": serializers.IntegerField(),
        "chosen": serializers.ListField(child=serializers.IntegerField()),
        "correct": serializers.ListField(child=serializers.IntegerField()),
        "points": serializers.FloatField(),
        "explanation": serializers.CharField(),
        "lesson_url": serializers.CharField(),
        "finished": serializers.BooleanField(),
        "score": serializers.FloatField(allow_null=True),
    },
)


class QuizAttemptViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Your quiz attempts. POST `{"path": slug}` starts one; `answers/` records one
    answer (409 if already answered or finished, 400 for an option of another question);
    `finish/` ends it; the attempt's `result` marks every answer once finished."""

    serializer_class = AttemptSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return quizzes.user_attempts(user=self.request.user).select_related("path")

    @extend_schema(
        request=inline_serializer("AttemptStart", {"path": serializers.SlugField()}),
        responses={201: AttemptSerializer},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        path = _readable_path(request)
        attempt = quizzes.attempt_start(request=request, path=path)
        return Response(AttemptSerializer(attempt).data, status=HTTPStatus.CREATED)

    @extend_schema(request=AnswerInputSerializer, responses={201: FEEDBACK})
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk=None) -> Response:
        attempt = self.get_object()
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            quizzes.answer_record(
                attempt=attempt,
                question_id=data.validated_data["question"],
                option_ids=data.validated_data["options"],
            )
        except quizzes.AnswerRefused as refused:
            return Response({"detail": refused.message}, status=refused.status)
        attempt.refresh_from_db()
        rows = quizzes.attempt_review(attempt=attempt)
        row = next(r for r in rows if r.question.id == data.validated_data["question"])
        feedback = {
            **_marked(row),
            "finished": attempt.finished_at is not None,
            "score": attempt.score,
        }
        return Response(feedback, status=HTTPStatus.CREATED)

    @extend_schema(request=None, responses=AttemptSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request: Request, pk=None) -> Response:
        attempt = quizzes.attempt_finish(attempt=self.get_object())
        return Response(AttemptSerializer(attempt).data)
