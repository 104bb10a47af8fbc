"""Making and moving paths: the bundle folder format and its `.zip`, importing (the
shipped paths, an upload as a new path) and exporting, cloning a path to make it your
own, and the editor (settings, sharing, the lesson tree, a lesson's Markdown).

bundle.py reads and writes the folder; archive.py the `.zip`; selectors.py reads a path
as a bundle; services.py writes (import, clone, settings, lesson edits); forms.py and
views.py serve the editor and the clone, import and export screens.
"""
