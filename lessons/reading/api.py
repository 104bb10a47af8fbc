"""Read-only API: paths, a path's lesson tree, and a lesson (rendered HTML and source)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from lessons.markdown import render_markdown
from lessons.models import LearningPath, Resource

from . import selectors


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = ["title", "authors", "year", "kind", "url", "note"]


class PathSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="path-detail", lookup_field="slug")

    class Meta:
        model = LearningPath
        fields = ["url", "slug", "title", "summary", "visibility", "updated_at"]


class PathDetailSerializer(PathSerializer):
    resources = ResourceSerializer(many=True, read_only=True)

    class Meta(PathSerializer.Meta):
        fields = [*PathSerializer.Meta.fields, "resources"]


class TreeNodeSerializer(serializers.Serializer):
    slug = serializers.CharField(source="lesson.slug")
    title = serializers.CharField(source="lesson.title")
    number = serializers.CharField()
    children = serializers.SerializerMethodField()

    def get_children(self, node) -> list[dict]:
        return TreeNodeSerializer(node.children, many=True).data


class LessonSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField(help_text="The lesson's Markdown.")
    html = serializers.CharField(help_text="Sanitized HTML; math left for KaTeX.")
    previous = serializers.CharField(allow_null=True, help_text="Slug of the previous lesson.")
    next = serializers.CharField(allow_null=True, help_text="Slug of the next lesson.")


class PathViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Learning paths a visitor may read; a path's tree; its lessons."""

    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "list":
            return selectors.paths_visible(user=self.request.user)
        return selectors.path_readable(user=self.request.user).prefetch_related("resources")

    def get_serializer_class(self):
        return PathSerializer if self.action == "list" else PathDetailSerializer

    @extend_schema(responses=TreeNodeSerializer(many=True))
    @action(detail=True, pagination_class=None)  # the whole tree, as one list
    def tree(self, request: Request, slug: str) -> Response:
        tree = selectors.lesson_tree(path=self.get_object())
        return Response(TreeNodeSerializer(tree, many=True).data)

    @extend_schema(responses=LessonSerializer)
    @action(detail=True, url_path=r"lessons/(?P<lesson_slug>[-\w]+)")
    def lesson(self, request: Request, slug: str, lesson_slug: str) -> Response:
        path = self.get_object()
        ordered = [n.lesson for n in selectors.tree_in_order(selectors.lesson_tree(path=path))]
        slugs = [lesson.slug for lesson in ordered]
        if lesson_slug not in slugs:
            raise NotFound("No such lesson in this path.")
        index = slugs.index(lesson_slug)
        lesson = ordered[index]
        data = {
            "slug": lesson.slug,
            "title": lesson.title,
            "source": lesson.body,
            "html": render_markdown(lesson.body, selectors.figure_set(path=path)).html,
            "previous": ordered[index - 1].slug if index > 0 else None,
            "next": ordered[index + 1].slug if index + 1 < len(ordered) else None,
        }
        return Response(LessonSerializer(data).data)
