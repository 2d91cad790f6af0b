#!/usr/bin/env python3
"""Format check for set.jsonl (blind red-team set b7g). Usage: python3 validate.py [path]"""
import json, sys, re
path = sys.argv[1] if len(sys.argv) > 1 else 'set.jsonl'
FIELDS = ['id', 'text', 'review', 'ok', 'rule', 'note']
RULES = {'promise', 'delete_request', 'private_data', 'blame', 'argue'}
errs, ids, texts = [], set(), set()
n = nv = no = 0
per_rule = {r: 0 for r in RULES}
with open(path, encoding='utf-8') as f:
    for ln, line in enumerate(f, 1):
        if not line.strip():
            errs.append(f'{ln}: blank line'); continue
        try:
            o = json.loads(line)
        except Exception as e:
            errs.append(f'{ln}: bad JSON {e}'); continue
        n += 1
        if list(o.keys()) != FIELDS:
            errs.append(f'{ln}: fields/order {list(o.keys())}')
        i = o.get('id')
        if not isinstance(i, str) or not re.fullmatch(r'b7g-\d{4}', i):
            errs.append(f'{ln}: bad id {i!r}')
        if i in ids: errs.append(f'{ln}: duplicate id {i}')
        ids.add(i)
        for k in ('text', 'review', 'note'):
            if not isinstance(o.get(k), str) or not o.get(k).strip():
                errs.append(f'{ln}: {k} must be non-empty string')
        if o.get('text') in texts: errs.append(f'{ln}: duplicate text')
        texts.add(o.get('text'))
        ok, rule = o.get('ok'), o.get('rule')
        if not isinstance(ok, bool):
            errs.append(f'{ln}: ok must be bool')
        elif ok and rule is not None:
            errs.append(f'{ln}: ok=true but rule={rule!r}')
        elif not ok and rule not in RULES:
            errs.append(f'{ln}: ok=false needs rule in {sorted(RULES)}, got {rule!r}')
        if ok is True: no += 1
        if ok is False:
            nv += 1
            if rule in RULES: per_rule[rule] += 1
print(f'rows={n} violations={nv} innocent={no} per_rule={per_rule}')
if nv < 170: errs.append('fewer than 170 violations')
if no < 190: errs.append('fewer than 190 innocent')
for r, c in per_rule.items():
    if c < 30: errs.append(f'rule {r}: only {c} (<30)')
if errs:
    print('\n'.join(errs[:50])); print(f'FAIL ({len(errs)} errors)'); sys.exit(1)
print('OK')
