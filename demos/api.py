"""API: ask for a demo run, read it back, list your own runs, and the families with
their parameter schemas (defaults and bounds from the generators)."""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from . import selectors
from .models import DemoRun, Family, TrainingRun
from .params import SEED_MAX, schema
from .services import QueueUnavailable, Refused, run_request
from .training.selectors import training_get


class CsrfForSessions(permissions.BasePermission):
    """CSRF on every POST that rides on a browser session, signed in or not (DRF checks
    it for signed-in sessions only); token clients carry no ambient credentials."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.successful_authenticator, TokenAuthentication):
            return True
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return True
        check = CsrfViewMiddleware(lambda r: None)
        check.process_request(request._request)
        reason = check.process_view(request._request, None, (), {})
        if reason:
            raise PermissionDenied(f"CSRF failed: {reason.reason_phrase}")
        return True


@extend_schema_field(OpenApiTypes.ANY)
class AnyValueField(serializers.JSONField):
    pass


class ParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["int", "float", "choice", "str", "bool", "points"])
    default = AnyValueField(allow_null=True)
    help = serializers.CharField()
    min = serializers.FloatField(required=False)
    max = serializers.FloatField(required=False)
    max_length = serializers.IntegerField(required=False)
    choices = serializers.ListField(child=AnyValueField(), required=False)


class FamilySerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    datasets = serializers.ListField(child=serializers.CharField())
    parameters = ParameterSerializer(many=True)


class RunInputSerializer(serializers.Serializer):
    family = serializers.ChoiceField(choices=Family.choices)
    seed = serializers.IntegerField(min_value=0, max_value=SEED_MAX, default=0)
    params = serializers.DictField(
        child=AnyValueField(allow_null=True),
        default=dict,
        help_text="Parameters by name (see /api/demos/families/); missing ones take "
        "their defaults.",
    )
    training = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Sample from this training of yours (its model) instead of the shipped "
        "checkpoint; it takes sample_trained's parameters (n).",
    )


class RunSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    progress_percent = serializers.IntegerField(read_only=True)
    result = AnyValueField(read_only=True)

    class Meta:
        model = DemoRun
        fields = [
            "id",
            "url",
            "family",
            "params",
            "seed",
            "checkpoint_version",
            "status",
            "progress_step",
            "progress_total",
            "progress_percent",
            "result",
            "error",
            "error_field",
            "device",
            "sampling_seconds",
            "created_at",
            "started_at",
            "finished_at",
            "reused_from",
            "training",
        ]
        read_only_fields = fields

    def get_url(self, run: DemoRun) -> str:
        return self.context["request"].build_absolute_uri(run.get_absolute_url())


class RunListSerializer(RunSerializer):
    class Meta(RunSerializer.Meta):
        fields = [f for f in RunSerializer.Meta.fields if f != "result"]
        read_only_fields = fields


class DemoRunViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Demo runs. Anyone holding a run's id may read it (its permalink); the list holds
    only your own runs (signed-in learner, or this browser session)."""

    permission_classes = [CsrfForSessions]
    serializer_class = RunSerializer
    # A run's id is a UUID: anything else is no run (404), never a query that fails.
    lookup_value_regex = (
        "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
    )

    def get_queryset(self):
        if self.action == "list":
            return selectors.runs_of(
                learner=self.request.user, session_key=self.request.session.session_key or ""
            ).defer("result", "live_frames")
        return DemoRun.objects.all()

    def get_serializer_class(self):
        return RunListSerializer if self.action == "list" else RunSerializer

    def get_object(self) -> DemoRun:
        try:
            return selectors.run_get(run_id=self.kwargs["pk"])
        except (DemoRun.DoesNotExist, ValueError, ValidationError):
            raise NotFound("No such run.") from None

    @extend_schema(
        request=RunInputSerializer,
        responses={
            201: RunSerializer,
            400: OpenApiResponse(description="A parameter is wrong: its name and the range."),
            403: OpenApiResponse(description="CSRF check failed."),
            429: OpenApiResponse(description="Too many runs; see the Retry-After header."),
            503: OpenApiResponse(
                description="The task queue is unreachable: the run is recorded as failed."
            ),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Queue a run (or reuse a finished identical one, returned already succeeded)."""
        import generators

        data = RunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        session_key = ""
        if user is None and settings.SESSION_COOKIE_NAME in request.COOKIES:
            if not request.session.session_key:
                request.session.save()
            session_key = request.session.session_key
        training = None
        if data.validated_data.get("training"):
            try:
                training = training_get(
                    training_id=data.validated_data["training"],
                    learner=user,
                    session_key=request.session.session_key or "",
                )
            except TrainingRun.DoesNotExist:
                raise ValidationError({"training": ["No such training of yours."]}) from None
        try:
            run = run_request(
                family=data.validated_data["family"],
                params=data.validated_data["params"],
                seed=data.validated_data["seed"],
                learner=user,
                session_key=session_key,
                client_ip=request.META.get("REMOTE_ADDR", ""),
                training=training,
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
        body = RunSerializer(run, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: RunSerializer, 404: OpenApiResponse(description="No such run.")})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return super().retrieve(request, *args, **kwargs)


class FamilyViewSet(viewsets.ViewSet):
    """The five model families and their parameters: types, defaults, bounds, help."""

    lookup_field = "name"
    serializer_class = FamilySerializer

    def list(self, request: Request) -> Response:
        return Response(FamilySerializer(list(schema().values()), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=Family.values)],
        responses={200: FamilySerializer, 404: OpenApiResponse(description="No such family.")},
    )
    def retrieve(self, request: Request, name: str | None = None) -> Response:
        if name not in schema():
            raise NotFound("No such family.")
        return Response(FamilySerializer(schema()[name]).data)
