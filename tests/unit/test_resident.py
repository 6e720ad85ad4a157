"""The resident's rules, without a resident: which commands it answers, which settings it serves,
where its socket may live, and when its code is out of date."""
import os
import pytest

from config.settings import Settings
from mieux.cli import resident


def test_only_expert_match_goes_to_the_resident_and_never_its_help():
    assert resident.answerable(["expert", "match", "2026-07/3", "--json"])
    for args in (["expert", "list"], ["expert"], [], ["expert", "match", "--help"], ["-v", "expert", "match", "x"],
                 ["action", "fire", "2026-07", "accept"]):
        assert not resident.answerable(args), args


def test_a_resident_serves_one_set_of_settings_whoever_acts():
    env = {"MIEUX_DATA_DIR": "data", "HOME": "/home/ana", "PATH": "/usr/bin"}
    same = resident.identity(env, "/srv", b"k")
    assert resident.identity(env | {"MIEUX_ACTOR": "lea", "MIEUX_RESIDENT_SECONDS": "5", "PATH": "/bin"}, "/srv",
                             b"k") == same
    for other in (resident.identity(env, "/home", b"k"),
                  resident.identity(env | {"MIEUX_MATCHING_FILE": "m.yaml"}, "/srv", b"k"),
                  resident.identity(env | {"MIEUX_DATA_DIR": "other"}, "/srv", b"k"),
                  resident.identity(env | {"XDG_DATA_HOME": "/x"}, "/srv", b"k"),
                  resident.identity(env, "/srv", b"another user's key")):  # the name says nothing without the key
        assert other != same


def test_the_socket_is_named_with_the_users_own_secret_kept_in_their_private_directory(tmp_path):
    env = {"XDG_RUNTIME_DIR": str(tmp_path), "MIEUX_DATABASE_URL": "postgresql+psycopg://u:secret@db/mieux"}
    path = resident.socket_path(env, "/srv")
    key = tmp_path / "mieux" / "key"
    assert oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_bytes()) == 32
    assert resident.socket_path(env, "/srv") == path  # the same key again
    key.write_bytes(b"x" * 32)
    assert resident.socket_path(env, "/srv") != path


def test_the_idle_time_is_a_whole_number_of_seconds_else_the_default():
    assert resident.idle_seconds({}) == resident.IDLE_SECONDS == 600
    assert resident.idle_seconds({"MIEUX_RESIDENT_SECONDS": "0"}) == 0
    assert resident.idle_seconds({"MIEUX_RESIDENT_SECONDS": " 30 "}) == 30
    assert resident.idle_seconds({"MIEUX_RESIDENT_SECONDS": ""}) == resident.IDLE_SECONDS
    for wrong in ("-1", "\u00b2", "ten", "100000"):  # (\u00b2 is a digit, not a number)
        assert resident.idle_seconds({"MIEUX_RESIDENT_SECONDS": wrong}) is None
        assert resident.ask(["expert", "match", "2026-07/1"], {"MIEUX_RESIDENT_SECONDS": wrong}) is None
    assert resident.ask(["expert", "match", "2026-07/1"], {"MIEUX_RESIDENT_SECONDS": "0"}) is None


def test_the_socket_directory_must_be_private_to_its_user(tmp_path):
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    made = resident.directory(env)
    assert made == tmp_path / "mieux" and oct(made.stat().st_mode & 0o777) == "0o700"
    assert resident.directory(env) == made  # again: the same
    made.chmod(0o755)
    with pytest.raises(PermissionError, match="not a private directory"):
        resident.directory(env)
    made.rmdir()
    (tmp_path / "mieux").symlink_to(tmp_path)
    with pytest.raises(PermissionError):
        resident.directory(env)


def test_a_change_to_the_engines_code_or_its_settings_files_or_a_replaced_store_is_seen(tmp_path, monkeypatch):
    seen = resident._code_files()
    files = {f for f, _ in seen}
    assert any(f.endswith("/domain/matching.py") for f in files)  # loaded or not yet: every source file
    assert any(f.endswith("/flows/serve.py") for f in files) and not any("site-packages" in f for f in files)
    source = tmp_path / "extra.py"
    source.write_text("x = 1\n", encoding="utf-8")
    watched = {(str(source), False): resident._signature(str(source), False)}
    assert not resident._changed(watched)
    later = watched[str(source), False][2] + 10**9
    os.utime(source, ns=(later, later))
    assert resident._changed(watched)
    source.unlink()
    assert resident._changed(watched)

    matching, store = tmp_path / "matching.yaml", tmp_path / "data" / "mieux.db"
    matching.write_text("theme: 40\n", encoding="utf-8")
    store.parent.mkdir()
    store.write_bytes(b"")
    watched = resident._settings_files(Settings(data_dir=tmp_path / "data", matching_file=matching))
    assert {(str(matching), False), (str(store), True)} <= set(watched) and not resident._changed(watched)
    with store.open("ab") as written:  # the store's own writes: the same store
        written.write(b"x")
    os.utime(store, ns=(later, later))
    assert not resident._changed(watched)
    replaced = tmp_path / "restored.db"
    replaced.write_bytes(b"y")
    replaced.replace(store)  # a restore: another file now
    assert resident._changed(watched)
    watched = resident._settings_files(Settings(data_dir=tmp_path / "data", matching_file=matching))
    os.utime(matching, ns=(later, later))  # the weights edited
    assert resident._changed(watched)


def test_the_answer_is_printed_as_click_prints_even_on_a_stream_that_says_it_is_ascii():
    import io

    raw = io.BytesIO()
    ascii_stream = io.TextIOWrapper(raw, encoding="ascii")
    resident._write(ascii_stream, "1. E1 Ana Müller\n")
    assert raw.getvalue() == "1. E1 Ana Müller\n".encode()
    latin, raw = None, io.BytesIO()
    latin = io.TextIOWrapper(raw, encoding="latin-1")
    resident._write(latin, "Müller\n")
    assert raw.getvalue() == "Müller\n".encode("latin-1")
    assert resident._utf8("Ghana", "Müller") and not resident._utf8("\udcff")
