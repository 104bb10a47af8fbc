"""A path's podcast episode: the script (in the bundle), the audio made from it with an
offline TTS, its timed transcript and chapters, the pages and the feed.

script.py parses and validates the script; render.py turns it into speech (espeak-ng,
ffmpeg); formats.py writes and reads WebVTT, JSON chapters and episode.json; files.py
reads and writes the bundle's podcast/ folder; services.py and selectors.py write and
read episodes; http.py answers Range requests; views.py serves the page, the audio and
the feed, at the URLs in urls.py; artwork.py draws the cover.
"""
