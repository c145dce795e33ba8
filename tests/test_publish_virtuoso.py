"""``publish`` to a real Virtuoso: its Graph Store endpoint (Digest auth) and its bulk loader
(``ld_dir`` / ``rdf_loader_run`` driven through isql), with the replace semantics and exit
codes of the Oxigraph path; and the bundled researcher queries answered alike by Virtuoso and
by our own endpoint.

One server (Debian's ``virtuoso-opensource``, started on 127.0.0.1 in a temporary folder by
``tests/virtuoso_server.py``) serves the whole module, so each test uses graph names of its
own, or republishes the build before it counts.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse

from exchange_kg.publish import EXIT_BAD_INPUT, EXIT_STORE_FAILED, EXIT_USAGE, publish_cmd
from exchange_kg.virtuoso_loader import DumpError, dump_graphs
from test_serve_support import free_port, running_server, serve_dist  # noqa: F401
from virtuoso_server import Virtuoso, installed, running_virtuoso

pytestmark = pytest.mark.skipif(
    not installed(), reason="Virtuoso is not installed (Debian: apt-get install "
                            "virtuoso-opensource; .ci/run installs it)")

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture()
def graphs() -> tuple[str, str]:
    """Two graph names no other test uses."""
    tag = uuid.uuid4().hex[:8]
    return f"{EX}{tag}/one", f"{EX}{tag}/two"


def sparql(server: Virtuoso, query: str) -> list[dict[str, dict[str, str]]]:
    req = urllib.request.Request(
        f"{server.http}/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)["results"]["bindings"]


def counts(server: Virtuoso, names: list[str] | set[str]) -> dict[str, int]:
    """Triples per graph on the store, for the graphs named (absent: not listed)."""
    values = " ".join(f"<{g}>" for g in names)
    rows = sparql(server, f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f"VALUES ?g {{ {values} }} }} GROUP BY ?g")
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def dump_counts(path: Path) -> dict[str, int]:
    return dict(Counter(q.graph_name.value for q in parse(path=str(path),
                                                           format=RdfFormat.N_QUADS)))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(publish_cmd, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def gsp(server: Virtuoso, *args: str, user: str | None = None) -> tuple[int, str]:
    return run("--to", f"{server.http}/sparql-graph-crud-auth",
               "--user", user or f"dba:{server.password}", *args)


def bulk(server: Virtuoso, *args: str, user: str | None = None) -> tuple[int, str]:
    return run("--to", server.isql_url, "--user", user or f"dba:{server.password}",
               "--load-dir", str(server.load_dir), *args)


# --- the Graph Store endpoint ----------------------------------------------------------------


def test_gsp_publishes_the_build_graph_by_graph_and_republishing_replaces(
        dist: Path, virtuoso: Virtuoso) -> None:
    expected = dump_counts(dist / "exchange-kg.nq")
    code, out = gsp(virtuoso, "--from", str(dist), "--batch-size", "2000")
    assert code == 0, out
    assert counts(virtuoso, expected) == expected
    assert max(int(n) for n in re.findall(r"in (\d+) request\(s\)", out)) > 1  # batched
    code, out = gsp(virtuoso, "--from", str(dist), "-q")
    assert code == 0, out
    assert counts(virtuoso, expected) == expected  # replaced, not added to


def test_gsp_a_smaller_graph_replaces_the_larger_and_others_are_left_alone(
        virtuoso: Virtuoso, tmp_path: Path, graphs: tuple[str, str]) -> None:
    g1, g2 = graphs
    big = tmp_path / "big.nq"
    big.write_text("".join(f"<{EX}s{i}> <{EX}p> \"{i}\" <{g1}> .\n" for i in range(50))
                   + f"<{EX}a> <{EX}p> <{EX}b> <{g2}> .\n")
    small = tmp_path / "small.nq"
    small.write_text(f"<{EX}s1> <{EX}p> \"1\" <{g1}> .\n")
    assert gsp(virtuoso, "--file", str(big), "--batch-size", "7")[0] == 0
    assert counts(virtuoso, graphs) == {g1: 50, g2: 1}
    assert gsp(virtuoso, "--file", str(small))[0] == 0
    assert counts(virtuoso, graphs) == {g1: 1, g2: 1}


def test_gsp_blank_nodes_survive_batching(virtuoso: Virtuoso, tmp_path: Path,
                                          graphs: tuple[str, str]) -> None:
    g1 = graphs[0]
    lines = [f"<{EX}s{i}> <{EX}p> \"{i}\" <{g1}> .\n" for i in range(20)]
    for i in range(5):
        lines += [f"<{EX}c{i}> <{EX}range> _:u{i} <{g1}> .\n",
                  f"_:u{i} <{EX}first> <{EX}x{i}> <{g1}> .\n",
                  f"_:u{i} <{EX}rest> <{EX}nil> <{g1}> .\n"]
    dump = tmp_path / "bnodes.nq"
    dump.write_text("".join(lines))
    for _ in range(2):
        assert gsp(virtuoso, "--file", str(dump), "--batch-size", "3")[0] == 0
    rows = sparql(virtuoso, f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g1}> {{
        ?c <{EX}range> ?u . ?u <{EX}first> ?x ; <{EX}rest> <{EX}nil> . FILTER(isBlank(?u)) }} }}""")
    assert rows[0]["n"]["value"] == "5"
    assert counts(virtuoso, [g1]) == {g1: 35}


