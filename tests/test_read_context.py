"""Evidence from other documents steers a reader's layout inference."""

from __future__ import annotations

from exchange_kg import readers
from exchange_kg.records import ReadContext

OPTIONS = {
    "columns": ["country", "partner", "start", "quota"],
    "header": ["Country/Area", "Partner", "Effective Since", "Quota"],
    "merged": ["country"],
}
# Geometry alone puts the unlabelled third row with Thailand's group below it (the label sits
# in the middle of a group); nothing in "Example Polytechnic Institute" names a country.
TABLE = [
    "Country/Area\tPartner\tEffective Since\tQuota",
    "Taiwan\tNational Taiwan University\t2011/05/16\t5",
    "\tExample Polytechnic Institute\t2020/01/01\t5",
    "\tChulalongkorn University\t2013/04/01\t10",
    "Thailand\tKasetsart University\t2020/01/24\t5",
    "\tMahidol University\t2017/07/27\t5",
    "\tKhon Kaen University\t2016/02/23\t5",
]


def countries(context: ReadContext | None) -> dict[str, str]:
    result = readers.get("merged-cell-table").read(TABLE, "t", OPTIONS, context)
    return {r.fields["partner"]: r.fields["country"] for r in result.records}


def test_layout_alone_decides_without_context() -> None:
    assert countries(None)["Example Polytechnic Institute"] == "Thailand"


def test_another_documents_explicit_label_is_evidence() -> None:
    context = ReadContext({"example polytechnic institute": ("TW",)})
    got = countries(context)
    assert got["Example Polytechnic Institute"] == "Taiwan"
    assert got["Khon Kaen University"] == "Thailand"


def test_known_countries_come_only_from_rows_with_their_own_label() -> None:
    from conftest import ROOT
    from exchange_kg.manifest import load_manifest
    from exchange_kg.mapping_spec import load_mappings
    from exchange_kg.pipeline import known_countries, read_source

    docs = {d.id: d for d in load_manifest(ROOT / "sources" / "manifest.yaml")}
    mappings = load_mappings(ROOT / "mappings")
    gse = read_source(docs["gse-partners"], mappings["gse-partners"])
    known = known_countries([gse])
    assert known["mahidol university"] == ("TH",)  # line 95: the Thailand label's own row
    assert "chulalongkorn university" not in known  # only ever in an inferred row there
