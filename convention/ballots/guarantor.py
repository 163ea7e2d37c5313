"""L'outil des garant·es : ce que chaque garant·e lance sur son propre ordinateur, sans la
plateforme, pour créer sa clé, partager son secret avec les autres garant·es et déchiffrer le
total d'un vote secret (jamais un bulletin).

    python garant.pyz keys CEREMONIE.json
    python garant.pyz shares CLES.json --secret garant-1-secret.json
    python garant.pyz finish PARTS-POUR-MOI.json --secret garant-1-secret.json
    python garant.pyz decrypt PAQUET.json --secret garant-1-secret.json

Python 3.11 et sa bibliothèque standard suffisent. Les fichiers sont ceux décrits dans
``records.py`` ; le fichier secret ne quitte jamais l'ordinateur de son ou sa garant·e.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

try:  # imported from the application (convention.ballots) or from the zip (ballots)
    from . import ceremony, decryption, encryption, group, records
except ImportError:  # run as a script from a checkout: the package beside this file
    sys.path.append(str(Path(__file__).resolve().parent.parent))
    from ballots import (  # type: ignore[import-not-found, no-redef]
        ceremony,
        decryption,
        encryption,
        group,
        records,
    )

USAGE = """\
Outil des garant·es des votes secrets.

Les quatre étapes, dans l'ordre :
  keys CEREMONIE.json
      crée votre clé : un fichier secret à garder, un fichier de clé à déposer.
  shares CLES.json --secret garant-N-secret.json
      vérifie les clés de tous les garant·es et prépare vos parts pour eux (fichier à déposer).
  finish PARTS-POUR-MOI.json --secret garant-N-secret.json
      vérifie les parts reçues et termine votre clé (fichier « prêt » à déposer).
  decrypt PAQUET.json --secret garant-N-secret.json
      vérifie chaque bulletin et déchiffre le total de chaque vote (fichier à déposer).

Option : --dossier DOSSIER pour écrire les fichiers ailleurs que dans le dossier courant.
"""


class Refused(Exception):
    """A file the tool will not use, or will not write: the message says what is wrong and
    what to do, in French."""


class UsageError(Exception):
    pass


# --- reading and writing files -------------------------------------------------------------


@contextmanager
def reading(path: Path):
    """Whatever is missing or malformed in `path` becomes one clear refusal, never a
    traceback."""
    try:
        yield
    except (records.BadFile, KeyError, TypeError, ValueError, AttributeError) as error:
        raise Refused(
            f"Le fichier {path} est incomplet ou abîmé ({error}). "
            "Téléchargez-le à nouveau depuis la plateforme."
        ) from None


def read(path: Path, fmt: str, what: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise Refused(
            f"Le fichier {path} est introuvable : vérifiez son nom et son dossier."
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(
            f"Le fichier {path} n'est pas un fichier JSON de la plateforme. Choisissez {what}."
        ) from None
    except OSError as error:
        raise Refused(f"Le fichier {path} ne peut pas être lu ({error.strerror}).") from None
    found = data.get("format") if isinstance(data, dict) else None
    if found != fmt:
        raise Refused(
            f"Le fichier {path} n'est pas {what} (il est au format {found or 'inconnu'}, "
            f"{fmt} attendu). Vérifiez que vous avez choisi le bon fichier."
        )
    return data


def write_public(path: Path, data: dict) -> None:
    """A file to upload: written whole or not at all."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=".garant-", delete=False
    ) as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, path)


