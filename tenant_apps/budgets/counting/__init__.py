"""The participatory-budget counting engine: ballots in, selected projects and one explanation per project out.

Pure Python + numpy: it imports nothing from Django or the rest of Parvis (an import-linter contract checks it),
so the site, imports, `pb_tally` and the tests all count with the same code. See docs/counting.md.
"""

from .engine import compare_outcomes, tally
from .explain import SENTENCES, sentence
from .model import BallotKind, CountingError, Election, Outcome, Project, ProjectResult, Rule
from .pabulib import PbFile, read_pb, write_pb
from .validate import validate_ballot

__all__ = [
    "SENTENCES",
    "BallotKind",
    "CountingError",
    "Election",
    "Outcome",
    "PbFile",
    "Project",
    "ProjectResult",
    "Rule",
    "compare_outcomes",
    "read_pb",
    "sentence",
    "tally",
    "validate_ballot",
    "write_pb",
]
