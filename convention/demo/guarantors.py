"""Guarantors played on this computer, for the demo and the tests: each step of the real tool
(`convention/ballots/guarantor.py`) runs on real files in a folder, and what it makes is sent
to the platform through the same services as the pages. In the demo the folder is
`instance/demo-garants/`, so that anyone trying the platform can run `garant.pyz` with the
demo guarantors' secret files; a real convention's guarantors keep theirs on their own
computers, and the platform never holds one."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from convention.assembly.models import Convention
from convention.auth.models import User
from convention.ballots import guarantor as tool
from convention.extensions import db
from convention.guarantors import services as guarantors
from convention.guarantors.models import KeyCeremony
from convention.votes import counting
from convention.votes.models import DecryptionPacket


def _write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _quietly(step, *args) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        step(*args)


@dataclass
class Keyholders:
    """The guarantors of a completed ceremony, with their secret files in `folder`."""

    ceremony: KeyCeremony
    folder: Path
    people: dict[int, User]

    def secret(self, position: int) -> Path:
        return self.folder / f"garant-{position}-secret.json"

    def partials(self, packet: DecryptionPacket, position: int) -> dict:
        """What guarantor `position`'s tool makes of the packet."""
        path = _write(self.folder, f"paquet-{packet.id}.json", json.loads(packet.body))
        _quietly(tool.make_partials, path, self.secret(position), self.folder)
        return _read(self.folder / f"garant-{position}-depouillement-{packet.id}.json")

    def decrypt(self, packet: DecryptionPacket, positions: list[int] | None = None) -> bool:
        """Guarantors `positions` (the first `threshold` ones unless told) decrypt the
        packet and upload; True when the results are published."""
        chosen = positions or sorted(self.people)[: self.ceremony.threshold]
        published = False
        for position in chosen:
            published = counting.upload(
                self.people[position], packet, self.partials(packet, position)
            )
        return published


def hold_ceremony(
    staff: User, convention: Convention, people: list[User], threshold: int, folder: Path
) -> Keyholders:
    """A whole key ceremony: started by `staff`, each guarantor's three steps run by the tool
    in `folder` and uploaded."""
    folder.mkdir(parents=True, exist_ok=True)
    ceremony = guarantors.start(staff, convention, people, threshold)
    places = {p.position: p for p in ceremony.guarantors}
    by_position = {p.position: db.get_or_404(User, p.user_id) for p in ceremony.guarantors}
    for position, place in places.items():
        path = _write(
            folder,
            f"ceremonie-{ceremony.id}-garant-{position}.json",
            guarantors.ceremony_file(ceremony, place, convention),
        )
        for stale in (f"garant-{position}-secret.json", f"garant-{position}-cle.json"):
            (folder / stale).unlink(missing_ok=True)
        _quietly(tool.make_keys, path, folder)
        guarantors.upload_key(
            by_position[position], ceremony, _read(folder / f"garant-{position}-cle.json")
        )
    keys_path = _write(folder, f"cles-{ceremony.id}.json", guarantors.keys_file(ceremony))
    for position in places:
        _quietly(tool.make_shares, keys_path, folder / f"garant-{position}-secret.json", folder)
        guarantors.upload_shares(
            by_position[position], ceremony, _read(folder / f"garant-{position}-parts.json")
        )
    for position, place in places.items():
        path = _write(
            folder,
            f"parts-{ceremony.id}-garant-{position}.json",
            guarantors.shares_for(ceremony, place),
        )
        _quietly(tool.make_ready, path, folder / f"garant-{position}-secret.json", folder)
        guarantors.upload_ready(
            by_position[position], ceremony, _read(folder / f"garant-{position}-pret.json")
        )
    return Keyholders(ceremony, folder, by_position)
