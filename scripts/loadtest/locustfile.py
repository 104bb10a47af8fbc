"""Simulated learners for the load test (scripts/loadtest/run.py): they read lessons,
mark them complete, study flashcards, answer quiz questions and press Sample in the
Lab, polling the run until its result is there, as the browser does.

Half are signed in (sessions made by run.py, given in LOADTEST_SESSIONS), half are
anonymous readers. Each request is named by its kind, so the statistics are per kind;
"demo click-to-result" is the time from pressing Sample to the finished run.
"""

import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

SLUG = os.environ.get("LOADTEST_PATH", "how-generative-ai-works")
SESSIONS = json.loads(Path(os.environ["LOADTEST_SESSIONS"]).read_text())
LESSONS = SESSIONS["lessons"]
FAMILIES = ["autoregressive", "vae", "gan", "flow", "diffusion"]
POLL_SECONDS = 0.25  # the Lab page polls its run this often
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to `action`."""
    start = html.find(f'action="{action}"')
    if start < 0:
        return {}
    return dict(HIDDEN.findall(html[start : html.find("</form>", start)]))


class Learner(HttpUser):
    wait_time = between(2, 6)  # reading and thinking between clicks

    def on_start(self) -> None:
        self.signed_in = bool(SESSIONS["cookies"]) and random.random() < 0.5
        if self.signed_in:
            name, value = SESSIONS["cookies"].pop()
            self.client.cookies.set(name, value)
        self.client.get(f"/paths/{SLUG}/", name="path page")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    @task(6)
    def read_lesson(self) -> None:
        lesson = random.choice(LESSONS)
        self.client.get(f"/paths/{SLUG}/lessons/{lesson}/", name="lesson page")

    @task(2)
    def mark_complete(self) -> None:
        lesson = random.choice(LESSONS)
        url = f"/paths/{SLUG}/lessons/{lesson}/"
        self.client.get(url, name="lesson page")
        self.client.post(
            f"{url}complete/",
            {"csrfmiddlewaretoken": self.csrf()},
            headers={"HX-Request": "true", "Referer": self.host + url},
            name="mark complete",
        )

    @task(2)
    def study_card(self) -> None:
        study = f"/paths/{SLUG}/flashcards/study/"
        page = self.client.get(study, name="flashcards study").text
        shown = re.search(r'href="(/paths/[^"]+/flashcards/study/\?show=\d+)"', page)
        if not shown:
            return  # nothing due: the deck says so
        flipped = self.client.get(
            shown[1], headers={"HX-Request": "true"}, name="flashcards flip"
        ).text
        fields = hidden_fields(flipped, study)
        if "card" in fields:
            self.client.post(
                study,
                {**fields, "rating": random.choice([2, 3, 3, 4])},
                headers={"HX-Request": "true", "Referer": self.host + study},
                name="flashcards rate",
            )

    @task(2)
    def answer_question(self) -> None:
        start = f"/paths/{SLUG}/quiz/start/"
        quiz = self.client.get(f"/paths/{SLUG}/quiz/", name="quiz page")
        referer = {"Referer": self.host + start}
        attempt = self.client.post(
            start, {"csrfmiddlewaretoken": self.csrf()}, headers=referer, name="quiz start"
        )
        url = attempt.url.removeprefix(self.host) if attempt.ok else ""
        if quiz.ok and "/attempts/" in url:
            html = attempt.text
            answer = f"{url}answer/"
            fields = hidden_fields(html, answer)
            options = re.findall(r'name="option" value="(\d+)"', html)
            if "question" in fields and options:
                self.client.post(
                    answer,
                    {**fields, "option": random.choice(options), "certainty": "sure"},
                    headers={"Referer": self.host + url},
                    name="quiz answer",
                )

    @task(1)
    def sample(self) -> None:
        """Press Sample in the Lab, then poll the run until it has its result."""
        clicked = time.perf_counter()
        body = {"family": random.choice(FAMILIES), "seed": random.randrange(1_000_000)}
        response = self.client.post(
            "/api/demos/runs/",
            json=body,
            headers={"X-CSRFToken": self.csrf(), "Referer": self.host + "/lab/"},
            name="sample: ask",
        )
        if response.status_code != 201:
            return
        run = response.json()
        while run["status"] not in ("succeeded", "failed"):
            time.sleep(POLL_SECONDS)
            poll = self.client.get(f"/api/demos/runs/{run['id']}/", name="sample: poll")
            if not poll.ok:
                return
            run = poll.json()
        events.request.fire(
            request_type="DEMO",
            name="demo click-to-result",
            response_time=1000 * (time.perf_counter() - clicked),
            response_length=0,
            exception=None if run["status"] == "succeeded" else RuntimeError(run["status"]),
            context={},
        )
