"""The openai SDK's `openai.types` paths for the fine-tuning models, so that swapped imports keep working."""
