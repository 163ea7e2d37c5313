"""No page answers 500, whatever a person sends.

Every rule of the URL map is requested, so a route added later is covered without touching
this file: with real ids and slugs from the data, then with hostile values in its path and in
the query arguments its view reads (ids beyond the database's integer, digits of other scripts,
NUL bytes and other control characters, CR/LF, very long strings); by GET, and by POST with the
forms the page really shows, filled with hostile text, dates and numbers; on an empty database
and on the demo convention; as a visitor and as each role. The cases an earlier fuzz found are
pinned one by one at the end, with what the person should see instead.
"""

from __future__ import annotations

import io
import itertools
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import AnyConverter, PathConverter, Rule
from werkzeug.utils import cached_property

from convention.assembly.models import Convention, Hearing, Theme, WorkingGroup
from convention.auth import services as auth_services
from convention.auth.models import Commune, Role, User
from convention.demo import loading as demo
from convention.discussion import services as discussion
from convention.discussion.models import Comment, Stance, TargetKind
from convention.extensions import db, limiter
from convention.forms import Form
from convention.guarantors.models import KeyCeremony
from convention.ledger.models import LedgerEntry
from convention.params import DatabaseIntConverter, TextConverter
from convention.proposals.models import Amendment, Idea, Recommendation, Status
from convention.publication.models import ExportJob, ReportEdition
from convention.publication.renderers import RENDERERS
from convention.recruitment.models import Invitation, SortitionRun
from convention.sittings.models import AgendaItem, Sitting
from convention.votes.models import AdoptionBallot, DecryptionPacket
from tests import factories
from tests.pages import field_error

ROLES = ("anonymous", "citizen", "member", "facilitator", "staff", "admin")
NUL = "\x00"
CONTROLS = "\x01\x08\x0b\x0c\x1b\x7f\x85\x9f"
#: Put in place of an id (`<int:…>`) in a path, and of a slug or any other text.
HOSTILE_IDS = [str(2**31), str(2**63), "0", "-1", "²", "١", "%00", "9" * 400]
HOSTILE_TEXT = ["%00", "%0D%0A", "%C2%85", "²", "x" * 3000]
#: Given to every query argument a view reads.
HOSTILE_QUERY = ["²", "١٢", str(2**31), "9" * 400, NUL, "\r\nSet-Cookie: a=b", "/\\evil.example"]
TEXT_INPUTS = {"text", "textarea", "email", "password", "search", "url", "tel", "hidden"}
CHOICE_INPUTS = {"select", "radio", "checkbox"}


# --- reading the pages' forms ---------------------------------------------------------------


@dataclass
class Input:
    name: str
    kind: str  # the input's type, or "textarea", "select"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    action: str  # a path
    inputs: list[Input]