def test_gsp_credentials_digest_only_and_refusals(virtuoso: Virtuoso, tmp_path: Path,
                                                  graphs: tuple[str, str]) -> None:
    """A least-privilege account (SPARQL_UPDATE, as the README says to create) can publish;
    a wrong password, no password or the endpoint without auth exit 4 and say why."""
    name = f"pub{uuid.uuid4().hex[:6]}"
    virtuoso.sql(f"DB.DBA.USER_CREATE ('{name}', 'pw-{name}')",
                 f'GRANT SPARQL_UPDATE TO "{name}"')
    dump = tmp_path / "one.nq"
    dump.write_text(f"<{EX}s> <{EX}p> \"o\" <{graphs[0]}> .\n")
    code, out = gsp(virtuoso, "--file", str(dump), user=f"{name}:pw-{name}")
    assert code == 0, out
    assert counts(virtuoso, graphs) == {graphs[0]: 1}

    code, out = gsp(virtuoso, "--file", str(dump), "--retries", "0", user=f"{name}:wrong")
    assert code == EXIT_STORE_FAILED and "refused the credentials (HTTP 401" in out
    code, out = run("--to", f"{virtuoso.http}/sparql-graph-crud-auth", "--file", str(dump))
    assert code == EXIT_STORE_FAILED and "requires credentials (HTTP 401" in out
    code, out = run("--to", f"{virtuoso.http}/sparql-graph-crud", "--file", str(dump))
    assert code == EXIT_STORE_FAILED and "/sparql-graph-crud-auth" in out


# --- the bulk loader -------------------------------------------------------------------------


def test_bulk_loads_the_build_twice_as_once_and_leaves_other_graphs_alone(
        dist: Path, virtuoso: Virtuoso, tmp_path: Path, graphs: tuple[str, str]) -> None:
    other = tmp_path / "other.nq"
    other.write_text(f"<{EX}s> <{EX}p> \"not in the build\" <{graphs[0]}> .\n")
    assert gsp(virtuoso, "--file", str(other))[0] == 0
    expected = dump_counts(dist / "exchange-kg.nq")
    for _ in range(2):
        code, out = bulk(virtuoso, "--from", str(dist))
        assert code == 0, out
        assert counts(virtuoso, expected) == expected
    assert f"published {len(expected)} graphs, {sum(expected.values())} triples" in out
    assert counts(virtuoso, graphs) == {graphs[0]: 1}
    assert list(virtuoso.load_dir.iterdir()) == []  # the staged copy is gone


