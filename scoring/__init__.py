"""Scoring: rubric files and an explainable scorer for collection calls.

The public surface::

    load_rubric(path_or_id) -> LoadedRubric      # version = sha256 prefix of the file
    default_rubric() -> LoadedRubric             # CALLSIM_RUBRICS_DIR or scoring/rubrics/
    score(transcript, rubric, outcome=None) -> dict   # the scorecard JSON of DESIGN.md
    validate_transcript(data, source) -> dict    # raises TranscriptError naming file and field
    score_with_judge(transcript, rubric, outcome=None, *, judge_fn) -> dict
        # the scorecard plus the LLM judge's result beside each quality criterion (never
        # changing violations, the plan or the scores); judge_fn from scoring.judge.llm_judge
"""

from scoring.examples import check_examples, check_paths
from scoring.judged import attach_judge, score_with_judge
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
    "attach_judge",
    "check_examples",
    "check_paths",
    "default_rubric",
    "default_rubrics_dir",
    "load_rubric",
    "load_transcript",
    "score",
    "score_with_judge",
    "validate_transcript",
]