def write_secret(path: Path, data: dict, replace: bool = False) -> None:
    """The secret file: readable by its owner only; created only where none exists (a lost
    secret is a guarantor lost), replaced only atomically by `finish`."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if not replace:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        return
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".garant-secret-")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())  # the old version goes only once the new one is on disk
    os.replace(temporary, path)


def refuse_existing(path: Path) -> None:
    if path.exists():
        raise Refused(
            f"Le fichier {path} existe déjà : l'outil n'écrase jamais une clé. "
            "Si vous recommencez une cérémonie, déplacez d'abord l'ancien fichier ailleurs."
        )


# --- the ceremony --------------------------------------------------------------------------


def read_secret(path: Path) -> tuple[dict, ceremony.GuarantorSecret]:
    data = read(path, records.SECRET, "votre fichier secret (garant-N-secret.json)")
    with reading(path):
        secret = records.secret_from(data)
        records.num(data["base_hash"], "the base hash")
        int(data["threshold"])
    return data, secret


def same_ceremony(path: Path, data: dict, secret_data: dict) -> None:
    """The file belongs to the ceremony of the secret file."""
    with reading(path):
        same = (
            data["ceremony_id"] == secret_data["ceremony_id"]
            and records.num(data["base_hash"]) == records.num(secret_data["base_hash"])
            and int(data["threshold"]) == int(secret_data["threshold"])
        )
    if not same:
        raise Refused(
            f"Le fichier {path} est celui d'une autre cérémonie que votre fichier secret "
            f"(cérémonie {data.get('ceremony_id')!r}, la vôtre est "
            f"{secret_data['ceremony_id']!r}). Téléchargez le fichier de votre cérémonie."
        )


def checked_keys(
    path: Path, keys: list, secret_data: dict, secret: ceremony.GuarantorSecret
) -> list[ceremony.GuarantorPublic]:
    """Every guarantor's key, numbered 1..n, each with valid proofs, yours among them."""
    base = records.num(secret_data["base_hash"])
    threshold = int(secret_data["threshold"])
    with reading(path):
        publics = [records.key_from(k) for k in keys]
        for key in keys:
            if (
                key["ceremony_id"] != secret_data["ceremony_id"]
                or records.num(key["base_hash"]) != base
            ):
                raise Refused(
                    f"Dans {path}, la clé de garant·e n° {key['index']} est celle d'une autre "
                    "cérémonie. Prévenez l'équipe de la convention."
                )
    numbers = sorted(p.index for p in publics)
    if numbers != list(range(1, len(publics) + 1)) or not threshold <= len(publics):
        raise Refused(
            f"Dans {path}, les clés sont numérotées {numbers} au lieu de 1 à {len(publics)} "
            f"(pour un seuil de {threshold}). Prévenez l'équipe de la convention."
        )
    publics.sort(key=lambda p: p.index)
    for public in publics:
        if ceremony.check_public(base, public, threshold):
            raise Refused(
                f"La clé de garant·e n° {public.index} ne prouve pas la connaissance de son "
                "secret : elle a été abîmée ou falsifiée. Ne continuez pas, prévenez l'équipe "
                "de la convention pour que la cérémonie soit recommencée."
            )
    if secret.index > len(publics) or publics[secret.index - 1].commitments != tuple(
        group.g_pow(a) for a in secret.coefficients
    ):
        raise Refused(
            f"Dans {path}, la clé de garant·e n° {secret.index} n'est pas la vôtre : la plateforme "
            "n'a pas reçu votre fichier de clé tel que vous l'avez déposé. Prévenez l'équipe "
            "de la convention."
        )
    return publics


def make_keys(path: Path, folder: Path) -> None:
    invitation = read(path, records.CEREMONY, "l'invitation à la cérémonie des clés")
    with reading(path):
        base = records.num(invitation["base_hash"], "the base hash")
        threshold, index = int(invitation["threshold"]), int(invitation["index"])
        numbers = sorted(int(g["index"]) for g in invitation["guarantors"])
        name = next((g["name"] for g in invitation["guarantors"] if int(g["index"]) == index), None)
        ceremony_id, convention = invitation["ceremony_id"], invitation["convention_name"]
    if (
        name is None
        or numbers != list(range(1, len(numbers) + 1))
        or not 1 <= threshold <= len(numbers)
    ):
        raise Refused(
            f"L'invitation {path} est incohérente : garant·es {numbers}, seuil {threshold}, "
            f"vous êtes le n° {index}. "
            "Prévenez l'équipe de la convention."
        )
    secret_path = folder / f"garant-{index}-secret.json"
    key_path = folder / f"garant-{index}-cle.json"
    refuse_existing(secret_path)
    refuse_existing(key_path)
    secret, public = ceremony.new_guarantor(base, index, threshold)
    write_secret(secret_path, records.secret_json(secret, invitation))
    write_public(key_path, records.key_json(public, ceremony_id, base))
    print(f"Bonjour {name}, garant·e n° {index} sur {len(numbers)} de « {convention} ».")
    print(f"1. Déposez {key_path.name} sur la plateforme.")
    print(
        f"2. Gardez {secret_path.name} : il ne doit jamais quitter votre ordinateur. Faites-en "
        "une copie sur une clé USB rangée en lieu sûr : sans lui, vous ne pourrez pas "
        "participer au dépouillement."
    )


