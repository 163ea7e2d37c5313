"""What the demo's past convention on mobility said and heard, and what the Métropole answered.

Written for the demo: the people, hearings, recommendations and answers are invented. The
convention ran in 2024, its consultation and answers came in 2025; `mobility.py` loads it.
"""

from __future__ import annotations

from convention.assembly.models import PhaseKind
from convention.publication.models import AnswerKind

SLUG = "mobilites-montpellier"
TITLE = "Convention citoyenne sur les mobilités"
QUESTION = (
    "Comment mieux se déplacer dans la Métropole d'ici 2035, pour toutes et tous et avec moins "
    "d'émissions ?"
)
DESCRIPTION = (
    "Vingt-quatre habitantes et habitants de la Métropole, tirés au sort parmi 300 volontaires, "
    "se sont réunis de juin à décembre 2024 pour entendre des expertes et des experts, débattre "
    "et voter des recommandations sur les déplacements du quotidien. Les habitants les ont "
    "jugées au début de 2025 ; la Métropole a répondu publiquement à chacune d'elles et rend "
    "compte de leur mise en œuvre."
)

CALENDAR = {
    PhaseKind.RECRUITMENT: ("2024-03-04", "2024-05-31"),
    PhaseKind.LEARNING: ("2024-06-08", "2024-07-06"),
    PhaseKind.DELIBERATION: ("2024-09-14", "2024-11-24"),
    PhaseKind.MEMBERS_VOTE: ("2024-11-30", "2024-12-15"),
    PhaseKind.CONSULTATION: ("2025-01-13", "2025-02-23"),
    PhaseKind.PUBLICATION: ("2025-03-17", "2025-06-30"),
    PhaseKind.FOLLOW_UP: ("2025-07-01", "2027-06-30"),
}

THEMES = [
    ("Transports en commun", "Tramway, bus, liaisons entre les communes, horaires."),
    ("Vélo et marche", "Pistes cyclables, trottoirs, abords des écoles, stationnement vélo."),
    ("Partage de la route", "Voiture, covoiturage, vitesse, livraisons, sécurité routière."),
]

FACILITATOR = ("Agnès", "Delorme")
GUARANTOR = ("Henri", "Malaval")
# Two more: a key ceremony needs at least two guarantors (here any two of three decrypt).
MORE_GUARANTORS = [("Jeanne", "Castan"), ("Paul", "Rouquette")]

# --- the draw -------------------------------------------------------------------------------

#: The volunteers' features: gender, age band and where they live (with the commune itself,
#: which is not a quota). Shares are those of the pool the demo builds, not of a census.
POOL_SIZE = 300
PANEL_SIZE = 24
GENDERS = ("femme", "homme")
AGES = (("18-34 ans", 3), ("35-59 ans", 4), ("60 ans et plus", 3))
TERRITORIES = {
    "Montpellier": ["Montpellier"],
    "grande commune": ["Castelnau-le-Lez", "Lattes", "Juvignac", "Saint-Jean-de-Védas"],
    "petite commune": ["Pignan", "Castries", "Jacou", "Prades-le-Lez", "Saint-Brès", "Montaud"],
}
TERRITORY_WEIGHTS = (5, 2, 3)
QUOTAS = (
    "feature,value,min,max\n"
    "genre,femme,11,13\n"
    "genre,homme,11,13\n"
    "age,18-34 ans,6,8\n"
    "age,35-59 ans,9,11\n"
    "age,60 ans et plus,6,8\n"
    "territoire,Montpellier,11,13\n"
    "territoire,grande commune,4,6\n"
    "territoire,petite commune,6,8\n"
)
DRAW_SEED = "15 avril 2024 : 07 18 23 31 42"
REPLACEMENT_SEED = "13 mai 2024 : 04 11 29"
#: The demo's lottery is the same every time, so the same people are drawn and replaced.
LOTTERY_SEED = 2024

#: Members' names, given to the people drawn in order, by gender.
WOMEN = [
    ("Agathe", "Baille"),
    ("Corinne", "Espitalier"),
    ("Noémie", "Rey"),
    ("Yasmina", "Kaci"),
    ("Brigitte", "Soulier"),
    ("Lucie", "Pagès"),
    ("Marion", "Thérond"),
    ("Awa", "Traoré"),
    ("Danielle", "Cros"),
    ("Samia", "Ouali"),
    ("Mireille", "Azéma"),
    ("Justine", "Roque"),
    ("Elsa", "Vergnes"),
    ("Paola", "Ferreira"),
    ("Odile", "Maurel"),
    ("Capucine", "Laurens"),
]
MEN = [
    ("Florian", "Cazals"),
    ("Rémi", "Bousquet"),
    ("Hamid", "Zeroual"),
    ("Guy", "Sabatier"),
    ("Thomas", "Py"),
    ("Quentin", "Barral"),
    ("Patrice", "Issert"),
    ("Jordan", "Vaissière"),
    ("Ibrahim", "Sow"),
    ("Serge", "Mourgues"),
    ("Maxime", "Chabert"),
    ("Cédric", "Lafont"),
    ("Yves", "Pradal"),
    ("Loïc", "Benoit"),
    ("Arthur", "Milhau"),
    ("Sofiane", "Belkacem"),
]
#: Positions, in the order of the draw, of the two people who declined.
DECLINED = (5, 17)
#: A member shown in the list of demo accounts (the first woman drawn, who accepted).
EXAMPLE_MEMBER = WOMEN[0]

