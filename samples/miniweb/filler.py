"""Deterministic French filler articles for benchmarks (``MiniWeb(filler=N)``).

Half of them (``on_subject`` ratio) mention coco.gg; the others are ordinary local
news. Lengths vary between 300 and 900 words; about one in ten republishes an earlier
one, as outlets republish a wire dispatch. Same seed, same articles.
"""

from __future__ import annotations

import functools
import random
import re
import string
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta

from samples.corpus import Article, Outlet
from samples.miniweb.dates import PARIS

CITIES = [
    "Lille",
    "Valenciennes",
    "Dunkerque",
    "Roubaix",
    "Tourcoing",
    "Avignon",
    "Carpentras",
    "Orange",
    "Cavaillon",
    "Paris",
    "Lyon",
    "Marseille",
    "Douai",
    "Arras",
    "Calais",
]
FIRST = [
    "Claire",
    "Julien",
    "Sophie",
    "Karim",
    "Martine",
    "Thomas",
    "Inès",
    "Nicolas",
    "Camille",
    "Pierre",
    "Léa",
    "Mehdi",
    "Anne",
    "François",
    "Hélène",
]
LAST = [
    "Martin",
    "Lefebvre",
    "Roux",
    "Benali",
    "Garnier",
    "Dubois",
    "Morel",
    "Fontaine",
    "Laurent",
    "Mercier",
    "Girard",
    "Bonnet",
    "Lambert",
    "Faure",
    "Rousseau",
]