def make_shares(path: Path, secret_path: Path, folder: Path) -> None:
    secret_data, secret = read_secret(secret_path)
    keys = read(path, records.KEYS, "le fichier des clés de tous les garant·es")
    same_ceremony(path, keys, secret_data)
    with reading(path):
        key_list = list(keys["keys"])
    publics = checked_keys(path, key_list, secret_data, secret)
    base = records.num(secret_data["base_hash"])
    sealed = [
        records.sealed_json(ceremony.seal_share(base, secret, public))
        for public in publics
        if public.index != secret.index
    ]
    out = folder / f"garant-{secret.index}-parts.json"
    write_public(
        out,
        {
            "format": records.SHARES,
            "ceremony_id": secret_data["ceremony_id"],
            "sender": secret.index,
            "shares": sealed,
        },
    )
    print(f"Les clés des {len(publics)} garant·es sont valides.")
    print(
        f"Déposez {out.name} sur la plateforme : chaque part y est chiffrée pour la personne "
        "à qui elle est destinée."
    )


def make_ready(path: Path, secret_path: Path, folder: Path) -> None:
    secret_data, secret = read_secret(secret_path)
    received = read(path, records.SHARES_FOR, "le fichier des parts qui vous sont destinées")
    same_ceremony(path, received, secret_data)
    with reading(path):
        recipient = int(received["recipient"])
        key_list = list(received["keys"])
        sealed = [records.sealed_from(s) for s in received["shares"]]
    if recipient != secret.index:
        raise Refused(
            f"Le fichier {path} est destiné à garant·e n° {recipient}, pas à vous (garant·e n° "
            f"{secret.index}). Téléchargez le fichier de vos parts."
        )
    publics = checked_keys(path, key_list, secret_data, secret)
    base = records.num(secret_data["base_hash"])
    others = [p.index for p in publics if p.index != secret.index]
    senders = [s.sender for s in sealed]
    if sorted(senders) != others:
        missing = sorted(set(others) - set(senders)) or sorted(senders)
        raise Refused(
            f"Le fichier {path} devrait contenir une part de chacun·e des garant·es {others}, "
            f"il contient celles de {sorted(senders)} (en cause : {missing}). Attendez que "
            "tous aient déposé leurs parts, puis téléchargez-le à nouveau."
        )
    shares = []
    for share in sealed:
        try:
            shares.append(ceremony.open_share(base, share, secret, publics[share.sender - 1]))
        except ceremony.BadShare:
            raise Refused(
                f"La part envoyée par garant·e n° {share.sender} est invalide : elle a été "
                "modifiée ou ne correspond pas à sa clé. Prévenez l'équipe de la convention "
                "pour que la cérémonie soit recommencée."
            ) from None
    own_share = ceremony.secret_share(secret, shares)
    joint = ceremony.joint_key(publics)
    public_share = group.g_pow(own_share)
    if public_share != ceremony.public_share(publics, secret.index):  # pragma: no cover
        raise Refused("Votre part ne correspond pas aux clés publiées. Prévenez l'équipe.")
    if secret_data.get("share") not in (None, records.hx(own_share)):
        raise Refused(
            f"Votre fichier secret {secret_path} contient déjà une autre part : l'outil ne "
            "l'écrase pas. Prévenez l'équipe de la convention."
        )
    ceremony_file = {k: secret_data[k] for k in ("convention", "ceremony_id", "base_hash")}
    ceremony_file["threshold"] = secret_data["threshold"]
    write_secret(
        secret_path, records.secret_json(secret, ceremony_file, own_share, joint), replace=True
    )
    statement = {
        "ceremony_id": secret_data["ceremony_id"],
        "index": secret.index,
        "joint_key": records.hx(joint),
        "public_share": records.hx(public_share),
    }
    signature = records.sign(secret.coefficients[0], records.digest_of(statement))
    out = folder / f"garant-{secret.index}-pret.json"
    write_public(out, {"format": records.READY, **statement, "signature": signature.as_json()})
    print(f"Les {len(shares)} parts reçues sont valides ; votre clé est complète.")
    print(
        f"Votre fichier secret {secret_path.name} a été complété : remplacez sa copie de "
        "sauvegarde par cette version, c'est elle qui servira au dépouillement."
    )
    print(f"Déposez {out.name} sur la plateforme.")


# --- the close -----------------------------------------------------------------------------


JOURNAL = "convention-guarantor-journal/1"


def read_journal(path: Path, secret_data: dict) -> dict[str, str]:
    """The votes this guarantor already decrypted, each with the digest of its ballots."""
    if not path.exists():
        return {}
    journal = read(path, JOURNAL, "votre journal des dépouillements")
    if journal.get("ceremony_id") != secret_data["ceremony_id"]:
        raise Refused(f"Le journal {path} est celui d'une autre cérémonie : déplacez-le ailleurs.")
    with reading(path):
        return {str(k): str(v) for k, v in journal["votes"].items()}


