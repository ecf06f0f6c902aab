"""The weekly email digest of a dossier: the week (``weeks``), what it reads (``data``), what it says
(``content``, cleaned by ``clean``), its subscribers, its delivery (``send``) and its commands (``cli``)."""
