"""The five families as the site presents them: title, the lesson that teaches each,
and the demo's starting values where they differ from the generators' defaults.

Bounds and defaults come from ``generators.families()``, the one source of truth; the
overrides in each family's presenter (``demos.presenters``) only choose a friendlier
first run (candidates shown, a density map)."""

from .presenters import FamilyInfo, presenters

PATH_SLUG = "how-generative-ai-works"

FAMILIES: list[FamilyInfo] = [p.info for p in presenters()]
BY_NAME = {f.name: f for f in FAMILIES}
BY_LESSON = {f.lesson_slug: f for f in FAMILIES}
