"""The openai SDK's `openai.pagination` names for ftjobs' pages."""

from ftjobs._pagination import AsyncCursorPage, AsyncPage, AsyncPaginator, PageInfo, SyncCursorPage, SyncPage

__all__ = ["AsyncCursorPage", "AsyncPage", "AsyncPaginator", "PageInfo", "SyncCursorPage", "SyncPage"]
