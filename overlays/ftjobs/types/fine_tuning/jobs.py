"""`from ftjobs.types.fine_tuning.jobs import FineTuningJobCheckpoint` (the SDK's `openai.types.fine_tuning.jobs`)."""

from ftjobs._models import FineTuningJobCheckpoint

__all__ = ["FineTuningJobCheckpoint"]
