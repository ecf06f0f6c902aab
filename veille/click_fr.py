"""Click's own words (« Usage: », « Show this message and exit. », its error messages) in French.

Click marks its strings for gettext but ships no catalogue, and gettext would pick the
language from the user's locale, which on servers is often C. veille's users read
French whatever the locale, so the CLI swaps the gettext functions Click's modules
imported for a lookup in the table below. A string missing from the table stays English.
"""

from __future__ import annotations

import errno
import importlib

import click

SINGULAR = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Missing command.": "Commande manquante.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing {param_type}": "{param_type} manquant",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Aborted!": "Abandon.",
    "Do you want to continue?": "Continuer ?",
    "Confirm the action without prompting.": "Confirmer sans poser la question.",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir le fichier {filename!r} : {message}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} introuvable.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} illisible (droits).",
    "{name} {filename!r} is not writable.": "{name} {filename!r} non modifiable (droits).",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un nombre valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "integer": "entier",
    "float": "nombre décimal",
    "integer range": "entier",
    "float range": "nombre décimal",
    "boolean": "booléen",
    "text": "texte",
}
# An operating system's refusal to open a file, as click.File reports it (in the OS's English).
OS_ERRORS = {
    errno.ENOENT: "fichier introuvable",
    errno.EACCES: "accès refusé (droits)",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "plus de place sur le disque",
}
PLURAL = {
    "Got unexpected extra argument ({args})": ("Argument en trop ({args})", "Arguments en trop ({args})"),
    "Option {name!r} requires an argument.": (
        "L'option {name!r} attend une valeur.",
        "L'option {name!r} attend {nargs} valeurs.",
    ),
    "Did you mean {possibility}?": ("Vouliez-vous dire {possibility} ?", "(Vouliez-vous dire : {possibilities} ?)"),
    "{value!r} is not {choice}.": ("{value!r} n'est pas {choice}.", "{value!r} n'est pas parmi {choices}."),
    "{value!r} does not match the format {format}.": (
        "{value!r} ne suit pas le format {format}.",
        "{value!r} ne suit aucun des formats {formats}.",
    ),
    "Takes {nargs} values but 1 was given.": (
        "Attend {nargs} valeurs, une seule donnée.",
        "Attend {nargs} valeurs, {len} données.",
    ),
}
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def gettext(message: str) -> str:
    return SINGULAR.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    pair = PLURAL.get(singular)
    if pair is None:
        return singular if n == 1 else plural
    return pair[0] if n == 1 else pair[1]


class FrenchHelpFormatter(click.HelpFormatter):
    """Headings as French writes them: « Options : », with a space before the colon."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}\u00a0:\n")


def one_line(exc: click.ClickException) -> str:
    """A click error as one French line, with where to find help: « veille : erreur : … — aide : … --help »."""
    message = exc.format_message()
    cause = exc.__context__
    if isinstance(exc, click.BadParameter) and isinstance(cause, OSError) and cause.filename is not None:
        # click.File's message ends with the OS's English words: said again here, in French.
        what = (
            exc.param.get_error_hint(exc.ctx).strip("'") if exc.param is not None and exc.ctx is not None else "fichier"
        )
        reason = OS_ERRORS.get(cause.errno or 0, cause.strerror or str(cause))
        message = f"{what} : impossible d'ouvrir « {cause.filename} » : {reason}"
    ctx = exc.ctx if isinstance(exc, click.UsageError) else None  # a usage error knows its command
    help_hint = f" — aide : {ctx.command_path} --help" if ctx is not None else ""
    return f"veille : erreur : {message}{help_hint}"


def install() -> None:
    """Make Click speak French (idempotent)."""
    click.Context.formatter_class = FrenchHelpFormatter
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            vars(module)["_"] = gettext
        if hasattr(module, "ngettext"):
            vars(module)["ngettext"] = ngettext
