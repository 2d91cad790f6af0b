"""Build set.jsonl from batch_a.txt, batch_b.txt, batch_c.txt (`rule|text[|review]`)."""

import json
from pathlib import Path

HERE = Path(__file__).parent
rows = []
for batch in ("a", "b", "c"):
    lines = (HERE / f"batch_{batch}.txt").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines, 1):
        rule, text, *review = line.split("|", 2)
        row = {"id": f"gl{batch}-{i:03d}", "text": text}
        if review and review[0]:
            row["review"] = review[0]
        if rule == "ok":
            row["ok"] = True
        else:
            row["rule"] = rule
        rows.append(row)
(HERE / "set.jsonl").write_text(
    "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
)
