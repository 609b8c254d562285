"""`from ftjobs.types.fine_tuning import FineTuningJob` (the SDK's `openai.types.fine_tuning`)."""

from ftjobs._models import FineTuningJob, FineTuningJobEvent

__all__ = ["FineTuningJob", "FineTuningJobEvent"]
