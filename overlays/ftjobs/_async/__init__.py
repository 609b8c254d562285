"""The asynchronous client, written by hand: the one source of the synchronous client.

`scripts/make_sync.py` writes `ftjobs._sync` from these modules (`make generate`; `make check-generated`, part of
`make test`, fails when `_sync` is stale). Write code here that reads right once `async`/`await` are taken away
and the names in that script's table are swapped; never edit `_sync` by hand.
"""
