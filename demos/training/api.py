"""API: start a training, list your own, read one with its snapshots, cancel it.

A training is private: only its learner (or browser session) may read or cancel it;
anyone else gets 404, as for an id that does not exist. Sampling from a trained model
goes through the runs API (``POST /api/demos/runs/`` with ``"training": "<id>"``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ..api import AnyValueField, CsrfForSessions, FamilySerializer
from ..models import Family, TrainingRun, TrainingSnapshot
from ..params import SEED_MAX
from ..services import QueueUnavailable, Refused
from . import selectors
from .params import training_schema
from .services import training_cancel, training_request

UUID_REGEX = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class TrainingInputSerializer(serializers.Serializer):
    family = serializers.ChoiceField(choices=Family.choices)
    seed = serializers.IntegerField(min_value=0, max_value=SEED_MAX, default=0)
    params = serializers.DictField(
        child=AnyValueField(allow_null=True),
        default=dict,
        help_text="Knobs by name (see /api/demos/trainings/families/); missing ones take "
        "their defaults.",
    )
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        required=False,
        allow_null=True,
        max_length=2000,
        help_text='The drawn dataset ("dataset": "drawn"): [[x, y], ...] in [-4, 4]².',
    )


class SnapshotSerializer(serializers.ModelSerializer):
    samples = AnyValueField(read_only=True)
    losses = serializers.DictField(child=serializers.FloatField(), read_only=True)
    measure = AnyValueField(read_only=True, allow_null=True)

    class Meta:
        model = TrainingSnapshot
        fields = ["index", "step", "seconds", "losses", "samples", "measure"]
        read_only_fields = fields


class TrainingSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    progress_percent = serializers.IntegerField(read_only=True)
    measure = AnyValueField(read_only=True, allow_null=True)
    points = AnyValueField(read_only=True, allow_null=True)

    class Meta:
        model = TrainingRun
        fields = [
            "id",
            "url",
            "family",
            "dataset",
            "params",
            "points",
            "seed",
            "status",
            "step",
            "total",
            "progress_percent",
            "measure",
            "cancel_requested",
            "error",
            "error_field",
            "device",
            "training_seconds",
            "created_at",
            "started_at",
            "finished_at",
            "state_deleted_at",
        ]
        read_only_fields = fields

    def get_url(self, run: TrainingRun) -> str:
        return self.context["request"].build_absolute_uri(run.get_absolute_url())


class TrainingDetailSerializer(TrainingSerializer):
    snapshots = SnapshotSerializer(many=True, read_only=True)

    class Meta(TrainingSerializer.Meta):
        fields = [*TrainingSerializer.Meta.fields, "snapshots"]
        read_only_fields = fields


NOT_FOUND = OpenApiResponse(description="No such training of yours.")


class TrainingViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Your trainings (signed-in learner, or this browser session): nobody else's."""

    permission_classes = [CsrfForSessions]
    serializer_class = TrainingSerializer
    lookup_value_regex = UUID_REGEX  # anything else is no training (404)

    def _owner(self) -> dict:
        user = self.request.user
        if user.is_authenticated:
            return {"learner": user, "session_key": ""}
        return {"learner": None, "session_key": self.request.session.session_key or ""}

    def get_queryset(self):
        return selectors.trainings_of(**self._owner()).defer("state", "points", "config")

    def get_serializer_class(self):
        return TrainingDetailSerializer if self.action == "retrieve" else TrainingSerializer

    def get_object(self) -> TrainingRun:
        try:
            return selectors.training_get(training_id=self.kwargs["pk"], **self._owner())
        except (TrainingRun.DoesNotExist, ValueError, ValidationError):
            raise NotFound("No such training of yours.") from None

    @extend_schema(
        request=TrainingInputSerializer,
        responses={
            201: TrainingSerializer,
            400: OpenApiResponse(description="A knob or the points are wrong: which, and why."),
            403: OpenApiResponse(description="CSRF check failed."),
            429: OpenApiResponse(
                description="A training of yours is going, or too many are queued; see "
                "the Retry-After header."
            ),
            503: OpenApiResponse(
                description="The task queue is unreachable: the training is recorded as failed."
            ),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Queue a training: snapshots come as it learns; read it back to see them."""
        import generators

        data = TrainingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = self._owner()
        if owner["learner"] is None and not owner["session_key"]:
            request.session.save()  # a training belongs to someone: this session, then
            owner["session_key"] = request.session.session_key
        try:
            run = training_request(
                family=data.validated_data["family"],
                params=data.validated_data["params"],
                seed=data.validated_data["seed"],
                points=data.validated_data.get("points"),
                client_ip=request.META.get("REMOTE_ADDR", ""),
                **owner,
            )
        except generators.ParameterError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        except Refused as exc:
            raise Throttled(wait=exc.retry_after, detail=exc.reason) from None
        except QueueUnavailable as exc:
            return Response(
                {"detail": exc.reason},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(exc.retry_after)},
            )
        body = TrainingSerializer(run, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: TrainingDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        """One of your trainings with every snapshot so far."""
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={
            202: TrainingSerializer,
            403: OpenApiResponse(description="CSRF check failed."),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args, **kwargs) -> Response:
        """Stop the training: a queued one at once, a running one within one snapshot,
        keeping what it has learned (which you can sample from)."""
        run = self.get_object()
        training_cancel(run=run)
        run.refresh_from_db(fields=["status", "cancel_requested", "finished_at"])
        body = TrainingSerializer(run, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: FamilySerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def families(self, request: Request) -> Response:
        """The trainable families and their knobs: types, defaults, bounds, help."""
        return Response(FamilySerializer(list(training_schema().values()), many=True).data)
