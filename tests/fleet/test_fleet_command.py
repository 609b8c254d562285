"""`ftjobs pause|resume|cancel --all` against the fleet server: the right jobs, one request each, nothing else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ENVIRONMENT, invoke
from tests.fleet.server import KEY, FleetServer, mixed_jobs, running

TEAM = "search"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FleetServer]:
    """240 jobs in mixed statuses and teams; every 7th request answers 429; two selected jobs end right after a
    page lists them and one is paused by someone else; the environment points at it."""
    fleet = FleetServer(mixed_jobs(240), throttle_every=7)
    selected = [job_id for job_id, job in fleet.jobs.items() if _selected(job)]
    fleet.end_when_listed = {selected[3], selected[40]}
    fleet.pause_when_listed = {selected[17]}
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    with running(fleet) as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        yield fleet


def _selected(job: dict[str, object]) -> bool:
    metadata = job["metadata"]
    return job["status"] == "running" and isinstance(metadata, dict) and metadata.get("team") == TEAM


def _journal(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_pause_all_changes_exactly_the_matching_jobs_once_each(server: FleetServer, tmp_path: Path) -> None:
    """Only running jobs of the team are paused, each by one request that reached it; jobs that changed after
    the listing are skipped with their status; every other job is untouched and got no request."""
    before = {job_id: job["status"] for job_id, job in server.jobs.items()}
    selected = {job_id for job_id, job in server.jobs.items() if _selected(job)}
    moved = server.end_when_listed | server.pause_when_listed
    journal = tmp_path / "pause.jsonl"

    result = invoke(
        "pause", "--all", "--metadata", f"team={TEAM}", "--yes", "--concurrency", "8", "--journal", str(journal)
    )

    assert result.exit_code == 0, result.output
    assert server.throttled > 0  # the 429s were there, and were ridden out
    assert set(server.transitions) == selected
    assert set(server.transitions.values()) == {1}
    assert not server.overlaps
    for job_id, status in before.items():
        now = server.status(job_id)
        if job_id in selected - moved:
            assert now == "paused", job_id
        elif job_id in server.end_when_listed:
            assert now == "succeeded"
        elif job_id not in moved:
            assert now == status, job_id
    changed = len(selected - moved)
    assert f"pause: {changed} changed, 0 already there, 3 skipped (1 paused, 2 succeeded), 0 failed" in result.stdout
    finals = [line for line in _journal(journal) if line["result"] != "sending"]
    assert sorted(str(line["id"]) for line in finals) == sorted(selected)
    assert {line["id"] for line in finals if line["result"] == "skipped"} == moved


def test_same_command_with_its_journal_sends_nothing_again(server: FleetServer, tmp_path: Path) -> None:
    """Re-running a finished command with its journal sends no second request: each job is already there."""
    journal = str(tmp_path / "pause.jsonl")
    first = invoke("pause", "--all", "--metadata", f"team={TEAM}", "--yes", "--journal", journal)
    assert first.exit_code == 0, first.output
    counted = dict(server.transitions)

    again = invoke("pause", "--all", "--metadata", f"team={TEAM}", "--yes", "--journal", journal)

    assert again.exit_code == 0, again.output
    assert dict(server.transitions) == counted
    done = sum(1 for line in _journal(Path(journal)) if line["result"] == "changed")
    assert f"pause: 0 changed, {done} already there" in again.stdout


def test_resume_from_the_journal_leaves_other_paused_jobs_alone(server: FleetServer, tmp_path: Path) -> None:
    """`resume --journal` resumes exactly the jobs that run paused: not the ones paused before it, nor the one
    someone else paused while it ran."""
    journal = str(tmp_path / "pause.jsonl")
    assert invoke("pause", "--all", "--metadata", f"team={TEAM}", "--yes", "--journal", journal).exit_code == 0
    ours = {str(line["id"]) for line in _journal(Path(journal)) if line["result"] == "changed"}
    others = {job_id for job_id in server.jobs if server.status(job_id) == "paused"} - ours
    assert others  # jobs that were paused before, and the one paused by someone else
    server.actions.clear()

    resumed = invoke("resume", "--journal", journal, "--yes")

    assert resumed.exit_code == 0, resumed.output
    assert {job_id for job_id, action in server.actions} == ours
    assert {action for _, action in server.actions} == {"resume"}
    assert all(server.status(job_id) == "paused" for job_id in others)
    assert all(server.status(job_id) == "running" for job_id in ours)
    assert f"resume: {len(ours)} changed" in resumed.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["pause", "--all", "--max-jobs", "5", "--yes"],
        ["pause", "--all"],  # no terminal to ask on, and no --yes
        ["cancel", "--all", "--dry-run"],
    ],
    ids=["max-jobs", "no-terminal", "dry-run"],
)
def test_refusals_and_dry_runs_change_nothing(server: FleetServer, tmp_path: Path, args: list[str]) -> None:
    """--max-jobs over the count, a pipe without --yes and --dry-run send no state-changing request and write no
    journal; the refusals exit 2 with one line saying why."""
    journal = tmp_path / "journal.jsonl"
    not_ended = sum(1 for job in server.jobs.values() if job["status"] not in ("succeeded", "failed", "cancelled"))
    result = invoke(*args, "--journal", str(journal))
    assert server.actions == []
    assert not journal.exists()
    if "--dry-run" in args:
        assert result.exit_code == 0
        assert "dry run: nothing was changed" in result.stdout
        assert result.stdout.count("ftjob-fleet") == not_ended  # every row of the plan
    else:
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        assert "nothing was changed" in result.stderr


def test_concurrency_is_reached_and_never_exceeded(server: FleetServer, tmp_path: Path) -> None:
    """With --concurrency 6 the first six requests are in flight together (the server holds them until they
    are), and never more than six at once."""
    server.hold_first = 6
    server.throttle_every = 0
    result = invoke(
        "cancel", "--all", "--status", "running", "--yes", "--concurrency", "6", "--journal", str(tmp_path / "j")
    )
    assert result.exit_code == 0, result.output
    assert server.peak == 6


def test_failures_exit_1_and_no_output_holds_the_key(server: FleetServer, tmp_path: Path) -> None:
    """A job the server refuses while it still matches is failed (exit 1), with the server's message — from
    which the key it echoed back is removed, on the console, in --json and in the journal."""
    selected = [job_id for job_id, job in server.jobs.items() if _selected(job)]
    server.refuse = {selected[0], selected[1]}
    server.echo_key = True
    journal = tmp_path / "pause.jsonl"
    result = invoke("pause", "--all", "--metadata", f"team={TEAM}", "--yes", "--json", "--journal", str(journal))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    failed = {job["id"]: job["error"] for job in report["jobs"] if job["result"] == "failed"}
    assert set(failed) == server.refuse, report
    assert all("<redacted>" in error for error in failed.values())
    raw = result.stdout_bytes + result.stderr_bytes + journal.read_bytes()
    assert KEY.encode() not in raw
    assert b"sk-fleet" not in raw


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pause", "ftjob-1", "--all"], "give a JOB_ID or --all, not both"),
        (["pause", "ftjob-1", "--status", "running"], "--status only with --all"),
        (["pause", "--all", "--wait"], "--wait is for one job"),
        (["resume", "--journal", "j.jsonl", "--model", "gpt-4o-mini"], "resume --journal resumes exactly"),
        (["cancel"], "give a JOB_ID, or --all"),
        (["pause", "--all", "--created-after", "yesterday"], "expected an ISO 8601 date or time"),
    ],
)
def test_mixed_up_commands_are_usage_errors(server: FleetServer, args: list[str], message: str) -> None:
    """A command that is neither one job nor a fleet run exits 2, saying what to give instead, changing nothing."""
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert server.actions == []


def test_a_journal_of_another_server_is_refused(server: FleetServer, tmp_path: Path) -> None:
    """A journal written against another server is refused before anything is listed or sent."""
    journal = tmp_path / "pause.jsonl"
    line = {
        "run": "r",
        "server": "http://elsewhere.example/v1",
        "action": "pause",
        "id": "ftjob-x",
        "result": "changed",
    }
    journal.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = invoke("resume", "--journal", str(journal), "--yes")
    assert result.exit_code == 2
    assert "records jobs of http://elsewhere.example/v1" in result.stderr
    assert server.requests == 0
