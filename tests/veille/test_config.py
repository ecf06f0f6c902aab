"""Configuration: the built-in default, user files, and one clear line per mistake."""

from __future__ import annotations

import pytest

from tests.conftest import run_veille
from veille.config import load_config
from veille.errors import VeilleError


def write(tmp_path, text: str):
    path = tmp_path / "veille.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_configuration_has_the_coco_dossier_and_real_outlets():
    config = load_config()
    coco = config.dossier("coco")
    assert "coco.gg" in coco.terms and "coco.fr" in coco.terms
    assert "Coco Chanel" in coco.exclude_terms and "noix de coco" in coco.exclude_terms
    assert "Mazan" in coco.linked_terms
    press = [s for s in config.sources if s.kind in ("feed", "sitemap")]
    assert len({s.name for s in press}) >= 15
    assert all(s.urls[0].startswith("https://") for s in press)


def test_a_file_with_only_sources_keeps_the_coco_dossier(tmp_path):
    path = write(
        tmp_path,
        """
[[sources]]
id = "local"
name = "Journal local"
kind = "feed"
urls = ["http://127.0.0.1:8000/rss.xml"]
allow_private = true
""",
    )
    config = load_config(path)
    assert [s.id for s in config.sources] == ["local"]
    assert config.sources[0].allow_private is True
    assert "coco" in config.dossiers