def test_bulk_a_smaller_graph_replaces_the_larger_from_a_gzipped_dump(
        virtuoso: Virtuoso, tmp_path: Path, graphs: tuple[str, str]) -> None:
    import gzip

    g1, g2 = graphs
    big = tmp_path / "big.nq.gz"
    big.write_bytes(gzip.compress("".join(
        f"<{EX}s{i}> <{EX}p> \"{i}\"@en <{g1}> .\n" for i in range(50)).encode()
        + f"<{EX}a> <{EX}p> <{EX}b> <{g2}> .\n".encode()))
    small = tmp_path / "small.nq"
    small.write_text(f"<{EX}s1> <{EX}p> \"1\"^^<{XSD}integer> <{g1}> .\n")
    assert bulk(virtuoso, "--file", str(big))[0] == 0
    assert counts(virtuoso, graphs) == {g1: 50, g2: 1}
    code, out = bulk(virtuoso, "--file", str(small))
    assert code == 0, out
    assert counts(virtuoso, graphs) == {g1: 1, g2: 1}


def test_bulk_loader_errors_from_load_list_exit_4(virtuoso: Virtuoso, tmp_path: Path,
                                                   graphs: tuple[str, str]) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text(f"<{EX}s> <{EX}p> \"fine\" <{graphs[0]}> .\n"
                   f"<{EX}s> <{EX}p> \"unterminated <{graphs[0]}> .\n")
    code, out = bulk(virtuoso, "--file", str(bad))
    assert code == EXIT_STORE_FAILED, out
    assert "bulk loader rejected" in out and "DB.DBA.load_list" in out and "bad.nq" in out
    assert "Unterminated" in out  # the loader's own words


def test_bulk_a_line_the_loader_skips_silently_is_caught_by_the_count(
        virtuoso: Virtuoso, tmp_path: Path, graphs: tuple[str, str]) -> None:
    """Virtuoso 7.2.5's loader drops a statement with an invalid escape and records no error
    in load_list: only comparing the triples per graph with the dump's shows it."""
    bad = tmp_path / "escape.nq"
    bad.write_text(f"<{EX}s> <{EX}p> \"fine\" <{graphs[0]}> .\n"
                   f"<{EX}s> <{EX}p> \"a bad escape \\q\" <{graphs[0]}> .\n")
    code, out = bulk(virtuoso, "--file", str(bad))
    assert code == EXIT_STORE_FAILED, out
    assert f"other triple counts than the dump after the load (<{graphs[0]}>: 1 of 2)" in out


def test_bulk_a_folder_the_server_cannot_read_fails_before_anything_is_cleared(
        virtuoso: Virtuoso, tmp_path: Path, graphs: tuple[str, str]) -> None:
    dump = tmp_path / "d.nq"
    dump.write_text(f"<{EX}s> <{EX}p> \"kept\" <{graphs[0]}> .\n")
    assert gsp(virtuoso, "--file", str(dump))[0] == 0
    replacement = tmp_path / "r.nq"
    replacement.write_text(f"<{EX}s> <{EX}p> \"new\" <{graphs[0]}> .\n")
    # the server sees the folder under another path: nothing there to register
    code, out = bulk(virtuoso, "--file", str(replacement),
                     "--server-dir", str(virtuoso.load_dir / "elsewhere"))
    assert code == EXIT_STORE_FAILED and "does not see" in out and "--server-dir" in out
    # a folder outside the server's DirsAllowed (Virtuoso lets anything under /tmp pass)
    code, out = bulk(virtuoso, "--file", str(replacement),
                     "--server-dir", "/nonexistent-exchange-kg")
    assert code == EXIT_STORE_FAILED and "DirsAllowed" in out and "FA003" in out, out
    rows = sparql(virtuoso, f"SELECT ?o WHERE {{ GRAPH <{graphs[0]}> {{ ?s ?p ?o }} }}")
    assert [r["o"]["value"] for r in rows] == ["kept"]


