"""ftjobs."""
