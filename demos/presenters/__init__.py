"""One presenter per model family: ``presenter_for(family)`` says what the site shows
of it. Each family's module is imported here, by name, so that it registers (in the
Lab's order); a new family is one new module and one line below."""

# The order they are imported in is the order they register in: the Lab's order.
# isort: off
from . import autoregressive, vae, gan, flow, diffusion  # noqa: F401

# isort: on
from .base import CompareModel, FamilyInfo, Presenter, presenter_for, presenters, register

__all__ = ["CompareModel", "FamilyInfo", "Presenter", "presenter_for", "presenters", "register"]
