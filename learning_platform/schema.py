"""The API schema's errors: what every operation can answer besides its success.

drf-spectacular documents the success of each operation from its serializers; the
errors DRF and our input checks return are the same for every endpoint, so they are
documented here once rather than on each view. An operation's own errors (409 on a
second answer, 429 on a full demo queue, 503 with no broker) are declared on its view
with `@extend_schema`, and win over these.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import IsAuthenticated

ERROR_BODY = {
    "type": "object",
    "description": "`detail` says what is wrong; a form's errors are keyed by field.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

# Each can come from any endpoint: a control character in the URL or a malformed JSON
# body (400), a bad or expired token (401), a cross-site POST on a session or a learner
# asking for what is not theirs (403), an unknown id, slug or page number (404).
COMMON_ERRORS = {
    "400": "The request is malformed or a value is out of bounds.",
    "401": "The token is missing (where a learner is needed) or not valid.",
    "403": "Not allowed: another learner's object, or a session POST without CSRF token.",
    "404": "No such object, path or page, or not visible to you.",
}


class SchemaWithErrors(AutoSchema):
    def get_auth(self):
        """Anonymous access (`{}`) wherever no permission asks for a signed-in learner:
        drf-spectacular assumes it only for AllowAny, and our demo endpoints use a
        permission of their own that lets anyone in."""
        auth = super().get_auth()
        needs_learner = any(isinstance(p, IsAuthenticated) for p in self.view.get_permissions())
        if not needs_learner and {} not in auth:
            auth.append({})
        return auth

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in COMMON_ERRORS.items():
            if code not in responses:
                response = OpenApiResponse(response=ERROR_BODY, description=description)
                responses[code] = self._get_response_for_code(response, code, None, direction)
        return responses
