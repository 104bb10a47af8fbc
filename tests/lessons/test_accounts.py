"""The signed-in user kept in the cache (lessons/accounts.py): no user query per page,
yet every change to a user counts from the next request on."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.accounts import _key

pytestmark = pytest.mark.django_db
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def signed_in():
    user = get_user_model().objects.create_user(username="kept", password=PASSWORD)
    client = Client()
    client.post(reverse("login"), {"username": "kept", "password": PASSWORD})
    assert client.get(reverse("home")).wsgi_request.user == user  # now kept
    assert cache.get(_key(user.pk)) is not None
    return user, client


def who(client) -> str:
    """The user the next request is served as ('' when anonymous)."""
    response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.OK
    return response.wsgi_request.user.get_username()


def test_a_signed_in_request_reads_no_user_row(signed_in):
    """Protects the saving: once kept, the session's user costs no query (nor does the
    session: it is read from the cache too)."""
    user, client = signed_in
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("lab")).wsgi_request.user.is_authenticated
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "auth_user" not in read and "django_session" not in read


def test_a_password_changed_elsewhere_ends_the_session_at_once(signed_in):
    """Protects accounts: a password changed in another process (`changepassword`, the
    admin) signs out every session made with the old one, kept user or not."""
    user, client = signed_in
    fresh = get_user_model().objects.get(pk=user.pk)
    fresh.set_password("another-password-2")
    fresh.save()
    assert who(client) == ""


def test_deactivating_or_deleting_a_user_signs_them_out(signed_in):
    """Protects staff's decisions: a deactivated user is anonymous on their next request,
    and so is a deleted one."""
    user, client = signed_in
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert who(client) == ""
    user.is_active = True
    user.save(update_fields=["is_active"])
    other = Client()
    other.post(reverse("login"), {"username": "kept", "password": PASSWORD})
    assert who(other) == "kept"
    user.delete()
    assert who(other) == ""


def test_a_renamed_user_shows_the_new_name(signed_in):
    """Protects what pages show: the name comes from the row as it is now."""
    user, client = signed_in
    user.username = "renamed"
    user.save()
    assert who(client) == "renamed"


def test_a_write_inside_a_transaction_is_forgotten_again_at_commit(
    signed_in, django_capture_on_commit_callbacks
):
    """Protects against a request that reads the old row between the write and its
    commit and keeps it: the kept user is forgotten once more when the write commits."""
    user, client = signed_in
    before = get_user_model().objects.get(pk=user.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        user.username = "in-transaction"
        user.save()
        cache.set(_key(user.pk), before)  # as a request that read before the commit would
    assert who(client) == "in-transaction"
