"""`make sdk-tests`'s import swap (scripts/sdk_tests.py): mechanical, one rule, and it must not quietly move a
test onto the SDK — each name comes from ftjobs where ftjobs offers it, and only test helpers stay the SDK's."""

from __future__ import annotations

from scripts.sdk_tests import swap_imports

SDK_TEST = """import httpx2
import pytest
from openai import OpenAI, AsyncOpenAI, OpenAIError, DefaultHttpx2Client
from openai._utils import is_dict
from openai._exceptions import APIStatusError, APITimeoutError
from openai.types.fine_tuning import (
    FineTuningJob,
    FineTuningJobEvent,
)
from tests.respx2 import MockRouter

pytest_plugins = ["tests.respx2.plugin"]


def test_x(respx2_mock: MockRouter) -> None:
    class Inner:
        from openai.pagination import SyncCursorPage
    assert httpx2.Response(200)
"""


def test_names_ftjobs_offers_come_from_ftjobs_the_rest_from_the_sdk() -> None:
    """Public names (under the same module path, or at the top level for the SDK's private modules) move to
    ftjobs; `is_dict`, a test helper ftjobs has no reason to offer, stays the SDK's; nested imports too."""
    swapped = swap_imports(SDK_TEST)
    assert "from ftjobs import OpenAI, AsyncOpenAI, OpenAIError, DefaultHttpxClient\n" in swapped
    assert "from openai._utils import is_dict\n" in swapped
    assert "from ftjobs import APIStatusError, APITimeoutError\n" in swapped
    assert "from ftjobs.types.fine_tuning import FineTuningJob, FineTuningJobEvent\n" in swapped
    assert "        from ftjobs.pagination import SyncCursorPage\n" in swapped


def test_httpx2_and_respx2_become_httpx_and_respx() -> None:
    """The SDK runs on httpx2 and tests on its fork of respx; ftjobs on httpx and PyPI's respx, whose plugin
    registers itself (the conftest's plugin line is emptied)."""
    swapped = swap_imports(SDK_TEST)
    assert "httpx2" not in swapped
    assert "respx2" not in swapped
    assert "import httpx\n" in swapped
    assert "from respx import MockRouter\n" in swapped
    assert "respx_mock: MockRouter" in swapped
    assert "pytest_plugins: list[str] = []" in swapped
