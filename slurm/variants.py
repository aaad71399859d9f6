#!/usr/bin/python3
"""Scenario variants of a sweep: which extra `clearinghouse run` arguments each array task gets.

    variants.py count FILE        number of variants (the array is 0..count-1)
    variants.py args FILE INDEX   variant INDEX's arguments, NUL-separated (for `mapfile -d ''`)
    variants.py list FILE         every variant, one line each, shell-quoted (for people)

Two formats, chosen by the file name:

*.toml -- either a list of variants or a grid (the cartesian product of --set values):

    args = ["--scenario", "demo"]          # optional: arguments every variant gets first

    [[variant]]                            # one table per variant, in order
    set = { "world.seed" = 1 }             # -> --set world.seed=1
    args = ["--until", "ingest"]           # optional extra arguments

    # or, instead of [[variant]] tables:
    [grid]                                 # keys in file order; the last one varies fastest
    "world.seed" = [1, 2, 3]
    "feeds.noise" = [0.0, 0.1]             # 3 x 2 = 6 variants

anything else -- a text file with one variant per line: the line's shell words (quotes are
honoured, nothing is expanded) are the arguments; blank lines and lines starting with # are
skipped, e.g.

    --set world.seed=1
    --set world.seed=2 --set "label=a b"

Only the Python standard library is used (tomllib needs Python 3.11, Debian 12's python3).
"""
import itertools
import shlex
import sys
import tomllib


class VariantError(Exception):
    pass


def scalar(key, value):
    """A TOML value as `--set` writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise VariantError(f"{key}: only strings, numbers and booleans can be --set, not {value!r}")


def set_args(table, where):
    if not isinstance(table, dict):
        raise VariantError(f"{where}: 'set' must be a table of key = value")
    out = []
    for key, value in table.items():
        out += ["--set", f"{key}={scalar(key, value)}"]
    return out


def string_list(value, where):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise VariantError(f"{where}: 'args' must be a list of strings")
    return list(value)


def from_toml(path):
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    unknown = set(doc) - {"args", "variant", "grid"}
    if unknown:
        raise VariantError(f"unknown top-level keys {sorted(unknown)} (expected args, variant, grid)")
    common = string_list(doc.get("args", []), "args")
    if ("variant" in doc) == ("grid" in doc):
        raise VariantError("give either [[variant]] tables or a [grid] table (exactly one)")
    variants = []
    if "variant" in doc:
        if not isinstance(doc["variant"], list):
            raise VariantError("'variant' must be an array of tables: [[variant]]")
        for i, v in enumerate(doc["variant"]):
            where = f"variant {i}"
            extra = set(v) - {"set", "args"}
            if extra:
                raise VariantError(f"{where}: unknown keys {sorted(extra)} (expected set, args)")
            variants.append(common + set_args(v.get("set", {}), where) +
                            string_list(v.get("args", []), where))
    else:
        grid = doc["grid"]
        axes = []
        for key, values in grid.items():
            if not isinstance(values, list) or not values:
                raise VariantError(f"grid.{key}: must be a non-empty list of values")
            axes.append([(key, scalar(key, v)) for v in values])
        for point in itertools.product(*axes):
            args = list(common)
            for key, value in point:
                args += ["--set", f"{key}={value}"]
            variants.append(args)
    return variants


def from_text(path):
    variants = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                variants.append(shlex.split(line, comments=False))
            except ValueError as e:
                raise VariantError(f"line {number}: {e}") from None
    return variants


def load(path):
    variants = from_toml(path) if path.endswith(".toml") else from_text(path)
    if not variants:
        raise VariantError("no variants")
    return variants


def main(argv):
    if len(argv) < 3 or argv[1] not in ("count", "args", "list"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    command, path = argv[1], argv[2]
    try:
        variants = load(path)
        if command == "count":
            print(len(variants))
        elif command == "list":
            for i, v in enumerate(variants):
                print(f"{i:03d}: {shlex.join(v)}")
        else:
            if len(argv) != 4 or not argv[3].isdigit():
                raise VariantError("args needs a variant index")
            index = int(argv[3])
            if index >= len(variants):
                raise VariantError(f"variant {index} does not exist (there are {len(variants)})")
            sys.stdout.write("".join(a + "\0" for a in variants[index]))
    except (OSError, tomllib.TOMLDecodeError, VariantError) as e:
        print(f"variants.py: {path}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
