"""Metastatic niches: tissue models that disseminated tumor cells couple to (bone first)."""
