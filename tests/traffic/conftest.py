"""Traffic recorded by tools nobody here wrote: vcrpy around the official SDK, live, against server variants."""

from __future__ import annotations

from pathlib import Path

import vcr

from ftjobs.testing import serve_app
from tests.contract.asgi import KEY, Variant
from tests.traffic.program import client_for, lifecycle

DATA = Path(__file__).parent / "data"


def record_cassette(variant: Variant, path: Path, still: float = 0.2) -> Path:
    """The cassette vcrpy writes while the official SDK runs the program against `variant`."""
    with serve_app(variant.build()) as port:
        client = client_for(dict(variant.options), port, KEY)
        with vcr.VCR(record_mode="all").use_cassette(str(path)):
            lifecycle(client, still=still)
        client.close()
    return path
