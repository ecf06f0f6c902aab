"""The NLP stage: what the stored French texts mean.

spaCy's French model finds people, places and organisations; the components of
this package (one per module, registered with ``@Language.factory``) clean them,
recognise the site, courts, minors, roles, charges and dates, and turn dated
sentences into events. ``nlp.pipeline`` assembles them; ``nlp.stage`` runs them
over the database; ``nlp.cli`` is ``veille nlp``.
"""
