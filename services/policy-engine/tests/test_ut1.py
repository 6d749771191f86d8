import json
from pathlib import Path

import pytest

from policy_engine import ut1


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small UT1 tree as blacklists.tar.gz extracts it."""
    root = tmp_path / "ut1" / "blacklists"
    write(
        root / "gambling" / "domains", "# UT1 gambling\ncasino.example\n\nBetting.Example.\n*.poker.example\n"
    )
    write(root / "warez" / "domains", "warez.example\n")
    write(
        root / "warez" / "urls",
        "files.example/warez/\nhttp://files.example:8080/Cracks?x=1#top\nbare.example\n",
    )
    write(root / "malware" / "domains", "bad.example\nnot a domain\n")
    write(root / "phishing" / "domains", "bad.example\nphish.example # reported 2024\n")
    write(root / "agressif" / "domains", "hate.example\n")
    (root / "aggressive").symlink_to(root / "agressif", target_is_directory=True)
    write(root / "bank" / "domains", "bank.example\n")
    write(root / "child" / "domains", "kids-site.example\n")
    write(root / "usage", "not a category\n")
    (root / "empty").mkdir()
    return tmp_path / "ut1"


def test_entries_drop_comments_and_blank_lines() -> None:
    assert list(ut1.entries(["# head", "", "  a.example  ", "b.example # note", "   # only"])) == [
        "a.example",
        "b.example",
    ]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("WWW.Example.COM.", "www.example.com"),
        ("*.example.com", "example.com"),
        (".example.com", "example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("192.0.2.1", "192.0.2.1"),
        ("under_score.example", "under_score.example"),
        ("not a domain", None),
        ("example.com/path", None),
        ("-bad-.example", None),
        ("", None),
        ("a" * 64 + ".example", None),
    ],
)
def test_normalise_domain(entry: str, expected: str | None) -> None:
    assert ut1.normalise_domain(entry) == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("files.example/warez/", ("files.example/warez", "url")),
        ("http://files.example:8080/Cracks?x=1#top", ("files.example/cracks", "url")),
        ("https://user@Files.Example//a//b/", ("files.example/a/b", "url")),
        ("bare.example", ("bare.example", "domain")),
        ("bare.example/", ("bare.example", "domain")),
        ("not a host/path", None),
        ("bad\udcff.example/x", None),
    ],
)
def test_normalise_url(entry: str, expected: tuple[str, str] | None) -> None:
    assert ut1.normalise_url(entry) == expected


def test_load_tree_maps_categories_and_reports_skipped(tree: Path) -> None:
    result = ut1.load_tree(tree)
    assert result.domains == {
        "casino.example": {"gambling"},
        "betting.example": {"gambling"},
        "poker.example": {"gambling"},
        "warez.example": {"piracy"},
        "bare.example": {"piracy"},
        "bad.example": {"malicious"},
        "phish.example": {"malicious"},
        "hate.example": {"hate"},
    }
    assert result.urls == {"files.example/warez": {"piracy"}, "files.example/cracks": {"piracy"}}
    # "child" is UT1's list of sites for children: never mapped to child_harm.
    assert sorted(result.skipped) == ["bank", "child"]
    assert result.rejected == 1
    assert result.imported["gambling"].domains == 3
    assert (result.imported["warez"].domains, result.imported["warez"].urls) == (2, 2)
    # The aggressive -> agressif link is read once.
    assert result.imported["agressif"].domains + result.imported["aggressive"].domains == 1


def test_a_domain_in_two_categories_carries_both(tmp_path: Path) -> None:
    write(tmp_path / "press" / "domains", "paper.example\n")
    write(tmp_path / "sports" / "domains", "paper.example\n")
    result = ut1.load_tree(tmp_path)
    assert result.domains == {"paper.example": {"news", "sport"}}
    assert result.document()["domains"] == {"paper.example": ["news", "sport"]}


def test_categories_filter_takes_ut1_or_our_names(tree: Path) -> None:
    result = ut1.load_tree(tree, {"gambling", "malicious"})
    assert set(result.imported) == {"gambling", "malware", "phishing"}
    assert set(result.domains) == {
        "casino.example",
        "betting.example",
        "poker.example",
        "bad.example",
        "phish.example",
    }
    assert result.skipped == []


def test_document_shape_for_opa(tree: Path) -> None:
    document = ut1.load_tree(tree, {"warez"}).document()
    assert set(document) == {"domains", "urls", "source"}
    assert document["domains"] == {"bare.example": ["piracy"], "warez.example": ["piracy"]}
    assert document["urls"] == {"files.example/cracks": ["piracy"], "files.example/warez": ["piracy"]}
    assert document["source"] == {
        "format": "ut1",
        "categories": {"warez": {"ours": "piracy", "domains": 2, "urls": 2}},
    }


def test_missing_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ut1.Ut1Error, match="does not exist"):
        ut1.load_tree(tmp_path / "nowhere")
    write(tmp_path / "file", "x")
    with pytest.raises(ut1.Ut1Error, match="not a folder"):
        ut1.load_tree(tmp_path / "file")
    (tmp_path / "bare").mkdir()
    with pytest.raises(ut1.Ut1Error, match="no UT1 category folders"):
        ut1.load_tree(tmp_path / "bare")


def test_main_writes_the_data_file(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "policies-rego" / "data" / "categories" / "external" / "data.json"
    assert ut1.main([str(tree), "--out", str(out), "--categories", "gambling, webmail"]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["domains"]["casino.example"] == ["gambling"]
    assert document["urls"] == {}
    err = capsys.readouterr().err
    assert "gambling -> gambling: 3 domains, 0 urls" in err
    assert "no such category in the tree: webmail" in err
    assert f"wrote 3 domains and 0 urls to {out}" in err
    assert list(out.parent.iterdir()) == [out]


def test_main_reports_skipped_and_rejected(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ut1.main([str(tree), "--out", str(tmp_path / "all.json")]) == 0
    err = capsys.readouterr().err
    assert "skipped, no mapping to our categories: bank, child" in err
    assert "rejected 1 malformed entries" in err


def test_main_missing_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ut1.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "x.json")]) == 2
    assert "error: source folder" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def test_main_nothing_selected(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ut1.main([str(tree), "--out", str(tmp_path / "x.json"), "--categories", "bank"]) == 2
    err = capsys.readouterr().err
    assert "skipped, no mapping to our categories: bank" in err
    assert "nothing to import" in err
    assert not (tmp_path / "x.json").exists()


def test_main_unwritable_output(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "blocker", "a file where a folder should be")
    assert ut1.main([str(tree), "--out", str(tmp_path / "blocker" / "x.json")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_main_unreadable_tree(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: Path, only: object = None) -> ut1.ImportResult:
        raise PermissionError("denied")

    monkeypatch.setattr(ut1, "load_tree", broken)
    assert ut1.main([str(tree), "--out", str(tmp_path / "x.json")]) == 1


def test_write_is_atomic_on_failure(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        ut1.write_data_file({"bad": object()}, tmp_path / "data.json")
    assert list(tmp_path.iterdir()) == []


def test_every_mapping_targets_a_known_category() -> None:
    known = {
        "adult", "chat", "dating", "filehosting", "forum", "gambling", "games", "hate",
        "malicious", "news", "piracy", "shopping", "social", "sport", "streaming", "webmail",
    }  # fmt: skip
    assert set(ut1.CATEGORY_MAP.values()) <= known
    assert "child" not in ut1.CATEGORY_MAP
