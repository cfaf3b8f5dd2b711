"""Scoring: rubric files and an explainable scorer for collection calls.

The public surface::

    load_rubric(path_or_id) -> LoadedRubric      # version = sha256 prefix of the file
    default_rubric() -> LoadedRubric             # CALLSIM_RUBRICS_DIR or scoring/rubrics/
    score(transcript, rubric, outcome=None) -> dict   # the scorecard JSON of DESIGN.md
    validate_transcript(data, source) -> dict    # raises TranscriptError naming file and field
"""

from scoring.examples import check_examples, check_paths
from scoring.rubric import (
    LoadedRubric,
    Rubric,
    RubricError,
    default_rubric,
    default_rubrics_dir,
    load_rubric,
)
from scoring.scorer import score
from scoring.transcript import TranscriptError, load_transcript, validate_transcript

__all__ = [
    "LoadedRubric",
    "Rubric",
    "RubricError",
    "TranscriptError",
    "check_examples",
    "check_paths",
    "default_rubric",
    "default_rubrics_dir",
    "load_rubric",
    "load_transcript",
    "score",
    "validate_transcript",
]
