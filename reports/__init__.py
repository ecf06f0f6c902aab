"""What goes out: the HTML timeline and the weekly email digests (Jinja2 templates)."""
