"""The quick start's signing key for the certificates' credentials, made once per checkout under var/."""

import base64
import os
import secrets
from pathlib import Path


def new_signing_key() -> str:
    """An Ed25519 private key: any 32 random bytes, written base64url without padding."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def signing_key_file(path: Path) -> str:
    """The key in `path`, made first if there is none. The web server, the workers and beat load the settings
    at once on a fresh checkout: the key is written to a file of this process's own and linked into place,
    which succeeds for one process only; the others then read the key it wrote."""
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        draft.write_text(new_signing_key() + "\n")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
