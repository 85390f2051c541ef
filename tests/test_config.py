"""Configuration: the shipped example is valid, and every kind of mistake is refused by key path."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from disclosure_monitor import config as config_module
from disclosure_monitor.cli import main
from disclosure_monitor.config import PASSWORD_ENV, load_config
from disclosure_monitor.errors import ConfigError

EXAMPLE = Path(__file__).parents[1] / "config" / "example.toml"

VALID = """
[store]
path = "data/monitor.db"

[schedule]
timezone = "Asia/Shanghai"
crawl = "0 6 * * *"
digest = "0 9 * * mon"

[[agency]]
name = "赣州市赣县区融媒体中心"
kind = "dept"
region = "江西省赣州市赣县区"
section = "http://127.0.0.1:8765/ganxian/zfxxgknb/index.html"
aliases = ["赣县区融媒体中心"]
first_year = 2021

[[agency]]
name = "平潭综合实验区管理委员会"
kind = "gov"
section = "http://127.0.0.1:8765/pingtan/ndbg/index.html"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid_and_stays_on_loopback() -> None:
    config = load_config(EXAMPLE)
    assert config.agencies
    assert {urlsplit(a.section).hostname for a in config.agencies} == {"127.0.0.1"}
    assert config.email.smtp_host == "127.0.0.1"
    assert main(["validate-config", str(EXAMPLE)]) == 0
    assert main(["validate-config", "-c", str(EXAMPLE)]) == 0


def test_defaults_and_paths_relative_to_the_config_folder(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID))
    assert config.store.path == tmp_path / "data" / "monitor.db"
    assert config.store.evidence == tmp_path / "data" / "evidence"
    assert config.crawl.per_host_concurrency == 1 and config.crawl.respect_robots is True
    first, second = config.agencies
    assert second.region == "" and second.listing == "auto"
    assert first.aliases == ("赣县区融媒体中心",)

    explicit = load_config(write(tmp_path, VALID.replace('path = "data/monitor.db"', 'path = "/srv/m.db"\nevidence = "ev"')))
    assert explicit.store.path == Path("/srv/m.db")
    assert explicit.store.evidence == tmp_path / "ev"


MISTAKES = [
    ("colour = 1\n" + VALID, "colour: unknown key"),
    (VALID.replace('kind = "gov"', 'kind = "gov"\nnickname = "x"'), "agency[1].nickname: unknown key"),
    (VALID + "[crawl]\ntimeout = '30'\n", "crawl.timeout: expected a number, got '30'"),
    (VALID + "[crawl]\nmax_retries = true\n", "crawl.max_retries: expected an integer"),
    (VALID + "[crawl]\nper_host_delay = -1\n", "crawl.per_host_delay: expected a number from 0"),
    (VALID.replace('aliases = ["赣县区融媒体中心"]', 'aliases = "赣县区融媒体中心"'), "agency[0].aliases: expected a list"),
    (VALID.replace("http://127.0.0.1:8765/pingtan", "ftp://127.0.0.1/pingtan"), "agency[1].section: expected an http(s) URL"),
    (VALID.replace("http://127.0.0.1:8765/pingtan", "http:///pingtan"), "agency[1].section: expected an http(s) URL"),
    (VALID.replace('"0 9 * * mon"', '"0 9 * *"'), "schedule.digest: expected a five-field cron expression"),
    (VALID.replace('"0 6 * * *"', '"61 6 * * *"'), "schedule.crawl: expected a five-field cron expression"),
    (VALID.replace("Asia/Shanghai", "Asia/Gotham"), "schedule.timezone: expected an IANA time zone"),
    (VALID.replace('kind = "dept"', 'kind = "ministry"'), "agency[0].kind: expected one of dept | gov"),
    (VALID.replace("first_year = 2021", 'first_year = 2021\nlevel = "city"'), "agency[0].level: expected one of province"),
    (VALID.replace("first_year = 2021", "first_year = 1999"), "agency[0].first_year: expected a number from 2008"),
    (VALID.replace('kind = "gov"', 'kind = "gov"\nlisting = "magic"'), "agency[1].listing: expected one of auto"),
    (VALID.replace("平潭综合实验区管理委员会", "赣州市赣县区融媒体中心"), "agency[1].name: duplicate agency"),
    (VALID.replace('section = "http://127.0.0.1:8765/pingtan/ndbg/index.html"', ""), "agency[1].section: missing"),
    (VALID.replace('path = "data/monitor.db"', ""), "store.path: missing"),
    (VALID + "[email]\nsecurity = 'tls'\n", "email.security: expected one of none | starttls | ssl"),
    (VALID + "[email]\nrecipients = ['oversight']\n", "email.recipients: expected e-mail addresses"),
    ('[store]\npath = "m.db"\n[agency]\nname = "x"\n', "agency: expected an array of tables"),
    (VALID + "[store\n", "not valid TOML"),
    (VALID + "[crawl]\ntimeout = nan\n", "crawl.timeout: expected a number from 1 up, got nan"),
    (VALID + "[crawl]\nmax_document_mb = inf\n", "crawl.max_document_mb: expected a number from 1 up, got inf"),
    (VALID + "[crawl]\nmax_pages = 0\n", "crawl.max_pages: expected a number from 1 up"),
]


