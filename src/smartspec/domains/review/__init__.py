"""Peer review of smart specialisation strategies and self-assessment (see ``docs/review.md``)."""
