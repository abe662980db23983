from pathlib import Path

import pytest

from gongkai.config import SETTINGS, SOURCE_KEYS, ConfigError, load_config

DOCS = Path(__file__).parent.parent / "docs" / "configuration.md"


def write(tmp_path, text):
    path = tmp_path / "g.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file():
    config = load_config(None, env={})
    assert config["crawl.delay"] == 1.0 and config["web.port"] == 8000
    assert config.sources == []


def test_the_committed_example_loads():
    config = load_config(Path(__file__).parent.parent / "gongkai.toml", env={})
    assert config.source_names() == ["demo"]
    assert config.data_dir.is_absolute() and config.data_dir.name == "index_data"


def test_file_values_then_env_overrides(tmp_path):
    path = write(tmp_path, 'data_dir = "d"\n[crawl]\ndelay = 2\n[web]\nport = 9000\n'
                           '[[sources]]\nname = "a"\nstart_urls = ["http://a.gov.cn/"]\n')
    config = load_config(path, env={"GONGKAI_WEB_PORT": "9100", "GONGKAI_CRAWL_USER_AGENT": "x"})
    assert config["crawl.delay"] == 2.0
    assert config["web.port"] == 9100 and config["crawl.user_agent"] == "x"
    assert config.data_dir == tmp_path / "d"


@pytest.mark.parametrize("text,message", [
    ("[crawl]\ndelay = \"soon\"\n", "g.toml: [crawl] delay: expected a number, got 'soon'"),
    ("[crawl]\nspeed = 1\n", "g.toml: [crawl] speed: unknown setting"),
    ("colour = 1\n", "g.toml: colour: unknown setting"),
    ("[web]\nport = -1\n", "g.toml: [web] port: must not be negative"),
    ("[web]\nport = true\n", "g.toml: [web] port: expected an integer"),
    ("[schedule]\ncron = \"every day\"\n", "not a valid cron expression"),
    ("[[sources]]\nname = \"a\"\n", "needs a name and at least one start_urls"),
    ("[[sources]]\nname = \"a\"\nstart_urls = \"http://a/\"\n", "start_urls: expected a list"),
    ("[[sources]]\nname = \"a\"\nstart_urls = [\"http://a/\"]\nspeed = 2\n", "unknown key 'speed'"),
    ("[[sources]]\nname = \"a\"\nstart_urls = [\"http://a/\"]\n[[sources]]\nname = \"a\"\n"
     "start_urls = [\"http://b/\"]\n", "duplicate source name"),
    ("[[sources]]\nname = \"a\"\nstart_urls = [\"http://a/\"]\nplatform = \"wordpress\"\n",
     "platform: must be one of generic"),
    ("[[sources]]\nname = \"a\"\nstart_urls = [\"http://a/\"]\nrender = \"js\"\n",
     "render: must be one of html, browser"),
    ("[crawl\n", "not valid TOML"),
])
def test_errors_name_the_file_and_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(write(tmp_path, text), env={})


def test_bad_env_value_names_the_variable():
    with pytest.raises(ConfigError, match="GONGKAI_WEB_PORT: expected an integer"):
        load_config(None, env={"GONGKAI_WEB_PORT": "eighty"})


def test_missing_file():
    with pytest.raises(ConfigError, match="no such file"):
        load_config("/nonexistent/gongkai.toml", env={})


def test_every_setting_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for setting in SETTINGS:
        key = setting.name.split(".")[-1]
        assert f"`{setting.env}`" in text, setting.name
        assert f"`{key}`" in text or f"] {key}`" in text, setting.name
        assert setting.help.split(" (")[0].rstrip(".") in text, setting.name
    for key, (_, help_text) in SOURCE_KEYS.items():
        assert f"`{key}`" in text and help_text.split(" (")[0] in text, key
