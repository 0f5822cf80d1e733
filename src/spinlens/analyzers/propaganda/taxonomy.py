"""The two technique taxonomies, how they map onto each other, and our short explanations.

PTC-2020 (SemEval-2020 Task 11) has 14 classes; SemEval-2023 Task 3 has 23. The 2023 scheme
splits several 2020 classes (e.g. Whataboutism,Straw_Men,Red_Herring) and adds new ones
(e.g. Questioning_the_Reputation). ``PTC_TO_2023`` gives, for each 2020 class, the 2023 label
that covers most of its meaning; ``S2023_TO_PTC`` maps back (None: no 2020 counterpart).
"""

from __future__ import annotations

from typing import Literal

Taxonomy = Literal["ptc2020", "semeval2023"]
TAXONOMIES: tuple[Taxonomy, ...] = ("ptc2020", "semeval2023")

PTC_LABELS: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

S2023_LABELS: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_Popularity",
    "Appeal_to_Values",
    "Appeal_to_Fear-Prejudice",
    "Flag_Waving",
    "Causal_Oversimplification",
    "False_Dilemma-No_Choice",
    "Consequential_Oversimplification",
    "Straw_Man",
    "Red_Herring",
    "Whataboutism",
    "Slogans",
    "Appeal_to_Time",
    "Conversation_Killer",
    "Loaded_Language",
    "Repetition",
    "Exaggeration-Minimisation",
    "Obfuscation-Vagueness-Confusion",
    "Name_Calling-Labeling",
    "Doubt",
    "Guilt_by_Association",
    "Appeal_to_Hypocrisy",
    "Questioning_the_Reputation",
)

# 2020 class -> the 2023 label most of its spans received when the same articles were
# re-annotated (semeval2023-task3-en spans covering at least half of a PTC train span;
# tests/propaganda/test_taxonomy_data.py). Bandwagon,Reductio_ad_hitlerum: Guilt_by_Association
# 58, Appeal_to_Popularity 14. Whataboutism,Straw_Men,Red_Herring: Red_Herring 36,
# Appeal_to_Hypocrisy 34, Whataboutism 18, Straw_Man 13. Every other class keeps its name.
PTC_TO_2023: dict[str, str] = {
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Appeal_to_fear-prejudice": "Appeal_to_Fear-Prejudice",
    "Bandwagon,Reductio_ad_hitlerum": "Guilt_by_Association",
    "Black-and-White_Fallacy": "False_Dilemma-No_Choice",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "Doubt": "Doubt",
    "Exaggeration,Minimisation": "Exaggeration-Minimisation",
    "Flag-Waving": "Flag_Waving",
    "Loaded_Language": "Loaded_Language",
    "Name_Calling,Labeling": "Name_Calling-Labeling",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Thought-terminating_Cliches": "Conversation_Killer",
    "Whataboutism,Straw_Men,Red_Herring": "Red_Herring",
}

S2023_TO_PTC: dict[str, str | None] = {
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Appeal_to_Popularity": "Bandwagon,Reductio_ad_hitlerum",
    "Appeal_to_Values": None,
    "Appeal_to_Fear-Prejudice": "Appeal_to_fear-prejudice",
    "Flag_Waving": "Flag-Waving",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "False_Dilemma-No_Choice": "Black-and-White_Fallacy",
    "Consequential_Oversimplification": "Causal_Oversimplification",
    "Straw_Man": "Whataboutism,Straw_Men,Red_Herring",
    "Red_Herring": "Whataboutism,Straw_Men,Red_Herring",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Slogans": "Slogans",
    "Appeal_to_Time": None,
    "Conversation_Killer": "Thought-terminating_Cliches",
    "Loaded_Language": "Loaded_Language",
    "Repetition": "Repetition",
    "Exaggeration-Minimisation": "Exaggeration,Minimisation",
    "Obfuscation-Vagueness-Confusion": None,
    "Name_Calling-Labeling": "Name_Calling,Labeling",
    "Doubt": "Doubt",
    "Guilt_by_Association": "Bandwagon,Reductio_ad_hitlerum",
    "Appeal_to_Hypocrisy": "Whataboutism,Straw_Men,Red_Herring",  # 33 of its 33 spans
    "Questioning_the_Reputation": None,
}

# Our own one-line explanations, keyed by both taxonomies' labels.
EXPLANATIONS: dict[str, str] = {
    "Appeal_to_Authority": "Leans on someone's standing, not evidence, to make a claim seem true.",
    "Appeal_to_fear-prejudice": "Stirs up fear or prejudice to win support for an idea.",
    "Appeal_to_Fear-Prejudice": "Stirs up fear or prejudice to win support for an idea.",
    "Bandwagon,Reductio_ad_hitlerum": (
        "Says everyone agrees, or taints an idea by linking it to a hated group."
    ),
    "Appeal_to_Popularity": "Suggests a view is right because many people hold it.",
    "Guilt_by_Association": "Discredits something by linking it to a hated person or group.",
    "Black-and-White_Fallacy": "Presents two options as the only ones possible.",
    "False_Dilemma-No_Choice": "Presents two options as the only ones possible.",
    "Causal_Oversimplification": "Gives one simple cause for something with many causes.",
    "Consequential_Oversimplification": "Claims one step will lead to a chain of bad outcomes.",
    "Doubt": "Questions someone's credibility without giving evidence.",
    "Questioning_the_Reputation": "Attacks someone's character instead of their argument.",
    "Exaggeration,Minimisation": "Makes something look much bigger or much smaller than it is.",
    "Exaggeration-Minimisation": "Makes something look much bigger or much smaller than it is.",
    "Flag-Waving": "Appeals to national or group pride to justify a position.",
    "Flag_Waving": "Appeals to national or group pride to justify a position.",
    "Loaded_Language": "Uses emotionally charged words to sway the reader rather than inform.",
    "Name_Calling,Labeling": "Attaches an insulting or fear-inducing label to a person or group.",
    "Name_Calling-Labeling": "Attaches an insulting or fear-inducing label to a person or group.",
    "Repetition": "Repeats the same message so that it sticks.",
    "Slogans": "Uses a short catchy phrase in place of an argument.",
    "Thought-terminating_Cliches": "Uses a stock phrase that discourages further thought.",
    "Conversation_Killer": "Uses a stock phrase that discourages further discussion.",
    "Whataboutism,Straw_Men,Red_Herring": (
        "Deflects: points at the other side's faults, distorts their view, or changes the subject."
    ),
    "Whataboutism": "Deflects criticism by pointing at the other side's faults.",
    "Straw_Man": "Argues against a distorted version of the opponent's view.",
    "Red_Herring": "Changes the subject to distract from the issue.",
    "Appeal_to_Values": "Invokes values the reader holds dear to justify a position.",
    "Appeal_to_Time": "Says now is the moment to act, creating urgency.",
    "Obfuscation-Vagueness-Confusion": "Is deliberately vague so the reader fills in the meaning.",
    "Appeal_to_Hypocrisy": "Attacks the speaker as a hypocrite instead of their argument.",
}


def to_taxonomy(label: str, taxonomy: Taxonomy) -> str | None:
    """A PTC-2020 or SemEval-2023 label expressed in ``taxonomy`` (None: no counterpart)."""
    if taxonomy == "ptc2020":
        return label if label in PTC_LABELS else S2023_TO_PTC.get(label)
    return label if label in S2023_LABELS else PTC_TO_2023.get(label)


def explain(label: str) -> str:
    return EXPLANATIONS.get(label, "A persuasion technique.")
