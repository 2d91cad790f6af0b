import json, re, sys, collections
ASP = set(re.findall(r'- ([a-z_]+\.[a-z_]+):', open('/work/blindwork11/brief/aspects.md').read()))
KEYS = ["id","text","rating","platform","script","language","setting","complaints"]
CK = ["category","aspect","span","keywords"]
ok = True; ids = set(); n = 0
def bad(*a):
    global ok; ok = False; print('ERR', *a)
for ln, line in enumerate(open('set.jsonl', encoding='utf-8'), 1):
    o = json.loads(line); n += 1
    if list(o) != KEYS: bad(ln, 'keys')
    if o['id'] in ids: bad(ln, 'dup id')
    ids.add(o['id'])
    if o['id'] != f"b11r-{ln:04d}": bad(ln, 'id seq')
    if o['rating'] not in (1,2,3,4,5): bad(ln, 'rating')
    if o['platform'] not in ('meituan','eleme','dianping','google'): bad(ln, 'platform')
    if o['script'] not in ('zh-Hans','zh-Hant','latin'): bad(ln, 'script')
    if o['language'] not in ('zh','yue','en'): bad(ln, 'language')
    if (o['script']=='latin') != (o['language']=='en'): bad(ln, 'script/lang')
    if o['setting'] not in ('delivery','dine_in'): bad(ln, 'setting')
    L = len(o['text'])
    if o['setting']=='dine_in' and not 80 <= L <= 400: bad(ln, 'len', L)
    if o['setting']=='delivery' and not 15 <= L <= 200: bad(ln, 'len', L)
    if not o['complaints']: bad(ln, 'no complaints')
    for c in o['complaints']:
        if list(c) != CK: bad(ln, 'ckeys')
        if c['aspect'] not in ASP: bad(ln, 'aspect', c['aspect'])
        if c['category'] != c['aspect'].split('.')[0]: bad(ln, 'category')
        if not c['span'] or c['span'] not in o['text']: bad(ln, 'span', c['span'])
        if not (2 <= len(c['keywords']) <= 3) or not all(isinstance(k,str) and k for k in c['keywords']): bad(ln, 'keywords')
    if len(set(c['span'] for c in o['complaints'])) != len(o['complaints']): bad(ln, 'dup span')
print('rows', n, 'OK' if ok else 'FAILED')
sys.exit(0 if ok else 1)
