"""A path's podcast episode: the script (in the bundle), the audio made from it with an
offline TTS, its timed transcript and chapters, the pages and the feed.

script.py parses and validates the script; render.py turns it into speech; formats.py
writes and reads the files (WebVTT, chapters JSON, episode.json); services.py and
selectors.py write and read episodes; http.py answers Range requests; views.py serves it.
"""
