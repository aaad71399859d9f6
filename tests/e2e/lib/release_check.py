"""Checks of a partner extract against the run it came from (tests/e2e/release_*.sh).

leak RECORDS PARTNER EXTRACT [CSV_DIR]: every name, document, phone, e-mail, booking/payment
  reference and record id that occurs only in records NOT releasable to PARTNER must be absent
  from every string dataset and string attribute of EXTRACT and from every CSV cell.
positive RECORDS PARTNER EXTRACT: releasable facts do appear (persons, edges, releasable-only names).
assessment RECORDS PARTNER EXTRACT: the released assessment tables are consistent with the
  extract's persons, edges and releasable records (no assessor role; each organization has >= 2
  members held together by the extract's own /edges among them; members, ties and phones
  recounted; a lead's organization holds the lead's persons); prints "ORGANIZATIONS LEADS".
csvsafe CSV_DIR: no exported cell starts with a formula character.
"""
import csv
import glob
import os
import sys

import h5py
import numpy as np


def column(group, name):
    values = group[name][()]
    if group[name].attrs.get("encoding") == b"dictionary":
        values = group["_dict/" + name][()][values]
    return [v.decode() for v in values] if values.dtype.kind == "S" else values


def record_values(records, partner):
    """(releasable, withheld) sets of sensitive values, per kind, from records.h5."""
    rel, wit = {}, {}
    with h5py.File(records, "r") as f:
        o = f["observations"]
        ok = [partner in r.split(";") for r in column(o, "releasable_to")]
        fields = {
            "given": ["given_name", "given_name_raw"], "family": ["family_name", "family_name_raw"],
            "document": ["document_number", "document_number_raw"], "phone": ["phone", "phone_raw"],
            "email": ["email"], "booking": ["booking_ref"], "payment": ["payment_ref"], "record": ["record_id"],
            # Released as entities' nationalities: a code such as PAN must count as releasable,
            # not as the withheld family name Pan written in capitals.
            "nationality": ["nationality"],
        }
        for kind, names in fields.items():
            for name in names:
                for keep, v in zip(ok, column(o, name)):
                    (rel if keep else wit).setdefault(kind, set()).add(v)
        for keep, g, fam in zip(ok, column(o, "given_name"), column(o, "family_name")):
            (rel if keep else wit).setdefault("name", set()).add(f"{g} {fam}".strip())
        c = f["calls"]
        ok = [partner in r.split(";") for r in column(c, "releasable_to")]
        for name, kind in [("caller", "phone"), ("callee", "phone"), ("caller_raw", "phone"),
                           ("callee_raw", "phone"), ("record_id", "record")]:
            for keep, v in zip(ok, column(c, name)):
                (rel if keep else wit).setdefault(kind, set()).add(v)
    return rel, wit


def leak_set(records, partner):
    rel, wit = record_values(records, partner)
    everything_releasable = set().union(*rel.values())
    secret = set()
    for kind, values in wit.items():
        secret |= {v for v in values - everything_releasable if v and v != "CASH"}
    return secret, rel, wit


def pieces(text):
    yield text
    for part in text.split(";"):
        yield part.strip()
    for part in text.replace("\t", "\n").split("\n"):
        yield part.strip()


def extract_strings(path):
    out = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for k, v in obj.attrs.items():
                if isinstance(v, bytes):
                    out.append((f"{name}@{k}", v.decode()))
                elif isinstance(v, str):
                    out.append((f"{name}@{k}", v))
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "S":
                out.extend((name, v.decode()) for v in obj[()])
        visit("/", f)
        f.visititems(visit)
    return out


