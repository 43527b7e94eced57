"""moto_server, with AssumeRoleWithWebIdentity unsigned as in AWS.

Usage: moto_server.py [moto_server's arguments]

AWS takes STS AssumeRoleWithWebIdentity without a signature (the web identity token is the
proof), but moto, once INITIAL_NO_AUTH_ACTION_COUNT requests have gone by, wants a signature on
every request. This runs moto_server with that one action let through unsigned, and every other
request still checked, so that the credential chain's tests can exchange a token for a role's
credentials and then sign with them against a server that checks.
"""

import sys

from moto.core import authorization

checked = authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action


def unsigned_web_identity(self, iam_request_cls, resource="*"):
    if self._get_action() == "AssumeRoleWithWebIdentity" and "Authorization" not in self.headers:
        return
    return checked(self, iam_request_cls, resource)


authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = unsigned_web_identity

from moto.server import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