def test_a_new_dossier_by_configuration_alone(tmp_path):
    path = write(
        tmp_path,
        """
[[dossiers]]
slug = "omegle"
title = "Omegle"
terms = ["omegle.com", "site Omegle"]

[[sources]]
id = "local"
name = "Journal local"
kind = "sitemap"
urls = ["http://127.0.0.1:8000/sitemap.xml"]
dossiers = ["omegle"]
""",
    )
    config = load_config(path)
    assert set(config.dossiers) == {"coco", "omegle"}
    assert config.sources_for("omegle")[0].id == "local"
    assert config.sources_for("coco") == ()


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            '[[sources]]\nid = "x"\nname = "X"\nkind = "rss"\nurls = ["https://a.fr/rss"]\n',
            "clé « sources[0].kind » : « rss » n'est pas parmi : feed, sitemap, search, gdelt, judilibre, wayback",
        ),
        (
            '[[sources]]\nid = "x"\nname = "X"\nkind = "feed"\nurls = "https://a.fr/rss"\n',
            "clé « sources[0].urls » : doit être une liste",
        ),
        (
            '[[sources]]\nid = "x"\nkind = "feed"\nurls = ["https://a.fr/rss"]\n',
            "clé « sources[0].name » : obligatoire",
        ),
        (
            '[[sources]]\nid = "x"\nname = "X"\nkind = "feed"\nurls = ["ftp://a.fr/rss"]\n',
            "« ftp://a.fr/rss » n'est pas une adresse http(s)",
        ),
        ('[crawl]\nconcurrent_per_site = "deux"\n', "clé « crawl.concurrent_per_site » : doit être un entier"),
        ("[crawl]\nspeed = 3\n", "clé « crawl.speed » : clé inconnue"),
        (
            "[crawl]\nconcurrent_per_site = 0\n",
            "clé « crawl.concurrent_per_site » : « 0 » : un entier entre 1 et 64 attendu",
        ),
        ("[crawl]\ntimeout = 0\n", "clé « crawl.timeout » : « 0.0 » : un nombre entre 0.1 et 3600 attendu"),
        (
            "[crawl]\ndownload_delay = -1\n",
            "clé « crawl.download_delay » : « -1.0 » : un nombre entre 0 et 3600 attendu",
        ),
        ("[crawl]\ntimeout = nan\n", "clé « crawl.timeout » : « nan » : un nombre entre 0.1 et 3600 attendu"),
        # The schedule is read with the rest, not when `veille schedule` starts (or never).
        (
            '[schedule]\nstop_timeout = "-1s"\n',
            "clé « schedule.stop_timeout » : « -1s » n'est pas une durée : écrire par exemple 30s, 15m, 6h ou 2d",
        ),
        ("[schedule]\nempty_runs = 0\n", "clé « schedule.empty_runs » : « 0 » : un entier d'au moins 1 attendu"),
        ('[schedule]\ndigest = "lundi 8h"\n', "clé « schedule.digest » : « lundi 8h » n'est pas une expression cron"),
        ("[schedule]\ntimeline_out = 3\n", "clé « schedule.timeline_out » : doit être un texte, pas 3"),
        ('[schedule]\nevery = "1h"\n', "clé « schedule.every » : clé inconnue"),
        (
            '[schedule.jobs."digest:coco"]\ninterval = "0s"\n',
            'clé « schedule.jobs."digest:coco".interval » : « 0s » : un intervalle d\'au moins une seconde attendu',
        ),
        (
            '[schedule.jobs."digest:coco"]\ncron = "99 * * * *"\n',
            'clé « schedule.jobs."digest:coco".cron » : « 99 * * * * » n\'est pas une expression cron : cinq champs',
        ),
        ('[schedule.jobs."crawl:nulle"]\ninterval = "1h"\n', 'clé « schedule.jobs."crawl:nulle" » : tâche inconnue'),
        ('[schedule.jobs."nlp"]\nevery = "1h"\n', 'clé « schedule.jobs."nlp".every » : clé inconnue'),
        (
            '[[sources]]\nid = "x"\nname = "X"\nkind = "feed"\nurls = ["https://a.fr/rss"]\ninterval = "0s"\n',
            "clé « sources[0].interval » : « 0s » : un intervalle d'au moins une seconde attendu",
        ),
        (
            '[[sources]]\nid = "x"\nname = "X"\nkind = "feed"\nurls = ["https://a.fr/rss"]\ncron = "61 * * * *"\n',
            "clé « sources[0].cron » : « 61 * * * * » n'est pas une expression cron",
        ),
        ("[crawl]\nretries = -2\n", "clé « crawl.retries » : « -2 » : un entier entre 0 et 20 attendu"),
        ("[nlp]\nbatch_size = 0\n", "clé « nlp.batch_size » : « 0 » : un entier entre 1 et 10000 attendu"),
        ("[smtp]\nport = 70000\n", "clé « smtp.port » : « 70000 » : un entier entre 1 et 65535 attendu"),
        ("[smtp]\nretry_delay = inf\n", "clé « smtp.retry_delay » : « inf » : un nombre entre 0 et 3600 attendu"),
        (
            '[[sources]]\nid = "x"\nname = "X"\nkind = "feed"\nurls = ["https://a.fr/"]\ndossiers = ["nope"]\n',
            "dossier « nope » non déclaré",
        ),
        ('[[dossiers]]\nslug = "Coco!"\ntitle = "x"\nterms = ["a"]\n', "clé « dossiers[0].slug »"),
        ("[crawl\n", "TOML mal formé"),
        (
            '[[sources]]\nid = "g"\nname = "G"\nkind = "gdelt"\nurls = ["https://api.gdeltproject.org/api/v2/doc/doc"]\n'
            "[sources.settings]\nmax_records = 1000\n",
            "clé « sources[0].settings.max_records » : « 1000 » : un entier entre 1 et 250 attendu",
        ),
        (
            '[[sources]]\nid = "g"\nname = "G"\nkind = "gdelt"\nurls = ["https://api.gdeltproject.org/api/v2/doc/doc"]\n'
            '[sources.settings]\nmin_interval = "5 s"\n',
            "clé « sources[0].settings.min_interval » : « '5 s' » : un nombre d'au moins 0 attendu",
        ),
    ],
)
def test_invalid_files_get_one_line_naming_file_key_and_problem(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(VeilleError) as exc:
        load_config(path)
    assert expected in str(exc.value)
    assert str(path) in str(exc.value)


def test_a_valid_schedule_is_accepted_as_written(tmp_path):
    path = write(
        tmp_path,
        '[schedule]\ndigest = "30 7 * * mon"\ngrace_time = "0s"\nstop_timeout = "5m"\nempty_runs = 1\n'
        '[schedule.jobs."nlp"]\ninterval = "20m"\n[schedule.jobs."digest:coco"]\ncron = "0 9 * * fri"\n',
    )
    schedule = load_config(path).schedule
    assert schedule["jobs"] == {"nlp": {"interval": "20m"}, "digest:coco": {"cron": "0 9 * * fri"}}
    assert (schedule["digest"], schedule["empty_runs"]) == ("30 7 * * mon", 1)


def test_cli_reports_a_bad_config_in_one_line_without_traceback(tmp_path):
    path = write(tmp_path, '[crawl]\ntdm_policy = "tout"\n')
    result = run_veille("--config", str(path), "db", "info", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("veille : erreur : configuration invalide")
    assert "crawl.tdm_policy" in lines[0] and "Traceback" not in result.stderr


def test_missing_config_file_names_the_fix(tmp_path):
    result = run_veille("--config", str(tmp_path / "absent.toml"), "db", "info")
    assert result.returncode == 1
    assert "fichier de configuration introuvable" in result.stderr and "--config" in result.stderr


SEARCH = (
    '[[sources]]\nid = "recherche_locale"\nname = "R"\nkind = "search"\n'
    'urls = ["https://a.fr/recherche?q={query}&page={page}"]\n[sources.settings]\n'
)


@pytest.mark.parametrize(
    "settings, expected",
    [
        (
            'result_selector = "article h3 a["\n',
            "source « recherche_locale », clé « sources[0].settings.result_selector » : « article h3 a[ » n'est pas "
            "un sélecteur CSS valide",
        ),
        (
            'next_selector = "a:suivant"\n',
            "source « recherche_locale », clé « sources[0].settings.next_selector » : « a:suivant » n'est pas "
            "un sélecteur CSS valide",
        ),
        ('result_selector = ""\n', "clé « sources[0].settings.result_selector » : doit être un texte non vide"),
        ("next_selector = 3\n", "clé « sources[0].settings.next_selector » : doit être un texte non vide"),
        ('max_pages = "dix"\n', "clé « sources[0].settings.max_pages » : « 'dix' » : un entier d'au moins 1 attendu"),
    ],
)
def test_search_selectors_are_checked_when_the_configuration_is_read(tmp_path, settings, expected):
    path = write(tmp_path, SEARCH + settings)
    with pytest.raises(VeilleError) as exc:
        load_config(path)
    assert expected in str(exc.value)
    assert str(exc.value).endswith("corrigez le fichier (voir docs/configuration.md)")


def test_valid_search_selectors_are_accepted(tmp_path):
    path = write(tmp_path, SEARCH + 'result_selector = "article h3 a"\nnext_selector = "a[rel=next]"\nmax_pages = 5\n')
    assert load_config(path).source("recherche_locale").settings["max_pages"] == 5


@pytest.mark.parametrize(
    "table, expected",
    [
        (
            'kind = "judilibre"\nurls = ["https://api.piste.gouv.fr/cassation/judilibre/v1.0"]\n'
            "[sources.settings]\npage_size = 80\n",
            "source « x », clé « sources[0].settings.page_size » : « 80 » : un entier entre 1 et 50 attendu",
        ),
        (
            'kind = "judilibre"\nurls = ["https://api.piste.gouv.fr/cassation/judilibre/v1.0"]\n'
            '[sources.settings]\noperator = "xor"\n',
            "clé « sources[0].settings.operator » : « xor » n'est pas parmi : or, and, exact",
        ),
        (
            'kind = "wayback"\nurls = ["https://web.archive.org"]\n[sources.settings]\nmatch_type = "partout"\n',
            "clé « sources[0].settings.match_type » : « partout » n'est pas parmi : exact, prefix, host, domain",
        ),
        (
            'kind = "wayback"\nurls = ["https://web.archive.org"]\n[sources.settings]\nfrom = "2024-01"\n',
            "clé « sources[0].settings.from » : « 2024-01 » : écrire AAAAMMJJ",
        ),
        (
            'kind = "wayback"\nurls = ["https://web.archive.org"]\n[sources.settings]\ncdx_url = "https://cdx.example/q"\n',
            "clé « sources[0].settings.replay_url » : obligatoire quand l'adresse CDX ne finit pas par /cdx/search/cdx",
        ),
        (
            'kind = "feed"\nurls = ["https://a.fr/rss"]\n[sources.settings]\ndocument_kind = "communiqué"\n',
            "clé « sources[0].settings.document_kind » : « communiqué » n'est pas parmi : article, press_release",
        ),
    ],
)
def test_every_kinds_settings_are_checked_when_the_configuration_is_read(tmp_path, table, expected):
    path = write(tmp_path, f'[[sources]]\nid = "x"\nname = "X"\n{table}')
    with pytest.raises(VeilleError) as exc:
        load_config(path)
    assert expected in str(exc.value)
