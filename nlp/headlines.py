"""A short French headline for each event, built from its own sentence.

« Mise en examen de deux mineurs pour assassinat », « Ouverture du procès de Dominique
Pelicot devant la cour criminelle du Vaucluse », « Fermeture du site Coco »,
« Dominique Pelicot condamné à vingt ans de réclusion criminelle »: what happened, to whom,
where — never the date (the timeline prints it beside) and never a generic « Événement ».

Who: the principal people the sentence names (never a minor: the NLP stage never gives a
minor's name), else the subject of the sentence's verb when it names nobody
(« deux mineurs de 14 et 15 ans », « les quatre suspects »). An event of no known kind is
headed by its own sentence, shortened to its first words without the date.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from veille.vocabulary import NUMBER_UNITS, of

MAX_WORDS = 12
# Kinds told of the people they happen to, usually by an institution that does it.
DONE_TO = ("arrest", "indictment", "sentence", "verdict", "trial_opening")
SUBJECT_DEPS = ("nsubj", "nsubj:pass", "expl:subj")
# « condamné à vingt ans de réclusion criminelle », « à la réclusion criminelle à perpétuité ».
# A penalty stated with its length or kind: « condamné à 30 ans de réclusion », « à la perpétuité »;
# it makes a judgment both a verdict and a sentence (nlp/events.py) and heads the sentence's headline.
PENALTY = re.compile(
    r"\bcondamn\w*\s+(?:[\w'’.,-]+\s+){0,8}?(?P<penalty>(?:à|a)\s+(?:[\w'’-]+\s+){0,6}?"
    r"(?:ans?|mois|jours|perpétuité|réclusion(?: criminelle)?|prison(?: ferme)?|emprisonnement|amende|euros|"
    r"sursis|travaux d'intérêt général)(?:\s+(?:de réclusion(?: criminelle)?|de prison(?: ferme)?|"
    r"d'emprisonnement|avec sursis|ferme))?)",
    re.I,
)
SITE_CHANGES = (
    ("fermeture", ("ferm", "saisi", "inaccessible", "bandeau", "bannière")),
    ("création", ("créé", "créa", "fond", "lancé", "lancement", "mis en ligne", "mise en ligne")),
    ("changement d'adresse", ("devenu", "migr", "nom de domaine", "changement", "déplac")),
)


def headline(
    kind: str,
    sent: Span,
    verb: Token | None,
    people: list[str],
    places: list[str],
    courts: list[str],
    charges: list[str],
    site: str | None,
    date_words: tuple[int, int] | None = None,
    upcoming: bool = False,
) -> str:
    text = _headline(kind, sent, verb, people, places, courts, charges, site, date_words)
    if upcoming and text in AWAITED:
        return AWAITED[text]  # « Le verdict est attendu le 20 décembre »: « Verdict attendu »
    if text in BARE:
        # « Audience », « Verdict » alone say only the kind: the sentence's first words say what happened.
        told = _shortened(sent, date_words)
        cut = told.endswith("…")
        told = re.sub(r"[\s.,;:!?…]+$", "", told) + (" …" if cut else "")
        if told and text.lower() not in told.lower() and not told.isupper():
            first = next((t for t in sent if not (t.is_punct or t.is_space)), None)
            # A first word that is no name starts lower case after the colon (« Audience : les accusés … »).
            common = (
                first is not None
                and (first.is_stop or first.pos_ not in ("PROPN", "", "X"))
                and told.startswith(first.text)
            )
            text = f"{text} : {told[:1].lower() + told[1:] if common else told}"
    return _cap(text)


# A bare headline of something announced: what the timeline's « à venir » entry says.
AWAITED = {
    "Verdict": "Verdict attendu",
    "Audience": "Audience prévue",
    "Ouverture du procès": "Ouverture du procès prévue",
    "Réquisitions": "Réquisitions attendues",
    "Plaidoiries": "Plaidoiries prévues",
    "Appel": "Procès en appel prévu",
}
# Headlines that name only the kind of what happened.
BARE = (
    "Audience",
    "Verdict",
    "Condamnation",
    "Plainte",
    "Signalement",
    "Appel",
    "Interpellation",
    "Garde à vue",
    "Mise en examen",
    "Ouverture du procès",
    "Réquisitions",
    "Plaidoiries",
    "Témoignage",
)


def _headline(
    kind: str,
    sent: Span,
    verb: Token | None,
    people: list[str],
    places: list[str],
    courts: list[str],
    charges: list[str],
    site: str | None,
    date_words: tuple[int, int] | None,
) -> str:
    text = sent.text
    low = text.lower()
    who = _who(people, sent, verb, kind)
    court = courts[0] if courts else None
    place = places[0] if places else None
    charge = charges[0] if charges else None
    if kind == "crime":
        if not charge:
            return _shortened(sent, date_words)
        return _cap(charge) + (f" à {place}" if place else (f" : {who}" if who and people else ""))
    if kind == "arrest":
        head = "Garde à vue" if "garde à vue" in low or "gardes à vue" in low else "Interpellation"
        return head + (f" {of(who)}" if who else (f" à {place}" if place else ""))
    if kind == "indictment":
        head = (
            "Mise en examen"
            if "examen" in low
            else ("Renvoi devant la cour" if "renvo" in low or "procès" in low else "Mise en examen")
        )
        return head + (f" {of(who)}" if who else "") + (f" pour {charge}" if charge else "")
    if kind == "trial_opening":
        return (
            "Ouverture du procès"
            + (f" {of(who)}" if who else "")
            + (f" devant {_article(court)}" if court else (f" à {place}" if place else ""))
        )
    if kind == "hearing":
        head = (
            "Réquisitions"
            if re.search(r"\brequi|réquisit", low)
            else "Plaidoiries"
            if "plaidoir" in low
            else "Témoignage"
            if "témoign" in low
            else "Audience"
        )
        who = " et ".join(people[:2]) if people else (who if head != "Audience" else None)
        return (
            head
            + (f" {of(who)}" if who and head != "Audience" else "")
            + (f" devant {_article(court)}" if court else (f" : {who}" if who and head == "Audience" else ""))
        )
    if kind == "sentence":
        m = PENALTY.search(text)
        if who and m:  # the participle as the sentence agrees it: « condamnée », « condamnés »
            participle = m.group(0).split()[0].lower()
            participle = participle if participle.startswith("condamné") else _agree("condamné", who)
            return f"{who} {participle} {' '.join(m.group('penalty').split())}"
        if m:  # « Il est condamné à trois ans d'emprisonnement »: the penalty says what happened
            return f"Condamnation {' '.join(m.group('penalty').split())}"
        return "Condamnation" + (f" {of(who)}" if who else "")
    if kind == "verdict":
        if re.search(r"acquitt", low):
            return "Acquittement" + (f" {of(who)}" if who else "")
        return "Verdict" + (f" du procès {of(who)}" if who else (f" {of(_article(court))}" if court else ""))
    if kind == "appeal":
        if "procès en appel" in low or "cour d'appel" in low or "cour d’appel" in low:
            return "Procès en appel" + (f" {of(who)}" if who else "") + (f" devant {_article(court)}" if court else "")
        return "Appel" + (f" {of(who)}" if who else "")
    if kind == "site_event":
        name = site or "Coco"
        # « Le site, fermé en juin dernier, avait été créé en 2003 »: the date's own verb says which change
        # first, the rest of the sentence only after.
        for told in ((verb.text.lower() if verb is not None else ""), low):
            for what, words in SITE_CHANGES:
                if any(w in told for w in words):
                    return f"{_cap(what)} du site {name}"
        return f"Le site {name}"
    if kind == "complaint":
        head = "Signalement" if re.search(r"signal|alert", low) else "Plainte"
        return head + (f" {of(who)}" if who else "")
    return _shortened(sent, date_words)


def _who(people: list[str], sent: Span, verb: Token | None, kind: str) -> str | None:
    if people:
        return " et ".join(people[:2])
    if verb is None or not sent.doc.has_annotation("DEP"):
        return None
    # Whom it happened to: the subject of a passive (« deux mineurs ont été mis en examen »), the
    # object of an active verb told of an institution (« la cour a condamné trois hommes »), else
    # the subject (« le parquet a requis … », « ses parents ont porté plainte »).
    order = ("nsubj:pass", "obj", "nsubj") if kind in DONE_TO else ("nsubj", "nsubj:pass")
    children = list(verb.children)
    doc = sent.doc
    # « a requis jeudi des peines »: the parser may take the date for the object; a date is no one.
    dated = {t.i for span in doc.spans.get("dates", ()) for t in span}
    for dep in order:
        for child in children:
            if child.dep_ != dep or child.pos_ not in ("NOUN", "PROPN", "PRON" if dep == "obj" else "NOUN"):
                continue
            if child.i in dated:
                continue
            if dep == "nsubj" and kind in DONE_TO and _institution(child):
                continue
            # Not what the parser hung on the noun from the rest of the clause (« trois hommes | à dix ans »).
            dropped = {
                t.i
                for c in child.children
                if c.dep_ == "nmod"
                and any(
                    g.dep_ == "case" and g.lower_ in ("à", "au", "aux", "pour", "après", "avant") for g in c.children
                )
                for t in c.subtree
            }
            words = []
            for t in child.subtree:  # the noun phrase up to its first comma, dash or apposition
                if t.i > child.i and (
                    t.is_punct and t.text in ",;:–—()" or t.head.i == child.i and t.dep_ in ("appos", "conj", "cc")
                ):
                    break
                if t.i not in dropped and not t.is_punct and not _in_a_clause(t, child):
                    words.append(t)
            if (
                child.pos_ == "PRON"
                or any(t.ent_type_ == "PER" for t in words)
                or not words
                or len(words) > 8
                or child.lemma_.lower() in NOT_WHO
            ):
                return None
            text = " ".join(t.text for t in words).replace("' ", "'").replace("’ ", "’")
            return text[:1].lower() + text[1:] if words[0].pos_ != "PROPN" else text
    return None


# Nouns that name what happened or what is discussed, never to whom: « l'acquittement », « la difficulté ».
NOT_WHO = {
    "acquittement",
    "verdict",
    "peine",
    "procès",
    "audience",
    "plainte",
    "enquête",
    "condamnation",
    "dossier",
    "affaire",
    "fait",
    "faits",
    "difficulté",
    "question",
    "décision",
    "jugement",
    "arrêt",
    "réquisition",
    "réquisitoire",
    "débat",
    "site",
    "tchat",
    "plateforme",
    "association",
    "chiffre",
    "nombre",
    "série",
    "information",
    "instruction",
    "procédure",
    "mise",
    "garde",
    "fermeture",
    "appel",
    "cour",
    "tribunal",
}


def _institution(token: Token) -> bool:
    return token.lemma_.lower() in (
        "cour",
        "tribunal",
        "juge",
        "parquet",
        "procureur",
        "procureure",
        "justice",
        "police",
        "gendarmerie",
        "enquêteur",
        "gendarme",
        "policier",
        "jury",
    )


def _in_a_clause(token: Token, top: Token) -> bool:
    """The word belongs to a clause or an apposition inside the noun phrase (not the phrase itself)."""
    while token.i != top.i:
        if token.dep_ in ("acl:relcl", "acl", "appos", "parataxis") or token.pos_ in ("VERB", "AUX"):
            return True
        token = token.head
    return False


DATE_LEADS = {
    "en",
    "à",
    "a",
    "au",
    "le",
    "la",
    "l'",
    "du",
    "de",
    "d'",
    "depuis",
    "dès",
    "vers",
    "jusqu'",
    "jusqu'au",
    "entre",
    "ce",
    "cette",
    "dans",
    "pour",
    "avant",
    "après",
    "il",
    "y",
}


def _shortened(sent: Span, date_words: tuple[int, int] | None) -> str:
    """The sentence's first words without its date, which the timeline shows: its dateline goes too
    (« Paris, 13 février 2024 - … »). A date that completes a participle before a comma stays, or
    « une pétition, lancée le 3 septembre, a … » would read « une pétition, lancée, a … »."""
    doc = sent.doc
    tokens = [t for t in sent if not t.is_space]
    inside = [i for i, t in enumerate(tokens) if date_words and date_words[0] <= t.idx < date_words[1]]
    drop: set[int] = set()
    if inside:
        first, last = inside[0], inside[-1]
        lead = first
        # « en 2013 », « remontent à 2015 », « depuis la loi du 21 avril »: the date's own preposition
        # and article go with it.
        while lead > 0 and tokens[lead - 1].lower_ in DATE_LEADS:
            lead -= 1
        following = tokens[last + 1] if last + 1 < len(tokens) else None
        before = tokens[lead - 1] if lead > 0 else None
        if (
            following is not None
            and following.text in ("-", "–", "—")
            and len([t for t in tokens[:first] if not t.is_punct]) <= 2
        ):
            drop = set(range(last + 2))  # a dateline
        elif not (before is not None and before.pos_ == "VERB" and following is not None and following.text in ",;"):
            drop = set(range(lead, last + 1))
    words = [t for i, t in enumerate(tokens) if i not in drop]
    while words and (words[0].is_punct or words[0].lower_ in ("et", "mais", "puis", "ainsi", "alors")):
        words.pop(0)
    text = "".join(t.text_with_ws for t in words[:MAX_WORDS]).strip()
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r",(?:\s*,)+", ",", text).strip(" ,;:-–—")  # « procès, lundi, l'accusé » without « lundi »
    if len(words) > MAX_WORDS:
        text += " …"
    return _cap(text) if text else doc.text[sent.start_char : sent.end_char][:80]


def _article(court: str) -> str:
    """« cour criminelle du Vaucluse » → « la cour criminelle du Vaucluse »."""
    first = court.split()[0].lower() if court.split() else ""
    if first in ("le", "la", "les", "l'"):
        return court
    feminine = first in ("cour", "juridiction", "chambre", "brigade", "gendarmerie", "police", "direction")
    if first[:1] in "aeiouyéh":
        return "l'" + court
    return ("la " if feminine else "le ") + court


def _agree(participle: str, who: str) -> str:
    first = who.split()[0].lower()
    plural = " et " in who or NUMBER_UNITS.get(first, 0) > 1 or first in ("les", "des", "ces")
    return participle + ("s" if plural else "")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
