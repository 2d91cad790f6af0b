"""Assemble set.jsonl from hand-written parts (each item typed individually; no templates)."""
import glob, json, random, collections
rows = []
for f in sorted(glob.glob('parts/p*.py')):
    ns = {}; exec(open(f, encoding='utf-8').read(), ns)
    for lang, text, review, note in ns['ITEMS']:
        rows.append(dict(text=text, review=review, ok=False, rule=ns['R'], note=note, _lang=lang, _trap=None))
for f in sorted(glob.glob('parts/o*.py')):
    ns = {}; exec(open(f, encoding='utf-8').read(), ns)
    for lang, trap, text, review, note in ns['ITEMS']:
        rows.append(dict(text=text, review=review, ok=True, rule=None, note=note, _lang=lang, _trap=trap))
ns = {}; exec(open('parts/x_extra.py', encoding='utf-8').read(), ns)
for it in ns['ITEMS']:
    if it[0] is None:
        _, lang, trap, text, review, note = it
        rows.append(dict(text=text, review=review, ok=True, rule=None, note=note, _lang=lang, _trap=trap))
    else:
        rule, lang, text, review, note = it
        rows.append(dict(text=text, review=review, ok=False, rule=rule, note=note, _lang=lang, _trap=None))
texts = collections.Counter(r['text'] for r in rows)
dups = [t for t, c in texts.items() if c > 1]
assert not dups, dups
random.Random(20261207).shuffle(rows)
with open('set.jsonl', 'w', encoding='utf-8') as fo:
    for i, r in enumerate(rows, 1):
        out = {'id': f'b7g-{i:04d}', 'text': r['text'], 'review': r['review'], 'ok': r['ok'], 'rule': r['rule'], 'note': r['note']}
        fo.write(json.dumps(out, ensure_ascii=False) + '\n')
L = {'s': 'Simplified', 'm': 'Simplified+obfuscation (pinyin/spacing/symbols/numerals)', 't': 'Traditional', 'y': 'Cantonese', 'e': 'English'}
stats = {
  'total': len(rows),
  'by_rule': dict(collections.Counter(str(r['rule']) for r in rows)),
  'by_lang': dict(collections.Counter(L[r['_lang']] for r in rows)),
  'by_lang_viol': dict(collections.Counter(L[r['_lang']] for r in rows if not r['ok'])),
  'by_lang_ok': dict(collections.Counter(L[r['_lang']] for r in rows if r['ok'])),
  'ok_by_trap': dict(collections.Counter(r['_trap'] for r in rows if r['ok'])),
}
json.dump(stats, open('stats.json', 'w'), ensure_ascii=False, indent=1)
print(json.dumps(stats, ensure_ascii=False, indent=1))
