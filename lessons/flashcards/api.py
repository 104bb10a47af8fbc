"""The flashcards API: cards, a learner's due cards and reviews. Reading cards is open
like the paths they belong to; a learner's due cards and reviews need a signed-in
learner (session or token) and only ever show or change their own records."""

from http import HTTPStatus

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lessons.lookups import PATH_PARAMETER, api_readable_path
from lessons.markdown import render_markdown
from lessons.models import Flashcard, Rating, Review
from lessons.reading.selectors import path_readable

from . import scheduling as fc


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
        paths = path_readable(user=self.request.user)
        cards = Flashcard.objects.filter(path__in=paths, question=None).select_related(
            "path", "lesson"
        )
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
        path = api_readable_path(request)
        now = timezone.now()
        queue = fc.study_queue(request=request, path=path, now=now)
        retention = fc.desired_retention(user=request.user)
        weights = fc.weights_for(user=request.user)
        items = []
        for card in queue.cards:
            standing = queue.standing(card, now)
            choices = fc.rating_choices(
                standing=standing, retention=retention, now=now, weights=weights
            )
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
        paths = path_readable(user=request.user)
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