@pytest.mark.parametrize(("text", "message"), MISTAKES, ids=[m for _, m in MISTAKES])
def test_each_mistake_is_named_by_file_and_key_path(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path}: " in str(caught.value)
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, VALID.replace('kind = "dept"', 'kind = "bureau"').replace("Asia/Shanghai", "Nowhere"))
    assert main(["validate-config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "agency[0].kind" in err and "schedule.timezone" in err


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")


def test_password_comes_only_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    config = load_config(write(tmp_path, VALID))
    assert config.email.password is None
    monkeypatch.setenv(PASSWORD_ENV, "s3cret-value")
    assert config.email.password == "s3cret-value"
    assert "s3cret-value" not in repr(config)
    with pytest.raises(ConfigError, match=r"email\.password: unknown key"):
        load_config(write(tmp_path, VALID + "[email]\npassword = 'x'\n"))


def test_routes_language_and_alert_threshold(tmp_path: Path) -> None:
    defaults = load_config(write(tmp_path, VALID))
    assert defaults.email.route == () and defaults.email.lang == "zh" and defaults.checks.failures_before_alert == 2
    routed = VALID.replace("[[agency]]", """[email]
lang = "en"
recipients = ["oversight@example.org"]

[[email.route]]
name = "赣州"
recipients = ["gz@example.org"]
region_prefix = "江西省赣州市"
names = ["赣县区融媒体中心"]

[checks]
failures_before_alert = 3

[[agency]]""", 1)
    config = load_config(write(tmp_path, routed))
    (route,) = config.email.route
    assert config.email.lang == "en" and config.checks.failures_before_alert == 3
    first, second = config.agencies
    assert route.covers(first) and not route.covers(second)
    assert route.takes(first, "info") and route.min_severity == "info"
    wrong = routed.replace('lang = "en"', 'lang = "fr"').replace("= 3", "= 0").replace('name = "赣州"', 'name = "default"')
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path, wrong))
    assert "email.lang: expected one of zh | en" in str(e.value)
    assert "checks.failures_before_alert: expected a number from 1" in str(e.value)
    assert "email.route[0].name: 'default' is the digest of unrouted findings" in str(e.value)


def test_a_gbk_file_is_told_to_be_saved_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_bytes(VALID.encode("gb18030"))
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte \d+\); save the file as UTF-8"):
        load_config(path)


def test_a_utf8_file_with_a_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_bytes(VALID.encode("utf-8-sig"))
    assert next(iter(load_config(path).agencies)).name == "赣州市赣县区融媒体中心"


def test_routes_without_a_default_inbox_must_take_every_finding(tmp_path: Path) -> None:
    """With routes and no email.recipients, a finding no route takes would reach nobody."""
    agencies = '''
[[agency]]
name = "赣州市赣县区融媒体中心"
kind = "dept"
region = "江西省赣州市赣县区"
section = "http://127.0.0.1:9/a/index.html"

[[agency]]
name = "泸州市合江县民政局"
kind = "dept"
region = "四川省泸州市合江县"
section = "http://127.0.0.1:9/b/index.html"
'''
    route = '[store]\npath = "monitor.db"\n\n[email]\nsender = "m@example.org"\n\n[[email.route]]\nname = "赣州"\nrecipients = ["gz@example.org"]\n'
    path = tmp_path / "monitor.toml"
    path.write_text(route + 'region_prefix = "江西省赣州市"\n' + agencies, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"email\.recipients: empty.*泸州市合江县民政局"):
        load_config(path)
    path.write_text(route + agencies, encoding="utf-8")  # the route takes everyone: fine
    assert len(load_config(path).email.route) == 1


def roster(n: int, middle: str = "", extra: str = "") -> str:
    """A configuration of `n` agencies with `middle` after the third and `extra` at the end."""
    blocks = [
        f'[[agency]]\nname = "样例县第{i}机关"\nkind = "dept"\nregion = "江西省赣州市赣县区"\nsection = "http://127.0.0.1:9/{i}/index.html"\n'
        for i in range(n)
    ]
    blocks.insert(3, middle)
    return '[store]\npath = "monitor.db"\n\n' + "\n".join(blocks) + extra


