"""Configuration: the example runs as-is, and every mistake is named with its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot.config import ConfigError, load_settings
from reviewbot.sourceconfig import DemoSource, JsonFeedSource

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """
[[stores]]
id = "s1"
name = "小店"
[[stores.sources]]
platform = "demo"
account = "a1"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_config_loads_with_the_embedded_defaults():
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.database.url == f"sqlite+aiosqlite:///{ROOT / 'reviewbot.db'}"
    assert settings.notifier.kind == "console"
    (store,) = settings.stores
    assert store.name == "老街坊川菜馆" and "水煮鱼" in store.facts.menu
    (source,) = store.sources
    assert isinstance(source, DemoSource) and source.poll_interval_seconds == 10


def test_defaults_fill_everything_but_the_stores(tmp_path):
    settings = load_settings(write(tmp_path, MINIMAL))
    assert settings.http.max_attempts == 4
    assert settings.database.url == f"sqlite+aiosqlite:///{tmp_path / 'reviewbot.db'}"


def test_a_missing_file_says_how_to_start(tmp_path):
    with pytest.raises(ConfigError, match=r"not found \(copy config.example.toml"):
        load_settings(tmp_path / "nope.toml")


def test_malformed_toml_says_where(tmp_path):
    with pytest.raises(ConfigError, match=r"malformed TOML: .*line 2"):
        load_settings(write(tmp_path, "[database]\nurl = \n"))


def test_an_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, MINIMAL + "\n[daemon]\npoll_intervall_seconds = 5\n"))
    assert "daemon.poll_intervall_seconds: unknown key" in str(error.value)


def test_a_wrong_type_is_named_with_the_value(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, MINIMAL + '\n[http]\ntimeout_seconds = "soon"\n'))
    assert "http.timeout_seconds" in str(error.value) and "'soon'" in str(error.value)


@pytest.mark.parametrize("span", ["09:00-09:00", "0:00-00:00"])
def test_quiet_hours_that_start_where_they_end_are_refused(tmp_path, span):
    """They would hold every ordinary alert until a tomorrow that never comes."""
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, MINIMAL + f'\n[speed_window]\nquiet_hours = "{span}"\n'))
    assert "speed_window.quiet_hours" in str(error.value) and "same time" in str(error.value)


@pytest.mark.parametrize(
    ("snippet", "key"),
    [
        ("[http]\ntimeout_seconds = true", "http.timeout_seconds"),
        ('[http]\nmax_attempts = "4"', "http.max_attempts"),
        ("[http]\nmax_attempts = 4.0", "http.max_attempts"),
        ("[http]\ntimeout_seconds = inf", "http.timeout_seconds"),
        ('[database]\nauto_upgrade = "no"', "database.auto_upgrade"),
        ("[demo]\nserve = 0", "demo.serve"),
        ("[digest]\nquotes = 1.5", "digest.quotes"),
    ],
)
def test_values_are_never_coerced_to_the_type_expected(tmp_path, snippet, key):
    """TOML has real booleans and numbers: `0` for a bool, a bool or a string for a number
    are mistakes, named with their key, not guesses."""
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, MINIMAL + "\n" + snippet + "\n"))
    assert f"  {key}: " in str(error.value)


def test_a_source_flag_must_be_a_boolean(tmp_path):
    with pytest.raises(ConfigError, match=r"stores\.0\.sources\.0\.demo\.enabled: .*got 0"):
        load_settings(write(tmp_path, MINIMAL + "enabled = 0\n"))


def test_a_whole_number_is_a_fine_number_of_seconds(tmp_path):
    settings = load_settings(write(tmp_path, MINIMAL + "\n[http]\ntimeout_seconds = 10\n"))
    assert settings.http.timeout_seconds == 10.0


def test_the_first_backoff_cannot_exceed_the_longest(tmp_path):
    backwards = "\n[http]\nbackoff_initial_seconds = 60\nbackoff_max_seconds = 30\n"
    with pytest.raises(ConfigError, match=r"backoff_initial_seconds .* backoff_max_seconds"):
        load_settings(write(tmp_path, MINIMAL + backwards))


