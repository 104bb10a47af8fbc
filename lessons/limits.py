"""Text limits that are not a database column's: the ones the editor sets, which the
bundle reader enforces too. A leaf: it imports nothing of the app, so the editor's
forms and the bundle reader both take the number from here.

Limits the database sets are read from the model field where they are used
(`Model._meta.get_field(name).max_length`), never written down twice."""

MAX_BODY = 100_000  # characters in a lesson: the longest shipped lesson is under 15 000
MAX_SUMMARY = 2000  # characters in a path's summary
MAX_FRONT, MAX_BACK = 1000, 2000  # characters on a flashcard's faces
MAX_QUESTION, MAX_EXPLANATION, MAX_OPTION = 1000, 3000, 500  # a quiz question's texts
MAX_DEFINITION = 300  # characters in a glossary definition: one plain sentence
MAX_ALIASES = 10  # other names of one glossary term

# A path's figures (the bundle's figures/ folder): what one file and all of them may
# weigh. The drawn figures are far smaller (an SVG < 200 KB, a PNG < 300 KB).
MAX_FIGURE_BYTES = 1_000_000
MAX_FIGURES_BYTES = 20_000_000
MAX_FIGURES = 500  # files in one path's figures/
MAX_FIGURE_PIXELS = 4096  # the longest side of a figure image, in pixels
MAX_FIGURE_NAME = 100  # characters in a figure's file name
