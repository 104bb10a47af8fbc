"""The README and the package docstring document what the code offers."""

from pathlib import Path

import generators
from generators import train

README = (Path(generators.__file__).parent / "README.md").read_text()


def test_every_family_parameter_is_in_the_readme_table():
    for family in generators.families():
        assert f"| {family['name']} |" in README
        for p in family["parameters"]:
            assert p["name"] in README, (family["name"], p["name"])


def test_every_command_and_family_is_documented():
    for text in (README, generators.__doc__):
        for command in ("generators.train", "generators.evaluate", "generators.bench"):
            assert command in text
        for name in generators.REGISTRY:
            assert name in text
    for name in train.TARGETS:
        assert name.split("-")[1] in README


def test_generators_never_imports_django():
    import subprocess
    import sys

    code = (
        "import sys, generators, generators.train, generators.evaluate, generators.bench;"
        "generators.sample('vae', n=1);"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=Path(generators.__file__).parents[1]
    )