def test_the_readme_shows_the_error_message_reviewbot_really_prints(tmp_path):
    no_url = JSONFEED.replace('url = "https://feed.example.com/reviews"\n', "")
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, no_url))
    shown = "stores.0.sources.1.jsonfeed.url: required key is missing"
    assert shown in str(error.value)
    assert f"`{shown}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_missing_required_key_is_named(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(
            write(
                tmp_path,
                '[[stores]]\nid = "s1"\n[[stores.sources]]\nplatform = "demo"\naccount = "a"\n',
            )
        )
    assert "stores.0.name: required key is missing" in str(error.value)


def test_an_unknown_platform_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"stores\.0\.sources\.0"):
        load_settings(write(tmp_path, MINIMAL.replace('"demo"', '"myspace"')))


def test_the_same_account_in_two_stores_is_refused(tmp_path):
    twice = MINIMAL + MINIMAL.replace('id = "s1"', 'id = "s2"')
    with pytest.raises(
        ConfigError, match="demo account 'a1' is configured in both store 's1' and store 's2'"
    ):
        load_settings(write(tmp_path, twice))


def test_a_sync_database_driver_gets_a_hint(tmp_path):
    with pytest.raises(ConfigError, match="use the async driver: postgresql\\+asyncpg"):
        load_settings(write(tmp_path, MINIMAL + '\n[database]\nurl = "postgresql://db/x"\n'))


JSONFEED = (
    MINIMAL
    + """
[[stores.sources]]
platform = "jsonfeed"
account = "feed"
url = "https://feed.example.com/reviews"
auth_header = "Authorization"
auth_secret_env = "FEED_TOKEN"
[stores.sources.fields]
id = "id"
"""
)


def test_secrets_come_from_the_environment(tmp_path, monkeypatch):
    settings = load_settings(write(tmp_path, JSONFEED))
    assert isinstance(settings.stores[0].sources[1], JsonFeedSource)
    monkeypatch.delenv("FEED_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="secret FEED_TOKEN is not set"):
        settings.secret("FEED_TOKEN")
    monkeypatch.setenv("FEED_TOKEN", "t0ken")
    assert settings.secret("FEED_TOKEN") == "t0ken"


def test_secrets_file_is_the_fallback_and_relative_to_the_config(tmp_path, monkeypatch):
    monkeypatch.delenv("FEED_TOKEN", raising=False)
    (tmp_path / "secrets.toml").write_text('FEED_TOKEN = "from-file"\n', encoding="utf-8")
    settings = load_settings(write(tmp_path, 'secrets_file = "secrets.toml"\n' + JSONFEED))
    assert settings.secret("FEED_TOKEN") == "from-file"
    monkeypatch.setenv("FEED_TOKEN", "from-env")
    assert settings.secret("FEED_TOKEN") == "from-env"


def test_jsonfeed_settings_must_be_consistent(tmp_path):
    half_auth = JSONFEED.replace('auth_secret_env = "FEED_TOKEN"\n', "")
    with pytest.raises(ConfigError, match="auth_secret_env goes with auth_header or auth_param"):
        load_settings(write(tmp_path, half_auth))
    both = JSONFEED.replace("auth_header", 'auth_param = "api_key"\nauth_header')
    with pytest.raises(ConfigError, match="set auth_header or auth_param"):
        load_settings(write(tmp_path, both))
    in_the_query = JSONFEED.replace("auth_header", "auth_param").replace("Authorization", "key")
    assert load_settings(write(tmp_path, in_the_query)).stores[0].sources[1].auth_param == "key"
    no_param = JSONFEED.replace("auth_header", 'next_cursor_path = "next"\nauth_header')
    with pytest.raises(ConfigError, match="cursor_param is required"):
        load_settings(write(tmp_path, no_param))


def test_the_digest_section_documents_its_defaults_and_checks_times(tmp_path):
    example = load_settings(ROOT / "config.example.toml").digest
    assert example == load_settings(write(tmp_path, MINIMAL)).digest
    assert (example.daily_at, example.weekly_on, example.weekly_at) == ("21:30", "mon", "09:00")
    with pytest.raises(ConfigError, match=r"digest\.daily_at"):
        load_settings(write(tmp_path, MINIMAL + '\n[digest]\ndaily_at = "25:00"\n'))
    with pytest.raises(ConfigError, match=r"digest\.weekly_on"):
        load_settings(write(tmp_path, MINIMAL + '\n[digest]\nweekly_on = "monday"\n'))


TWO_STORES = (
    MINIMAL
    + """
[[stores]]
id = "s2"
name = "二店"
[[stores.sources]]
platform = "demo"
account = "a2"
"""
)


def test_people_have_one_role_everywhere_or_a_role_per_store(tmp_path):
    from reviewbot.workflow.directory import Directory

    settings = load_settings(
        write(
            tmp_path,
            TWO_STORES
            + """
[[people]]
name = "老王"
telegram_user_id = 1
role = "manager"
stores = ["*"]

[[people]]
name = "阿芳"
telegram_user_id = 2
roles = { s1 = "owner", s2 = "staff" }
""",
        )
    )
    directory = Directory(settings)
    wang, fang = directory.actor(1), directory.actor(2)
    assert wang.role_in("s1") == wang.role_in("s2") == "manager"
    assert fang.at_least("owner", "s1") and not fang.at_least("manager", "s2")
    assert directory.manager_chats("s2") == [1]


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ('role = "staff"\nstores = ["s1"]\nroles = { s1 = "owner" }', "not both"),
        ('role = "staff"', 'needs role = "staff" and stores'),
        ('roles = { s3 = "owner" }', "unknown store 's3'"),
        ('roles = { s1 = "boss" }', "people.0.roles.s1"),
    ],
)
def test_a_person_with_an_unclear_role_is_named(tmp_path, person, message):
    text = TWO_STORES + f'\n[[people]]\nname = "阿芳"\ntelegram_user_id = 2\n{person}\n'
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text))