def checked_vote(
    path: Path, vote: dict, ceremony_base: int, joint: int, decrypted: dict[str, str]
) -> tuple[dict, int, list[encryption.EncryptedBallot]]:
    """A vote of the packet whose every ballot is a proven encryption of one choice, and
    that was not decrypted before with other ballots."""
    with reading(path):
        ballot_id, title, voters = int(vote["ballot_id"]), str(vote["title"]), int(vote["voters"])
        base_hash = records.num(vote["base_hash"], "a vote's base hash")
        lines = list(vote["ballots"])
    if base_hash != records.election_base_hash(ceremony_base, ballot_id, joint):
        raise Refused(
            f"Le vote « {title} » n'est pas lié à votre cérémonie et à ce scrutin (empreinte "
            "de base inattendue). Ne déchiffrez pas ; prévenez l'équipe de la convention."
        )
    if len(lines) != voters:
        raise Refused(
            f"Le vote « {title} » annonce {voters} votants mais contient {len(lines)} "
            "bulletins. Ne déchiffrez pas ; prévenez l'équipe de la convention."
        )
    ballots = []
    for line in lines:
        code = line.get("tracking_code") if isinstance(line, dict) else None
        try:
            ballots.append(records.ballot_from(line))
        except (records.BadFile, KeyError, TypeError, ValueError, AttributeError):
            raise Refused(
                f"Dans le vote « {title} », le bulletin {code} est abîmé ou son code de suivi "
                "n'est pas le sien. Ne déchiffrez pas ; prévenez l'équipe de la convention."
            ) from None
    codes = [b.tracking_code for b in ballots]
    doubles = sorted({c for c in codes if codes.count(c) > 1})
    if doubles:
        raise Refused(
            f"Dans le vote « {title} », le bulletin {doubles[0]} figure deux fois. Ne "
            "déchiffrez pas ; prévenez l'équipe de la convention."
        )
    # Two totals of the same vote over different ballots would reveal the ballots that
    # differ: a vote is decrypted again only with exactly the same ballots.
    if decrypted.get(str(ballot_id), ballots_digest(codes)) != ballots_digest(codes):
        raise Refused(
            f"Vous avez déjà déchiffré le vote « {title} » avec d'autres bulletins : le "
            "déchiffrer à nouveau révélerait les bulletins qui diffèrent. Ne déchiffrez pas ; "
            "prévenez l'équipe de la convention."
        )
    print(f"Vote « {title} » : vérification de {ballots_text(len(ballots))}…", end=" ", flush=True)
    # Only the product of proven 0-or-1 ballots, each holding exactly one choice, is
    # decrypted: without this check a server could present one member's ballot (or a
    # multiple of it) as a tally and have the guarantors open it.
    election = encryption.Election(joint, base_hash)
    for code, problems in zip(codes, encryption.check_ballots(election, ballots), strict=True):
        if problems:
            print()
            raise Refused(
                f"Dans le vote « {title} », le bulletin {code} n'est pas valide "
                f"({'; '.join(problems)}). Ne déchiffrez pas ; prévenez l'équipe de la convention."
            )
    print("valide." if len(ballots) == 1 else "tous valides.")
    if len(ballots) < 3:
        print(f"  Attention : avec {ballots_text(len(ballots))}, le total peut révéler un choix.")
    return {"ballot_id": ballot_id, "title": title}, base_hash, ballots


def ballots_digest(codes: list[str]) -> str:
    return records.digest_of(sorted(codes))


def ballots_text(count: int) -> str:
    return f"{count} bulletin" if count <= 1 else f"{count} bulletins"


