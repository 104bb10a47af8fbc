"""Reading a path: the paths a visitor may see, read and edit, the lesson tree and its
lessons, the resources, and a learner's progress (completed lessons, "continue").

selectors.py reads (visibility, the tree, progress); services.py writes (completing a
lesson, keeping an anonymous learner's progress, free slugs); views.py serves the home,
path, lesson and resources pages and sign-up; api.py the read-only paths API.
"""
