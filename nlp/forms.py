"""The small notation of the pattern files, turned into regular expressions.

Forms are written as a French reader would: « viol(s) aggravé(s) », « recours (à|a) la
prostitution d'(un|une) mineur(e) ». A parenthesised group with « | » offers
alternatives; one without is optional. Words are separated by any run of spaces and
must stand as whole words.
"""

from __future__ import annotations

import re


def form_to_regex(form: str) -> str:
    if any(c in form for c in "?*+[]\\"):
        # A regex habit in a form would be matched literally and the form would never fire.
        raise ValueError(
            f"forme {form!r} : la notation n'a ni « ? » ni « * » ni « [ ] » ; un groupe sans « | » est déjà facultatif"
        )
    out = []
    i = 0
    while i < len(form):
        c = form[i]
        if c == "(":
            j = form.index(")", i)
            group = form[i + 1 : j]
            choices = "|".join(_words(choice) for choice in group.split("|"))
            out.append(f"(?:{choices})" if "|" in group else f"(?:{choices})?")
            i = j + 1
        else:
            j = i
            while j < len(form) and form[j] != "(":
                j += 1
            out.append(_words(form[i:j]))
            i = j
    # Whole words: nothing word-like on either side, except after an elided « d' » or « l' ».
    return r"(?<![\w-])" + "".join(out) + r"(?:(?<=['’])|(?![\w-]))"


def _words(text: str) -> str:
    # Either apostrophe: the forms are typed with « ' », the press prints « ’ ».
    return r"\s+".join(re.escape(part).replace("'", "['’]") for part in text.split(" ")) if text else ""


def compile_forms(forms: list[str]) -> re.Pattern:
    """One case-insensitive regex matching any of the forms, longest alternatives first."""
    return re.compile("|".join(form_to_regex(f) for f in sorted(forms, key=len, reverse=True)), re.I)
