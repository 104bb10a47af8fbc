"""The quiz API: a path's questions and a learner's attempts. Reading questions is open
like the paths they belong to; attempts need a signed-in learner (session or token) and
only ever show or change their own records."""

from http import HTTPStatus

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lessons.lookups import PATH_PARAMETER, api_readable_path
from lessons.models import Certainty, QuizAttempt, QuizQuestion

from . import grading as quizzes


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
        path = api_readable_path(self.request)
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
        "certainty": row.answer.certainty if row.answer else None,
        "mark": row.answer.mark if row.answer else None,
        "explanation": row.question.explanation,
        "lesson_url": row.question.lesson_url(),
    }


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    options = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    certainty = serializers.ChoiceField(
        choices=Certainty.choices,
        required=False,
        allow_null=True,
        help_text="How sure you are: 1 not sure, 2 fairly sure, 3 sure (certainty-based marks).",
    )


FEEDBACK = inline_serializer(
    "AnswerFeedback",
    {
        "question": serializers.IntegerField(),
        "chosen": serializers.ListField(child=serializers.IntegerField()),
        "correct": serializers.ListField(child=serializers.IntegerField()),
        "points": serializers.FloatField(),
        "certainty": serializers.IntegerField(allow_null=True),
        "mark": serializers.FloatField(allow_null=True),
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
    """Your quiz attempts. POST `{"path": slug}` starts one (201), or answers the one
    already open at that path (200): one is open per path at a time, so a retry never
    starts a second; `finish/` it to start anew. `answers/` records one answer (409 if
    already answered or finished, 400 for an option of another question); the attempt's
    `result` marks every answer once finished."""

    serializer_class = AttemptSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return quizzes.user_attempts(user=self.request.user).select_related("path")

    @extend_schema(
        request=inline_serializer("AttemptStart", {"path": serializers.SlugField()}),
        responses={201: AttemptSerializer, 200: AttemptSerializer},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        path = api_readable_path(request)
        attempt, created = quizzes.attempt_start(request=request, path=path)
        status = HTTPStatus.CREATED if created else HTTPStatus.OK
        return Response(AttemptSerializer(attempt).data, status=status)

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
                certainty=data.validated_data.get("certainty"),
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