def csv_strings(csv_dir):
    out = []
    for path in sorted(glob.glob(os.path.join(csv_dir, "*.csv"))):
        with open(path, newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                        cell = cell[1:]
                    out.append((os.path.basename(path), cell))
    return out


def leak(records, partner, extract, csv_dir=None):
    secret, _, _ = leak_set(records, partner)
    assert secret, "no withheld-only values: the test would prove nothing"
    strings = extract_strings(extract) + (csv_strings(csv_dir) if csv_dir else [])
    hits = [(where, p) for where, s in strings for p in pieces(s) if p in secret]
    if hits:
        print(f"{partner}: {len(hits)} withheld values in the extract, e.g. {hits[:5]}", file=sys.stderr)
        sys.exit(1)
    print(f"{partner}: 0 of {len(secret)} withheld-only values in {len(strings)} strings")


def positive(records, partner, extract):
    rel, wit = record_values(records, partner)
    with h5py.File(extract, "r") as f:
        assert f.attrs["partner"].decode() == partner
        assert f["entities"].attrs["rows"] > 0, "no persons released"
        assert f["edges"].attrs["rows"] > 0, "no edges released"
        names = set(column(f["entities"], "name"))
        only_releasable = rel["name"] - wit["name"]
        shown = names & only_releasable
        assert shown, "no releasable-only name appears"
        assert names - {""} <= rel["name"], "a released name is not the name of a releasable record"
        ids = set(column(f["evidence"], "record_id"))
        assert ids <= rel["record"], "an evidence id is not a releasable record"
        m = f["manifest"]
        items = dict(zip(column(m, "item"), zip(m["released"][()], m["withheld"][()])))
        assert items["evidence"][0] == f["evidence"].attrs["rows"] > 0
        assert items["evidence"][1] > 0, "nothing withheld: the scenario does not exercise the rules"
        assert any(k.startswith("source_sha256_records.h5") for k in f.attrs), "no source hash"
        assert np.all(f["edges/source"][()] < f["edges/target"][()])
        assert f["edges/target"][()].max() < f["entities"].attrs["rows"]
    print(f"{partner}: {len(shown)} releasable-only names shown, {len(ids)} evidence ids")


def assessment(records, partner, extract):
    rel, _ = record_values(records, partner)
    with h5py.File(extract, "r") as f:
        for table in ("organizations", "members", "leads", "referrals"):
            assert table in f, f"no /{table}: the run has assessment.h5 and the partner receives all tables"
        n_persons = f["entities"].attrs["rows"]
        orgs = list(f["organizations/id"][()])
        assert orgs == list(range(1, len(orgs) + 1)), "organization ids are not dense 1..n"
        for withheld in ("aides", "clients", "score", "community", "status", "evidence"):
            assert withheld not in f["organizations"], f"/organizations/{withheld} is released"
        assert "role" not in f["members"], "/members/role (the assessor's role) is released"
        m_org, m_person = f["members/organization"][()], f["members/person"][()]
        assert set(m_org) == set(orgs), "an organization without a released member, or a member of none"
        assert np.all(m_person < n_persons), "a member is not a released person"
        members_of = {org: {int(p) for o, p in zip(m_org, m_person) if o == org} for org in orgs}
        # Self-consistency with the extract's own /edges: every released organization is held
        # together by releasable ties among its members, and its counts are those of the extract.
        edges = list(zip(f["edges/source"][()].tolist(), f["edges/target"][()].tolist()))
        phones_of = [set(filter(None, p.split(";"))) for p in column(f["entities"], "phones")]
        for i, org in enumerate(orgs):
            people = members_of[org]
            assert len(people) >= 2, f"organization {org}: fewer than 2 members"
            inside = [(a, b) for a, b in edges if a in people and b in people]
            assert _connected(people, inside), f"organization {org}: members not connected through /edges within it"
            assert f["organizations/members"][i] == len(people), f"organization {org}: members not recounted"
            assert f["organizations/ties"][i] == len(inside), f"organization {org}: ties not recounted"
            phones = set().union(*(phones_of[p] for p in people))
            assert f["organizations/phones"][i] == len(phones), f"organization {org}: phones not recounted"
        for withheld in ("score", "agency", "jurisdiction", "entity"):
            assert withheld not in f["leads"], f"/leads/{withheld} is released"
        person_of_id = {}
        for p, rid in zip(f["evidence/person"][()], column(f["evidence"], "record_id")):
            person_of_id.setdefault(rid, set()).add(int(p))
        ranks = list(f["leads/rank"][()])
        assert ranks == list(range(1, len(ranks) + 1)), "lead ranks are not dense 1..n"
        leads = zip(column(f["leads"], "kind"), column(f["leads"], "subject"), column(f["leads"], "evidence"),
                    f["leads/organization"][()])
        for kind, subject, evidence, org in leads:
            ids = evidence.split(";")
            assert all(i in rel["record"] for i in ids), f"lead {subject}: cites a record not releasable"
            assert org == -1 or org in orgs, f"lead {subject}: unknown organization {org}"
            if org != -1:
                behind = set().union(*(person_of_id[i] for i in ids))
                assert behind <= members_of[org], f"lead {subject}: organization {org} lacks the lead's persons"
            if kind == "person":
                assert all(person_of_id.get(i) == {int(subject)} for i in ids), f"person lead {subject}: wrong person"
            elif kind == "phone":
                assert subject in rel["phone"], f"phone lead {subject}: not a releasable phone"
            elif kind == "booking":
                assert subject in rel["booking"], f"booking lead {subject}: not a releasable booking"
        assert sorted(f["referrals/lead_rank"][()]) == ranks, "referrals do not follow the released leads"
        org_of_rank = dict(zip(ranks, f["leads/organization"][()]))
        assert all(org_of_rank[r] == o for r, o in zip(f["referrals/lead_rank"][()], f["referrals/organization"][()])), \
            "a referral's organization differs from its lead's"
        issues = set(column(f["leads"], "issue"))
        assert not issues & {"document_fraud", "facilitator_abroad"}, f"an issue resting on withheld evidence: {issues}"
        m = f["manifest"]
        items = dict(zip(column(m, "item"), m["released"][()]))
        assert items["organizations"] == len(orgs) and items["leads"] == len(ranks), "manifest counts differ"
    print(len(orgs), len(ranks))


def _connected(nodes, edges):
    """True when the undirected graph (nodes, edges) is connected (serial union-find)."""
    parent = {n: n for n in nodes}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return len({find(n) for n in nodes}) <= 1


def csvsafe(csv_dir):
    bad, prefixed = [], 0
    for path in sorted(glob.glob(os.path.join(csv_dir, "*.csv"))):
        with open(path, newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _number(cell)):
                        bad.append((os.path.basename(path), cell))
                    prefixed += cell[:1] == "'"
    assert not bad, f"formula cells in the CSV export: {bad[:5]}"
    assert prefixed > 0, "no neutralized cell: the check proves nothing"
    print(f"csv: {prefixed} neutralized cells, no formula starts")


def _number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    {"leak": leak, "positive": positive, "assessment": assessment, "csvsafe": csvsafe}[cmd](*args)
