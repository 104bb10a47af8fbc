"""Diagrams: the five families, the routes to a likelihood, the chain rule, the
reparameterization trick, and the building blocks of the architectures lessons.

Each diagram is boxes and arrows in data coordinates on an axis-free matplotlib canvas.
"""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from . import canvas
from .registry import figure

BLUE, SKY, GREEN, ORANGE, VERMILION, PURPLE = (canvas.PALETTE[i] for i in (4, 1, 2, 0, 5, 6))


def blank(width: float, height: float, xlim, ylim):
    """An axis-free canvas whose data units are the diagram's coordinates."""
    fig, ax = canvas.new(width, height)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax, x, y, text, colour=BLUE, w=1.6, h=0.7, size=12, fill=True):
    """A rounded box centred at (x, y), tinted with its colour."""
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=colour + "33" if fill else "white",
            edgecolor=colour,
            linewidth=1.6,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=canvas.INK)


def arrow(ax, start, end, colour=canvas.INK, style="-|>", dashed=False, rad=0.0, width=1.6):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=14,
            color=colour,
            linewidth=width,
            linestyle=(0, (4, 3)) if dashed else "-",
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=2,
            shrinkB=2,
        )
    )


def label(ax, x, y, text, size=11, colour=canvas.INK, **kw):
    ax.text(x, y, text, fontsize=size, color=colour, **kw)


# ----------------------------------------------------------------------------- families


@figure("diagrams-families.svg", lesson="families")
def families() -> bytes:
    """The five families, each as the path from noise or data that defines it."""
    fig, ax = blank(6.4, 8.0, (-0.2, 10.2), (0.2, 12.9))
    rows = [
        ("Autoregressive", BLUE, 11.7),
        ("VAE", GREEN, 9.0),
        ("GAN", VERMILION, 6.6),
        ("Flow", PURPLE, 4.2),
        ("Diffusion", ORANGE, 1.5),
    ]
    for name, colour, y in rows:
        label(ax, 0, y + 0.75, name, size=13, colour=colour, fontweight="bold")
    # Autoregressive: each piece from the ones before it.
    y = 11.7
    for i in range(4):
        box(ax, 1.2 + 2.4 * i, y, f"$x_{i + 1}$", BLUE, w=1.2)
        for j in range(i):
            arrow(
                ax,
                (1.2 + 2.4 * j + 0.3, y - 0.35),
                (1.2 + 2.4 * i - 0.3, y - 0.35),
                BLUE,
                rad=0.3,
                width=1.0,
            )
    label(ax, 9.9, y + 0.75, r"$p(x)=\prod_i p(x_i \mid x_{<i})$", size=12, ha="right")
    # VAE: encode to a code z, decode back.
    y = 9.0
    box(ax, 0.8, y, "$x$", GREEN, w=1.0)
    box(ax, 3.0, y, "encoder\n$q_\\phi(z\\mid x)$", GREEN, w=2.2, h=1.0, size=11)
    box(ax, 5.1, y, "$z$", GREEN, w=0.9)
    box(ax, 7.2, y, "decoder\n$p_\\theta(x\\mid z)$", GREEN, w=2.2, h=1.0, size=11)
    box(ax, 9.4, y, r"$\hat x$", GREEN, w=1.0)
    for a, b in ((1.3, 1.9), (4.1, 4.65), (5.55, 6.1), (8.3, 8.9)):
        arrow(ax, (a, y), (b, y))
    # GAN: noise to fake, a discriminator judges fake against real.
    y = 6.6
    box(ax, 0.8, y, "$z$", VERMILION, w=1.0)
    box(ax, 3.0, y, "generator $G$", VERMILION, w=2.3)
    box(ax, 5.5, y, "$G(z)$", VERMILION, w=1.3)
    box(ax, 8.2, y, "discriminator\n$D$: real?", VERMILION, w=2.6, h=1.0, size=11)
    box(ax, 8.2, y - 1.35, "real $x$", VERMILION, w=1.4, fill=False)
    for a, b in ((1.3, 1.85), (4.15, 4.85), (6.15, 6.9)):
        arrow(ax, (a, y), (b, y))
    arrow(ax, (8.2, y - 1.0), (8.2, y - 0.5))
    # Flow: one invertible map both ways.
    y = 4.2
    box(ax, 0.8, y, "$z$", PURPLE, w=1.0)
    box(ax, 5.0, y, "invertible $f$", PURPLE, w=2.6)
    box(ax, 9.2, y, "$x$", PURPLE, w=1.0)
    arrow(ax, (1.3, y + 0.15), (3.7, y + 0.15))
    arrow(ax, (3.7, y - 0.15), (1.3, y - 0.15))
    arrow(ax, (6.3, y + 0.15), (8.7, y + 0.15))
    arrow(ax, (8.7, y - 0.15), (6.3, y - 0.15))
    label(ax, 5.0, y - 0.95, "exact $p(x)$ by change of variables", size=11, ha="center")
    # Diffusion: noise added step by step, removed step by step.
    y = 1.5
    for i, name in enumerate(("$x_0$", "$x_1$", "$\\cdots$", "$x_T$")):
        box(ax, 1.0 + 2.8 * i, y, name, ORANGE, w=1.2)
    for i in range(3):
        a, b = 1.6 + 2.8 * i, 3.2 + 2.8 * i
        arrow(ax, (a, y + 0.2), (b, y + 0.2), canvas.MUTED)
        arrow(ax, (b, y - 0.2), (a, y - 0.2), ORANGE)
    label(ax, 5.2, y + 0.5, "add noise", size=10, colour=canvas.MUTED, ha="center")
    label(
        ax,
        5.2,
        y - 1.05,
        "learned: denoise one step at a time",
        size=11,
        colour=canvas.INK,
        ha="center",
    )
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- routes


