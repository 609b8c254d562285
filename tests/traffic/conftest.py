"""Traffic recorded by tools nobody here wrote: vcrpy around the official SDK, live, against server variants."""

from __future__ import annotations

from pathlib import Path

import openai
import vcr

from ftjobs.testing import serve_app
from tests.contract.asgi import KEY, Variant
from tests.traffic.program import lifecycle

DATA = Path(__file__).parent / "data"


def record_cassette(variant: Variant, path: Path, still: float = 0.2) -> Path:
    """The cassette vcrpy writes while the official SDK runs the program against `variant`."""
    options = dict(variant.options)
    headers = {"api-key": KEY} if options.get("auth") == "api-key" else {}
    with serve_app(variant.build()) as port:
        client = openai.OpenAI(
            base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=0, default_headers=headers
        )
        with vcr.VCR(record_mode="all").use_cassette(str(path)):
            lifecycle(client, still=still)
        client.close()
    return path
