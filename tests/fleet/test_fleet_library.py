"""`ftjobs.fleet` as a library: which jobs a selection holds, and what a journal says was done."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from ftjobs import Client, fleet
from ftjobs.fleet._journal import Journal, JournalError
from ftjobs.fleet._plan import _every_job
from tests.client.conftest import Recorder, error_response, example
from tests.fleet.server import KEY, FleetServer, job, mixed_jobs, running

SERVER = "http://127.0.0.1:1/v1"


def _job(**fields: Any) -> dict[str, Any]:
    made = job(7, "running")
    made.update(fields)
    return made


@pytest.mark.parametrize(
    ("selection", "fields", "selected"),
    [
        (fleet.Selection(frozenset({"running"}), model="gpt-4o-mini"), {"model": "gpt-4o-mini-2024-07-18"}, True),
        (fleet.Selection(frozenset({"running"}), model="gpt-4o"), {"model": "gpt-4o-mini-2024-07-18"}, False),
        (fleet.Selection(frozenset({"running"}), model="gpt-4o"), {"model": "gpt-4o"}, True),
        (fleet.Selection(frozenset({"running"}), suffix="nightly"), {"user_provided_suffix": "nightly"}, True),
        (
            fleet.Selection(frozenset({"running"}), suffix="nightly"),
            {"user_provided_suffix": None, "fine_tuned_model": "ft:gpt-4o-mini-2024-07-18:org-1:nightly:AbC12"},
            True,
        ),
        (
            fleet.Selection(frozenset({"running"}), suffix="nightly"),
            {"user_provided_suffix": None, "fine_tuned_model": "gpt-4o-mini-2024-07-18.ft-0a1b2c-nightly"},
            True,
        ),
        (fleet.Selection(frozenset({"running"}), suffix="night"), {"user_provided_suffix": "nightly"}, False),
        (fleet.Selection(frozenset({"running"}), metadata={"team": "ads"}), {"metadata": {"team": "ads"}}, True),
        (fleet.Selection(frozenset({"running"}), metadata={"team": "ads"}), {"metadata": None}, False),
        (
            fleet.Selection(frozenset({"running"}), metadata={"team": "ads", "tier": "1"}),
            {"metadata": {"team": "ads"}},
            False,
        ),
        (fleet.Selection(frozenset({"running"}), created_after=100.0), {"created_at": 100}, False),
        (fleet.Selection(frozenset({"running"}), created_after=100.0), {"created_at": 101}, True),
        (fleet.Selection(frozenset({"running"}), created_before=100.0), {"created_at": 99}, True),
        (fleet.Selection(frozenset({"running"}), created_before=100.0), {"created_at": "99"}, False),
        (fleet.Selection(frozenset({"paused"})), {}, False),
    ],
)
def test_selection(selection: fleet.Selection, fields: dict[str, Any], selected: bool) -> None:
    """Every filter must hold; a model alias matches its dated snapshots only; a job without a creation time
    matches no time filter."""
    assert selection.matches(_job(**fields)) is selected


def test_times_are_iso_dates_times_or_unix_seconds() -> None:
    """A date is its midnight UTC, a time without a zone is UTC, a number is Unix seconds."""
    assert fleet.parse_time("2026-11-30") == 1_795_996_800
    assert fleet.parse_time("2026-11-30T01:00:00") == 1_796_000_400
    assert fleet.parse_time("2026-11-30T01:00:00+01:00") == 1_795_996_800
    assert fleet.parse_time("1795996800") == 1_795_996_800
    with pytest.raises(ValueError, match="ISO 8601"):
        fleet.parse_time("last tuesday")


def test_default_statuses() -> None:
    """Pause takes running jobs, resume paused ones, cancel every status that has not ended."""
    assert fleet.default_statuses("pause") == {"running"}
    assert fleet.default_statuses("resume") == {"paused"}
    cancel = fleet.default_statuses("cancel")
    assert {"running", "paused", "queued", "validating_files", "pausing"} <= cancel
    assert not cancel & {"succeeded", "failed", "cancelled"}


def _write(path: Path, *lines: dict[str, Any], tail: str = "") -> None:
    base = {"run": "r1", "server": SERVER}
    path.write_text("".join(json.dumps({**base, **line}) + "\n" for line in lines) + tail, encoding="utf-8")


def test_journal_ignores_a_cut_last_line_and_refuses_a_bad_one(tmp_path: Path) -> None:
    """A run killed while writing leaves a cut last line: ignored. A bad line before the end is not ours."""
    journal = tmp_path / "j.jsonl"
    _write(journal, {"action": "pause", "id": "a", "result": "changed"}, tail='{"run": "r1", "serv')
    assert [line["id"] for line in Journal.open(journal, SERVER).lines] == ["a"]
    journal.write_text('{"nope": 1}\n' + journal.read_text(), encoding="utf-8")
    with pytest.raises(JournalError, match="line 1 is not a journal line"):
        Journal.open(journal, SERVER)


def test_journal_knows_which_jobs_its_runs_paused(tmp_path: Path) -> None:
    """Paused by a run of the journal and not resumed or cancelled since: those, in order; a pause that was
    only being sent, or was skipped, is not one."""
    journal = tmp_path / "j.jsonl"
    _write(
        journal,
        {"action": "pause", "id": "a", "result": "changed"},
        {"action": "pause", "id": "b", "result": "changed"},
        {"action": "pause", "id": "c", "result": "sending"},
        {"action": "pause", "id": "d", "result": "skipped"},
        {"action": "resume", "id": "b", "result": "changed"},
        {"action": "pause", "id": "e", "result": "changed"},
    )
    opened = Journal.open(journal, SERVER)
    assert opened.paused_here() == ["a", "e"]
    assert opened.last("pause") == {"a": "changed", "c": "sending", "d": "skipped", "e": "changed"}


def test_a_request_sent_by_a_stopped_run_is_confirmed_not_sent_again(tmp_path: Path) -> None:
    """A `sending` line with no outcome, for a job now listed paused: the plan records it as done by that run
    and sends nothing; a `sending` line for a job still running is sent (once) now."""
    server = FleetServer(mixed_jobs(20))
    running_ids = [job_id for job_id, made in server.jobs.items() if made["status"] == "running"]
    took, lost = running_ids[0], running_ids[1]
    server.jobs[took]["status"] = "paused"  # the stopped run's request reached it
    with running(server) as url, Client(api_key=KEY, base_url=url) as client:
        journal = tmp_path / "j.jsonl"
        base = {"run": "r0", "server": url}
        rows = [{**base, "action": "pause", "id": job_id, "result": "sending"} for job_id in (took, lost)]
        journal.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        plan = fleet.plan(client, "pause", journal=journal)
        assert took not in plan.jobs
        assert lost in plan.jobs
        report = fleet.execute(client, plan, concurrency=3)
    assert took not in server.transitions
    assert server.transitions[lost] == 1
    assert {outcome.id: outcome.result for outcome in report.outcomes}[took] == "already"
    assert took in Journal.open(journal, url).paused_here()


def test_max_jobs_refuses_before_anything_is_sent() -> None:
    """More jobs than `max_jobs` would change: `TooManyJobs`, with the count, and no request but the listing."""
    server = FleetServer(mixed_jobs(30))
    with (
        running(server) as url,
        Client(api_key=KEY, base_url=url) as client,
        pytest.raises(fleet.TooManyJobs, match=r"^\d+ jobs would be paused, more than the 3 allowed"),
    ):
        fleet.plan(client, "pause", max_jobs=3)
    assert server.actions == []


def test_journal_writes_only_what_it_can_read_back(tmp_path: Path) -> None:
    """A result that is no journal step (`not started`) is refused at writing, so a journal never becomes one that
    its own re-run would refuse to read."""
    journal = Journal.open(tmp_path / "j.jsonl", SERVER)
    with pytest.raises(ValueError, match="not a journal step"):
        journal.write("pause", "a", "not started")
    journal.write("pause", "a", "sending")
    journal.close()
    assert [line["result"] for line in Journal.open(tmp_path / "j.jsonl", SERVER).lines] == ["sending"]


def test_a_metadata_selection_is_sent_as_the_list_filter_and_dropped_where_refused() -> None:
    """The listing asks the server for `metadata[team]=ads` only; a server that refuses the filter (400) is
    listed again without it, and the selection still judges every job it lists."""
    page = {"object": "list", "data": [example("JobQueued")], "has_more": False}
    filtered = Recorder(httpx.Response(200, json=page))
    assert len(list(_every_job(filtered.client(max_retries=0), {"team": "ads"}))) == 1
    assert filtered.requests[0].url.params["metadata[team]"] == "ads"

    refusing = Recorder(error_response(400, "Unknown parameter: metadata[team]"), httpx.Response(200, json=page))
    assert len(list(_every_job(refusing.client(max_retries=0), {"team": "ads"}))) == 1
    first, second = refusing.requests
    assert "metadata[team]" in first.url.params
    assert not any(name.startswith("metadata") for name in second.url.params)