@figure("diagrams-routes.svg", lesson="foundations")
def routes() -> bytes:
    """Four ways to make p_θ match p_data when log p_θ(x) is hard."""
    fig, ax = blank(6.4, 5.0, (0, 10), (0.9, 8.2))
    box(
        ax,
        5,
        7.5,
        r"make $p_\theta$ match $p_{\mathrm{data}}$:  maximise $\mathbb{E}\,\log p_\theta(x)$",
        BLUE,
        w=9.6,
        h=0.9,
        size=12,
    )
    routes = [
        ("compute it\nexactly", "autoregres-\nsive models,\nflows", BLUE),
        ("bound it\nfrom below", "VAEs,\ndiffusion\n(ELBO)", GREEN),
        ("avoid it:\ncompare\nsamples", "GANs", VERMILION),
        ("match its\ngradient\n$\\nabla_x \\log p$", "score\nmodels,\ndiffusion", ORANGE),
    ]
    for i, (how, who, colour) in enumerate(routes):
        x = 1.25 + 2.5 * i
        arrow(ax, (5, 7.0), (x, 5.6), colour, rad=0.0)
        box(ax, x, 4.8, how, colour, w=2.3, h=1.5, size=11)
        arrow(ax, (x, 4.0), (x, 2.9), colour)
        box(ax, x, 2.1, who, colour, w=2.3, h=1.5, size=11, fill=False)
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- chain rule