ON_TITLES = [
    "{city} : un homme interpellé après des échanges sur le site Coco",
    "Site Coco : une nouvelle enquête ouverte à {city}",
    "Le tchat coco.gg cité dans un dossier jugé à {city}",
    "{city} : un rendez-vous fixé sur Coco tourne au guet-apens",
    "Après la fermeture de coco.gg, les enquêteurs de {city} toujours mobilisés",
]
OFF_TITLES = [
    "{city} : le conseil municipal vote le budget {year}",
    "{city} : les travaux du centre-ville prolongés jusqu'à l'été",
    "{city} : le marché de Noël ouvre ses portes",
    "Football : {city} s'impose à domicile",
    "{city} : un nouveau festival de musique annoncé",
    "{city} : la médiathèque rénovée rouvre au public",
]
# Sentences are drawn from templates whose slots come every word or two, so that two filler
# articles share few 5-word runs, as two real articles do (the de-duplication compares those
# runs: articles made of the same few sentences would all be copies of one another).
ON_TEMPLATES = [
    "{when}, {suspect} a été {arrested} à {city} par {police}.",
    "Selon {source}, {suspect} avait {contacted} {victim} sur {site} {ago}.",
    "{lawyer} a {contested} {evidence} {during} l'audience du {day} {month}.",
    "Le tribunal correctionnel de {city} a condamné {suspect} à {years} ans de prison, dont {suspended} avec sursis.",
    "Les enquêteurs {unit} ont {analysed} {number} {messages} {found} {device}.",
    "{victim_cap} a {reported} les faits {when_low} au commissariat de {city}.",
    "Le parquet de {city} a ouvert une enquête pour {charge} et {charge2}.",
    "« {quote} », a {said} {speaker} {moment}.",
    "{source_cap} rappelle que {site} apparaît dans {number} procédures {ongoing} à {city}.",
    "{suspect_cap} {denies} avoir {contacted} {victim} {ago}, {adds} {lawyer_low}.",
    "{when}, {police} {searched} le domicile {suspect_of} à {city}, {seized} {device}.",
    "La prochaine audience est {scheduled} au {day} {month}, {before} la cour d'appel de {city}.",
    "{victim_cap}, {age} ans, {testified} {during} {hearing} {moment}.",
    "Le {official} de {city} {called} à la prudence {about} les {platforms} {unmoderated}.",
    "{number} {other_victims} se sont {declared} depuis {months} mois, {according}.",
    "Le juge {ordered} {expertise} {device_of} {suspect_of}.",
    "{suspect_cap} {risks} {years} ans {prison} pour {charge}.",
    "{ago_cap}, {victim} avait {reported} {suspect} {to_whom}.",
    "Deux {witnesses} ont {described} {suspect} comme {trait}.",
    "{police_cap} {recalls} que {platforms_sg} {cited} {number} fois {in_files}.",
    "Sa {relative} {attends} {verdict} {confidence}.",
    "{association} {demands} {measure_on} {for_children}.",
    "Jugé {when_low}, {suspect} {left} {court_out} {escorted}.",
    "{lawyer} {pleads} {plea} {for_client}.",
]
ON_LEADS = [  # every on-subject article names the site in its first paragraph
    "Les échanges avaient commencé {ago} sur coco.gg.",
    "Tout est parti {ago} d'un salon du site coco.gg.",
    "{suspect_cap} fréquentait coco.gg depuis {months} mois.",
    "Le premier contact remonte {ago}, sur coco.gg.",
    "{source_cap} situe les premiers messages sur coco.gg {ago}.",
]
OFF_TEMPLATES = [
    "{when}, les élus de {city} ont {debated} {duration} avant de {vote} {project}.",
    "Le chantier {project_of} a pris {number} semaines de retard {because}.",
    "Les {residents} {of_district} se disent {feeling} de voir {project} {advance}.",
    "La fréquentation {event_of} est en hausse de {percent} %, {according_off}.",
    "« {quote_off} », a {said} {official_off} {moment_off}.",
    "Le budget {project_of} s'élève à {number} millions d'euros, {financed} {funder}.",
    "{volunteers} se sont {mobilised} {when_low} pour {task}.",
    "La circulation sera {disrupted} {street} {period}.",
    "{supporters} ont {saluted} {performance} {team} {venue}.",
    "Une réunion publique est {scheduled} le {day} {month} à la salle {hall} de {city}.",
    "{official_off_cap} {announced} {measure} {period}.",
    "Les travaux {of_district} doivent {finish} {deadline}, {according_off}.",
    "{number} {visitors} sont {expected} {event_of} {period}.",
    "Le conseil municipal de {city} a {adopted} {measure} {majority}.",
    "{ago_off_cap}, {residents_cap} {petitioned} contre {project}.",
    "{team_cap} {plays} {opponent} {when_low} {venue}.",
    "Le {shop} {of_district} {reopens} {period}, {relief}.",
    "Les {pupils} {school} {prepared} {show} {for_whom}.",
    "{weather_cap} {weather_effect} {street} {when_low}.",
    "{official_off_cap} {wants} {goal} {deadline}.",
    "Un {new_thing} {opens} {street} {period}, {according_off}.",
    "{number} {jobs} {created} {thanks} {project}.",
]
SLOTS = {
    "when": [
        "Mardi soir",
        "Lundi matin",
        "Samedi",
        "Jeudi dernier",
        "Dans la nuit de dimanche",
        "Mercredi",
        "Vendredi après-midi",
        "En début de semaine",
        "Hier",
        "Le week-end dernier",
        "Au petit matin",
    ],
    "when_low": [
        "mardi soir",
        "lundi matin",
        "samedi",
        "jeudi dernier",
        "dans la nuit de dimanche",
        "mercredi",
        "vendredi après-midi",
        "en début de semaine",
        "hier",
        "le week-end dernier",
    ],
    "suspect": [
        "un homme de {age} ans",
        "un quadragénaire",
        "un trentenaire",
        "un père de famille",
        "un chauffeur routier",
        "un agent immobilier",
        "un étudiant de {age} ans",
        "un retraité",
        "un ancien militaire",
        "un infirmier",
        "un cadre commercial",
        "un jeune majeur",
        "un boulanger",
        "un informaticien de {age} ans",
        "un éducateur sportif",
    ],
    "suspect_of": [
        "du suspect",
        "du quadragénaire",
        "du prévenu",
        "de l'accusé",
        "du mis en cause",
        "du trentenaire",
        "du retraité",
        "de l'homme",
    ],
    "arrested": [
        "interpellé",
        "placé en garde à vue",
        "arrêté",
        "mis en examen",
        "déféré",
        "écroué",
        "placé sous contrôle judiciaire",
        "entendu",
    ],
    "police": [
        "les policiers",
        "les gendarmes",
        "la brigade de recherches",
        "la police judiciaire",
        "les enquêteurs de la sûreté",
        "l'office mineurs",
        "une équipe cynophile",
        "les agents de la BAC",
    ],
    "source": [
        "le parquet",
        "une source proche du dossier",
        "les enquêteurs",
        "l'avocat des parties civiles",
        "le procureur adjoint",
        "la défense",
        "nos confrères",
        "une source policière",
        "le juge des libertés",
        "l'acte d'accusation",
    ],
    "contacted": ["contacté", "abordé", "harcelé", "menacé", "rencontré", "attiré", "sollicité", "piégé"],
    "victim": [
        "une adolescente",
        "un jeune homme",
        "une mère de famille",
        "un lycéen",
        "une étudiante",
        "un septuagénaire",
        "plusieurs femmes",
        "deux mineurs",
        "une infirmière",
        "un collégien",
    ],
    "victim_cap": [
        "Une adolescente",
        "Un jeune homme",
        "Une mère de famille",
        "Un lycéen",
        "Une étudiante",
        "Un septuagénaire",
        "La victime",
        "Une plaignante",
        "Une infirmière",
        "Le plaignant",
    ],
    "site": [
        "le site coco.gg",
        "le tchat Coco",
        "la plateforme coco.gg",
        "le site Coco",
        "le forum coco.fr",
        "l'ancien site coco.fr",
    ],
    "ago": [
        "il y a deux ans",
        "au printemps",
        "l'été dernier",
        "en 2022",
        "en 2023",
        "fin 2021",
        "pendant plusieurs semaines",
        "à l'automne",
        "quelques jours plus tôt",
        "en janvier",
    ],
    "lawyer": [
        "L'avocat de la défense",
        "Maître Girard",
        "L'avocate des parties civiles",
        "Le conseil du prévenu",
        "Maître Benali",
        "L'avocat général",
        "Maître Roux",
        "La défense",
    ],
    "lawyer_low": ["son avocat", "maître Girard", "son conseil", "maître Benali", "la défense", "maître Roux"],
    "contested": ["contesté", "mis en doute", "critiqué", "dénoncé", "relativisé", "attaqué"],
    "evidence": [
        "la lecture des messages",
        "les captures d'écran",
        "l'expertise du téléphone",
        "les horaires retenus",
        "la garde à vue",
        "le témoignage du voisin",
        "la procédure",
        "les relevés bancaires",
    ],
    "during": ["lors de", "pendant", "au cours de", "à l'ouverture de", "à la fin de"],
    "day": [str(d) for d in range(2, 29)],
    "month": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "years": [str(y) for y in range(2, 16)],
    "suspended": ["un an", "deux ans", "dix-huit mois", "six mois", "trois ans", "quatre ans"],
    "unit": [
        "de la sûreté départementale",
        "de la police judiciaire",
        "de la gendarmerie",
        "du commissariat central",
        "de l'office mineurs",
        "de la brigade numérique",
    ],
    "analysed": ["analysé", "épluché", "exploité", "passé au crible", "recoupé", "retrouvé"],
    "number": [str(n) for n in range(3, 97, 4)],
    "messages": ["messages", "conversations", "photos", "échanges", "fichiers", "rendez-vous"],
    "found": ["extraits", "récupérés", "effacés puis restaurés", "saisis", "conservés"],
    "device": [
        "du téléphone",
        "de l'ordinateur",
        "d'une tablette",
        "d'un disque dur",
        "d'une clé USB",
        "du compte en ligne",
    ],
    "device_of": ["du téléphone", "de l'ordinateur", "de la tablette", "des comptes", "du véhicule"],
    "reported": ["signalé", "dénoncé", "raconté", "décrit", "confirmé", "révélé"],
    "charge": [
        "viol",
        "corruption de mineur",
        "extorsion",
        "guet-apens",
        "agression sexuelle",
        "proxénétisme",
        "séquestration",
        "harcèlement",
        "escroquerie",
        "vol avec violence",
    ],
    "charge2": [
        "association de malfaiteurs",
        "menaces de mort",
        "recel",
        "violences en réunion",
        "détention d'images",
        "complicité",
        "chantage",
        "usurpation d'identité",
    ],
    "quote": [
        "Nous irons jusqu'au bout",
        "Il savait ce qu'il faisait",
        "Ce site était une zone de non-droit",
        "Ma cliente veut être entendue",
        "Le dossier est vide",
        "Personne ne surveillait rien",
        "Les faits sont d'une extrême gravité",
        "Il n'a jamais nié les échanges",
        "On attend des réponses",
    ],
    "said": ["déclaré", "lancé", "confié", "affirmé", "expliqué", "souligné", "ajouté"],
    "speaker": [
        "l'avocate",
        "le procureur",
        "la mère de la victime",
        "un enquêteur",
        "le président",
        "le prévenu",
        "une voisine",
        "le bâtonnier",
        "une militante associative",
    ],
    "moment": [
        "à la sortie de l'audience",
        "devant le palais de justice",
        "à la barre",
        "dans un communiqué",
        "au micro de nos confrères",
        "à l'issue des débats",
        "lors d'une conférence de presse",
    ],
    "source_cap": [
        "Le parquet",
        "Une source judiciaire",
        "La gendarmerie",
        "Une association",
        "Le procureur",
        "La préfecture",
        "Un rapport parlementaire",
    ],
    "ongoing": ["en cours", "ouvertes", "récentes", "instruites", "jugées", "classées"],
    "suspect_cap": ["Le prévenu", "Le suspect", "L'accusé", "Le quadragénaire", "Le mis en cause", "L'homme"],
    "denies": ["nie", "conteste", "réfute", "dément", "reconnaît", "admet"],
    "adds": ["précise", "indique", "assure", "rapporte", "soutient", "insiste"],
    "searched": ["ont perquisitionné", "ont fouillé", "ont inspecté", "ont investi", "ont visité"],
    "seized": ["saisissant", "emportant", "mettant sous scellés", "récupérant", "examinant"],
    "scheduled": ["fixée", "prévue", "programmée", "renvoyée", "annoncée"],
    "before": ["devant", "auprès de", "face à", "dans la salle de"],
    "age": [str(a) for a in range(19, 67, 3)],
    "testified": [
        "témoigné",
        "parlé",
        "pris la parole",
        "répondu aux questions",
        "fondu en larmes",
        "raconté son calvaire",
    ],
    "hearing": ["le procès", "l'audience", "la confrontation", "l'instruction", "les débats"],
    "official": ["procureur", "préfet", "maire", "commissaire", "directeur académique", "président du tribunal"],
    "called": ["a appelé", "a invité", "a exhorté", "a poussé", "a incité"],
    "about": ["face aux", "envers les", "quant aux", "vis-à-vis des", "concernant les"],
    "platforms": ["sites", "tchats", "forums", "messageries", "applications", "réseaux"],
    "unmoderated": ["sans modération", "anonymes", "sans contrôle d'âge", "non surveillés", "ouverts à tous"],
    "other_victims": ["autres victimes", "plaignantes", "familles", "témoins", "jeunes femmes", "parents"],
    "declared": ["manifestés", "signalés", "fait connaître", "constitués parties civiles", "présentés"],
    "months": [str(m) for m in range(2, 19)],
    "according": [
        "selon le parquet",
        "d'après les enquêteurs",
        "selon nos informations",
        "indique la gendarmerie",
        "selon l'avocate",
    ],
    "ordered": ["a ordonné", "a demandé", "a commandé", "a exigé", "a relancé"],
    "expertise": ["une expertise", "une analyse", "une contre-expertise", "l'exploitation", "un examen"],
    "risks": ["encourt", "risque", "pourrait écoper de", "s'expose à", "encourait"],
    "prison": ["de prison", "d'emprisonnement", "de réclusion", "derrière les barreaux", "ferme"],
    "ago_cap": [
        "En 2022",
        "L'été dernier",
        "Au printemps",
        "Fin 2021",
        "Il y a deux ans",
        "En janvier",
        "Quelques jours plus tôt",
        "À l'automne",
    ],
    "to_whom": [
        "aux gendarmes",
        "à sa mère",
        "à une enseignante",
        "à la police",
        "à une association",
        "à son médecin",
        "au procureur",
    ],
    "witnesses": ["voisins", "collègues", "anciens amis", "proches", "témoins", "employeurs"],
    "described": ["décrit", "présenté", "dépeint", "qualifié"],
    "trait": [
        "un homme discret",
        "quelqu'un de serviable",
        "un solitaire",
        "un voisin sans histoire",
        "un manipulateur",
        "un habitué des écrans",
        "un père attentionné",
        "un homme colérique",
    ],
    "police_cap": [
        "La gendarmerie",
        "La police nationale",
        "Le commissariat",
        "L'office mineurs",
        "La brigade numérique",
        "Le procureur",
    ],
    "recalls": ["rappelle", "souligne", "observe", "note", "estime"],
    "platforms_sg": ["ce tchat", "ce forum", "coco.gg", "cette messagerie", "ce site anonyme"],
    "cited": ["a été cité", "est apparu", "a été mentionné", "revient", "a été signalé"],
    "in_files": ["dans ses dossiers", "en un an", "depuis 2020", "dans la région", "dans des plaintes"],
    "relative": ["mère", "sœur", "tante", "grand-mère", "cousine", "famille"],
    "attends": ["attend", "espère", "redoute", "guette", "réclame"],
    "verdict": ["le verdict", "la décision", "le délibéré", "le jugement", "l'arrêt"],
    "confidence": ["avec angoisse", "avec confiance", "sans illusions", "avec impatience", "en silence"],
    "association": [
        "L'association Innocence en danger",
        "Un collectif de parents",
        "La Voix de l'enfant",
        "Une fédération de victimes",
        "L'Enfant bleu",
        "Un syndicat de magistrats",
    ],
    "demands": ["réclame", "exige", "demande", "plaide pour", "appelle à"],
    "measure_on": [
        "un contrôle d'âge",
        "la fermeture des tchats anonymes",
        "plus de moyens",
        "une loi spécifique",
        "une meilleure prévention",
        "des sanctions plus lourdes",
    ],
    "for_children": [
        "pour protéger les mineurs",
        "dans les écoles",
        "sur internet",
        "au plus vite",
        "avant la fin de l'année",
        "au niveau européen",
    ],
    "left": ["a quitté", "est sorti", "a été conduit hors", "a été extrait"],
    "court_out": ["du tribunal", "de la salle", "du palais", "de l'audience"],
    "escorted": ["menotté", "sous escorte", "libre", "sans un mot", "tête baissée", "entouré de policiers"],
    "pleads": ["a plaidé", "a demandé", "a réclamé", "a soutenu", "a défendu"],
    "plea": [
        "l'acquittement",
        "la relaxe",
        "une peine aménagée",
        "un renvoi",
        "la nullité",
        "une expertise psychiatrique",
    ],
    "for_client": [
        "pour son client",
        "pour le prévenu",
        "au nom de la famille",
        "pour la défense",
        "en fin d'audience",
    ],
    "ago_off_cap": ["L'an dernier", "Au printemps", "En 2023", "Début janvier", "Cet été", "Il y a un mois"],
    "residents_cap": ["des riverains", "les commerçants", "des parents", "les habitants", "des retraités"],
    "petitioned": [
        "ont signé une pétition",
        "ont manifesté",
        "ont protesté",
        "se sont mobilisés",
        "ont écrit au maire",
    ],
    "team_cap": [
        "L'équipe première",
        "Le club local",
        "Les féminines",
        "Les handballeurs",
        "Les rugbymen",
        "Les basketteurs",
    ],
    "plays": ["affronte", "reçoit", "défie", "rencontre", "se déplace chez"],
    "opponent": ["Lens", "Amiens", "Nîmes", "Arles", "Béthune", "Laval", "Sète", "Cambrai", "Apt"],
    "shop": ["cinéma", "bureau de poste", "marché", "café-théâtre", "cabinet médical", "musée", "boulodrome"],
    "reopens": ["rouvre", "ferme", "déménage", "s'agrandit", "change de gérant"],
    "relief": [
        "au grand soulagement des habitants",
        "malgré les critiques",
        "après des mois d'attente",
        "faute de repreneur",
        "comme prévu",
    ],
    "pupils": ["élèves", "collégiens", "lycéens", "écoliers", "apprentis"],
    "school": [
        "du collège Jean-Jaurès",
        "de l'école Pasteur",
        "du lycée agricole",
        "de l'école de musique",
        "du lycée professionnel",
    ],
    "prepared": ["ont préparé", "présentent", "répètent", "ont monté", "offrent"],
    "show": ["un spectacle", "une exposition", "un concert", "une pièce de théâtre", "un court-métrage"],
    "for_whom": [
        "pour les familles",
        "pour la fin de l'année",
        "pour les anciens",
        "au profit d'une association",
        "pour le carnaval",
    ],
    "weather_cap": ["Un violent orage", "La neige", "Le vent", "Une crue", "La canicule", "Le verglas"],
    "weather_effect": ["a perturbé", "a bloqué", "a endommagé", "a inondé", "a coupé"],
    "wants": ["veut", "promet", "espère", "s'engage à", "compte"],
    "goal": [
        "doubler les pistes cyclables",
        "planter mille arbres",
        "rénover les écoles",
        "ouvrir une maison de santé",
        "réduire les embouteillages",
        "créer un tiers-lieu",
    ],
    "new_thing": [
        "marché bio",
        "food-truck",
        "espace de coworking",
        "jardin partagé",
        "skate-park",
        "centre de loisirs",
        "bar associatif",
    ],
    "opens": ["ouvre", "s'installe", "est inauguré", "voit le jour", "prend place"],
    "jobs": ["emplois", "postes", "contrats d'apprentissage", "places de crèche", "logements"],
    "created": ["seront créés", "sont attendus", "devraient voir le jour", "sont promis"],
    "thanks": ["grâce à", "avec", "autour de", "dans le cadre de"],
    # off subject
    "debated": ["débattu", "discuté", "échangé", "bataillé", "délibéré"],
    "duration": ["plus de trois heures", "toute la soirée", "deux heures", "jusqu'à minuit", "longuement"],
    "vote": ["voter", "adopter", "approuver", "rejeter", "amender", "reporter"],
    "project": [
        "le budget",
        "le plan vélo",
        "la rénovation de la piscine",
        "le nouveau marché couvert",
        "l'extension du tramway",
        "la réfection des trottoirs",
        "le projet de médiathèque",
        "le réaménagement du port",
        "la zone piétonne",
        "le parc des sports",
    ],
    "project_of": [
        "de la piscine",
        "du tramway",
        "de la médiathèque",
        "du marché couvert",
        "du stade",
        "de la gare routière",
        "des berges",
        "du collège",
        "de l'hôtel de ville",
    ],
    "because": [
        "en raison des intempéries",
        "faute de matériaux",
        "à cause d'un recours",
        "après des fouilles archéologiques",
        "pour des raisons de sécurité",
        "à la suite d'une grève",
    ],
    "residents": ["commerçants", "riverains", "habitants", "parents d'élèves", "artisans", "retraités"],
    "of_district": [
        "du centre-ville",
        "du quartier de la gare",
        "des faubourgs",
        "du vieux port",
        "de la rue principale",
        "du quartier nord",
        "des bords de rivière",
    ],
    "feeling": ["soulagés", "inquiets", "satisfaits", "agacés", "partagés", "impatients"],
    "advance": ["avancer", "aboutir", "démarrer", "se concrétiser", "prendre forme", "traîner"],
    "event_of": [
        "du festival",
        "du marché de Noël",
        "de la foire aux vins",
        "du salon du livre",
        "de la fête de la musique",
        "du carnaval",
        "de la braderie",
    ],
    "percent": [str(p) for p in range(3, 40, 2)],
    "according_off": [
        "selon les organisateurs",
        "d'après la mairie",
        "selon l'office de tourisme",
        "indique la préfecture",
        "selon les premiers chiffres",
    ],
    "quote_off": [
        "C'est une décision attendue par les habitants",
        "Nous tiendrons le calendrier",
        "Le quartier va enfin respirer",
        "Il fallait agir vite",
        "Les Valenciennois le méritent",
        "C'est une belle réussite collective",
        "Nous restons vigilants",
    ],
    "official_off": [
        "le maire",
        "l'adjoint aux travaux",
        "la présidente de l'association",
        "le préfet",
        "l'entraîneur",
        "la directrice du festival",
        "le conseiller régional",
    ],
    "official_off_cap": [
        "Le maire",
        "L'adjointe à la culture",
        "La préfecture",
        "La région",
        "Le président du club",
        "La communauté d'agglomération",
    ],
    "moment_off": [
        "en conseil municipal",
        "lors de l'inauguration",
        "devant la presse",
        "sur les ondes locales",
        "à l'issue du match",
        "dans un communiqué",
    ],
    "financed": ["financés en partie par", "pris en charge par", "apportés par", "garantis par"],
    "funder": ["la région", "l'État", "le département", "l'Europe", "la métropole", "des mécènes"],
    "volunteers": [
        "Les bénévoles",
        "Des dizaines d'habitants",
        "Les scouts",
        "Les pompiers volontaires",
        "Les associations",
        "Les lycéens",
    ],
    "mobilised": ["mobilisés", "réunis", "retrouvés", "relayés", "organisés"],
    "task": [
        "nettoyer les berges",
        "accueillir les visiteurs",
        "décorer les rues",
        "servir les repas",
        "installer les stands",
        "collecter des dons",
    ],
    "disrupted": ["perturbée", "interdite", "déviée", "limitée", "alternée"],
    "street": [
        "rue Nationale",
        "avenue de la République",
        "boulevard Carnot",
        "place du Marché",
        "quai des Alpes",
        "rue de Paris",
        "route de Lyon",
    ],
    "period": [
        "pendant trois semaines",
        "jusqu'à la fin du mois",
        "tout l'été",
        "dès lundi",
        "pendant les vacances",
        "jusqu'en décembre",
        "cette semaine",
    ],
    "supporters": [
        "Les supporters",
        "Les spectateurs",
        "Les dirigeants du club",
        "Les joueurs",
        "Les abonnés",
        "Les fidèles du stade",
    ],
    "saluted": ["salué", "applaudi", "célébré", "fêté", "acclamé"],
    "performance": ["la victoire", "le match nul", "la remontée", "la prestation", "le sursaut"],
    "team": ["de l'équipe première", "des réservistes", "des féminines", "du club local", "des moins de 19 ans"],
    "venue": ["à domicile", "à l'extérieur", "devant leur public", "sous la pluie", "en coupe de France"],
    "hall": ["des fêtes", "Pasteur", "Jean-Moulin", "des mariages", "polyvalente", "Victor-Hugo"],
    "announced": ["a annoncé", "a confirmé", "a présenté", "a dévoilé", "a reporté"],
    "measure": [
        "la gratuité des transports",
        "un nouveau plan de stationnement",
        "la baisse des tarifs",
        "un budget participatif",
        "la fermeture d'une classe",
        "un couvre-feu pour les mineurs",
        "l'extinction de l'éclairage nocturne",
    ],
    "finish": ["s'achever", "se terminer", "être livrés", "reprendre", "être réceptionnés"],
    "deadline": ["avant l'été", "en fin d'année", "au printemps", "d'ici deux ans", "à la rentrée"],
    "visitors": ["visiteurs", "spectateurs", "exposants", "festivaliers", "participants"],
    "expected": ["attendus", "espérés", "annoncés", "inscrits"],
    "adopted": ["adopté", "voté", "approuvé", "validé", "rejeté"],
    "majority": [
        "à l'unanimité",
        "à une large majorité",
        "de justesse",
        "malgré l'opposition",
        "après une suspension de séance",
    ],
}
WIRE_SHARE = 0.1  # republished wire dispatches among filler articles
FILLER_START = datetime(2021, 1, 1, 6, 0, tzinfo=PARIS)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _sentence(rng: random.Random, template: str, city: str) -> str:
    values = {}
    for name in _slot_names(template):
        value = rng.choice(SLOTS[name])
        values[name] = value.format(age=rng.choice(SLOTS["age"])) if "{" in value else value
    values["city"] = city if rng.random() < 0.6 else rng.choice(CITIES)
    return template.format(**values)


