import json,collections,sys
KEYS=["id","text","rating","platform","reason","script","lang","text_evidence","reused_source","source"]
used=set(l.strip().rstrip(':;') for l in open('/work/blindwork12/brief/used_sources.txt',encoding='utf-8') if l.strip())
err=0; seen=set()
for fn,allowed in (('malicious.jsonl',{'extortion','threat'}),('honest.jsonl',{'honest'})):
    c=collections.Counter()
    for n,l in enumerate(open(fn,encoding='utf-8'),1):
        r=json.loads(l)
        def bad(m):
            global err; err+=1; print(fn,n,m)
        if list(r)!=KEYS: bad('keys')
        if r['reason'] not in allowed: bad('reason')
        if r['rating'] is not None and r['rating'] not in range(1,6): bad('rating')
        if r['platform'] not in 'meituan eleme dianping google yelp tripadvisor'.split(): bad('platform')
        if (r['script'],r['lang']) not in {('simplified','zh'),('traditional','zh'),('traditional','yue'),(None,'en')}: bad('script/lang')
        if r['reason']=='honest' and (r['text_evidence'] or r['reused_source'] or 'b12mal' not in r['source']): bad('honest flags')
        if r['reused_source'] != (r['source'] in used): bad('reused mismatch')
        if r['text'] in seen: bad('dup text')
        seen.add(r['text'])
        c[(r['reason'],)]+=1; c[('script',r['script'],r['lang'])]+=1; c[('rating',r['rating'])]+=1; c[('ev',r['text_evidence'])]+=1; c[('plat',r['platform'])]+=1
        c[('rr',r['reason'],r['lang'],r['script'])]+=1
    print(fn); [print('  ',k,v) for k,v in sorted(c.items(),key=str)]
print('errors',err)