def make_partials(path: Path, secret_path: Path, folder: Path) -> None:
    secret_data, secret = read_secret(secret_path)
    if not secret_data.get("share") or not secret_data.get("joint_key"):
        raise Refused(
            f"Votre fichier secret {secret_path} n'a pas encore de part : terminez d'abord la "
            "cérémonie des clés (commande finish)."
        )
    packet = read(path, records.PACKET, "le paquet de dépouillement")
    with reading(path):
        held = packet["ceremony"]
        packet_id = str(packet["packet_id"])
        votes = list(packet["votes"])
        share = records.num(secret_data["share"], "your share")
        joint = records.num(held["joint_key"], "the joint key")
        key_list = list(held["keys"])
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", packet_id):
        raise Refused(f"Le paquet {path} a un identifiant invalide ({packet_id!r}).")
    same_ceremony(path, held, secret_data)
    publics = checked_keys(path, key_list, secret_data, secret)
    if joint != records.num(secret_data["joint_key"]) or joint != ceremony.joint_key(publics):
        raise Refused(
            f"Le paquet {path} n'utilise pas la clé commune de votre cérémonie. Ne "
            "déchiffrez pas ; prévenez l'équipe de la convention."
        )
    ceremony_base = records.num(secret_data["base_hash"])
    journal_path = secret_path.with_name(f"garant-{secret.index}-journal.json")
    decrypted = read_journal(journal_path, secret_data)
    print(f"Paquet {packet_id} : {len(votes)} vote(s) à dépouiller.")
    checked = [checked_vote(path, vote, ceremony_base, joint, decrypted) for vote in votes]
    ids = [vote["ballot_id"] for vote, _, _ in checked]
    if len(set(ids)) != len(ids):
        raise Refused(f"Le paquet {path} contient deux fois le même scrutin.")
    entries = []
    for vote, base_hash, ballots in checked:
        tally = encryption.tally_ciphertexts(ballots)
        partials = [decryption.partial_decrypt(base_hash, secret.index, share, t) for t in tally]
        statement = records.decryption_statement(
            vote["ballot_id"],
            base_hash,
            [records.ciphertext_json(t) for t in tally],
            secret.index,
            [records.partial_json(p) for p in partials],
        )
        signature = records.sign(secret.coefficients[0], records.digest_of(statement))
        entries.append({"statement": statement, "signature": signature.as_json()})
        decrypted[str(vote["ballot_id"])] = ballots_digest([b.tracking_code for b in ballots])
        print(
            f"Vote « {vote['title']} » : seul le total ({ballots_text(len(ballots))}) est "
            "déchiffré, jamais un bulletin seul."
        )
    journal = {"format": JOURNAL, "ceremony_id": secret_data["ceremony_id"], "votes": decrypted}
    write_public(journal_path, journal)
    out = folder / f"garant-{secret.index}-depouillement-{packet_id}.json"
    write_public(
        out,
        {
            "format": records.PARTIALS,
            "packet_id": packet["packet_id"],
            "packet_digest": records.digest_of(packet),
            "guarantor": secret.index,
            "votes": entries,
        },
    )
    print(f"Déposez {out.name} sur la plateforme.")


# --- the command line ----------------------------------------------------------------------

COMMANDS = ("keys", "shares", "finish", "decrypt")


def parse(args: list[str]) -> tuple[str, Path, Path | None, Path]:
    """The command, its file, --secret and --dossier."""
    options: dict[str, str] = {}
    positional = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("--secret", "--dossier"):
            if not rest:
                raise UsageError(f"{arg} doit être suivi d'un nom de fichier ou de dossier.")
            options[arg] = rest.pop(0)
        elif arg.startswith("--"):
            raise UsageError(f"Option inconnue : {arg}.")
        else:
            positional.append(arg)
    if len(positional) != 2 or positional[0] not in COMMANDS:
        raise UsageError("Indiquez une commande (keys, shares, finish ou decrypt) et un fichier.")
    command, path = positional[0], Path(positional[1])
    secret = Path(options["--secret"]) if "--secret" in options else None
    if (command == "keys") != (secret is None):
        raise UsageError(
            "La commande keys ne prend pas de --secret."
            if command == "keys"
            else f"La commande {command} a besoin de --secret garant-N-secret.json."
        )
    folder = Path(options.get("--dossier", "."))
    if not folder.is_dir():
        raise UsageError(f"Le dossier {folder} n'existe pas : créez-le d'abord.")
    return command, path, secret, folder


def main(argv: list[str]) -> int:
    args = argv[1:]
    if not args or args[0] in ("-h", "--help", "aide"):
        print(USAGE)
        return 0 if args else 2
    try:
        command, path, secret, folder = parse(args)
    except UsageError as error:
        print(f"Erreur : {error}\n", file=sys.stderr)
        print(USAGE, file=sys.stderr)
        return 2
    try:
        if secret is None:
            make_keys(path, folder)
        elif command == "shares":
            make_shares(path, secret, folder)
        elif command == "finish":
            make_ready(path, secret, folder)
        else:
            make_partials(path, secret, folder)
    except Refused as error:
        print(f"Refusé : {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Refusé : impossible d'écrire ou de lire un fichier ({error}).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
