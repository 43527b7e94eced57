"""moto_server, with DynamoDB's item writes atomic as in AWS, and (with
MOTO_WEB_IDENTITY_UNSIGNED=1) AssumeRoleWithWebIdentity unsigned as in AWS. Every suite's moto
runs through this script.

Usage: moto_server.py [moto_server's arguments]

AWS takes STS AssumeRoleWithWebIdentity without a signature (the web identity token is the
proof), but moto, once INITIAL_NO_AUTH_ACTION_COUNT requests have gone by, wants a signature on
every request. With MOTO_WEB_IDENTITY_UNSIGNED=1 this runs moto_server with that one action let
through unsigned, and every other request still checked, so that the credential chain's tests can
exchange a token for a role's credentials and then sign with them against a server that checks.
"""

import os
import sys

from moto.core import authorization

checked = authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action


def unsigned_web_identity(self, iam_request_cls, resource="*"):
    if self._get_action() == "AssumeRoleWithWebIdentity" and "Authorization" not in self.headers:
        return
    return checked(self, iam_request_cls, resource)


if os.environ.get("MOTO_WEB_IDENTITY_UNSIGNED") == "1":
    authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = unsigned_web_identity

# DynamoDB evaluates a write's condition and applies the write as one step: of two conditional
# PutItems racing for the same key, one fails. moto's server handles requests on threads and
# checks the condition, then writes, without a lock, so both can pass. The exactly-once tests
# race two invocations on purpose: each item operation here holds one lock, as DynamoDB's
# per-item atomicity would.
import threading  # noqa: E402

from moto.dynamodb.models import DynamoDBBackend  # noqa: E402

item_lock = threading.RLock()


def atomic(operation):
    def locked(self, *args, **kwargs):
        with item_lock:
            return operation(self, *args, **kwargs)

    return locked


for name in ("put_item", "update_item", "delete_item", "get_item", "transact_write_items"):
    setattr(DynamoDBBackend, name, atomic(getattr(DynamoDBBackend, name)))

from moto.server import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
