"""The RFC 6238 code of a TOTP secret, for the load's test users.

Standard library only: the load test (Locust, in its own virtual
environment) and the district deployment (deploy/district.py) both use it.
"""

import base64
import hmac
import struct
import time


def totp_code(secret, at=None):
    """The code of ``secret`` (base32) now: 6 digits, 30 s, SHA-1, as Odoo's
    auth_totp checks it."""
    key = base64.b32decode(secret)
    counter = int((at or time.time()) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), "sha1").digest()
    offset = mac[-1] & 0xF
    code = struct.unpack_from(">I", mac, offset)[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"
