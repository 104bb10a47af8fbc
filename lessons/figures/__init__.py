"""The path's figures, drawn by code from our own models and data.

``registry.py`` holds the list of figures (each a function that returns the bytes of
one or more files in the bundle's ``figures/`` folder), ``canvas.py`` the shared look
(sizes, palette, byte-for-byte reproducible SVG and PNG), and one module per topic
draws that topic's figures. ``manage.py draw_figures SLUG`` writes them all. Nothing
here imports Django: the functions are plain and tests call them directly.
"""