# --- learning -------------------------------------------------------------------------------

HEARINGS = [
    (
        "Comment se déplace-t-on dans la Métropole ? Les chiffres de l'enquête ménages",
        "Véronique Albaret",
        "statisticienne, agence d'urbanisme de l'aire montpelliéraine",
        "2024-06-08",
        "Six déplacements sur dix font moins de cinq kilomètres ; la voiture reste majoritaire "
        "hors de Montpellier, où la marche et le tramway dominent. Les écarts entre communes "
        "sont plus grands que les écarts entre générations.",
        "Aucun lien d'intérêts déclaré.",
    ),
    (
        "La gratuité des transports : ce qu'on en sait",
        "Olivier Sanchez",
        "économiste des transports, université",
        "2024-06-09",
        "Effets observés de la gratuité sur la fréquentation, le report modal et le budget "
        "des réseaux ; ce que les comparaisons entre villes permettent de conclure, et leurs "
        "limites.",
        "A conduit une étude financée par un groupement d'autorités organisatrices de transport.",
    ),
    (
        "Le vélo au quotidien : aménagements et sécurité",
        "Claire Dumas",
        "ingénieure voirie, bureau d'études",
        "2024-06-22",
        "Continuité des itinéraires, séparation des flux, carrefours : ce qui fait qu'on ose "
        "prendre le vélo, et ce que coûte un kilomètre de piste.",
        "Membre bénévole d'une association d'usagers du vélo.",
    ),
    (
        "Villages et périphérie : se déplacer sans voiture ?",
        "Mathieu Roucayrol",
        "chargé de mission, syndicat mixte des transports",
        "2024-06-23",
        "Transport à la demande, lignes express, covoiturage organisé : les solutions testées "
        "dans les communes peu denses et leurs résultats.",
        "Salarié d'un syndicat mixte de transports.",
    ),
]

#: (title, first day, last day, place, agenda: a title, or "hearing:<n>", or "group:<n>")
SITTINGS = [
    (
        "Premier week-end : comprendre",
        "2024-06-08",
        "2024-06-09",
        "Hôtel de Métropole, Montpellier",
        ["Accueil, présentation de la convention et de ses garants", "hearing:0", "hearing:1"],
    ),
    (
        "Deuxième week-end : approfondir",
        "2024-06-22",
        "2024-06-23",
        "Salle des fêtes, Lattes",
        ["hearing:2", "hearing:3", "Constitution des groupes de travail"],
    ),
    (
        "Troisième week-end : rédiger",
        "2024-10-05",
        "2024-10-06",
        "Hôtel de Métropole, Montpellier",
        ["group:0", "group:1", "group:2", "Mise en commun des propositions"],
    ),
    (
        "Quatrième week-end : voter",
        "2024-12-07",
        "2024-12-08",
        "Hôtel de Métropole, Montpellier",
        ["Derniers échanges sur les recommandations", "Votes d'adoption", "Clôture des travaux"],
    ),
]
DAILY_ALLOWANCE_CENTS = 9000

# --- deliberation ---------------------------------------------------------------------------

#: (theme, title, text, the recommendation that takes it up)
IDEAS = [
    (
        1,
        "Des arceaux vélo devant chaque station de tram",
        "Je ferais volontiers le trajet jusqu'au tram à vélo si je pouvais l'attacher.",
        3,
    ),
    (
        0,
        "Un bus le dimanche pour les villages",
        "Le dimanche, sans voiture, on ne peut pas aller voir sa famille à Montpellier.",
        1,
    ),
]

#: Whether the members adopted a recommendation (the outcome of `VOTES`).
ADOPTED, REJECTED = True, False

