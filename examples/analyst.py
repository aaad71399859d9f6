#!/usr/bin/python3
"""Top organizations and leads of an assessment.h5, with h5py and pandas only.

Usage: /usr/bin/python3 examples/analyst.py RUN/assessment.h5 [N]
"""
import sys

import h5py
import pandas as pd


def read_table(f, group):
    """A table as a DataFrame: strings decoded, dictionary columns applied."""
    g = f[group]
    out = {}
    for name in g.attrs["columns"].decode().split(","):
        values = g[name][()]
        if g[name].attrs.get("encoding") == b"dictionary":
            values = g["_dict/" + name][()][values]
        if values.dtype.kind == "S":
            values = values.astype(str)
        out[name] = values
    return pd.DataFrame(out)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "assessment.h5"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with h5py.File(path, "r") as f:
        orgs = read_table(f, "/organizations")
        leads = read_table(f, "/leads")
        members = read_table(f, "/members")
        progress = read_table(f, "/progress") if "progress" in f else None
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 60)
    print(f"ORGANIZATIONS ({len(orgs)})")
    print(orgs.sort_values(["clients", "id"], ascending=[False, True]).head(n)[
        ["id", "size", "clients", "active_months", "first_seen", "last_seen", "main_corridors", "status", "score"]
    ].to_string(index=False))
    print("\nROLES")
    print(members.groupby(["organization", "role"]).size().unstack(fill_value=0).to_string())
    print(f"\nLEADS (top {n} of {len(leads)})")
    print(leads.head(n)[["rank", "kind", "subject", "organization", "score", "agency", "reason"]].to_string(index=False))
    if progress is not None:
        print("\nPROGRESS")
        print(progress[["previous_id", "fate", "successors", "best_jaccard", "dismantling_index"]].to_string(index=False))


if __name__ == "__main__":
    main()
