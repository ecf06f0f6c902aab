"""The fourth stage: events → cases (affaires) and happenings.

Data flows one way: crawler → nlp → cases → reports. This package reads the events
the NLP stage stored, groups them (:mod:`cases.grouping`, a pure function over plain
data) and writes cases and happenings (:mod:`cases.store`); reports read those tables.
"""