@figure("diagrams-factorization.svg", lesson="autoregressive-models")
def factorization() -> bytes:
    """p(x) = Π p(x_i | x_<i) for a four-letter word: each factor reads the letters
    before it and nothing after."""
    word = "data"
    fig, ax = blank(6.4, 4.4, (0, 10), (0, 6.6))
    xs = [1.3 + 2.45 * i for i in range(len(word))]
    for i, (x, c) in enumerate(zip(xs, word, strict=True)):
        box(ax, x, 1.2, f"“{c}”", BLUE, w=1.3, h=0.8, size=14)
        for j in range(i):
            arrow(ax, (xs[j], 1.65), (x - 0.1, 1.65), SKY, rad=-0.45, width=1.2)
        given = ", ".join(f"{w}" for w in word[:i])
        text = f"$p(x_{i + 1}$=“{c}”" + (f"$\\mid$ “{given}”)" if i else ")")
        label(ax, x, 4.6 + 0.55 * (i % 2), text, size=10, ha="center")
        ax.plot(
            [x, x], [1.65, 4.45 + 0.55 * (i % 2)], color=canvas.MUTED, linewidth=0.8, linestyle=":"
        )
    label(
        ax,
        5,
        6.2,
        r"$p(x) = p(x_1)\,p(x_2 \mid x_1)\,p(x_3 \mid x_{1:2})\,p(x_4 \mid x_{1:3})$",
        size=12,
        ha="center",
    )
    label(
        ax,
        5,
        0.15,
        "arrows: what each prediction may read (only earlier letters)",
        size=10,
        colour=canvas.MUTED,
        ha="center",
    )
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- reparameterization


@figure("diagrams-reparameterization.svg", lesson="latent-variables-and-the-elbo")
def reparameterization() -> bytes:
    """Sampling z inside the graph blocks the gradient; z = μ + σ ⊙ ε lets it through."""
    fig, axes = canvas.new(6.4, 6.4, nrows=2, layout="constrained")
    for ax, trick in zip(axes, (False, True), strict=True):
        ax.set_xlim(0, 10)
        ax.set_ylim(-0.3, 3.9)
        ax.set_aspect("equal")
        ax.axis("off")
        box(ax, 0.5, 2.2, "$x$", BLUE, w=0.8, size=13)
        box(ax, 2.1, 2.2, "encoder", BLUE, w=1.7, h=0.8, size=12)
        box(ax, 3.9, 3.0, r"$\mu$", BLUE, w=0.8, size=13)
        box(ax, 3.9, 1.4, r"$\sigma$", BLUE, w=0.8, size=13)
        box(ax, 9.0, 2.2, "decoder\n+ loss", BLUE, w=1.8, h=1.1, size=12)
        arrow(ax, (0.9, 2.2), (1.25, 2.2))
        arrow(ax, (2.95, 2.4), (3.5, 2.95))
        arrow(ax, (2.95, 2.0), (3.5, 1.45))
        node = r"$z=\mu+\sigma\odot\varepsilon$" if trick else r"$z\sim\mathcal{N}(\mu,\sigma^2)$"
        box(ax, 6.1, 2.2, node, GREEN if trick else PURPLE, w=2.6, h=0.9, size=13)
        arrow(ax, (4.3, 3.0), (4.8, 2.5))
        arrow(ax, (4.3, 1.4), (4.8, 1.9))
        arrow(ax, (7.4, 2.2), (8.1, 2.2))
        # The gradient of the loss, flowing back (dashed).
        arrow(ax, (8.2, 2.85), (7.0, 2.75), VERMILION, dashed=True, rad=0.35)
        if trick:
            box(
                ax,
                6.1,
                0.3,
                r"$\varepsilon\sim\mathcal{N}(0,I)$",
                ORANGE,
                w=2.6,
                h=0.8,
                size=12,
                fill=False,
            )
            arrow(ax, (6.1, 0.7), (6.1, 1.75), ORANGE)
            arrow(ax, (5.2, 2.75), (4.35, 3.3), VERMILION, dashed=True, rad=0.3)
            arrow(ax, (5.0, 1.65), (4.35, 1.1), VERMILION, dashed=True, rad=-0.3)
            ax.set_title("With z = μ + σ ⊙ ε: the gradient reaches μ and σ", fontsize=12)
        else:
            label(
                ax,
                4.75,
                0.55,
                "✕ no gradient through a random draw",
                size=12,
                colour=VERMILION,
                ha="center",
            )
            ax.set_title("Without the trick: z is drawn inside the graph", fontsize=12)
    label(
        axes[1], 0, 0.2, "dashed: the gradient\nof the loss", size=11, colour=VERMILION, ha="left"
    )
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- architectures


