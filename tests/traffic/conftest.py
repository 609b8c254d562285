"""Traffic recorded by tools nobody here wrote: vcrpy around the official SDK, live, against server variants."""

from __future__ import annotations

from pathlib import Path

import openai
import vcr

from ftjobs._config import DATED_VERSION
from ftjobs.testing import serve_app
from tests.contract.asgi import KEY, Variant
from tests.traffic.program import lifecycle

DATA = Path(__file__).parent / "data"


def record_cassette(variant: Variant, path: Path, still: float = 0.2) -> Path:
    """The cassette vcrpy writes while the official SDK runs the program against `variant`."""
    options = dict(variant.options)
    headers = {"api-key": KEY} if options.get("auth") == "api-key" else {}
    version = options.get("api_version")
    with serve_app(variant.build()) as port:
        client: openai.OpenAI
        if version is not None and DATED_VERSION.fullmatch(version):  # the SDK's AzureOpenAI: the dated routes
            client = openai.AzureOpenAI(
                azure_endpoint=f"http://127.0.0.1:{port}", api_version=version, api_key=KEY, max_retries=0
            )
        else:
            base = "/openai/v1" if version is not None else "/v1"
            client = openai.OpenAI(
                base_url=f"http://127.0.0.1:{port}{base}",
                api_key=KEY,
                max_retries=0,
                default_headers=headers,
                default_query={"api-version": version} if version is not None else None,
            )
        with vcr.VCR(record_mode="all").use_cassette(str(path)):
            lifecycle(client, still=still)
        client.close()
    return path
