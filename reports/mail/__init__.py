"""Email for the digests: addresses (``address``), the message itself (``message``), SMTP delivery (``smtp``)."""
