import json

import pytest

import generators
from generators import ParameterError


def test_families_lists_every_family_with_json_able_parameters():
    fams = generators.families()
    assert [f["name"] for f in fams] == ["autoregressive", "vae", "gan", "flow", "diffusion"]
    json.dumps(fams)
    for f in fams:
        assert f["title"] and f["datasets"]
        for p in f["parameters"]:
            assert p["help"] and "default" in p
            if p["type"] in ("int", "float"):
                assert p["min"] <= p["default"] <= p["max"]
            if p["type"] == "choice":
                assert p["default"] in p["choices"]


def test_every_default_passes_its_own_validation():
    for _name, spec in generators.REGISTRY.items():
        from generators.params import validate

        validate(spec["module"].PARAMS, {})


def test_out_of_bounds_value_names_parameter_and_range():
    with pytest.raises(ParameterError) as e:
        generators.sample("autoregressive", temperature=5)
    assert e.value.field == "temperature"
    assert str(e.value) == "temperature must be between 0.1 and 2.0 (got 5)"
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize(
    "family, params, field",
    [
        ("autoregressive", {"strategy": "magic"}, "strategy"),
        ("autoregressive", {"top_k": 1.5}, "top_k"),
        ("autoregressive", {"prompt": "x" * 201}, "prompt"),
        ("vae", {"n": 0}, "n"),
        ("gan", {"dataset": "swiss-roll"}, "dataset"),
        ("diffusion", {"num_inference_steps": 1001}, "num_inference_steps"),
        ("diffusion", {"guidance_scale": 0.5}, "guidance_scale"),
        ("flow", {"points": [[1, 2, 3]]}, "points"),
        ("diffusion", {"colour": "red"}, "colour"),
        ("nope", {}, "family"),
    ],
)
def test_bad_parameters_raise_clear_errors(family, params, field):
    with pytest.raises(ParameterError) as e:
        generators.sample(family, **params)
    assert e.value.field == field
    assert field in str(e.value)


def test_seed_must_be_a_non_negative_integer():
    with pytest.raises(ParameterError) as e:
        generators.sample("vae", seed=-1)
    assert e.value.field == "seed"


def test_form_strings_are_coerced_to_the_declared_types():
    from generators import vae
    from generators.params import validate

    p = validate(vae.PARAMS, {"latent_dim": "16", "n": "4", "z1": "-1.5"})
    assert p["latent_dim"] == 16 and p["n"] == 4 and p["z1"] == -1.5
    from generators import flow

    assert validate(flow.PARAMS, {"density": "true"})["density"] is True
