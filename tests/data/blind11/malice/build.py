import json,glob
P={'M':'meituan','E':'eleme','D':'dianping','G':'google','Y':'yelp','T':'tripadvisor'}
S={'s':'simplified','t':'traditional','n':None}
L={'z':'zh','y':'yue','e':'en'}
SRC="own writing by helper b11mal (no external text)"
def rows(files,reason):
    out=[]
    for f in files:
        for line in open('src/'+f,encoding='utf-8'):
            line=line.rstrip('\n')
            if not line.strip(): continue
            p,r,s,l,e,t=line.split('|',5)
            out.append(dict(text=t,rating=None if r=='n' else int(r),platform=P[p],reason=reason,script=S[s],lang=L[l],
                text_evidence=(e=='1') and reason!='honest',reused_source=False,source=SRC))
    return out
mal=rows(['ext_s.txt','ext_t.txt','ext_y.txt','ext_e.txt'],'extortion')+rows(['thr_s.txt','thr_t.txt','thr_y.txt','thr_e.txt'],'threat')
hon=rows(['hon_s1.txt','hon_s2.txt','hon_s3.txt','hon_t.txt','hon_y.txt','hon_e.txt'],'honest')
def write(fn,rs,pre):
    with open(fn,'w',encoding='utf-8') as fh:
        for i,r in enumerate(rs,1):
            d={'id':f'{pre}{i:03d}'}; d.update(r)
            fh.write(json.dumps(d,ensure_ascii=False)+'\n')
write('malicious.jsonl',mal,'b11-m-'); write('honest.jsonl',hon,'b11-h-')
