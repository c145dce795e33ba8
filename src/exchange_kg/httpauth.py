"""HTTP authentication for ``publish``: Basic, Digest (RFC 7616) and bearer tokens.

Stores differ: Fuseki and GraphDB ask for Basic, Virtuoso's ``/sparql-graph-crud-auth`` only
for Digest. Credentials are therefore sent the way the store's ``WWW-Authenticate`` challenge
asks, never before it asks: a password is not sent in the clear to a store that wants a digest
of it. A store that answers 401 or 403 without saying how to authenticate gets Basic, once.

Digest follows RFC 7616 (MD5 and SHA-256, their ``-sess`` variants, ``qop=auth``): the
server's nonce is reused with an increasing nonce count, so only the first request of a
publish waits for a challenge. When a reused nonce is refused (expired, or ``stale=true``) the
new challenge is answered; when the digest for a brand-new nonce is refused, the credentials
are wrong (Virtuoso sends a new nonce with every 401, so that is the only sure sign).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass, field

_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
# auth-param = token "=" ( token / quoted-string ), as in RFC 7235
_PARAM = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)\s*,?')


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lower case: "basic", "digest", ...
    params: dict[str, str]


def parse_challenges(values: list[str]) -> list[Challenge]:
    """The challenges of one or more ``WWW-Authenticate`` header values."""
    found: list[Challenge] = []
    for value in values:
        rest = value.strip()
        while rest:
            m = re.match(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+|$|,)", rest)
            if not m:
                break
            scheme, rest = m.group(1).lower(), rest[m.end():]
            params: dict[str, str] = {}
            while True:
                p = _PARAM.match(rest)
                if not p:
                    break
                raw = p.group(2)
                if raw.startswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                params[p.group(1).lower()] = raw
                rest = rest[p.end():]
            found.append(Challenge(scheme, params))
            rest = rest.lstrip(", ")
    return found


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


@dataclass
class _Digest:
    user: str
    password: str
    challenge: Challenge
    count: int = 0

    def header(self, method: str, uri: str) -> str:
        p = self.challenge.params
        algorithm = p.get("algorithm", "MD5")
        base = algorithm.upper().removesuffix("-SESS")
        if base not in _HASHES:
            raise ValueError(f"unsupported digest algorithm {algorithm}")

        def h(text: str) -> str:
            return _HASHES[base](text.encode("utf-8")).hexdigest()

        self.count += 1
        nc = f"{self.count:08x}"
        cnonce = os.urandom(16).hex()
        realm, nonce = p.get("realm", ""), p.get("nonce", "")
        ha1 = h(f"{self.user}:{realm}:{self.password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in p.get("qop", "").split(",") if q.strip()]
        parts = [f'username="{_quote(self.user)}"', f'realm="{_quote(realm)}"',
                 f'nonce="{_quote(nonce)}"', f'uri="{_quote(uri)}"', f"algorithm={algorithm}"]
        if "auth" in qops:
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            parts += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        elif not qops:  # RFC 2069 compatibility
            response = h(f"{ha1}:{nonce}:{ha2}")
        else:
            raise ValueError(f"unsupported digest qop {p.get('qop')!r} (only auth)")
        parts.append(f'response="{response}"')
        if "opaque" in p:
            parts.append(f'opaque="{_quote(p["opaque"])}"')
        return "Digest " + ", ".join(parts)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@dataclass
class Authenticator:
    """What to put in the Authorization header of each request, learnt from the store.

    ``token`` is sent with every request (a bearer token has nothing to negotiate); ``user``
    and ``password`` only once the store has asked for them.
    """

    user: str | None = None
    password: str | None = None
    token: str | None = None
    _basic: bool = field(default=False, repr=False)
    _digest: _Digest | None = field(default=None, repr=False)

    @property
    def has_credentials(self) -> bool:
        return bool(self.token) or self.user is not None

    def header(self, method: str, uri: str) -> str | None:
        if self.token:
            return f"Bearer {self.token}"
        if self._digest is not None:
            return self._digest.header(method, uri)
        if self._basic and self.user is not None:
            return basic(self.user, self.password or "")
        return None

    def retry_after_refusal(self, sent: str | None, challenges: list[str]) -> bool:
        """Called on 401 or 403: True if the request should be sent again with the header
        this answer asks for; False if the credentials were tried and refused (or none)."""
        if self.token or self.user is None:
            return False
        parsed = parse_challenges(challenges)
        digest = next((c for c in parsed if c.scheme == "digest"
                       and c.params.get("algorithm", "MD5").upper().removesuffix("-SESS")
                       in _HASHES), None)
        if digest is not None:
            stale = digest.params.get("stale", "").lower() == "true"
            answered_fresh = (sent is not None and sent.startswith("Digest ")
                              and self._digest is not None and self._digest.count <= 1)
            if answered_fresh and not stale:
                return False  # a digest for a brand-new nonce, refused: wrong credentials
            self._digest, self._basic = _Digest(self.user, self.password or "", digest), False
            return True
        if sent and sent.startswith("Basic "):
            return False
        if any(c.scheme == "basic" for c in parsed) or not parsed:
            self._basic = True  # asked for Basic, or for nothing we could tell: try Basic once
            return True
        return False
