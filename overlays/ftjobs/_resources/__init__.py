"""The API's resources, as the openai SDK nests them: `client.fine_tuning.jobs(.checkpoints)`."""
