"""A path's quiz: attempts with their seeded order, scoring and review, and the quiz
editor.

grading.py is the core: scoring an answer, an attempt's order and review (reads) and
starting, answering once and finishing an attempt (writes); services.py writes the
questions (a bundle's, the editor's save and delete); forms.py, views.py and api.py
serve the screens and the JSON endpoints.
"""
