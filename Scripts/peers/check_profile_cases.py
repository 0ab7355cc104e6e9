"""Re-derive the expected codes of Tests/OctetTests/CompatibilityProfileTests.swift from the libraries.

    PYTHONPATH=<dir with torch> /tmp/octet-peers-venv/bin/python Scripts/peers/check_profile_cases.py

Runs every case of the test's tables through torch (Tensor.to) and ml_dtypes (astype) from binary32
and prints each code that differs from the table; exit status 1 if any does."""
import os, re, sys, struct
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(HERE, "..", "..", "Tests", "OctetTests", "CompatibilityProfileTests.swift")).read()
def val(t):
    if t.startswith('f32:'): return struct.unpack('<f', bytes.fromhex(t[4:])[::-1])[0]
    return float(t)
bad=0
import torch, ml_dtypes
for prof, fmt, body in re.findall(r'add\("(\w+)", "(\w+)", \[(.*?)\]\)\n', src, re.S):
    pairs=re.findall(r'\("([^"]*)", (\d+)\)', body)
    xs=np.array([val(p[0]) for p in pairs], dtype=np.float32)
    if prof=='torch':
        got=torch.from_numpy(xs).to(getattr(torch,fmt)).view(torch.uint8).tolist()
    else:
        got=[int(v) for v in xs.astype(getattr(ml_dtypes,fmt)).view(np.uint8)]
    for (t,c),g in zip(pairs,got):
        if int(c)!=g: print('MISMATCH',prof,fmt,t,c,g); bad+=1
# ints
m=re.search(r'let ints: .*?= \[(.*?)\]\n', src, re.S)
rows=re.findall(r'\("([^"]*)", (\d+), (\d+), (\d+)\)', m.group(1))
xs=np.array([val(r[0]) for r in rows],dtype=np.float32)
for k,fmt in ((1,'int4'),(2,'uint4'),(3,'int2')):
    got=[int(v) for v in xs.astype(getattr(ml_dtypes,fmt)).view(np.uint8)]
    for r,g in zip(rows,got):
        if int(r[k])!=g: print('MISMATCH ml_dtypes',fmt,r[0],r[k],g); bad+=1
print('checked, mismatches:', bad, '| torch', torch.__version__, '| ml_dtypes', ml_dtypes.__version__)
sys.exit(1 if bad else 0)
