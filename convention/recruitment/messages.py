"""The sortition package's problems, explained in the site's language.

The package reports problems as codes with parameters (and English text); staff read them here
in French, or in English through the catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from convention import sortition

FILES = {
    "pool": _l("du vivier"),
    "quotas": _l("des quotas"),
    "quota": _l("des quotas"),
    "categories": _l("des quotas"),
    "respondents": _l("du vivier"),
}

TEXTS = {
    "empty_file": _l("Le fichier %(file)s est vide."),
    "bad_encoding": _l(
        "Le fichier %(file)s n'est pas un texte UTF-8 valide (premier octet "
        "invalide ligne %(line)s). Enregistrez-le en « CSV UTF-8 » et importez-le "
        "de nouveau."
    ),
    "control_character": _l(
        "Le fichier %(file)s contient un caractère de contrôle invisible "
        "(un octet nul, par exemple) ligne %(line)s : retirez-le et "
        "importez-le de nouveau."
    ),
    "bad_csv": _l(
        "Le fichier %(file)s n'a pas pu être lu comme un CSV ligne %(line)s : %(detail)s."
    ),
    "duplicate_column": _l("Le fichier %(file)s a plusieurs fois la colonne « %(column)s »."),
    "missing_column": _l("Le fichier %(file)s n'a pas de colonne « %(column)s »."),
    "empty_column_name": _l("La colonne %(position)s du fichier %(file)s n'a pas de nom."),
    "wrong_cell_count": _l(
        "La ligne %(line)s du fichier %(file)s a %(found)s cellules, l'en-tête en a %(expected)s."
    ),
    "empty_id": _l("La ligne %(line)s du vivier n'a pas d'identifiant."),
    "duplicate_id": _l(
        "L'identifiant « %(id)s » apparaît plusieurs fois dans le vivier (lignes %(lines)s)."
    ),
    "no_people": _l("Le vivier ne contient aucun volontaire."),
    "no_features": _l(
        "Le vivier n'a aucune colonne de caractéristique en plus de l'identifiant et de l'adresse."
    ),
    "no_quotas": _l("Le fichier des quotas ne contient aucun quota."),
    "bad_number": _l(
        "Ligne %(line)s des quotas : « %(value)s » dans la colonne %(column)s "
        "n'est pas un nombre entier."
    ),
    "negative_number": _l(
        "Ligne %(line)s des quotas : %(column)s vaut %(value)s ; il doit être positif ou nul."
    ),
    "bad_target": _l(
        "Ligne %(line)s des quotas : la cible « %(value)s » n'est pas une part "
        "entre 0 et 1 (ou un pourcentage comme 51 %%)."
    ),
    "empty_quota_name": _l("La ligne %(line)s des quotas a une colonne %(column)s vide."),
    "min_above_max": _l(
        "Le quota %(feature)s=%(value)s a un minimum %(min)s supérieur à son maximum %(max)s."
    ),
    "duplicate_quota": _l(
        "Le quota %(feature)s=%(value)s apparaît plusieurs fois (lignes %(lines)s)."
    ),
    "feature_not_in_pool": _l(
        "Les quotas utilisent la caractéristique « %(feature)s », absente du vivier."
    ),
    "unknown_value": _l(
        "La valeur %(feature)s=« %(value)s » n'a pas de ligne dans les quotas ; "
        "volontaires concernés : %(count)s (identifiants %(ids)s). "
        "Ajoutez-en une (minimum 0 si elle ne compte pas) ou corrigez le "
        "vivier."
    ),
    "bad_panel_size": _l("La taille du panel doit être un nombre entier d'au moins 1, pas %(k)s."),
    "panel_larger_than_pool": _l(
        "La taille du panel (%(k)s) dépasse le vivier de %(n)s volontaires."
    ),
    "panel_larger_than_households": _l(
        "La taille du panel (%(k)s) dépasse le nombre de "
        "foyers différents du vivier (%(households)s) : une "
        "seule personne par foyer peut être tirée."
    ),
    "quota_min_above_pool": _l(
        "Le quota %(feature)s=%(value)s demande au moins %(min)s "
        "personnes, mais seuls %(available)s volontaires ont cette "
        "valeur."
    ),
    "quota_mins_above_k": _l(
        "Les minimums de « %(feature)s » totalisent %(total)s, plus que la taille du panel (%(k)s)."
    ),
    "quota_maxs_below_k": _l(
        "Les maximums de « %(feature)s » totalisent %(total)s, moins que "
        "la taille du panel (%(k)s)."
    ),
    "quotas_conflict": _l(
        "Aucun panel de %(k)s personnes ne respecte tous les quotas à la "
        "fois. Le plus petit changement qui rend un panel possible est "
        "indiqué ci-dessous ; les quotas nommés sont en conflit."
    ),
    "quota_relax_min": _l(
        "Abaisser le minimum de %(feature)s=%(value)s de %(min)s à "
        "%(suggested)s (ou changer un quota en conflit avec lui)."
    ),
    "quota_relax_max": _l(
        "Relever le maximum de %(feature)s=%(value)s de %(max)s à "
        "%(suggested)s (ou changer un quota en conflit avec lui)."
    ),
    "unknown_person": _l("Aucun volontaire n'a l'identifiant « %(id)s »."),
    "accepted_and_excluded": _l("Le volontaire « %(id)s » a à la fois accepté et refusé."),
    "too_many_accepted": _l(
        "%(accepted)s personnes ont accepté, plus que la taille du panel (%(k)s)."
    ),
    "accepted_break_quota": _l(
        "Les personnes qui ont accepté dépassent déjà le maximum de "
        "%(feature)s=%(value)s : %(count)s > %(max)s."
    ),
    "accepted_share_household": _l(
        "Des personnes qui ont accepté (%(ids)s) vivent dans le même foyer."
    ),
    "check_failed": _l("Une vérification interne a échoué : %(detail)s."),
    "solver_failed": _l("Le solveur a échoué : %(detail)s."),
    "bad_lottery_size": _l("La loterie doit compter au moins 1 panel, pas %(panels)s."),
    "bad_seed": _l("La graine doit être une ligne de texte non vide, sans caractère de contrôle."),
    "bad_list": _l("La liste des panels n'est pas au format publié : %(detail)s."),
    "unknown_algorithm": _l("Méthode inconnue « %(algorithm)s » : choisissez parmi %(choices)s."),
}


def describe(code: str, params: dict) -> str:
    """One problem as a sentence; codes this module does not know keep the package's text."""
    values = {
        name: str(FILES.get(value, value)) if name == "file" else value
        for name, value in params.items()
    }
    if code in TEXTS:
        try:
            return str(TEXTS[code]) % values
        except (KeyError, TypeError, ValueError):
            pass
    return sortition.MESSAGES.get(code, code).format(**params)
