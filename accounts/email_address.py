"""The one rule that turns a typed e-mail address into a person's identity (PRODUCT.md rule 10).

Everything that stores or looks up an address (forms, imports, the admin, the demo, logins, meeting
reports) goes through `normalize_email`, and compares the result exactly: never with a database
case-insensitive comparison, which on PostgreSQL folds the dotless "ı" into "I" and so makes two
people one.

The domain is IDNA-encoded with Python's built-in `encodings.idna` codec (IDNA 2003, with nameprep):
the `idna` package (IDNA 2008) is not installed, and IDNA 2003 encodes every domain mail servers
accept today; what it cannot encode is refused."""

import unicodedata


class InvalidEmailAddress(ValueError):
    """The address cannot be normalized (no "@", or a domain that cannot be IDNA-encoded)."""


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalize_email(address: str) -> str:
    """NFKC; the domain IDNA-encoded and lower-cased; the local part lower-cased for ASCII letters only.
    Two addresses that only look alike (gmail.com and gmaıl.com) stay two addresses."""
    text = unicodedata.normalize("NFKC", (address or "").strip())
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise InvalidEmailAddress("Enter a valid e-mail address.")
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise InvalidEmailAddress(
            f"The domain of this e-mail address ({domain}) cannot be written as an internet domain name; "
            "check it and type it again."
        ) from error
    return f"{local.translate(_ASCII_LOWER)}@{encoded.lower()}"


def normalize_email_or_none(address: str) -> str | None:
    """For look-ups: an address that cannot be normalized matches nobody."""
    try:
        return normalize_email(address)
    except InvalidEmailAddress:
        return None
