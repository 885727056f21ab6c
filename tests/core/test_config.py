"""Configuration comes from the environment; the secret key is never a constant."""

import stat

from interpreter_register import config, create_app


def test_database_url_defaults_to_a_sqlite_file_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url(str(tmp_path)) == f"sqlite:///{tmp_path}/interpreter_register.sqlite"


def test_database_url_from_the_environment_uses_psycopg_3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example.org/register")
    assert config.database_url(str(tmp_path)) == "postgresql+psycopg://u:p@db.example.org/register"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/register")
    assert config.database_url(str(tmp_path)) == "postgresql+psycopg://u:p@db/register"


def test_secret_key_is_generated_once_into_instance_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path))
    second = config.secret_key(str(tmp_path))
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert config.secret_key(str(tmp_path / "elsewhere")) != first


def test_secret_key_from_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert config.secret_key(str(tmp_path)) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_create_app_takes_the_database_from_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "x")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    assert app.config["SECRET_KEY"] == "x"


def test_cookies_are_secure_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = config.defaults(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert config.defaults(str(tmp_path))["SESSION_COOKIE_SECURE"] is False
