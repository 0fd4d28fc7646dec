"""The benchmarks' shared results writer, and the scale benchmark's table: no benchmark is run here."""

import argparse
import datetime

from bench import results
from bench.load import LoadResult
from bench.queries import QueryFigures
from bench.scale import FLOOR, Page, load_table

RESULTS = """# Benchmark results

Written by the benchmarks in bench/.

## Certificates

Old certificate figures.

## Certificates: the runs of 2026-12-01 (analysis)

Written by hand, kept.

## Pages at ten years of data

Old page figures.
"""


def test_replacing_a_section_keeps_the_others(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(RESULTS)

    results.write_section("## Certificates\n\nNew certificate figures.\n", path)

    text = path.read_text()
    assert "New certificate figures." in text
    assert "Old certificate figures." not in text
    # A hand-written section whose heading starts the same is another section, and stays.
    assert "## Certificates: the runs of 2026-12-01 (analysis)\n\nWritten by hand, kept.\n" in text
    assert "## Pages at ten years of data\n\nOld page figures.\n" in text
    assert text.index("New certificate figures.") < text.index("Written by hand, kept.")
    assert text.count("## Certificates\n") == 1


def test_replacing_the_last_section_keeps_the_others(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(RESULTS)

    results.write_section("## Pages at ten years of data\n\nNew page figures.\n", path)

    text = path.read_text()
    assert text.endswith("## Pages at ten years of data\n\nNew page figures.\n")
    assert "Old page figures." not in text
    assert "Old certificate figures." in text and "Written by hand, kept." in text


def test_a_new_section_is_appended(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(RESULTS)

    results.write_section("## Password reset\n\n| view | median ms |\n|---|---:|\n| portal | 1.00 |", path)

    text = path.read_text()
    assert text.startswith(RESULTS.rstrip("\n"))
    assert text.endswith("\n\n## Password reset\n\n| view | median ms |\n|---|---:|\n| portal | 1.00 |\n")


def test_a_missing_file_is_created_with_its_header(tmp_path):
    path = tmp_path / "RESULTS.md"

    results.write_section("## Meeting report import\n\nFigures.\n", path)

    assert path.read_text() == results.HEADER + "\n## Meeting report import\n\nFigures.\n"


def test_a_section_without_its_heading_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(RESULTS)

    try:
        results.write_section("Figures without a heading\n", path)
    except ValueError as error:
        assert "## " in str(error)
    else:
        raise AssertionError("a section without a heading was written")
    assert path.read_text() == RESULTS


def test_the_context_names_the_date_the_machine_and_the_load():
    when = datetime.datetime(2026, 12, 2, 9, 30, tzinfo=datetime.UTC)

    line = results.context("AMD EPYC, 2 cores", 1.234, when)

    assert line == "Run 2026-12-02 09:30 UTC on AMD EPYC, 2 cores; load average 1.23 when it started"


def test_the_command_hides_a_password_in_a_url():
    shown = results.command("bench.imports", ["--database-url", "postgres://bench:s3cr%40t@db:5432/", "--no-write"])

    assert shown == ".venv/bin/python -m bench.imports --database-url postgres://bench:***@db:5432/ --no-write"


def test_publish_writes_to_the_path_given_and_not_with_no_write(tmp_path, capsys):
    path = tmp_path / "copy.md"
    parser = argparse.ArgumentParser()
    results.add_arguments(parser)

    results.publish("## Certificates\n\nTrial figures.\n", parser.parse_args(["--no-write", "--results", str(path)]))
    assert not path.exists()
    results.publish("## Certificates\n\nTrial figures.\n", parser.parse_args(["--results", str(path)]))

    assert "## Certificates\n\nTrial figures.\n" in path.read_text()
    assert "Trial figures." in capsys.readouterr().out


def test_a_benchmark_that_writes_only_when_asked(tmp_path):
    path = tmp_path / "copy.md"
    parser = argparse.ArgumentParser()
    results.add_arguments(parser, write=False)

    results.publish("## Password reset\n\nFigures.\n", parser.parse_args(["--results", str(path)]))
    assert not path.exists()
    results.publish("## Password reset\n\nFigures.\n", parser.parse_args(["--write", "--results", str(path)]))

    assert path.read_text().endswith("## Password reset\n\nFigures.\n")


# --- the scale benchmark's table -------------------------------------------------------------------------


def _load(rps: float, p95: float) -> LoadResult:
    return LoadResult(
        requests=int(rps * 10), seconds=10, p50_ms=p95 / 2, p95_ms=p95, p99_ms=p95, max_ms=p95, errors=0, tool="wrk"
    )


def _queries() -> QueryFigures:
    return QueryFigures(
        count=3, count_small=3, in_process_ms=5, sql_ms=1, slowest_ms=1, slowest_sql="SELECT 1", slow=[]
    )


def test_the_scale_table_gives_each_page_as_a_share_of_the_signed_in_floor_and_its_p95_verdict():
    floor = Page(FLOOR, "Reference: a static page in the layout, signed in", "npo", ["/"], "/", reference=True)
    fast = Page("catalogue", "Catalogue", "anonymous", ["/projects/"], "/projects/?page=2")
    slow = Page("review", "Secretariat review", "secretariat", ["/manage/"], "/manage/")
    measured = [(fast, _load(300, 120)), (slow, _load(150, 151)), (floor, _load(600, 30))]
    ceiling = [_load(3000, 6), _load(3000, 6)]

    lines, missed = load_table(measured, ceiling, {page.key: _queries() for page, _ in measured})

    header = lines[0]
    assert "share of the signed-in floor" in header
    assert "p95 ≤ 150 ms" in header
    assert "trivial" not in header
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in lines[2:]}
    assert rows["Catalogue"][4:7] == ["met", "300", "50%"]
    assert rows["Secretariat review"][4:7] == ["**not met**", "150", "25%"]
    assert rows["Secretariat review"][-1] == "not met: p95 ≤ 150 |"
    assert rows["Reference: a static page in the layout, signed in"][6] == "(the floor)"
    assert missed == [("Secretariat review", "p95 ≤ 150")]
    assert not any("of trivial" in line for line in lines)
