"""The project's promises outside the code: docker-compose matches the settings, the
README documents every setting and both commands, CI runs the README's test command."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "learning_platform" / "settings"


def settings_env_vars() -> set[str]:
    """Every environment variable the settings read."""
    names = set()
    for module in SETTINGS_DIR.glob("*.py"):
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', module.read_text()))
    return names


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_with_healthchecks_and_volumes():
    """Protects the deployment shape: web, worker (sampling), trainer (learners'
    trainings), postgres, redis, each health-checked; the database and broker keep
    their data in named volumes."""
    services = compose()["services"]
    assert set(services) == {"web", "worker", "trainer", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert set(compose()["volumes"]) >= {"postgres-data", "redis-data"}
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]


def test_compose_commands_match_the_project():
    """Protects the commands: gunicorn serves our WSGI app after migrating and loading
    the first path; the worker is a Celery worker of our app on the `gpu` queue with an
    NVIDIA GPU reserved."""
    services = compose()["services"]
    web = services["web"]["command"]
    assert "gunicorn learning_platform.wsgi:application" in web
    assert (
        "manage.py migrate" in web and "import_path lessons/content/how-generative-ai-works" in web
    )
    assert (ROOT / "lessons/content/how-generative-ai-works/path.yaml").is_file()
    worker = services["worker"]["command"]
    assert worker.startswith("celery -A learning_platform worker")
    assert re.search(r"(--queues|-Q) gpu\b", worker)
    trainer = services["trainer"]["command"]
    assert re.search(r"(--queues|-Q) train\b", trainer) and "gpu" not in trainer
    assert services["trainer"]["deploy"] == services["worker"]["deploy"]
    devices = services["worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]


def test_compose_environment_is_what_the_settings_read():
    """Protects against drift: every variable compose sets is read by the settings, the
    required ones are set, and the URLs point at the compose services and credentials."""
    services = compose()["services"]
    env = services["web"]["environment"]
    assert services["worker"]["environment"] == env  # one definition, shared
    read = settings_env_vars() | {"DJANGO_SETTINGS_MODULE"}
    assert set(env) <= read, set(env) - read
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= set(env)
    assert env["DJANGO_SETTINGS_MODULE"] == "learning_platform.settings.production"
    pg = services["postgres"]["environment"]
    assert re.fullmatch(
        rf"postgres://{pg['POSTGRES_USER']}:.*@postgres:5432/{pg['POSTGRES_DB']}",
        env["DATABASE_URL"],
    )
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


def test_production_settings_have_no_secret_default():
    """Protects deployments from running with the development key."""
    text = (SETTINGS_DIR / "production.py").read_text()
    assert 'SECRET_KEY = env("SECRET_KEY")' in text


def test_readme_documents_every_setting_and_both_commands():
    """Protects newcomers: each environment variable the settings read is in the README,
    and the README gives `make run` and `make test` first."""
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in settings_env_vars() if f"`{name}`" not in readme}
    assert not missing, f"README lacks {sorted(missing)}"
    head = readme[:1500]
    assert "make run" in head and "make test" in head


def test_ci_runs_exactly_the_readme_test_command():
    """Protects CI from testing something other than what a developer runs."""
    script = (ROOT / ".ci" / "run").read_text()
    commands = [
        line for line in script.splitlines() if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert commands == ["make test"]


def test_deploy_check_passes_with_production_settings():
    """Protects deployments: `check --deploy` finds nothing but the opt-in HSTS preload
    (HTTPS redirect, HSTS and secure cookies are on by default in production)."""
    import os
    import subprocess
    import sys

    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "learning_platform.settings.production",
        "SECRET_KEY": "x" * 60 + "a-long-random-looking-key-for-the-check-only",
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    issues = [line for line in result.stdout.splitlines() if "(security." in line]
    assert [line for line in issues if "W021" not in line] == [], result.stdout
