"""Names a reader understands for the labels analyzers emit: one function for every renderer
(HTML, terminal, the web page) and for any analyzer text that names a label (a verdict reason).
This module imports nothing of spinlens, so any layer may use it.

Analyzers keep machine labels (``Name_Calling,Labeling``, ``quote_not_found``) in the report,
since they are the dataset classes and the schema's values; what a fact-checker reads is
``human_label(label)``: "name calling", "quote not found in any source". Labels this table does
not know (plug-ins, new classes) are still made readable by rule.
"""

from __future__ import annotations

import re

LABELS: dict[str, str] = {
    # propaganda, PTC-2020
    "Appeal_to_Authority": "appeal to authority",
    "Appeal_to_fear-prejudice": "appeal to fear or prejudice",
    "Bandwagon,Reductio_ad_hitlerum": "bandwagon or reductio ad Hitlerum",
    "Black-and-White_Fallacy": "black-and-white fallacy",
    "Causal_Oversimplification": "causal oversimplification",
    "Doubt": "doubt",
    "Exaggeration,Minimisation": "exaggeration or minimisation",
    "Flag-Waving": "flag-waving",
    "Loaded_Language": "loaded language",
    "Name_Calling,Labeling": "name calling",
    "Repetition": "repetition",
    "Slogans": "slogans",
    "Thought-terminating_Cliches": "thought-terminating cliché",
    "Whataboutism,Straw_Men,Red_Herring": "whataboutism, straw man or red herring",
    # propaganda, SemEval-2023 (the ones the rule below would not get right)
    "Appeal_to_Fear-Prejudice": "appeal to fear or prejudice",
    "Flag_Waving": "flag-waving",
    "False_Dilemma-No_Choice": "false dilemma",
    "Exaggeration-Minimisation": "exaggeration or minimisation",
    "Obfuscation-Vagueness-Confusion": "obfuscation or vagueness",
    "Name_Calling-Labeling": "name calling",
    "Questioning_the_Reputation": "questioning the reputation",
    # quotes
    "quote": "quote",
    "unattributed_quote": "quote with no named speaker",
    "scare_quote": "scare quotes",
    "attribution": "attributed to a source",
    # claims
    "claim": "check-worthy claim",
    # provenance: changes against the likely source, and quote checks
    "quote_added": "quote added",
    "quote_altered": "quote altered",
    "quote_removed": "quote removed",
    "attribution_changed": "attribution changed",
    "new_claim": "new claim added",
    "number_changed": "number changed",
    "loaded_wording": "loaded wording added",
    "entity_changed": "name changed",
    "inserted_text": "text added",
    "deleted_text": "text removed",
    "substituted_text": "text replaced",
    "paraphrased": "reworded from the source",
    "quote_verified": "quote found in the source",
    "quote_altered_in_source": "quote worded differently in the source",
    "quote_misattributed": "quote said by someone else in the source",
    "quote_not_found": "quote not found in any source",
    # verdict: writing-style signals
    "loaded_word": "loaded word",
    "all_caps": "capitals for emphasis",
    "exclamation": "exclamation mark",
    "question": "rhetorical question",
    "second_person": "addresses the reader",
    "first_person": "writer's first person",
    "hedge": "unsourced hedging",
    "sensational": "sensational wording",
    "reporting": "reporting verb",
    "number": "specific figure",
    "date": "specific date",
    "role": "named official or expert",
    "headline_shouting": "headline in capitals",
    "headline_exclamation": "exclamation in the headline",
}

ANALYZERS: dict[str, str] = {
    "propaganda": "propaganda techniques",
    "quotes": "quotes and attributions",
    "claims": "check-worthy claims",
    "provenance": "changes from the source",
    "sources": "source reliability",
    "verdict": "writing style",
}

_ACRONYM = re.compile(r"^[A-Z0-9]{2,}$")


def human_label(label: str) -> str:
    """``Name_Calling,Labeling`` -> "name calling"; unknown labels by rule (``a_b,c`` -> "a b
    or c"), acronyms kept in capitals."""
    if label in LABELS:
        return LABELS[label]
    parts = [p for p in re.split(r"\s*,\s*", label.replace("_", " ").strip()) if p]
    words = [
        " ".join(w if _ACRONYM.match(w) else w.lower() for w in part.split()) for part in parts
    ]
    if len(words) > 1:
        return ", ".join(words[:-1]) + " or " + words[-1]
    return words[0] if words else label


def human_analyzer(name: str) -> str:
    """What an analyzer's highlights are about ("check-worthy claims"); plug-ins by name."""
    return ANALYZERS.get(name, name.replace("_", " "))
