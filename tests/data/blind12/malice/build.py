import json
P={'mt':'meituan','el':'eleme','dp':'dianping','gg':'google','yp':'yelp','ta':'tripadvisor'}
L={'s':('simplified','zh'),'t':('traditional','zh'),'y':('traditional','yue'),'e':(None,'en')}
R={'E':'extortion','T':'threat','H':'honest'}
OWN="own writing by helper b12mal (no external text)"
CASE="https://ycpai.ycwb.com/ycppad/content/2020-11/23/content_1303948.html"
def rows(files,prefix):
    out=[]
    for f in files:
        for line in open(f,encoding='utf-8'):
            line=line.rstrip('\n')
            if not line.strip(): continue
            code,rt,pf,lg,text=line.split('|',4)
            reason=R[code[0]]; ev=(code[0]!='H') and not code.endswith('0')
            sc,la=L[lg]
            reused = code=='E0'
            src = CASE if reused else OWN
            out.append(dict(id=None,text=text.strip(),rating=None if rt=='n' else int(rt),platform=P[pf],reason=reason,
                script=sc,lang=la,text_evidence=ev,reused_source=reused,source=src))
    for i,r in enumerate(out,1): r['id']=f"{prefix}{i:03d}"
    return out
m=rows(['m_raw.txt','t_raw.txt'],'b12-m-'); h=rows(['h_raw.txt'],'b12-h-')
for name,rs in (('malicious.jsonl',m),('honest.jsonl',h)):
    with open(name,'w',encoding='utf-8') as fo:
        for r in rs: fo.write(json.dumps(r,ensure_ascii=False)+'\n')