@figure("diagrams-building-blocks.svg", lesson="encoders-decoders-cnns-rnns-transformers")
def building_blocks() -> bytes:
    """Encoder–decoder, convolution, recurrence and attention: how information flows."""
    fig, axes = canvas.new(6.4, 6.4, nrows=2, ncols=2, layout="constrained")
    (enc, cnn), (rnn, att) = axes
    for ax in axes.flat:
        ax.set_xlim(0, 5)
        ax.set_ylim(0, 4.4)
        ax.set_aspect("equal")
        ax.axis("off")
    # Encoder–decoder: wide → narrow code → wide.
    enc.fill([0.3, 2.1, 2.1, 0.3], [0.5, 1.6, 2.6, 3.7], color=BLUE, alpha=0.3)
    enc.fill([2.9, 4.7, 4.7, 2.9], [1.6, 0.5, 3.7, 2.6], color=GREEN, alpha=0.3)
    box(enc, 2.5, 2.1, "$z$", ORANGE, w=0.7, h=1.0)
    label(enc, 1.1, 2.1, "encoder", size=11, ha="center", va="center")
    label(enc, 3.9, 2.1, "decoder", size=11, ha="center", va="center")
    enc.set_title("Encoder → code → decoder", fontsize=11)
    # Convolution: a 3×3 window makes one output value.
    for i in range(6):
        for j in range(6):
            inside = 1 <= i <= 3 and 1 <= j <= 3
            cnn.add_patch(
                FancyBboxPatch(
                    (0.2 + 0.45 * i, 0.9 + 0.45 * j),
                    0.4,
                    0.4,
                    boxstyle="square,pad=0",
                    facecolor=SKY if inside else "white",
                    edgecolor=canvas.MUTED,
                    linewidth=0.8,
                )
            )
    cnn.add_patch(
        FancyBboxPatch(
            (3.9, 2.0), 0.45, 0.45, boxstyle="square,pad=0", facecolor=BLUE, edgecolor=canvas.INK
        )
    )
    arrow(cnn, (1.9, 2.0), (3.85, 2.2), BLUE)
    label(cnn, 2.5, 0.3, "same 3×3 weights at every place", size=10, ha="center")
    cnn.set_title("Convolution: a local window", fontsize=11)
    # RNN: one state carried step by step.
    for i in range(4):
        x = 0.6 + 1.25 * i
        box(rnn, x, 1.0, f"$x_{i + 1}$", SKY, w=0.8, h=0.6, size=11)
        box(rnn, x, 2.6, f"$h_{i + 1}$", BLUE, w=0.8, h=0.6, size=11)
        arrow(rnn, (x, 1.3), (x, 2.3))
        if i:
            arrow(rnn, (x - 0.85, 2.6), (x - 0.4, 2.6), VERMILION)
    label(
        rnn, 2.5, 3.6, "$x_1$ reaches $h_4$ only through\nevery state between", size=10, ha="center"
    )
    rnn.set_title("RNN: one step at a time", fontsize=11)
    # Attention: every position reads every earlier one directly.
    xs = [0.6 + 1.25 * i for i in range(4)]
    for i, x in enumerate(xs):
        box(att, x, 1.0, f"$x_{i + 1}$", SKY, w=0.8, h=0.6, size=11)
        box(att, x, 3.0, f"$y_{i + 1}$", BLUE, w=0.8, h=0.6, size=11)
        for j in range(i + 1):
            att.plot(
                [xs[j], x],
                [1.3, 2.7],
                color=VERMILION if i == 3 else canvas.MUTED,
                linewidth=1.6 if i == 3 else 0.8,
            )
    label(att, 2.5, 3.7, "one step from any earlier position", size=10, ha="center")
    att.set_title("Attention: all pairs at once", fontsize=11)
    return canvas.svg(fig)


