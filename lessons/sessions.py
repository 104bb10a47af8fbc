"""An anonymous learner's rows are stored under their session's key, not in the session:
two requests of one browser each write their own row, where writing into the session
would let the later one overwrite the earlier (both read, both write the whole data)."""

from django.conf import settings


def session_key_for_writes(session) -> str:
    """The session's key, saving a new session first when it has none, and marking it
    so the middleware sends its cookie: rows stored under the key and the cookie that
    names it reach the browser together."""
    if session.session_key is None:
        session.save()
        session.modified = True
    return session.session_key


def session_keys_at_sign_in(request) -> set[str]:
    """The keys an anonymous learner's rows may be stored under as they sign in. Signing
    in gives the session a new key before `user_logged_in` is sent; the key the browser
    came with is still in its cookie."""
    keys = {request.COOKIES.get(settings.SESSION_COOKIE_NAME), request.session.session_key}
    return {key for key in keys if key}