#: (theme, title, problem, proposal, impact, carried by, cost, secret ballot, adopted)
RECOMMENDATIONS = [
    (
        0,
        "Faire circuler le tramway jusqu'à 1 h du matin le week-end",
        "Le dernier tramway part trop tôt : après une soirée, un spectacle ou un service en "
        "restauration, beaucoup reprennent la voiture ou rentrent à pied de nuit.",
        "Prolonger le service des quatre lignes de tramway jusqu'à 1 h du matin les vendredis "
        "et samedis, avec une fréquence d'au moins un passage toutes les vingt minutes.",
        "Moins de trajets en voiture le soir ; des retours plus sûrs.",
        "Régie des transports",
        "Environ 1,5 M€ par an",
        True,
        ADOPTED,
    ),
    (
        0,
        "Créer des lignes de bus express entre les communes de la première couronne",
        "Aller d'une commune à l'autre impose souvent de passer par le centre de Montpellier.",
        "Ouvrir des lignes de bus express de rocade, avec peu d'arrêts et des voies réservées "
        "aux carrefours, entre les communes de la première couronne.",
        "Des trajets de banlieue à banlieue en moins de trente minutes.",
        "Métropole et régie des transports",
        "À chiffrer",
        False,
        ADOPTED,
    ),
    (
        0,
        "Fermer l'Écusson à toutes les voitures le samedi",
        "Le centre historique est saturé le samedi.",
        "Interdire toute circulation automobile dans l'Écusson le samedi, riverains compris.",
        "Un centre plus calme le week-end.",
        "Ville de Montpellier",
        "Faible",
        False,
        REJECTED,
    ),
    (
        1,
        "Achever un réseau cyclable continu entre les 31 communes",
        "Les pistes existent par tronçons : une seule coupure dangereuse suffit à décourager.",
        "Relier chaque commune à ses voisines et au tramway par un itinéraire cyclable continu "
        "et séparé de la circulation, en commençant par les coupures les plus accidentogènes.",
        "Le vélo devient possible pour les trajets entre communes.",
        "Direction des mobilités",
        "Programme pluriannuel",
        False,
        ADOPTED,
    ),
    (
        1,
        "Sécuriser les abords de toutes les écoles",
        "Aux heures d'entrée et de sortie, les abords des écoles sont encombrés et dangereux.",
        "Aménager devant chaque école des rues apaisées aux heures d'entrée et de sortie : "
        "circulation limitée, trottoirs élargis, traversées protégées.",
        "Des enfants qui vont à l'école à pied ou à vélo en sécurité.",
        "Métropole et communes",
        "Environ 40 000 € par école",
        True,
        ADOPTED,
    ),
    (
        2,
        "Instaurer un péage urbain à l'entrée de Montpellier",
        "La circulation automobile reste dense aux heures de pointe.",
        "Faire payer l'entrée des voitures dans Montpellier aux heures de pointe et financer "
        "les transports en commun avec les recettes.",
        "Moins de voitures en ville ; des recettes pour les transports.",
        "Métropole",
        "Recettes nouvelles",
        True,
        REJECTED,
    ),
    (
        2,
        "Limiter la vitesse à 30 km/h dans toutes les rues hors grands axes",
        "La vitesse reste la première cause de gravité des accidents en ville.",
        "Généraliser la limite de 30 km/h dans toutes les rues des 31 communes, à l'exception "
        "des grands axes de circulation.",
        "Moins d'accidents graves ; des rues plus calmes.",
        "Communes et Métropole",
        "Signalisation",
        True,
        ADOPTED,
    ),
    (
        2,
        "Des parkings-relais et des aires de covoiturage aux portes de la Métropole",
        "Venir des communes voisines sans voiture est difficile, et il manque des places pour "
        "laisser sa voiture et continuer en tram.",
        "Créer des aires de covoiturage et agrandir les parkings-relais aux entrées de la "
        "Métropole, reliés au tramway ou à un bus express.",
        "Moins de voitures dans le centre ; le covoiturage facilité.",
        "Métropole",
        "Environ 6 M€",
        False,
        ADOPTED,
    ),
]

#: An accepted amendment (on recommendation 4) and a rejected one (on recommendation 1).
AMENDMENTS = [
    (
        3,
        "proposal",
        " Chaque station de tramway et chaque gare reçoit un stationnement vélo sécurisé.",
        "Sans endroit sûr où laisser son vélo, l'itinéraire ne sert qu'à moitié.",
        True,
    ),
    (
        0,
        "proposal",
        " Le service est aussi prolongé le jeudi.",
        "Les étudiants sortent surtout le jeudi soir.",
        False,
    ),
]
MINORITY_OPINION = (
    6,
    "Trois membres estiment qu'une limite générale à 30 km/h doit être décidée commune par "
    "commune, avec leurs habitants.",
)

