"""A path's glossary: each term, its one-sentence definition and the lesson that teaches
it (`glossary.yaml` in the bundle, `GlossaryTerm` rows in the database).

services.py writes a bundle's terms; selectors.py reads them; linking.py links the
first use of each term in a rendered lesson to its entry, with the definition as an
accessible tooltip; views.py serves the glossary page.
"""
