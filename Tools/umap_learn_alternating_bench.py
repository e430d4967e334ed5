"""Alternating timing of umap-learn (parallel, JIT warmed) and `mbench embed ... umap`
on all 70 000 MNIST images, three rounds, so both see the same machine state.

    python3 Tools/umap_learn_alternating_bench.py [mnist directory] [mbench binary]
"""
import numpy as np, gzip, umap, time, warnings, subprocess, os, re
warnings.filterwarnings("ignore")
def idx(p):
    b=gzip.open(p).read()
    return np.frombuffer(b,np.uint8,offset=16).reshape(-1,784).astype(np.float32)/255.
import sys
d=(sys.argv[1] if len(sys.argv) > 1 else '../shared/datasets/mnist').rstrip('/') + '/'
mbench=sys.argv[2] if len(sys.argv) > 2 else '.build/release/mbench'
X=np.vstack([idx(d+'train-images-idx3-ubyte.gz'),idx(d+'t10k-images-idx3-ubyte.gz')])
umap.UMAP(n_jobs=-1).fit_transform(X[:5000])  # JIT warm-up incl. pynndescent
env=dict(os.environ, MBENCH_MIRROR=os.path.dirname(d.rstrip('/')), MBENCH_CACHE=os.environ.get('MBENCH_CACHE', 'Datasets/cache'))
for r in range(3):
    t=time.time(); umap.UMAP(n_jobs=-1).fit_transform(X); ul=time.time()-t
    out=subprocess.run([mbench,'embed','--dataset','mnist','--algorithm','umap','--seed','42','--out','/tmp/u.npy'],capture_output=True,text=True,env=env).stdout
    ours=float(re.search(r'in ([0-9.]+) s',out).group(1))
    print("round %d: umap-learn parallel %.1f s, ours %.2f s, ratio %.2f"%(r,ul,ours,ours/ul),flush=True)