def test_bulk_login_and_connection_failures_exit_4(virtuoso: Virtuoso, tmp_path: Path,
                                                    graphs: tuple[str, str]) -> None:
    dump = tmp_path / "d.nq"
    dump.write_text(f"<{EX}s> <{EX}p> \"o\" <{graphs[0]}> .\n")
    code, out = bulk(virtuoso, "--file", str(dump), user="dba:wrong")
    assert code == EXIT_STORE_FAILED and "refused the login of 'dba'" in out
    code, out = run("--to", f"virtuoso+isql://127.0.0.1:{free_port()}", "--user", "dba:x",
                    "--file", str(dump), "--load-dir", str(virtuoso.load_dir))
    assert code == EXIT_STORE_FAILED and "cannot reach virtuoso+isql://127.0.0.1" in out
    code, out = bulk(virtuoso, "--file", str(dump), "--deadline", "0.01")
    assert code == EXIT_STORE_FAILED and "deadline of 0.01 s" in out
    name = f"sel{uuid.uuid4().hex[:6]}"  # an account without DBA rights
    virtuoso.sql(f"DB.DBA.USER_CREATE ('{name}', 'pw')")
    code, out = bulk(virtuoso, "--file", str(dump), user=f"{name}:pw")
    assert code == EXIT_STORE_FAILED and "DBA account" in out, out


def test_bulk_credentials_isql_cannot_take_are_a_usage_error_and_nothing_is_left(
        virtuoso: Virtuoso, tmp_path: Path, graphs: tuple[str, str]) -> None:
    """isql's ``set PWD=`` has no escapes: a password with both kinds of quotes cannot be
    given to it, which is the caller's to fix (exit 2), not the store's failure (exit 4)."""
    dump = tmp_path / "d.nq"
    dump.write_text(f"<{EX}s> <{EX}p> \"o\" <{graphs[0]}> .\n")
    code, out = bulk(virtuoso, "--file", str(dump), user="dba:it's \"quoted\"")
    assert code == EXIT_USAGE and "both kinds of quotes" in out, out
    assert list(virtuoso.load_dir.iterdir()) == []  # the staged copy is gone
    assert counts(virtuoso, graphs) == {}


def test_bulk_without_isql_is_a_usage_error(tmp_path: Path) -> None:
    dump = tmp_path / "d.nq"
    dump.write_text(f"<{EX}s> <{EX}p> \"o\" <{EX}g> .\n")
    code, out = run("--to", "virtuoso+isql://127.0.0.1:1111", "--user", "dba:x",
                    "--file", str(dump), "--isql", str(tmp_path / "no-isql"))
    assert code == EXIT_USAGE and "--isql" in out and "no such program" in out


def test_bulk_refuses_triples_outside_named_graphs(tmp_path: Path) -> None:
    dump = tmp_path / "d.nq"
    dump.write_text(f"<{EX}s> <{EX}p> \"in a graph\" <{EX}g> .\n<{EX}s> <{EX}p> <{EX}o> .\n")
    code, out = run("--to", "virtuoso+isql://127.0.0.1:1111", "--user", "dba:x",
                    "--file", str(dump), "--dry-run")
    assert code == EXIT_BAD_INPUT and "d.nq:2: a triple outside any named graph" in out


def test_dump_graphs_reads_the_last_term_exactly(tmp_path: Path) -> None:
    g, h = f"{EX}g", f"{EX}h"
    lines = [
        f"<{EX}s> <{EX}p> <{EX}o> <{g}> .",
        f"_:b <{EX}p> _:c <{g}> .",
        f"<{EX}s> <{EX}p> \"x <{EX}y> .\" <{g}> .",  # an IRI-like text inside the literal
        f"<{EX}s> <{EX}p> \"5\"^^<{XSD}integer> <{h}> .",
        f"<{EX}s>\t<{EX}p>\t\"a\"@en\t<{h}>\t.",
        "# a comment",
        "",
    ]
    path = tmp_path / "d.nq"
    path.write_text("\n".join(lines) + "\n")
    assert dump_graphs(path) == {g: 3, h: 2} == dump_counts(path)
    # a statement followed by a comment: read by the full parser, same answer
    path.write_text("\n".join(lines) + f"\n<{EX}s> <{EX}p> <{EX}o> <{h}> . # note\n")
    assert dump_graphs(path) == {g: 3, h: 3}
    for triple in (f"<{EX}s> <{EX}p> \"5\"^^<{XSD}integer> .",
                   f"<{EX}s> <{EX}p> <{EX}o> .",
                   f"<{EX}s> <{EX}p> \"a <{EX}x>\"^^<{XSD}string> .",  # " <" in the literal
                   f"_:b <{EX}p> _:c ."):
        path.write_text("\n".join([lines[0], triple, ""]))
        with pytest.raises(DumpError, match="outside any named graph"):
            dump_graphs(path)


