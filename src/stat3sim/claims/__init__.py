"""Claims of the review as executable checks (see ../shared/CLAIMS.md)."""
from .registry import REGISTRY, Claim, ClaimResult, areas, run_claims

__all__ = ["REGISTRY", "Claim", "ClaimResult", "areas", "run_claims"]