#: (recommendation, author: "member"/"citizen" with an index, stance, text, reply to)
COMMENTS = [
    (0, "citizen", 0, "for", "Enfin ! Je travaille en salle jusqu'à minuit.", None),
    (0, "member", 2, "neutral", "Et les bus de nuit pour les communes sans tram ?", 0),
    (0, "citizen", 3, "against", "Le coût est élevé pour quelques soirs par semaine.", None),
    (3, "citizen", 5, "for", "La coupure entre Lattes et Pérols est vraiment dangereuse.", None),
    (3, "member", 4, "for", "Nous l'avons placée en tête de la liste.", 3),
    (6, "citizen", 8, "against", "Sur certaines routes de village, 30 km/h c'est trop lent.", None),
    (6, "member", 7, "for", "Les villes passées à 30 ont vu les accidents graves baisser.", 5),
    (7, "citizen", 10, "for", "Une aire de covoiturage à Castries serait bien utile.", None),
]

# --- members' vote and public consultation --------------------------------------------------

#: (for, against, abstain) of the 24 members, by recommendation; one member was absent.
VOTES = {
    0: (17, 5, 1),
    1: (19, 2, 2),
    2: (6, 15, 2),
    3: (21, 1, 1),
    4: (22, 0, 1),
    5: (5, 16, 2),
    6: (15, 6, 2),
    7: (18, 3, 2),
}

#: Each adopted recommendation's grades from the public, as a cycle of 0 (Excellent) to
#: 6 (À rejeter) the judges go through in turn.
GRADES = {
    0: (1, 2, 1, 3, 2, 0, 4, 2, 1, 5),
    1: (1, 1, 2, 0, 2, 3, 1, 2, 4, 1),
    3: (0, 1, 0, 2, 1, 1, 3, 0, 2, 5),
    4: (0, 0, 1, 1, 0, 2, 1, 0, 3, 1),
    6: (3, 4, 2, 5, 6, 3, 2, 4, 6, 1),
    7: (2, 1, 3, 2, 2, 4, 1, 3, 2, 5),
}

# --- answers and follow-up ------------------------------------------------------------------

#: (recommendation, kind, service, public text, reasons, due date)
ANSWERS = [
    (
        0,
        AnswerKind.ADAPTED,
        "Direction des mobilités et régie des transports",
        "La Métropole prolonge le tramway jusqu'à 0 h 30 les vendredis et samedis dès la "
        "rentrée 2025, sur les quatre lignes, avec un passage toutes les vingt minutes. Un "
        "bilan de fréquentation dira en 2026 s'il faut aller jusqu'à 1 h.",
        "",
        None,
    ),
    (
        1,
        AnswerKind.UNDER_STUDY,
        "Direction des mobilités",
        "Deux tracés de lignes express sont à l'étude avec les communes concernées ; "
        "l'étude de fréquentation et de coût rendra ses conclusions à l'été 2027.",
        "",
        "2027-06-30",
    ),
    (
        3,
        AnswerKind.ADOPTED,
        "Direction des mobilités",
        "Le plan vélo métropolitain reprend l'objectif d'un réseau continu entre les 31 "
        "communes d'ici 2030, en traitant d'abord les douze coupures jugées les plus "
        "dangereuses, et prévoit un stationnement sécurisé à chaque station de tramway.",
        "",
        None,
    ),
    (
        4,
        AnswerKind.ADOPTED,
        "Direction de l'espace public, avec les communes",
        "Chaque commune volontaire reçoit un accompagnement pour aménager les abords de ses "
        "écoles ; la Métropole finance les travaux sur les voies dont elle a la charge.",
        "",
        None,
    ),
    (
        6,
        AnswerKind.REJECTED,
        "Direction de l'espace public",
        "La Métropole ne généralise pas la limite de 30 km/h, mais accompagne les communes "
        "qui la décident.",
        "La vitesse en agglomération relève du pouvoir de police de chaque maire : la "
        "Métropole ne peut pas l'imposer aux 31 communes. Elle finance la signalisation des "
        "communes qui passent à 30 km/h.",
        None,
    ),
    (
        7,
        AnswerKind.ADAPTED,
        "Direction des mobilités",
        "Trois aires de covoiturage ouvrent en 2026 aux entrées est et ouest ; l'extension "
        "des parkings-relais est limitée aux deux sites où le foncier est disponible.",
        "",
        None,
    ),
]
ANSWERED_ON = "2025-05-22"

#: (recommendation, date, progress in percent, text)
FOLLOW_UPS = [
    (
        0,
        "2025-09-05",
        100,
        "Depuis le 5 septembre, le tramway circule jusqu'à 0 h 30 les vendredis et samedis.",
    ),
    (3, "2025-10-14", 20, "Trois des douze coupures prioritaires sont en travaux."),
    (3, "2026-06-02", 45, "Sept coupures traitées ; stationnement vélo dans dix stations."),
    (4, "2025-11-03", 30, "Neuf écoles de quatre communes ont une rue apaisée."),
    (4, "2026-09-01", 60, "Vingt-deux écoles aménagées à la rentrée 2026."),
    (7, "2026-04-20", 35, "L'aire de covoiturage de Vendargues est ouverte ; deux en chantier."),
]