@functools.cache
def _slot_names(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name and name != "city")


def _paragraphs(rng: random.Random, templates: Sequence[str], city: str, words: int, lead: str = "") -> str:
    paras, count = [], 0
    while count < words:
        sentences = [_sentence(rng, t, city) for t in rng.sample(templates, rng.randint(3, 6))]
        if lead and not paras:
            sentences.insert(1, lead)
        para = " ".join(sentences)
        paras.append(para)
        count += len(para.split())
    return "\n\n".join(paras)


def generate(
    n: int,
    outlets: Sequence[Outlet],
    seed: int = 1,
    on_subject: float = 0.5,
    end: datetime | None = None,
    wire_share: float = WIRE_SHARE,
) -> list[Article]:
    """n filler articles spread round-robin-ish over ``outlets``; about ``wire_share`` of them
    republish an earlier one (a wire dispatch: same text, another outlet and title, a few hours
    later, sometimes without its last paragraph)."""
    rng = random.Random(seed)
    end = end or datetime(2025, 12, 1, tzinfo=PARIS)
    span = int((end - FILLER_START).total_seconds())
    articles: list[Article] = []
    for i in range(n):
        outlet = outlets[rng.randrange(len(outlets))]
        original = rng.choice(articles) if articles and rng.random() < wire_share else None
        if original is not None and original.outlet != outlet.id:
            articles.append(_republished(rng, original, outlet, i, end))
            continue
        on = rng.random() < on_subject
        city = rng.choice(CITIES)
        published = FILLER_START + timedelta(seconds=rng.randrange(span))
        published = published.replace(second=0, microsecond=0)
        title = rng.choice(ON_TITLES if on else OFF_TITLES).format(city=city, year=published.year)
        words = rng.randint(300, 900)
        lead = _sentence(rng, rng.choice(ON_LEADS), city) if on else ""
        body = _paragraphs(rng, ON_TEMPLATES if on else OFF_TEMPLATES, city, words, lead)
        summary = (
            f"À {city}, une affaire liée au site coco.gg mobilise les enquêteurs."
            if on
            else f"Actualité locale à {city}."
        )
        section = rng.choice(outlet.sections) if outlet.sections else "actualite"
        authors = (f"{rng.choice(FIRST)} {rng.choice(LAST)}",) if rng.random() < 0.8 else ()
        articles.append(
            Article(
                outlet=outlet.id,
                slug=f"{slugify(title)[:60].rstrip('-')}-f{i}",
                title=title,
                published=published,
                summary=summary,
                body=body,
                authors=authors,
                section=section,
                kind="press_release" if outlet.type == "association" else "article",
                topic="coco" if on else "offtopic",
                filler=True,
            )
        )
    return articles


def _republished(rng: random.Random, original: Article, outlet: Outlet, i: int, end: datetime) -> Article:
    city = original.title.split(" : ")[0] if " : " in original.title else rng.choice(CITIES)
    titles = ON_TITLES if original.topic == "coco" else OFF_TITLES
    title = rng.choice(titles).format(city=city, year=original.published.year)
    paragraphs = original.body.split("\n\n")
    if rng.random() < 0.5 and len(" ".join(paragraphs[:-1]).split()) >= 300:
        paragraphs = paragraphs[:-1]  # cut to fit the page
    published = min(original.published + timedelta(minutes=rng.randrange(20, 36 * 60)), end)
    return Article(
        outlet=outlet.id,
        slug=f"{slugify(title)[:60].rstrip('-')}-f{i}",
        title=title,
        published=published.replace(second=0, microsecond=0),
        summary=original.summary,
        body="\n\n".join(paragraphs),
        authors=(),
        section=rng.choice(outlet.sections) if outlet.sections else "actualite",
        kind="press_release" if outlet.type == "association" else "article",
        topic=original.topic,
        wire=original.wire or f"depeche-{original.slug}",
        filler=True,
    )
