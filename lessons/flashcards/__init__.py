"""A path's flashcards: FSRS scheduling and study, a card's history, the learner's study
settings, the deck editor, and the Anki export.

scheduling.py is the FSRS core: the study queue and standings (reads) and recording a
review exactly once (writes); services.py writes the deck (a bundle's cards, the
editor's add, change, delete); anki.py writes the `.apkg`; forms.py, views.py and
api.py serve the screens and the JSON endpoints.
"""
