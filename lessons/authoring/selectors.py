"""Authoring reads: a path as the bundle `bundle_write` writes (the export)."""

from lessons.models import LearningPath
from lessons.podcast.selectors import episode_of, episode_spec
from lessons.reading.selectors import LessonNode, lesson_tree

from .bundle import (
    CardSpec,
    GlossarySpec,
    LessonSpec,
    OptionSpec,
    PathBundle,
    QuestionSpec,
    ResourceSpec,
)
from .figures import FigureSpec


def path_bundle(*, path: LearningPath) -> PathBundle:
    """A path as the bundle `bundle_write` writes: seven queries (lessons, resources, the
    podcast episode, figures, cards, questions, options, glossary terms)."""

    def spec(node: LessonNode) -> LessonSpec:
        lesson = node.lesson
        return LessonSpec(
            slug=lesson.slug,
            title=lesson.title,
            body=lesson.body,
            children=[spec(child) for child in node.children],
        )

    return PathBundle(
        slug=path.slug,
        title=path.title,
        summary=path.summary,
        lessons=[spec(node) for node in lesson_tree(path=path)],
        resources=[
            ResourceSpec(
                title=r.title, authors=r.authors, year=r.year, kind=r.kind, url=r.url, note=r.note
            )
            for r in path.resources.all()
        ],
        cards=[
            CardSpec(key=c.key, lesson=c.lesson.slug, front=c.front, back=c.back)
            for c in path.flashcards.filter(question=None).select_related("lesson")
        ],
        questions=[
            QuestionSpec(
                key=q.key,
                lesson=q.lesson.slug,
                section=q.section,
                kind=q.kind,
                question=q.text,
                options=[OptionSpec(text=o.text, correct=o.correct) for o in q.options.all()],
                explanation=q.explanation,
                demo=q.demo,
            )
            for q in path.quiz_questions.select_related("lesson").prefetch_related("options")
        ],
        podcast=episode_spec(episode=episode) if (episode := episode_of(path=path)) else None,
        figures=[
            FigureSpec(
                name=f.name,
                data=bytes(f.data),
                content_type=f.content_type,
                sha256=f.sha256,
                width=f.width,
                height=f.height,
            )
            for f in sorted(path.figures.all(), key=lambda f: f.name)  # as bundle_read
        ],
        glossary=[
            GlossarySpec(
                term=t.term, aliases=list(t.aliases), definition=t.definition, lesson=t.lesson.slug
            )
            for t in path.glossary_terms.select_related("lesson")
        ],
    )
