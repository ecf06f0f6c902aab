"""The HTML timeline of a dossier (``page``), the header it opens with (``header``), its coverage chart
(``chart``), the exports written next to it (``exports``, one module per format) and its command (``cli``)."""
