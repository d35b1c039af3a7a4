"""environment.yml, pyproject.toml and requirements-lock.txt agree; what is imported is declared;
the notebook declares its parameters."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO
from wardlib.paths import notebooks_dir
from wardlib.render import notebook_parameters, read_notebook


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_split(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = [], []
    for dep in env["dependencies"]:
        (pip.extend(dep["pip"]) if isinstance(dep, dict) else conda.append(dep))
    declared = dict(_split(s) for s in conda + [p for p in pip if not p.startswith("-e")]
                    if _split(s)[0] not in ("python", "pip"))
    assert declared == wanted
    assert "-e ." in pip and "conda-forge" in env["channels"]


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(s) for s in project["dependencies"] + project["optional-dependencies"]["test"]]


def _lock(text: str) -> dict[str, tuple[Version, str, list[str]]]:
    """requirements-lock.txt as {name: (version, marker, hashes)}: one ``name==version ; marker``
    line per package followed by its ``--hash=sha256:...`` lines."""
    out, name = {}, None
    for line in text.splitlines():
        if m := re.match(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]*?))?\s*\\?$", line):
            name = canonicalize_name(m.group(1))
            assert name not in out, f"{name} is locked twice"
            out[name] = (Version(m.group(2)), (m.group(3) or "").strip(), [])
        elif m := re.match(r"^\s+--hash=sha256:([0-9a-f]{64})", line):
            out[name][2].append(m.group(1))
    return out


def test_the_lock_satisfies_pyproject():
    """Every dependency (and test extra) is in the lock, for every platform, at a version its
    specifier admits, with the hashes pip's --require-hashes needs; `make lock` mends a failure."""
    lock = _lock((REPO / "requirements-lock.txt").read_text(encoding="utf-8"))
    assert len(lock) > 100
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in lock, f"{req} is not in requirements-lock.txt: run `make lock`"
        version, marker, hashes = lock[name]
        assert req.specifier.contains(version, prereleases=True), \
            f"requirements-lock.txt has {name}=={version}, pyproject.toml wants {req}: run `make lock`"
        assert marker == "", f"{name} is locked only where {marker}"
    assert all(hashes for _, _, hashes in lock.values()), "a package without --hash: run `make lock`"


def test_lock_parser_catches_a_lock_that_disagrees():
    text = ("pandas==2.2.0 \\\n    --hash=sha256:" + "a" * 64 + "\n"
            "appnope==1.0.0 ; sys_platform == 'darwin' \\\n    --hash=sha256:" + "b" * 64 + "\n")
    lock = _lock(text)
    assert lock["appnope"][1] == "sys_platform == 'darwin'" and lock["pandas"][2] == ["a" * 64]
    pandas = next(r for r in _declared() if r.name == "pandas")
    assert not pandas.specifier.contains(lock["pandas"][0])


def _third_party_imports(folders) -> dict[str, str]:
    """{top-level module: first file importing it} over the .py files of ``folders``."""
    local = {"wardlib", "tests"} | {p.stem for f in folders for p in (REPO / f).glob("*.py")}
    found = {}
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for top in {n.split(".")[0] for n in names} - local - set(sys.stdlib_module_names):
                    found.setdefault(top, str(path.relative_to(REPO)))
    return found


@pytest.mark.parametrize("folders, extras", [
    (("wardlib", "notebooks"), ()),  # what a user's install must bring
    (("tests",), ("test",)),
], ids=["library", "tests"])
def test_every_import_is_declared(folders, extras):
    """A module imported directly comes from a dependency declared in pyproject.toml, not from
    whatever another package happens to pull in."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [s for e in extras for s in project["optional-dependencies"][e]]
    declared = {canonicalize_name(Requirement(s).name) for s in specs}
    if extras:
        declared |= {canonicalize_name(Requirement(s).name) for s in project["dependencies"]}
    dists = packages_distributions()
    missing = {}
    for module, where in _third_party_imports(folders).items():
        providers = {canonicalize_name(d) for d in dists.get(module, [])}
        if not providers & declared:
            missing[module] = (where, sorted(providers) or "not installed")
    assert missing == {}, f"imported but not declared in pyproject.toml: {missing}"


@pytest.mark.parametrize("notebook,expected", [
    ("ward_report", {"unit_code", "period", "data_dir", "lang", "analysis", "findings"}),
    ("data_quality", {"period", "data_dir", "lang", "findings", "docs_href"}),
])
def test_notebook_parameters_are_typed_and_documented(notebook, expected):
    params = notebook_parameters(read_notebook(notebooks_dir() / f"{notebook}.py"))
    assert set(params) == expected
    assert all(p["inferred_type_name"] == "str" for p in params.values())
    assert all(p["help"] for p in params.values())


def test_no_executed_notebooks_or_reports_are_tracked():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    if not tracked:  # not a git checkout (e.g. an unpacked sdist): nothing to check
        return
    assert not [f for f in tracked if f.endswith(".ipynb") or (f.startswith("reports/") and f != "reports/README.md")]


def test_data_contract_doc_is_current():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_contract", REPO / "docs" / "build_contract.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (REPO / "docs" / "data-contract.md").read_text(encoding="utf-8") == mod.build(), \
        "run: python docs/build_contract.py"


def test_vendored_files_match_their_recorded_checksums():
    """The files vendored from outside PyPI (wardlib/templates/vendor/) are the published ones,
    byte for byte, as VENDOR.json records them (licence and version included)."""
    import hashlib

    from wardlib.datadocs import VENDOR_DIR, vendored

    record = vendored()
    files = {}
    for name, entry in record.items():
        if name.startswith("_"):
            continue
        assert entry["licence"] and entry["version"] and entry["integrity"].startswith("sha512-"), name
        files |= entry["files"]
    on_disk = {str(p.relative_to(VENDOR_DIR)) for p in VENDOR_DIR.rglob("*") if p.is_file()} - {"VENDOR.json"}
    assert on_disk == set(files), "every vendored file is recorded in VENDOR.json, and only those"
    for path, entry in files.items():
        assert hashlib.sha256((VENDOR_DIR / path).read_bytes()).hexdigest() == entry["sha256"], path


def test_every_remote_asset_of_gx_data_docs_is_known():
    """Each script, stylesheet and image address in the installed GX's Data Docs templates has a
    local copy (or is dropped on purpose) in wardlib.datadocs; a GX upgrade that adds one fails here."""
    import importlib.util

    from wardlib import datadocs

    gx = Path(importlib.util.find_spec("great_expectations").origin).parent / "render" / "view" / "templates"
    seen = set()
    for template in sorted(gx.glob("*.j2")):
        html, unknown = datadocs.offline_html(template.read_text(encoding="utf-8"), "../")
        assert unknown == [], f"{template.name}: {unknown}"
        assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=\"https?://", html), template.name
        seen |= set(re.findall(r"(?:src|href)=\"(https?://[^\"]+)\"", template.read_text(encoding="utf-8")))
    assert set(datadocs.CDN) <= seen, "wardlib.datadocs.CDN lists addresses GX no longer uses"
    for name in datadocs.ASSETS:
        assert datadocs.source(name).exists(), name
