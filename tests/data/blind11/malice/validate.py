import json,collections
K=["id","text","rating","platform","reason","script","lang","text_evidence","reused_source","source"]
ids=set();texts=set()
for fn,reasons in [('malicious.jsonl',{'extortion','threat'}),('honest.jsonl',{'honest'})]:
    c=collections.Counter();n=0;lens=[]
    for line in open(fn,encoding='utf-8'):
        d=json.loads(line); n+=1
        assert list(d)==K,d['id']
        assert d['id'] not in ids; ids.add(d['id'])
        assert d['text'] not in texts; texts.add(d['text'])
        assert d['rating'] is None or d['rating'] in range(1,6)
        assert d['platform'] in {'meituan','eleme','dianping','google','yelp','tripadvisor'}
        assert d['reason'] in reasons
        assert d['script'] in {'simplified','traditional',None}
        assert d['lang'] in {'zh','yue','en'}
        assert (d['script'] is None)==(d['lang']=='en')
        assert isinstance(d['text_evidence'],bool) and isinstance(d['reused_source'],bool)
        if d['reason']=='honest': assert d['text_evidence'] is False and d['reused_source'] is False
        assert 10<=len(d['text'])<=300,(d['id'],len(d['text']))
        lens.append(len(d['text']))
        c[(d['reason'],d['script'],d['lang'])]+=1
        c['te_'+d['reason']+'_'+str(d['text_evidence'])]+=1
        c['plat_'+d['platform']]+=1
        c['rating_'+str(d['rating'])]+=1
    print(fn,n,min(lens),max(lens));[print(' ',k,v) for k,v in sorted(c.items(),key=str)]