def test_a_person_may_be_known_by_a_chat_apps_id_alone(tmp_path):
    from reviewbot.workflow.directory import Directory

    fang = '[[people]]\nname = "阿芳"\ndingtalk_user_id = "manager8"\nroles = { s1 = "owner" }\n'
    chen = '[[people]]\nname = "陈师傅"\nfeishu_open_id = "ou_9"\nrole = "staff"\nstores = ["s2"]\n'
    directory = Directory(load_settings(write(tmp_path, TWO_STORES + "\n" + fang + "\n" + chen)))
    actor = directory.app_actor("dingtalk", "manager8")
    assert actor is not None and actor.id == "dingtalk:manager8" and actor.at_least("owner", "s1")
    assert directory.name_of("dingtalk:manager8") == "阿芳" and directory.manager_chats("s1") == []
    assert directory.app_actor("dingtalk", "someone-else") is None
    feishu = directory.app_actor("feishu", "ou_9")
    assert feishu is not None and feishu.id == "feishu:ou_9" and feishu.covers("s2")
    assert not feishu.covers("s1") and directory.name_of("feishu:ou_9") == "陈师傅"
    assert directory.app_actor("dingtalk", "ou_9") is None  # each app's ids are its own
    nobody = '[[people]]\nname = "无名"\nrole = "staff"\nstores = ["s1"]\n'
    with pytest.raises(ConfigError, match="needs a chat identity: telegram_user_id"):
        load_settings(write(tmp_path, TWO_STORES + "\n" + nobody))
    with pytest.raises(ConfigError, match="dingtalk_user_id manager8 is listed twice"):
        load_settings(write(tmp_path, TWO_STORES + "\n" + fang + "\n" + fang))


def test_replies_templates_dir_is_relative_to_the_config_and_must_exist(tmp_path):
    (tmp_path / "mine").mkdir()
    settings = load_settings(write(tmp_path, '[replies]\ntemplates_dir = "mine"\n' + MINIMAL))
    assert settings.replies.templates_dir == tmp_path / "mine"
    assert load_settings(write(tmp_path, MINIMAL)).replies.templates_dir is None
    with pytest.raises(ConfigError, match=r"replies.templates_dir: .*nope is not a directory"):
        load_settings(write(tmp_path, '[replies]\ntemplates_dir = "nope"\n' + MINIMAL))


