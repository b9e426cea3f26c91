"""The `atmpnav` command as a user meets it: output, exit codes, errors without tracebacks, docs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from atmpnav import docgen
from atmpnav.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src/atmpnav/data/examples/car-t.yaml"
runner = CliRunner()


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point (so exit codes and stderr are what a user sees)."""
    return subprocess.run([sys.executable, "-m", "atmpnav.cli", *args], input=input, capture_output=True,
                          text=True, timeout=120)


def test_classify_text_output_explains_the_verdict() -> None:
    result = run("classify", str(EXAMPLE), "--as-of", "2026-11-25")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("EU: GTMP") < out.index("Reasoning:")
    assert "[EU-G2]" in out and "Directive 2001/83/EC, Annex I, Part IV" in out
    assert "[EU-P4]" in out and "Art 2(5)" in out


def test_classify_json_is_the_contract_envelope() -> None:
    result = run("classify", str(EXAMPLE), "--json")
    data = json.loads(result.stdout)
    assert set(data) == {"facts", "verdicts", "precedents"}
    eu = data["verdicts"]["EU"]
    assert eu["outcome"] == "GTMP" and eu["likely_outcome"] == "GTMP" and eu["regime"] == "atmp_centralised"
    assert {"EU-G2", "EU-G4", "EU-P4"} <= set(eu["rules_fired"])
    assert all({"rule", "question", "answer", "basis"} <= set(s) for s in eu["steps"])


def test_classify_reads_stdin_json_and_yaml() -> None:
    facts = yaml.safe_load(EXAMPLE.read_text())
    for text in (json.dumps(facts), yaml.safe_dump(facts)):
        result = run("classify", "-", "--json", input=text)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["verdicts"]["EU"]["outcome"] == "GTMP"


def test_undetermined_lists_open_questions() -> None:
    result = run("classify", "-", input='{"for_human_administration": true, "product_role": "finished_product", '
                 '"cells_or_tissues": {"form": "intact_cells", "viability": "viable", "manipulations": ["expansion"]}}')
    assert result.returncode == 0
    assert "UNDETERMINED" in result.stdout and "Open questions" in result.stdout
    assert "claimed_purpose" in result.stdout


@pytest.mark.parametrize(
    ("stdin", "needle"),
    [
        ('{"colour": "red"}', "colour: unknown field"),
        ('{"cells_or_tissues": {"source": "martian"}}', "cells_or_tissues.source: 'martian' is not allowed"),
        ('{"for_human_administration": "perhaps"}', "for_human_administration"),
        ('{"cells_or_tissues": {"manipulations": ["dancing"]}}', "cells_or_tissues.manipulations.0"),
        ("{not json", "invalid JSON"),
        ("a: [b", "invalid YAML"),
        ("[1, 2]", "expected a mapping"),
    ],
)
def test_bad_facts_exit_2_with_the_field_path(stdin: str, needle: str) -> None:
    result = run("classify", "-", input=stdin)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_date_and_missing_file() -> None:
    bad_date = run("classify", str(EXAMPLE), "--as-of", "2026-13-01")
    assert bad_date.returncode == 2 and "invalid date" in bad_date.stderr
    missing = run("classify", "no-such-file.yaml")
    assert missing.returncode == 2 and "file not found" in missing.stderr
    early = run("classify", str(EXAMPLE), "--as-of", "2005-01-01")
    assert early.returncode == 2 and "no version in force" in early.stderr
    both = run("classify", str(EXAMPLE), "--text", "CAR-T cells")
    assert both.returncode == 2 and "either FACTS_FILE or --text" in both.stderr


def test_as_of_switches_to_the_soho_regulation(tmp_path: Path) -> None:
    facts = tmp_path / "hsc.yaml"
    facts.write_text(yaml.safe_dump({
        "for_human_administration": True, "product_role": "finished_product",
        "claimed_purpose": "treat_prevent_diagnose", "vaccine_against_infectious_disease": False,
        "cells_or_tissues": {"form": "intact_cells", "source": "allogeneic", "viability": "viable",
                             "blood_component": False, "manipulations": ["cell_separation", "cryopreservation"],
                             "same_essential_function": True, "tissue_origin": "bone_marrow"}}))
    before = json.loads(run("classify", str(facts), "--json", "--as-of", "2027-08-06").stdout)["verdicts"]["EU"]
    after = json.loads(run("classify", str(facts), "--json", "--as-of", "2027-08-07").stdout)["verdicts"]["EU"]
    assert before["regime"] == after["regime"] == "tissues_cells"
    basis = {s["rule"]: s["basis"] for s in before["steps"]}, {s["rule"]: s["basis"] for s in after["steps"]}
    assert "Directive 2004/23/EC" in basis[0]["EU-X2"] and "2024/1938" in basis[1]["EU-X2"]


def test_ask_questionnaire_saves_facts(tmp_path: Path) -> None:
    out = tmp_path / "answers.yaml"
    # The vaccine exclusion is derived: the questionnaire asks what the product acts against instead.
    answers = ["finished_product", "yes", "yes", "recombinant", "infectious_agent", "back", "tumour", "yes",
               "therapeutic", "no"]
    result = runner.invoke(app, ["ask", "--save", str(out)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "EU: GTMP" in result.output
    saved = yaml.safe_load(out.read_text())
    assert saved["nucleic_acid"]["origin"] == "recombinant"
    assert saved["disease_target"] == "tumour"


def test_ask_rejects_a_bad_answer_and_asks_again() -> None:
    result = runner.invoke(app, ["ask"], input="maybe\nstarting_material\nno\n")
    assert "choose one of" in result.output
    assert "starting material" in result.output.lower()


def test_categories_and_rules() -> None:
    cats = runner.invoke(app, ["categories"])
    assert cats.exit_code == 0
    for word in ("GTMP", "sCTMP", "TEP", "Combined", "Luxturna", "Alofisel", "MACI"):
        assert word in cats.output
    listing = runner.invoke(app, ["rules"])
    assert "EU-G2" in listing.output and "EU-P4" in listing.output
    one = runner.invoke(app, ["rules", "eu-t3", "--json"])
    data = json.loads(one.output)
    assert data["id"] == "EU-T3" and "Art 2(1)(b)" in data["versions"][0]["citation"]
    unknown = run("rules", "EU-Z9")
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr


def test_schemas() -> None:
    facts = json.loads(runner.invoke(app, ["schema", "facts"]).output)
    assert "cells_or_tissues" in facts["properties"]
    verdict = json.loads(runner.invoke(app, ["schema", "verdict"]).output)
    assert "rules_fired" in verdict["properties"]
    assert run("schema", "nonsense").returncode == 2


def test_help_everywhere() -> None:
    for path, _ in docgen.iter_commands():
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage" in result.output


def test_every_command_and_option_is_documented() -> None:
    documented = (ROOT / "docs/cli.md").read_text()
    assert documented == docgen.cli_markdown(), "docs/cli.md is stale: run `make docs`"
    user_guide = (ROOT / "docs/user-guide.md").read_text() + (ROOT / "README.md").read_text()
    for path, command in docgen.iter_commands():
        if path:
            assert f"atmpnav {' '.join(path)}" in user_guide, f"`atmpnav {' '.join(path)}` is not in the user guide"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in documented, f"{path} {opt} undocumented"


def test_rule_reference_is_generated_from_the_rules() -> None:
    assert (ROOT / "docs/rules-reference.md").read_text() == docgen.rules_markdown(), "run `make docs`"
