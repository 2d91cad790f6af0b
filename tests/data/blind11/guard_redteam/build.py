import json, random, glob, re, opencc
cc=opencc.OpenCC('s2twp')
# a few simplified rows per file are rendered in Traditional script (text and review together)
CONVERT={'b01':[12],'b02':[12],'b03':[10,30],'b04':[10,30],'b05':[12,30],'b06':[12,30],
         'b07':[10,30],'b08':[10,30],'b09':[10,30],'b10':[10,30]}
rows=[]
for f in sorted(glob.glob('b[0-9][0-9]_*.py')):
    ns={}; exec(open(f).read(), ns)
    conv=CONVERT.get(f[:3],[])
    for k,(t,rv,rule,note) in enumerate(ns['ROWS']):
        if k in conv:
            assert re.search(r"[\u4e00-\u9fff]",t)
            t2,rv2=cc.convert(t),cc.convert(rv)
            assert t2!=t, (f,k)
            t,rv=t2,rv2
        rows.append((t,rv,rule,note,f))
random.Random(1107).shuffle(rows)
out=[]
for i,(t,rv,rule,note,f) in enumerate(rows,1):
    out.append({"id":f"b11g-{i:04d}","text":t,"review":rv,"ok":rule is None,"rule":rule,"note":note})
with open('set.jsonl','w',encoding='utf-8') as fh:
    for o in out: fh.write(json.dumps(o,ensure_ascii=False)+'\n')
