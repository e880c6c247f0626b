"""Reason codes of `ProjectResult.reason` and the English sentence each one stands for.

The codes are stable: the Django side keys its translated sentences on them and fills in `params`. The English
templates here are the reference wording (docs/counting.md, `pb_tally`); amounts are in the election's currency.
"""

from __future__ import annotations

SELECTED_BY_SCORE = "selected_by_score"
DID_NOT_FIT = "did_not_fit"
STOPPED_AT_FIRST_UNFIT = "stopped_at_first_unfit"
BELOW_THRESHOLD = "below_threshold"
NO_SUPPORT = "no_support"
MES_SELECTED = "mes_selected"
MES_SELECTED_BY_COMPLETION = "mes_selected_by_completion"
MES_SUPPORTERS_SHORT = "mes_supporters_short"
MES_SHORT_AND_DID_NOT_FIT = "mes_short_and_did_not_fit"
SELECTED_BY_UTILITARIAN_COMPLETION = "selected_by_utilitarian_completion"
GREEDY_OUTCOME_PREFERRED = "greedy_outcome_preferred"
MAJORITY_GRADE = "majority_grade"
MAJORITY_GRADE_DID_NOT_FIT = "majority_grade_did_not_fit"

SENTENCES: dict[str, str] = {
    SELECTED_BY_SCORE: "Ranked {position} with {score} votes; it fitted in the {remaining_before} still available.",
    DID_NOT_FIT: "Ranked {position} with {score} votes, but it costs {cost} and only {remaining} was left.",
    STOPPED_AT_FIRST_UNFIT: "Ranked {position} with {score} votes; counting stopped at project {blocking_project}, "
                            "the first that did not fit in the budget left.",
    BELOW_THRESHOLD: "It received {score} votes, fewer than the {threshold} required.",
    NO_SUPPORT: "Nobody voted for it.",
    MES_SELECTED: "Selected in round {round}: its {supporters} supporters could pay its cost, each paying at most "
                  "{per_supporter_payment} from their share of {share}.",
    MES_SELECTED_BY_COMPLETION: "Selected in round {round} once each voter's share was raised from {base_share} to "
                                "{share}: its {supporters} supporters each paid at most {per_supporter_payment}.",
    MES_SUPPORTERS_SHORT: "Its supporters had only {supporters_money} left (from a share of {share} each) after "
                          "paying for projects they preferred, less than its cost of {cost}.",
    MES_SHORT_AND_DID_NOT_FIT: "Its supporters had only {supporters_money} left, less than its cost of {cost}; "
                               "and when the remaining money was spent by votes, only {remaining} was left.",
    SELECTED_BY_UTILITARIAN_COMPLETION: "Selected when the money left after equal shares was spent by votes: "
                                        "{score} votes, and it fitted in the {remaining_before} still available.",
    GREEDY_OUTCOME_PREFERRED: "Selected because more voters preferred the result by votes ({prefer_greedy}) to the "
                              "result by equal shares ({prefer_mes}); it was ranked {position} with {score} votes.",
    MAJORITY_GRADE: "Its majority grade is \u201c{grade}\u201d ({better_or_equal_percent}% of voters gave it this "
                    "grade or better); ranked {position}, it fitted in the {remaining_before} still available.",
    MAJORITY_GRADE_DID_NOT_FIT: "Its majority grade is \u201c{grade}\u201d; ranked {position}, it costs {cost} but "
                                "only {remaining} was left.",
}


def sentence(reason: str, params: dict) -> str:
    """English explanation (reference wording; the site uses its translated catalogue)."""
    template = SENTENCES.get(reason)
    if template is None:
        return reason
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return reason