class _FormParser(HTMLParser):
    """The POST forms of a page, as a browser would submit them."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._open: Input | None = None  # the textarea or select being read

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                action = urlsplit(attributes.get("action") or self.page_path).path
                self._form = PageForm(action or self.page_path, [])
        elif self._form is None:
            return
        elif tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                kind += ":unchecked"
            self._form.inputs.append(Input(name, kind, attributes.get("value") or ""))
        elif tag in ("textarea", "select") and name:
            self._open = Input(name, tag)
            self._form.inputs.append(self._open)
        elif tag == "option" and self._open is not None:
            self._open.options.append(attributes.get("value") or "")
            if "selected" in attributes:
                self._open.value = attributes.get("value") or ""

    def handle_data(self, data):
        if self._open is not None and self._open.kind == "textarea":
            self._open.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag in ("textarea", "select"):
            self._open = None


def post_forms(page_path: str, text: str) -> list[PageForm]:
    parser = _FormParser(page_path)
    parser.feed(text)
    return parser.forms


def _plain(item: Input) -> str | None:
    """What a careful person would send in this input; None to leave it out."""
    kind = item.kind.split(":")[0]
    if kind == "file":
        return None
    if kind == "select":
        chosen = [o for o in item.options if o not in ("", "0")]
        return item.value if item.value not in ("", "0") else (chosen[-1] if chosen else "")
    if item.value or kind == "hidden":
        return item.value
    return {
        "email": "personne@example.org",
        "password": "un mot de passe solide 2026",
        "date": "2026-11-02",
        "datetime-local": "2026-12-01T17:00",
        "number": "3",
        "checkbox": "y",
    }.get(kind, "Un texte ordinaire")


def _body(form: PageForm, replace: Callable[[Input, str], str | None]) -> MultiDict:
    """The form as submitted, each input's plain value passed through `replace`; one radio
    button per group (the checked one, else the first)."""
    data: MultiDict = MultiDict()
    radios_done = set()
    radios = {i.name for i in form.inputs if i.kind == "radio"}
    for item in form.inputs:
        if item.kind.startswith("radio"):
            if item.name in radios_done or (item.name in radios and item.kind != "radio"):
                continue
            radios_done.add(item.name)
        plain = _plain(item)
        if plain is None:
            continue
        value = replace(item, plain)
        data.add(item.name, plain if value is None else value)
    return data


def hostile_bodies(form: PageForm, every_variant: bool = True) -> Iterator[tuple[str, MultiDict]]:
    """(what is hostile, the body): each text input alone with a NUL byte, every text input
    with other control characters, dates and numbers out of range, choices that do not exist;
    or only NUL in every text input."""
    if not every_variant:
        yield (
            "NUL in every text input",
            _body(form, lambda i, plain: plain + NUL if i.kind in TEXT_INPUTS else None),
        )
        return
    kinds = {i.kind.split(":")[0] for i in form.inputs}
    for item in form.inputs:
        if item.kind in TEXT_INPUTS and item.kind != "hidden":
            yield (
                f"NUL in {item.name}",
                _body(
                    form,
                    lambda i, plain, target=item: (
                        plain[:1] + NUL + plain[1:] if i is target else None
                    ),
                ),
            )
    yield (
        "control characters in every text input",
        _body(form, lambda i, plain: plain + CONTROLS if i.kind in TEXT_INPUTS else None),
    )
    if kinds & {"date", "datetime-local", "number"}:
        yield (
            "year 1 and 2**63",
            _body(
                form,
                lambda i, plain: {
                    "date": "0001-01-01",
                    "datetime-local": "0001-01-01T00:00",
                    "number": str(2**63),
                }.get(i.kind),
            ),
        )
        yield (
            "year 9999 and 2**31",
            _body(
                form,
                lambda i, plain: {
                    "date": "9999-12-31",
                    "datetime-local": "9999-12-31T23:59",
                    "number": str(2**31),
                }.get(i.kind),
            ),
        )
    if kinds & (CHOICE_INPUTS | {"hidden"}):
        yield (
            "choices beyond range, ² in hidden inputs",
            _body(
                form,
                lambda i, plain: (
                    str(2**63)
                    if i.kind.split(":")[0] in CHOICE_INPUTS
                    else "²"
                    if i.kind == "hidden" and i.name != "csrf_token"
                    else None
                ),
            ),
        )


def every_field_name() -> set[str]:
    """The names of every field of every form class, for a POST whose form no page showed."""
    names, classes = set(), [Form]
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        names |= {
            name
            for klass in cls.__mro__
            for name, value in vars(klass).items()
            if hasattr(value, "field_class")
        }
    return names


# --- filling the rules ----------------------------------------------------------------------

KNOWN_CONVERTERS = (DatabaseIntConverter, TextConverter, AnyConverter, PathConverter)


@dataclass
class RealValues:
    """Values found in the data, by argument name, and rows for arguments that go together."""

    single: dict[str, list]
    together: dict[frozenset[str], list[dict]]

    def fillings(self, rule: Rule) -> list[dict]:
        names = set(rule.arguments)
        for converter_name, converter in rule._converters.items():
            if not isinstance(converter, KNOWN_CONVERTERS):
                pytest.fail(
                    f"{rule.rule}: the test does not know how to fill "
                    f"<{type(converter).__name__}:{converter_name}>; teach it"
                )
        # The biggest group of arguments found together, the others one by one.
        group = max((g for g in self.together if g <= names), key=len, default=frozenset())
        choices = []
        if group:
            choices.append(self.together[group])
        for name in sorted(names - group):
            converter = rule._converters[name]
            if isinstance(converter, AnyConverter):
                values = sorted(converter.items)
            elif name in self.single:
                values = self.single[name]
            else:
                pytest.fail(f"{rule.rule}: no value known for <{name}>; add it to real_values()")
            choices.append([{name: v} for v in values])
        combinations = itertools.product(*choices) if choices else [()]
        return [
            dict(itertools.chain.from_iterable(d.items() for d in c))
            for c in itertools.islice(combinations, 4)
        ]


def real_values() -> RealValues:
    def ids(model, limit=2):
        return list(db.session.scalars(select(model.id).order_by(model.id).limit(limit))) or [1]

    recommendations = db.session.scalars(select(Recommendation).order_by(Recommendation.id)).all()
    # One recommendation per status: each shows different forms.
    by_status = list({r.status: r for r in reversed(recommendations)}.values())
    user = db.session.scalars(select(User).order_by(User.id)).first()
    tokens = (
        [auth_services.confirmation_token(user), auth_services.password_reset_token(user)]
        if user
        else ["jeton"]
    )
    hearings = db.session.scalars(select(Hearing).limit(1)).all()
    themes = db.session.scalars(select(Theme).limit(1)).all()
    groups = db.session.scalars(select(WorkingGroup).limit(1)).all()
    amendments = db.session.scalars(select(Amendment).limit(2)).all()
    invitations = db.session.scalars(select(Invitation).limit(1)).all()
    editions = db.session.scalars(select(ReportEdition).limit(1)).all()
    targets = (
        [{"kind": TargetKind.RECOMMENDATION.value, "target_id": r.id} for r in by_status[:1]]
        + [{"kind": TargetKind.IDEA.value, "target_id": i} for i in ids(Idea, 1)]
        + [{"kind": TargetKind.HEARING.value, "target_id": h.id} for h in hearings]
    )
    single = {
        "number": [r.number for r in by_status] or [1],
        "amendment_number": [1],
        "comment_id": ids(Comment),
        "group_id": [g.id for g in groups] or [1],
        "hearing_id": [h.id for h in hearings] or [1],
        "theme_id": [t.id for t in themes] or [1],
        "commune_id": ids(Commune, 1),
        "idea_id": ids(Idea, 1),
        "user_id": ids(User, 1),
        "ballot_id": ids(AdoptionBallot, 1),
        "run_id": ids(SortitionRun, 1),
        "invitation_id": ids(Invitation, 1),
        "round_number": [1],
        "sitting_id": ids(Sitting, 1),
        "item_id": ids(AgendaItem, 1),
        "entry_id": ids(LedgerEntry, 1),
        "ceremony_id": ids(KeyCeremony, 1),
        "packet_id": ids(DecryptionPacket, 1),
        "step": ["ceremonie", "cles", "parts"],
        "target_id": [1],
        "kind": [k.value for k in TargetKind],
        "job_id": list(db.session.scalars(select(ExportJob.id).limit(1)))
        or ["00000000-0000-4000-8000-000000000000"],
        "token": tokens,
        "code": ["en"],
        # Each convention's address space: /c/<convention>/...
        "convention": list(db.session.scalars(select(Convention.slug).order_by(Convention.id)))
        or ["test"],
        "fmt": list(RENDERERS),
        "filename": ["css/main.css"],
        # Hearings' and themes' slugs: /auditions/<slug>, /themes/<slug>.
        "slug": [h.slug for h in hearings] + [t.slug for t in themes] or ["sans-objet"],
    }
    together = {
        frozenset({"number", "slug"}): [{"number": r.number, "slug": r.slug} for r in by_status]
        or [{"number": 1, "slug": "x"}],
        frozenset({"number", "amendment_number"}): [
            {"number": a.recommendation.number, "amendment_number": a.number} for a in amendments
        ]
        or [{"number": 1, "amendment_number": 1}],
        frozenset({"number", "fmt"}): [
            {"number": e.number, "fmt": f} for e in editions for f in RENDERERS
        ]
        or [{"number": 1, "fmt": "html"}],
        frozenset({"kind", "target_id"}): targets or [{"kind": "idea", "target_id": 1}],
        frozenset({"group_id", "user_id"}): [
            {"group_id": g.id, "user_id": m.user_id} for g in groups for m in g.memberships[:1]
        ]
        or [{"group_id": 1, "user_id": 1}],
        frozenset({"run_id", "invitation_id"}): [
            {"run_id": i.run_id, "invitation_id": i.id} for i in invitations
        ]
        or [{"run_id": 1, "invitation_id": 1}],
    }
    return RealValues(single, together)


def with_hostile_path(rule: Rule, filling: dict, ids: list[str]) -> Iterator[tuple[str, str]]:
    """(argument, address) with one argument replaced by each hostile value in turn."""
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            continue
        is_id = isinstance(converter, DatabaseIntConverter)
        marker = 987654321 if is_id else "MARQUEUR"
        _, address = rule.build({**filling, name: marker}, append_unknown=False)
        for value in ids if is_id else HOSTILE_TEXT:
            encoded = value if value.startswith("%") else quote(value, safe="")
            yield name, address.replace(str(marker), encoded, 1)


# --- the visits -----------------------------------------------------------------------------


class _ReadArgs(ImmutableMultiDict):
    """request.args, noting which names the view read."""

    reads: set[str]

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        self.reads.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self.reads.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self.reads.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.reads.add(key)
        return super().__contains__(key)


@dataclass
class Visit:
    role: str
    method: str
    address: str
    what: str = ""
    body: MultiDict | None = None
    endpoint: str = ""


class Fuzzer:
    """Requests every rule as each role and keeps every 500 (or exception) it meets."""

    def __init__(self, app, monkeypatch):
        self.app = app
        self.failures: list[str] = []
        self.cookies: dict[str, str | None] = {}
        self.client = app.test_client()
        self.forms: dict[tuple[str, str], list[PageForm]] = defaultdict(list)
        self.reads: set[str] = set()
        self.reading: list[tuple[Visit, frozenset[str]]] = []
        self.count = 0
        reads = self.reads

        class ReadingRequest(app.request_class):
            @cached_property
            def args(self):
                spied = _ReadArgs(super().args)
                spied.reads = reads
                return spied

        monkeypatch.setattr(app, "request_class", ReadingRequest)
        # A person sends these requests over minutes; here they would hit the rate limits,
        # which would answer 429 before the views this test is about.
        monkeypatch.setattr(limiter, "enabled", False)

    def sign_in(self, role: str, email: str, password: str) -> None:
        self.client.delete_cookie("session")
        response = self.client.post("/connexion", data={"email": email, "password": password})
        assert response.status_code == 302, f"{role} could not sign in as {email}"
        self.cookies[role] = self.client.get_cookie("session").value

    def visit(self, visit: Visit, query: dict | None = None):
        """One request, in the role's own session as it was at sign-in (a POST that signs
        out or flashes does not change the next request)."""
        cookie = self.cookies.get(visit.role)
        if cookie is None:
            self.client.delete_cookie("session")
        else:
            self.client.set_cookie("session", cookie)
        self.reads.clear()
        self.count += 1
        address = (
            visit.address
            if len(visit.address) < 100
            else (f"{visit.address[:60]}…({len(visit.address)} characters)")
        )
        label = f"{visit.method} {address}"
        if query:
            label += " ?" + "&".join(f"{name}={value[:20]!r}" for name, value in query.items())
        label += f" as {visit.role}" + (f" ({visit.what})" if visit.what else "")
        try:
            response = self.client.open(
                visit.address, method=visit.method, data=visit.body, query_string=query
            )
        except Exception as error:  # the test app lets a view's exception through
            place = next(
                (
                    f"{f.filename.split('/work/main/')[-1]}:{f.lineno}"
                    for f in reversed(traceback.extract_tb(error.__traceback__))
                    if "/convention/" in f.filename
                ),
                "?",
            )
            self.failures.append(f"{label}: {type(error).__name__}: {str(error)[:160]} at {place}")
            return None
        response.get_data()  # read, then let go of the file a static file's answer holds
        response.close()
        if response.status_code == 500:
            self.failures.append(f"{label}: 500")
        if self.reads and query is None:
            self.reading.append((visit, frozenset(self.reads)))
        return response

    def rules(self, method: str) -> list[Rule]:
        return [r for r in self.app.url_map.iter_rules() if method in r.methods]

    def read_pages(self, roles, values: RealValues) -> None:
        """GET every rule with real values; keep the POST forms each role was shown."""
        for role, rule in itertools.product(roles, self.rules("GET")):
            for filling in values.fillings(rule):
                _, address = rule.build(filling, append_unknown=False)
                response = self.visit(Visit(role, "GET", address, endpoint=rule.endpoint))
                if (
                    response is not None
                    and response.status_code == 200
                    and response.mimetype == "text/html"
                ):
                    for form in post_forms(address, response.text):
                        self.forms[role, form.action].append(form)

    def send_forms(self, roles, values: RealValues) -> None:
        """POST every rule: the forms the role was shown, made hostile (every variant once per
        view and form, NUL in every text input for the other roles and addresses); a body of
        every known field name holding NUL where no page showed a form."""
        anything = MultiDict({name: NUL + "²" for name in every_field_name()})
        sent = set()
        for role, rule in itertools.product(roles, self.rules("POST")):
            for filling in values.fillings(rule):
                _, address = rule.build(filling, append_unknown=False)
                shown = self.forms.get((role, address), [])[:1]
                if not shown and filling == values.fillings(rule)[0]:
                    self.visit(
                        Visit(role, "POST", address, "no form shown", anything, rule.endpoint)
                    )
                for form in shown:
                    signature = (rule.endpoint, tuple(i.name for i in form.inputs))
                    for what, body in hostile_bodies(form, every_variant=signature not in sent):
                        self.visit(Visit(role, "POST", address, what, body, rule.endpoint))
                    sent.add(signature)

    def twist_queries(self) -> None:
        """Again a request of each view that read query arguments, each hostile value in all
        of them at once."""
        done = set()
        for visit, names in list(self.reading):
            if (visit.method, visit.endpoint, names) in done:
                continue
            done.add((visit.method, visit.endpoint, names))
            for value in HOSTILE_QUERY:
                self.visit(visit, query={name: value for name in names})

    def twist_paths(self, role: str, values: RealValues, ids: list[str]) -> None:
        """Every rule with each argument replaced by each hostile value (by GET, or by POST
        for a rule that only takes POST)."""
        anything = MultiDict({name: NUL for name in every_field_name()})
        for rule in self.app.url_map.iter_rules():
            method = "GET" if "GET" in rule.methods else "POST"
            for name, address in with_hostile_path(rule, values.fillings(rule)[0], ids):
                self.visit(
                    Visit(
                        role,
                        method,
                        address,
                        f"hostile <{name}>",
                        anything if method == "POST" else None,
                    )
                )

    def assert_no_failure(self) -> None:
        assert not self.failures, (
            f"{len(self.failures)} of {self.count} requests failed:\n" + "\n".join(self.failures)
        )


@pytest.fixture
def fuzzer(app, monkeypatch):
    return Fuzzer(app, monkeypatch)


def crawl(
    fuzzer: Fuzzer,
    roles,
    accounts: dict[str, tuple[str, str]],
    hostile_paths_as: str | None,
    hostile_ids: list[str] = HOSTILE_IDS,
):
    db.session.commit()
    values = real_values()
    for role in roles:
        if role != "anonymous":
            fuzzer.sign_in(role, *accounts[role])
    fuzzer.read_pages(roles, values)
    if hostile_paths_as is not None:
        fuzzer.twist_paths(hostile_paths_as, values, hostile_ids)
    fuzzer.send_forms(roles, values)  # last but the queries: a POST may change the data
    fuzzer.twist_queries()
    fuzzer.assert_no_failure()


def test_no_500_on_an_empty_database(fuzzer):
    accounts = {role.value: (factories.user(role).email, factories.PASSWORD) for role in Role}
    # Without data most views stop before reading an id: the demo tries every hostile id.
    crawl(fuzzer, ROLES, accounts, "anonymous", hostile_ids=[str(2**31)])


def _demo_accounts() -> dict[str, tuple[str, str]]:
    demo.load_demo()
    # The demo has no discussion yet: a comment and a reply give the comment pages real ids.
    rec = db.session.scalars(
        select(Recommendation).where(Recommendation.status == Status.PUBLISHED)
    ).first()
    thread = discussion.thread_for(
        db.session.get(Convention, rec.convention_id), TargetKind.RECOMMENDATION, rec.id
    )
    member = rec.group.memberships[0].user
    citizen = db.session.scalars(
        select(User).where(User.site_role == Role.CITIZEN, ~User.convention_roles.any())
    ).first()
    first = discussion.post_comment(member, thread, "Un premier argument.", Stance.FOR)
    discussion.post_comment(citizen, thread, "Une réponse.", Stance.NEUTRAL, first)
    return {
        role.split()[0]: (email, password)
        for role, email, password in reversed(demo.demo_accounts())
    }


@pytest.mark.parametrize(
    "roles",
    [("anonymous", "citizen", "member"), ("facilitator", "staff", "admin")],
    ids=lambda roles: "+".join(roles),
)
def test_no_500_on_the_demo(fuzzer, roles):
    # Hostile paths as an administrator, who gets past every access check (and as a visitor
    # on the empty database).
    crawl(fuzzer, roles, _demo_accounts(), "admin" if "admin" in roles else None)


# --- the cases an earlier fuzz found, and what a person sees instead ------------------------


@pytest.fixture
def staff_and_convention():
    staff = factories.user(Role.STAFF)
    factories.convention(staff)
    db.session.commit()
    return staff


def test_a_nul_byte_in_the_display_name_is_refused_on_its_field(client):
    place = factories.commune()
    db.session.commit()
    page = client.post(
        "/inscription",
        data={
            "email": "camille@example.org",
            "display_name": "Camille\x00R.",
            "commune": place.id,
            "password": "un mot de passe solide",
            "password_confirm": "un mot de passe solide",
        },
    )
    assert page.status_code == 200
    assert "caractère de contrôle invisible" in (field_error(page.text, "display_name") or "")
    assert db.session.scalar(select(User).where(User.email == "camille@example.org")) is None


def test_other_control_characters_are_refused_too(client):
    place = factories.commune()
    db.session.commit()
    for character in ("\x1b", "\x7f", "\x85"):
        page = client.post(
            "/inscription",
            data={
                "email": "camille@example.org",
                "display_name": f"Camille{character}",
                "commune": place.id,
                "password": "un mot de passe solide",
                "password_confirm": "un mot de passe solide",
            },
        )
        assert "caractère de contrôle invisible" in (field_error(page.text, "display_name") or "")
    # Tabs and line breaks are ordinary text.
    page = client.post(
        "/inscription",
        data={
            "email": "camille@example.org",
            "display_name": "Camille\tR.",
            "commune": place.id,
            "password": "un mot de passe solide",
            "password_confirm": "un mot de passe solide",
        },
    )
    assert page.status_code == 302


def test_a_hearing_dated_year_one_is_refused_on_its_date(client, staff_and_convention):
    factories.login(client, staff_and_convention.email)
    for day in ("0001-01-01", "9999-12-31"):
        page = client.post(
            "/c/test/gestion/auditions",
            data={"title": "Audition de la CNIL", "expert": "Claire Martin", "held_on": day},
        )
        assert page.status_code == 200
        assert "Saisissez une date entre 1900 et 2200." in (field_error(page.text, "held_on") or "")
    assert db.session.scalars(select(Hearing)).all() == []


def test_after_signing_in_only_an_address_on_this_site_is_followed(client):
    person = factories.user()
    db.session.commit()

    def sign_in(target: str) -> str:
        client.delete_cookie("session")
        response = client.post(
            "/connexion",
            query_string={"next": target},
            data={"email": person.email, "password": factories.PASSWORD},
        )
        assert response.status_code == 302, target
        return response.headers["Location"]

    for target in (
        "/\r\nSet-Cookie: pris=1",
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
    ):
        assert sign_in(target) == "/", target
    assert sign_in("/c/test/recommandations?page=2") == "/c/test/recommandations?page=2"


def test_ids_beyond_the_database_integer_are_not_found(client, staff_and_convention):
    factories.login(client, staff_and_convention.email)
    for address in (
        f"/c/test/recommandations/{2**31}",
        f"/c/test/recommandations/{2**63}",
        f"/c/test/idees/{2**31}",
        "/c/test/recommandations/١",
        "/c/test/recommandations/0",
        f"/c/test/gestion/themes/{2**31}",
        f"/c/test/commentaires/{2**31}",
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(f"/c/test/votes/scrutins/{2**31}/voter").status_code == 404


def test_a_page_number_that_is_not_ascii_digits_shows_the_first_page(client, staff_and_convention):
    factories.login(client, staff_and_convention.email)
    for address in (
        "/c/test/recommandations",
        "/c/test/idees",
        "/c/test/gestion/journal",
        "/notifications",
    ):
        first = client.get(address)
        assert first.status_code == 200, address
        for value in ("²", "١", str(2**31), "9" * 400, "-1"):
            page = client.get(address, query_string={"page": value})
            assert page.status_code == 200, (address, value)
    assert (
        client.get(
            "/c/test/recommandations", query_string={"theme": "²", "groupe": "١"}
        ).status_code
        == 200
    )


def test_control_characters_in_a_query_are_a_bad_request(client, staff_and_convention):
    assert client.get("/c/test/recommandations", query_string={"q": "\x00"}).status_code == 400
    assert (
        client.get("/c/test/recommandations", query_string={"q": "deux\nlignes"}).status_code == 200
    )


def test_a_pool_file_with_a_nul_byte_is_refused_with_its_line(client):
    world = factories.build_world()
    db.session.commit()
    factories.login(client, world.staff.email)
    pool = b"id,gender\nv1,femme\nv2,hom\x00me\n"
    quotas = b"feature,value,min,max\ngender,femme,1,1\ngender,homme,1,1\n"
    page = client.post(
        "/c/test/gestion/tirage/",
        data={
            "pool": (io.BytesIO(pool), "pool.csv"),
            "quotas": (io.BytesIO(quotas), "q.csv"),
            "k": "2",
            "algorithm": "leximin",
            "panels": "10",
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert (
        "contient un caractère de contrôle invisible (un octet nul, par exemple) ligne 3"
        in page.text
    )
    assert db.session.scalars(select(SortitionRun)).all() == []