# --- the researcher queries, on Virtuoso and on our endpoint ---------------------------------


def _group_concat_separators(query: str) -> dict[str, str]:
    """Variables bound by GROUP_CONCAT, with their separators: their order is not defined."""
    found = re.finditer(r'GROUP_CONCAT\s*\((?:[^;()]|\([^()]*\))*?(?:;\s*separator\s*=\s*'
                        r'"([^"]*)")?\s*\)\s*AS\s*\?(\w+)', query, re.I)
    return {m.group(2): m.group(1) if m.group(1) is not None else " " for m in found}


def _term(binding: dict[str, str], separator: str | None) -> tuple[str, ...]:
    """One result term, normalised where the two stores legitimately differ:

    - Virtuoso writes typed literals as ``"type": "typed-literal"`` (the SPARQL JSON results
      form of 2007), the current form is ``"literal"`` with a datatype;
    - Oxigraph, under our endpoint, returns integers of a derived type (``xkg:places`` is
      ``xsd:nonNegativeInteger`` in the data) as ``xsd:integer``; Virtuoso keeps the data's
      datatype: integers are compared by value;
    - GROUP_CONCAT's order is not defined: its parts are sorted.
    """
    kind, value = binding["type"], binding["value"]
    datatype = binding.get("datatype", "")
    if kind == "typed-literal":
        kind = "literal"
    if separator is not None:
        value = separator.join(sorted(value.split(separator)))
    if datatype[len(XSD):] in _INTEGERS and datatype.startswith(XSD):
        return ("integer", str(int(value)))
    return (kind, value, datatype, binding.get("xml:lang", "").lower())


_INTEGERS = {"integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
             "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
             "unsignedShort", "unsignedByte"}


def _answers(url: str, query: str) -> Counter:
    separators = _group_concat_separators(query)
    req = urllib.request.Request(
        url, data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = json.load(resp)
    names = data["head"]["vars"]
    return Counter(tuple((n, _term(row[n], separators.get(n)) if n in row else None)
                         for n in names) for row in data["results"]["bindings"])


@pytest.fixture(scope="module")
def our_endpoint(serve_dist: Path,  # noqa: F811
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve-log") / "server.log"
    with running_server(serve_dist, log, "--cache-mb", "0") as url:
        yield url


QUERIES = sorted(p.name for p in resources.files("exchange_kg.queries").iterdir()
                 if p.name.endswith(".rq"))


@pytest.fixture(scope="module")
def loaded(dist: Path, virtuoso: Virtuoso) -> Virtuoso:
    """The server with the build loaded (through the bulk loader)."""
    code, out = bulk(virtuoso, "--from", str(dist), "-q")
    assert code == 0, out
    return virtuoso


@pytest.mark.parametrize("name", QUERIES)
def test_researcher_queries_answer_alike_on_virtuoso_and_our_endpoint(
        name: str, loaded: Virtuoso, our_endpoint: str) -> None:
    query = resources.files("exchange_kg.queries").joinpath(name).read_text()
    ours = _answers(f"{our_endpoint}/sparql", query)
    theirs = _answers(f"{loaded.http}/sparql", query)
    if not ours and "rorId" in query and not os.environ.get("EXCHANGE_KG_ROR_DUMP"):
        pytest.skip("no ROR links without EXCHANGE_KG_ROR_DUMP: nothing to compare")
    assert ours, f"{name}: no answers on our endpoint"
    assert theirs == ours, (f"{name}: only Virtuoso: {list((theirs - ours).items())[:3]}; "
                            f"only ours: {list((ours - theirs).items())[:3]}")
