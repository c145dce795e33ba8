"""Who publishes the served dataset, and on what terms: the operator's word, not the data's.

The source documents state no licence, and the build cannot know who runs a server, so
licence, rights, publisher, contact point and planned availability come from the operator: a
YAML file (``serve --publication FILE``) and flags that override it. What is not given is not
stated: the dataset description then says that no licence has been given (a
``dct:RightsStatement``) instead of implying one, and names no publisher.

::

    license: https://creativecommons.org/licenses/by/4.0/
    license_type: [attribution]            # optional; ADMS licence types
    rights: Cite the source documents' publishers when you reuse their lists.
    publisher:
      name: Example University Library
      iri: https://ror.org/00example0      # optional; else a node under the base
      type: academia                       # optional; an ADMS publisher type
      homepage: https://library.example.edu/
    contact:
      name: Research data team
      email: data@example.edu
      url: https://library.example.edu/contact
    availability: stable                   # the EU "planned availability" of the dumps
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from exchange_kg.yamlfile import load

# ADMS publisher types (http://purl.org/adms/publishertype/1.0) and the EU planned
# availability vocabulary, by the short names the file uses
PUBLISHER_TYPES = {
    "academia": ("Academia-ScientificOrganisation", "Academia/Scientific organisation"),
    "company": ("Company", "Company"),
    "industry": ("IndustryConsortium", "Industry consortium"),
    "local-authority": ("LocalAuthority", "Local authority"),
    "national-authority": ("NationalAuthority", "National authority"),
    "non-governmental": ("NonGovernmentalOrganisation", "Non-governmental organisation"),
    "non-profit": ("NonProfitOrganisation", "Non-profit organisation"),
    "private-individual": ("PrivateIndividual(s)", "Private individual(s)"),
    "regional-authority": ("RegionalAuthority", "Regional authority"),
    "standardisation-body": ("StandardisationBody", "Standardisation body"),
    "supra-national-authority": ("SupraNationalAuthority", "Supra-national authority"),
}
# ADMS licence types (http://purl.org/adms/licencetype/1.1): what the licence asks of users
LICENCE_TYPES = {
    "attribution": ("Attribution", "Attribution"),
    "share-alike": ("ShareAlike", "Share-alike"),
    "non-commercial": ("NonCommercialUseOnly", "Non-commercial use only"),
    "no-derivatives": ("NoDerivativeWork", "No derivative work"),
    "public-domain": ("PublicDomain", "Public domain"),
    "royalties": ("Royalties", "Royalties"),
    "reserved": ("ReservedNames-Endorsement-OfficialStatus",
                 "Reserved names/endorsement/official status"),
}
AVAILABILITY = ("available", "experimental", "stable", "temporary")

_IRI = {"type": "string", "pattern": "^https?://[^\\s<>\"{}|\\\\^`]+$"}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "license": _IRI,
        "license_type": {"type": "array", "uniqueItems": True,
                         "items": {"enum": sorted(LICENCE_TYPES)}},
        "rights": {"type": "string", "minLength": 1},
        "publisher": {
            "type": "object", "additionalProperties": False, "required": ["name"],
            "properties": {"name": {"type": "string", "minLength": 1}, "iri": _IRI,
                           "type": {"enum": sorted(PUBLISHER_TYPES)}, "homepage": _IRI},
        },
        "contact": {
            "type": "object", "additionalProperties": False,
            "anyOf": [{"required": ["email"]}, {"required": ["url"]}],
            "properties": {"name": {"type": "string", "minLength": 1},
                           "email": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"},
                           "url": _IRI},
        },
        "availability": {"enum": list(AVAILABILITY)},
    },
}


@dataclass(frozen=True)
class Publisher:
    name: str
    iri: str | None = None
    type: str | None = None
    homepage: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Publication:
    license: str | None = None
    # what the licence asks of users (ADMS licence types), as the operator states them
    license_types: tuple[str, ...] = ()
    rights: str | None = None
    publisher: Publisher | None = None
    contact: Contact | None = None
    availability: str | None = None
    # where each value came from, for `serve` to say at start-up
    origin: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def missing(self) -> list[str]:
        """What a catalogue expects and the operator has not given."""
        return [name for name, value in (("licence", self.license),
                                         ("publisher", self.publisher),
                                         ("contact point", self.contact)) if value is None]


def load_publication(path: Path) -> Publication:
    """Read a publication file (errors name ``file:line:column``)."""
    data = load(path, SCHEMA)
    pub = data.get("publisher")
    contact = data.get("contact")
    return Publication(
        license=data.get("license"), license_types=tuple(data.get("license_type", ())),
        rights=data.get("rights"),
        publisher=Publisher(pub["name"], pub.get("iri"), pub.get("type"),
                            pub.get("homepage")) if pub else None,
        contact=Contact(contact.get("name"), contact.get("email"),
                        contact.get("url")) if contact else None,
        availability=data.get("availability"),
        origin={key: str(path) for key in data})


def with_flags(base: Publication, license: str | None = None, publisher: str | None = None,
               contact: str | None = None) -> Publication:
    """``base`` with the values given as flags instead (an e-mail address or a URL for the
    contact point)."""
    changes: dict[str, Any] = {}
    origin = dict(base.origin)
    if license:
        changes["license"] = license
        origin["license"] = "--license"
    if publisher:
        old = base.publisher
        changes["publisher"] = replace(old, name=publisher) if old else Publisher(publisher)
        origin["publisher"] = "--publisher"
    if contact:
        is_url = contact.startswith(("http://", "https://"))
        changes["contact"] = Contact(email=None if is_url else contact.removeprefix("mailto:"),
                                     url=contact if is_url else None)
        origin["contact"] = "--contact"
    return replace(base, **changes, origin=origin)