@figure("diagrams-objective-architecture.svg", lesson="architectures")
def objective_architecture() -> bytes:
    """Objectives and networks are chosen separately: the pairings the lesson names."""
    fig, ax = blank(6.4, 4.8, (0, 10), (0, 7.2))
    objectives = [
        "predict the next token",
        "maximise an ELBO",
        "fool a discriminator",
        "predict the added noise",
    ]
    networks = ["Transformer", "U-Net", "encoder / decoder"]
    oy = [6.2, 4.5, 2.8, 1.1]
    ny = [5.4, 3.3, 1.4]
    label(ax, 2.0, 7.0, "objective (what to learn)", size=11, ha="center", colour=canvas.MUTED)
    label(ax, 8.0, 7.0, "architecture (how)", size=11, ha="center", colour=canvas.MUTED)
    colours = [BLUE, GREEN, VERMILION, ORANGE]
    for y, text, colour in zip(oy, objectives, colours, strict=True):
        box(ax, 2.0, y, text, colour, w=3.8, h=0.9, size=11)
    for y, text in zip(ny, networks, strict=True):
        box(ax, 8.0, y, text, canvas.INK, w=3.4, h=0.9, size=11, fill=False)
    pairs = [(0, 0), (3, 0), (3, 1), (2, 1), (1, 2)]  # as the lesson pairs them
    for o, n in pairs:
        ax.plot([3.9, 6.3], [oy[o], ny[n]], color=colours[o], linewidth=2)
    return canvas.svg(fig)


@figure("diagrams-transformer-block.svg", lesson="self-attention-and-transformers")
def transformer_block() -> bytes:
    """A pre-norm Transformer block as in our model: two residual branches."""
    fig, ax = blank(6.4, 6.4, (0, 10), (0, 10))
    x0 = 3.2
    ax.plot([x0, x0], [0.4, 9.4], color=canvas.INK, linewidth=2.2)
    arrow(ax, (x0, 9.0), (x0, 9.8))
    label(ax, x0 - 0.3, 0.4, "$x$ (B, T, C)", size=12, ha="right", va="center")
    label(ax, x0 - 0.3, 9.6, "to the next block", size=11, ha="right", va="center")
    for y0, name, colour in (
        (1.6, "causal multi-head\nself-attention", BLUE),
        (5.4, "MLP\n(C → 4C → C, GELU)", GREEN),
    ):
        box(ax, 6.6, y0 + 0.3, "LayerNorm", canvas.MUTED, w=2.6, h=0.7, size=11, fill=False)
        box(ax, 6.6, y0 + 1.7, name, colour, w=3.6, h=1.2, size=11)
        ax.plot([x0, 6.6], [y0 - 0.5, y0 - 0.5], color=canvas.INK, linewidth=1.4)
        arrow(ax, (6.6, y0 - 0.5), (6.6, y0 - 0.05))
        arrow(ax, (6.6, y0 + 0.65), (6.6, y0 + 1.1))
        ax.plot([6.6, 6.6], [y0 + 2.3, y0 + 2.9], color=canvas.INK, linewidth=1.4)
        arrow(ax, (6.6, y0 + 2.9), (x0 + 0.25, y0 + 2.9))
        ax.add_patch(
            FancyBboxPatch(
                (x0 - 0.25, y0 + 2.65),
                0.5,
                0.5,
                boxstyle="circle,pad=0",
                facecolor="white",
                edgecolor=canvas.INK,
                linewidth=1.6,
            )
        )
        label(ax, x0, y0 + 2.9, "+", size=14, ha="center", va="center")
    label(ax, 0.1, 3.2, "residual\nstream", size=11, colour=canvas.MUTED, va="center")
    return canvas.svg(fig)
