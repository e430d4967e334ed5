"""umap-learn reference for Experiments/transform-supervised.yaml: fit UMAP on the 60 000
Fashion-MNIST training images (unsupervised, then with the labels), place the
10 000 test images with transform, and classify each test point by its 10
nearest training points in the embedding (scikit-learn KNeighborsClassifier).

    python3 Tools/umap_learn_transform_fashion.py [fashion-mnist directory]
"""
import numpy as np, gzip, umap, warnings, time
from sklearn.neighbors import KNeighborsClassifier
warnings.filterwarnings("ignore")
def idx(p):
    b=gzip.open(p).read()
    if b[3]==3: return np.frombuffer(b,np.uint8,offset=16).reshape(-1,784).astype(np.float32)/255.
    return np.frombuffer(b,np.uint8,offset=8)
import sys
d=(sys.argv[1] if len(sys.argv) > 1 else '../shared/datasets/fashion-mnist').rstrip('/') + '/'
X=idx(d+'train-images-idx3-ubyte.gz');y=idx(d+'train-labels-idx1-ubyte.gz')
Xt=idx(d+'t10k-images-idx3-ubyte.gz');yt=idx(d+'t10k-labels-idx1-ubyte.gz')
for sup in (False,True):
  t=time.time()
  m=umap.UMAP(random_state=None).fit(X, y if sup else None)
  t1=time.time()
  Et=m.transform(Xt); t2=time.time()
  E=m.embedding_
  acc=KNeighborsClassifier(10).fit(E,y).score(Et,yt)
  print("supervised",sup,"fit %.1f s transform %.1f s test 10-NN acc %.4f"%(t1-t,t2-t1,acc), flush=True)