TAIL = '\n[email]\nrecipients = ["oversight@example.org"]\n\n[[email.route]]\nname = "赣州"\nrecipients = ["gz@example.org"]\nregion_prefix = "江西省赣州市"\n'


@pytest.mark.parametrize(
    "text",
    [
        roster(7, "[crawl]\ntimeout = 12\n", TAIL),
        # A header line inside a multi-line string, where a cut falls: the file is read whole.
        roster(7).replace('region = "江西省赣州市赣县区"\nsection = "http://127.0.0.1:9/1/', 'region = """江西省\n[[agency]]\n"""\nsection = "http://127.0.0.1:9/1/'),
    ],
    ids=["tables-between-and-after", "header-in-a-string"],
)
def test_a_roster_read_in_pieces_is_the_roster_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """A national roster is parsed a few hundred [[agency]] tables at a time; the result must not show it."""
    path = write(tmp_path, text)
    whole = load_config(path)
    monkeypatch.setattr(config_module, "AGENCIES_A_PIECE", 2)
    pieces = load_config(path)
    assert pieces == whole
    assert [a.name for a in pieces.agencies] == [f"样例县第{i}机关" for i in range(7)]


def test_a_roster_in_pieces_reports_mistakes_as_a_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_module, "AGENCIES_A_PIECE", 2)
    duplicate = roster(7).replace("样例县第5机关", "样例县第0机关")
    with pytest.raises(ConfigError, match=r"agency\[5\]\.name: duplicate agency '样例县第0机关', already agency\[0\]"):
        load_config(write(tmp_path, duplicate))
    broken = roster(7).replace('kind = "dept"\nregion = "江西省赣州市赣县区"\nsection = "http://127.0.0.1:9/6/', 'kind = "dept\nregion = "江西省赣州市赣县区"\nsection = "http://127.0.0.1:9/6/')
    line = broken.splitlines().index('kind = "dept') + 1
    with pytest.raises(ConfigError, match=rf"not valid TOML: .*line {line}\b"):
        load_config(write(tmp_path, broken))
    twice = roster(7, "[crawl]\ntimeout = 12\n", "\n[crawl]\nmax_retries = 2\n")  # the same table in two pieces
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, twice))


def reading(path: Path, monkeypatch: pytest.MonkeyPatch, piece: int) -> tuple[int, int]:
    """Bytes allocated by reading `path` in pieces of `piece` tables: still held after, and at the peak."""
    monkeypatch.setattr(config_module, "AGENCIES_A_PIECE", piece)
    tracemalloc.start()
    try:
        config = load_config(path)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(config.agencies) > 0
    return held, peak


def test_a_roster_in_pieces_never_holds_all_its_raw_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read whole, a roster's parsed TOML tables are all held at once."""
    path = write(tmp_path, roster(2000))
    assert reading(path, monkeypatch, 100)[1] < 0.6 * reading(path, monkeypatch, 10**9)[1]


def test_a_configuration_read_holds_none_of_its_agencies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its `Roster` reads them from the file when they are gone through: a national one's were 46 MB."""
    few, many = (reading(write(tmp_path, roster(n)), monkeypatch, 100)[0] for n in (200, 2000))
    assert many < few + 1800 * 100  # an Agency is 450 bytes or more; less than 100 a configured agency more
    config = load_config(tmp_path / "monitor.toml")
    for _ in range(2):  # each time through, the same
        assert [a.name for a in config.agencies] == [f"样例县第{i}机关" for i in range(2000)]


def test_a_roster_changed_since_it_was_read_is_not_read_again(tmp_path: Path) -> None:
    """Its agencies were validated when the configuration was read; others would not be."""
    path = write(tmp_path, roster(3))
    config = load_config(path)
    path.write_text(roster(4), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{re.escape(str(path))}: changed since it was read"):
        list(config.agencies)


def test_a_roster_holds_each_repeated_value_once(tmp_path: Path) -> None:
    """100,000 agencies name a few thousand regions: one string each, not one an agency."""
    agencies = load_config(write(tmp_path, roster(50).replace('kind = "dept"', 'kind = "dept"\nfirst_year = 2021'))).agencies
    assert [a.region for a in agencies] == ["江西省赣州市赣县区"] * 50
    for value in ("region", "kind", "first_year"):
        assert len({id(getattr(a, value)) for a in agencies}) == 1, value
