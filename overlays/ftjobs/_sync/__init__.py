"""The synchronous client, generated from `ftjobs._async` by scripts/make_sync.py: DO NOT EDIT."""
