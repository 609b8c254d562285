"""Scenarios that change nothing: the preflight, negative probes, reads of given jobs, and pagination."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from ftjobs.contract._common import CouldNotTest, Exchange, PropertyResult, json_or_none, what_answered
from ftjobs.contract._guard import unknown_id
from ftjobs.contract._properties import Properties
from ftjobs.contract._session import Session, Stop

JOB_ROUTES = [  # (method, suffix) of every route below one job
    ("GET", ""),
    ("POST", "/pause"),
    ("POST", "/resume"),
    ("POST", "/cancel"),
    ("GET", "/events"),
    ("GET", "/checkpoints"),
]
LIST_SCHEMAS = {"jobs": "ListPaginatedFineTuningJobsResponse", "events": "ListFineTuningJobEventsResponse"}


def preflight(session: Session, props: Properties) -> None:
    """Reachable, credentials accepted, and some operation answering: else the run cannot test anything (2).

    A list that fails (5xx, or no list) is not the end when another operation answers: what a partial server
    (a gateway that breaks some routes) does is then tested, and its broken operations fail their checks.
    """
    result = props["credentials_accepted"]
    exchange = session.call("GET", "/fine_tuning/jobs", params={"limit": "1"})
    response = exchange.response
    where = f"GET {exchange.request.url}"
    if response is None:
        if exchange.timed_out:
            raise CouldNotTest(f"the server accepted the connection but sent {exchange.failure}: {where}", exchange)
        raise CouldNotTest(f"the server could not be reached: {where}: {exchange.failure}", exchange)
    status = response.status_code
    reasons = {
        401: "the credentials were refused (401): check the key, and --auth (bearer or api-key)",
        403: "the credentials were refused (403): the key lacks access to fine-tuning",
        429: "the server is rate-limiting this key (429): try again later, or pass --rate-limit",
    }
    if status in reasons:
        raise CouldNotTest(reasons[status], exchange)
    body = json_or_none(response.content)
    if status == 200 and isinstance(body, dict) and isinstance(body.get("data"), list):
        result.checked = True
        return
    found = what_answered(exchange.response)
    if status == 404:
        hint = "" if _ends_like_a_base(session.base_url) else ": the base URL usually ends in /v1 or /openai/v1"
        raise CouldNotTest(f"{where} answered 404 with {found}, not a list of jobs{hint}", exchange)
    if status < 500:
        raise CouldNotTest(
            f"{where} answered {status} with {found}, without a list of jobs: is this a fine-tuning jobs API base URL?",
            exchange,
        )
    # The list fails. Does anything else answer? A retrieve of an id no server holds answers 404 (JSON).
    other = session.call("GET", f"/fine_tuning/jobs/{unknown_id()}")
    media = other.response.headers.get("content-type", "") if other.response is not None else ""
    if other.status == 404 and "json" in media:
        result.checked = True  # credentials accepted by another operation; the list's failure is a finding later
        session.progress(f"  the list of jobs answered {status} with {found}; other operations answer: testing on")
        return
    raise CouldNotTest(
        f"no operation answers: {where} answered {status} with {found}, and a retrieve of an unknown id answered "
        + (f"{other.status} with {what_answered(other.response)}" if other.status is not None else str(other.failure)),
        exchange,
    )


def _ends_like_a_base(base_url: str) -> bool:
    path = base_url.rstrip("/").rsplit("?", 1)[0]
    return path.endswith(("/v1", "/openai"))


def unknown_ids(session: Session, props: Properties) -> None:
    """An unknown id answers 404 on every job operation; an odd one (long, not ASCII) 404, or 400 for its form.

    The odd id is the scenarios' own: schemathesis' fuzzing reaches such ids only by chance.
    """
    result = props["unknown_id_404"]
    odd = "ftjob-ünknown-" + secrets.token_hex(20)
    for job_id, statuses, kind in (
        (unknown_id(), frozenset({404}), "an unknown id"),
        (odd, frozenset({400, 404}), f"an unknown id with a non-ASCII character, {len(odd)} characters long"),
    ):
        for method, suffix in JOB_ROUTES:
            exchange = session.call(method, f"/fine_tuning/jobs/{quote(job_id, safe='')}{suffix}")
            session.expect_refusal(result, exchange, statuses, f"{method} {suffix or 'retrieve'} of {kind}")
    result.checked = True


def bad_credentials(session: Session, props: Properties, *, safe: bool) -> None:
    """Requests without credentials and with a wrong key must be refused with 401. In safe mode no create is
    among them: a server that ignored credentials would make a job of it, and safe mode creates nothing."""
    missing, wrong = props["missing_credentials_401"], props["wrong_credentials_401"]
    header = next(iter(session.auth_header))
    wrong_value = "Bearer sk-ftjobs-contract-wrong" if header == "authorization" else "ftjobs-contract-wrong"
    plain = {k: v for k, v in session.headers.items() if k not in session.auth_header}
    probes: list[tuple[str, str, dict[str, str] | None]] = [
        ("GET", "/fine_tuning/jobs", None),
        ("POST", "/fine_tuning/jobs/ftjob-ftjobs-contract/pause", None),
    ]
    if not safe:
        probes.append(("POST", "/fine_tuning/jobs", {"model": "gpt-4o-mini", "training_file": "file-ftjobs-contract"}))
    for method, path, body in probes:
        session.expect_refusal(
            missing, session.call(method, path, headers=plain, json=body), frozenset({401}), "no credentials"
        )
        session.expect_refusal(
            wrong,
            session.call(method, path, headers={**plain, header: wrong_value}, json=body),
            frozenset({401}),
            "a wrong key",
        )
    missing.checked = wrong.checked = True


def malformed_input(session: Session, props: Properties, *, safe: bool) -> None:
    """Malformed creates must be refused with 400. In safe mode the wrong type comes without a training file
    too, so that not even a server that coerces types could make a job of it."""
    result = props["malformed_input_400"]
    wrong_type: dict[str, Any] = {"model": 4} if safe else {"model": 4, "training_file": "file-ftjobs-contract"}
    probes: list[tuple[str, dict[str, Any]]] = [
        (
            "broken JSON",
            {
                "content": b'{"model": "gpt-4o-mini", "training_file": ',
                "headers": {**session.headers, "content-type": "application/json"},
            },
        ),
        ("a wrong type", {"json": wrong_type}),
        ("a missing required field", {"json": {"model": "gpt-4o-mini"}}),
    ]
    session.guard.source = "probe"  # a re-check of the run's HAR does not hold these to the fragment
    try:
        for why, kwargs in probes:
            exchange = session.call("POST", "/fine_tuning/jobs", **kwargs)  # a job it wrongly made: the guard has it
            session.expect_refusal(result, exchange, frozenset({400}), why)
    finally:
        session.guard.source = "scenario"
    result.checked = True


def reads_of(session: Session, props: Properties, job_ids: list[str]) -> None:
    result = props["reads_name_the_job"]
    for job_id in job_ids:
        try:
            session.read(result, job_id)
        except Stop:
            continue
        for suffix, schema in (
            ("/events", "ListFineTuningJobEventsResponse"),
            ("/checkpoints", "ListFineTuningJobCheckpointsResponse"),
        ):
            exchange = session.call("GET", f"/fine_tuning/jobs/{job_id}{suffix}")
            if session.expect_json(result, exchange) and exchange.response is not None:
                problems = session.schema_errors(schema, json_or_none(exchange.response.content))
                if exchange.response.status_code != 200 or problems:
                    result.fail(f"{suffix[1:]} did not answer a valid list: {problems[:3]}", exchange)
    if job_ids:
        result.checked = True
    else:
        result.skip("no job to read: give --job-id JOB_ID")


# -- pagination ------------------------------------------------------------------------------------


def paging(session: Session, props: Properties, events_of: str | None) -> None:
    """limit, has_more and after on the list of jobs, and on the events of `events_of` (when given)."""
    collections = [("jobs", "/fine_tuning/jobs")]
    if events_of is not None:
        collections.append(("events", f"/fine_tuning/jobs/{events_of}/events"))
    limit, more, after = props["list_limit_respected"], props["list_has_more"], props["list_after_continues"]
    for kind, path in collections:
        try:
            _paging_of(session, kind, path, limit, more, after)
        except Stop:
            continue
    for result in (more, after):
        result.skip("no list had two items or more to page through")


def _page(
    session: Session, result: PropertyResult, kind: str, path: str, **params: str
) -> tuple[list[str], bool, Exchange]:
    exchange = session.call("GET", path, params=params)
    if not session.expect_json(result, exchange) or exchange.response is None:
        raise Stop
    body = json_or_none(exchange.response.content)
    problems = session.schema_errors(LIST_SCHEMAS[kind], body)
    if exchange.response.status_code != 200 or problems:
        result.fail(f"the {kind} list did not answer a valid page: {problems[:3]}", exchange)
        raise Stop
    return [item["id"] for item in body["data"]], bool(body["has_more"]), exchange


def _paging_of(
    session: Session, kind: str, path: str, limit: PropertyResult, more: PropertyResult, after: PropertyResult
) -> None:
    everything, _, _ = _page(session, limit, kind, path, limit="100")
    first, first_more, exchange = _page(session, limit, kind, path, limit="1")
    if len(first) > 1:
        limit.fail(f"limit=1 answered {len(first)} {kind}", exchange)
        raise Stop
    limit.checked = True
    if len(everything) < 2 or not first:
        return
    if not first_more:
        more.fail(f"limit=1 answered has_more=false although {len(everything)} {kind} exist", exchange)
    more.checked = True
    cursor = first[0]
    following, _, exchange = _page(session, after, kind, path, limit="1", after=cursor)
    position = everything.index(cursor) if cursor in everything else None
    if following and following[0] == cursor:
        after.fail(f"after={cursor} answered the cursor itself again", exchange)
    elif position is not None and position + 1 < len(everything) and following != [everything[position + 1]]:
        wanted = everything[position + 1]
        after.fail(f"after={cursor} answered {following[:1]}, not the {kind[:-1]} that follows it ({wanted})", exchange)
    after.checked = True