def test_the_examples_group_robots_load_when_uncommented(tmp_path):
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for line in ("[[stores.channels]]", 'kind = "wecom_robot"', 'kind = "dingtalk_robot"'):
        assert f"# {line}" in text
    uncommented = "\n".join(
        line[2:]
        if line.startswith(("# [[stores.channels]]", "# kind", "# webhook_env", "# secret_env"))
        or line.startswith(("# send =", "# per_minute", "# public_url"))
        or line.startswith(('# client_id = "ding', "# conversation_id", "# card_template_id"))
        or line.startswith("# thanks_template_id")
        or line.startswith(("# endpoint", "# bot_id", "# ws_url"))
        or line.startswith(('# app_id = "cli_', '# app_secret_env = "REVIEWBOT_FEISHU'))
        or line.startswith(("# chat_id", "# domain"))
        else line
        for line in text.splitlines()
    )
    settings = load_settings(write(tmp_path, uncommented))
    kinds = [c.kind for c in settings.stores[0].channels]
    assert kinds == [
        "wecom_robot",
        "dingtalk_robot",
        "feishu_robot",
        "dingtalk_app",
        "feishu_app",
        "wecom_bot",
    ]
    dingtalk, feishu, wecom = settings.stores[0].channels[3:]
    assert dingtalk.key.startswith("dingtalk_app:cid")
    assert dingtalk.endpoint == "https://api.dingtalk.com"
    assert dingtalk.thanks_template_id and dingtalk.thanks_template_id.endswith(".schema")
    assert feishu.chat_id.startswith("oc_") and feishu.domain == "https://open.feishu.cn"
    assert list(settings.apps()) == [dingtalk.key, f"feishu_app:{feishu.app_id}:{feishu.chat_id}"]
    assert wecom.ws_url == "wss://openws.work.weixin.qq.com"
    assert [c.send for c in settings.stores[0].channels] == [
        ["alerts", "escalations", "crisis", "accounts"],  # a robot's default
        ["alerts", "crisis"],
        ["alerts", "escalations", "crisis", "accounts"],
        *[["alerts", "escalations", "crisis", "accounts", "digests", "thanks"]] * 3,  # apps
    ]
    assert settings.web.public_url == "https://reviews.example.cn"


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ('kind = "wecom_robot"\nwebhook_env = "H"\nsecret_env = "S"', "no signing secret"),
        ('kind = "slack"\nwebhook_env = "H"', "stores.0.channels.0.kind"),
        ('kind = "feishu_robot"\nwebhook_env = "H"\nper_minute = 50', "per_minute"),
        ('kind = "dingtalk_robot"\nwebhook_env = "https://oapi"', "webhook_env"),
        ('kind = "feishu_app"\napp_id = "cli_1"\napp_secret_env = "S"', "needs chat_id"),
        (
            'kind = "feishu_app"\napp_id = "a"\napp_secret_env = "S"\nchat_id = "oc_1"\n'
            'domain = "open.feishu.cn"',
            "domain",
        ),
        ('kind = "wecom_robot"', "needs webhook_env"),
        (
            'kind = "wecom_robot"\nwebhook_env = "H"\nsend = ["alerts", "digest"]',
            r"unknown message kind 'digest' in send: expected some of alerts, escalations",
        ),
        ('kind = "wecom_robot"\nwebhook_env = "H"\nsend = []', "send lists nothing"),
        ('kind = "dingtalk_robot"', "needs webhook_env"),
        ('kind = "dingtalk_app"\nclient_id = "ding1"\nsecret_env = "S"', "conversation_id"),
        ('kind = "wecom_bot"\nsecret_env = "S"', "needs bot_id, conversation_id"),
        (
            'kind = "wecom_bot"\nbot_id = "b"\nsecret_env = "S"\nconversation_id = "c"\n'
            'ws_url = "https://x"',
            "wss://",
        ),
    ],
)
def test_a_wrong_group_robot_is_named(tmp_path, channel, error):
    with pytest.raises(ConfigError, match=error):
        load_settings(write(tmp_path, f"{MINIMAL}[[stores.channels]]\n{channel}\n"))


def test_notices_still_means_every_notice_kind(tmp_path):
    """The older word keeps an existing config's robot as it was: every notice, once each."""
    channel = 'kind = "wecom_robot"\nwebhook_env = "H"\nsend = ["notices", "crisis", "thanks"]'
    settings = load_settings(write(tmp_path, f"{MINIMAL}[[stores.channels]]\n{channel}\n"))
    assert settings.stores[0].channels[0].send == ["escalations", "crisis", "accounts", "thanks"]
