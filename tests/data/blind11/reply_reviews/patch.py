import sys,re
p=sys.argv[1]; tails=[l.rstrip('\n') for l in open(sys.argv[2]) if l.strip()]
s=open(p).read().split('\n'); out=[]; ti=0
for line in s:
    m=re.match(r'R\("i",(.*?),(.*?),(.*?),(\d),"([^"]*)"',line)
    if m:
        t=m.group(5)
        if len(t)<80:
            tail=tails[ti]; ti+=1
            line=line.replace('"'+t+'"','"'+t+tail+'"',1)
    out.append(line)
open(p,'w').write('\n'.join(out)); print('used',ti,'of',len(tails))
