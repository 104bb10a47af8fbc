"""The podcast's cover: a square drawn here with Pillow, so the project owns it.

Points sampled from a mixture of Gaussians (what every generative model learns to do)
under the show's name. Deterministic: a fixed seed and Pillow's bundled font.
"""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIZE = 1400  # Apple Podcasts wants 1400–3000 px, square
PAPER, INK, ACCENT, SOFT = "#f7f3ea", "#1f2a37", "#0f766e", "#9ccfc8"


def artwork_draw() -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE), PAPER)
    draw = ImageDraw.Draw(image)
    rng = np.random.default_rng(2026)
    centres = np.array([[0.30, 0.62], [0.55, 0.48], [0.74, 0.66], [0.46, 0.74]])
    for index, (cx, cy) in enumerate(centres):
        points = rng.normal([cx, cy], [0.06, 0.045], size=(260, 2))
        colour = ACCENT if index % 2 == 0 else SOFT
        for x, y in points:
            if 0.08 < x < 0.92 and 0.36 < y < 0.92:
                r = 7
                px, py = x * SIZE, y * SIZE
                draw.ellipse([px - r, py - r, px + r, py + r], fill=colour)
    title = ImageFont.load_default(size=150)
    subtitle = ImageFont.load_default(size=70)
    small = ImageFont.load_default(size=48)
    draw.text((110, 110), "Sample Space", font=title, fill=INK)
    draw.text((114, 290), "How generative AI works", font=subtitle, fill=ACCENT)
    draw.rectangle([110, 1230, 1290, 1236], fill=INK)
    draw.text((110, 1262), "A podcast in two voices", font=small, fill=INK)
    return image
