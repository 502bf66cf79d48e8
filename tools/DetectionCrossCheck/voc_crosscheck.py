# Reference cross-check only (never run by tests): writes a random VOCdevkit (difficult objects,
# jittered/duplicate/wrong-class detections, background false positives) under ./devkit and prints
# per-class AP/AP50/AP75 from detectron2's voc_eval (VOC2007 11-point, then area AP).
# voceval.py = the voc_eval part of detectron2/evaluation/pascal_voc_evaluation.py with np.bool → bool
# and PathManager.open → open. Usage: VOCEVAL=/dir/with/voceval.py python3 voc_crosscheck.py SEED
import random, os, sys, shutil
sys.path.insert(0, os.environ.get('VOCEVAL', '.'))
from voceval import voc_eval
random.seed(int(sys.argv[1]))
root = os.path.abspath('devkit'); shutil.rmtree(root, ignore_errors=True)
ann = f'{root}/VOC2007/Annotations'; os.makedirs(ann); os.makedirs(f'{root}/VOC2007/ImageSets/Main'); os.makedirs(f'{root}/res')
classes = ['cat', 'dog', 'bird']
ids = [f'{i:06d}' for i in range(1, 13)]
dets = {c: [] for c in classes}
for iid in ids:
    objs = ''
    for _ in range(random.randint(0, 5)):
        c = random.choice(classes); x1 = random.randint(1, 300); y1 = random.randint(1, 200)
        x2 = x1 + random.randint(5, 150); y2 = y1 + random.randint(5, 150); d = int(random.random() < 0.2)
        objs += f'<object><name>{c}</name><pose>Left</pose><truncated>0</truncated><difficult>{d}</difficult><bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>'
        for _ in range(random.randint(0, 3)):
            j = lambda v: round(v + random.gauss(0, 4), 1)
            dets[c if random.random() < 0.9 else random.choice(classes)].append(f'{iid} {random.random():.3f} {j(x1)} {j(y1)} {j(x2)} {j(y2)}')
    for _ in range(random.randint(0, 2)):
        x1 = random.randint(1, 300); y1 = random.randint(1, 200)
        dets[random.choice(classes)].append(f'{iid} {random.random():.3f} {x1}.0 {y1}.0 {x1+40}.0 {y1+30}.0')
    open(f'{ann}/{iid}.xml', 'w').write(f'<annotation><filename>{iid}.jpg</filename><size><width>500</width><height>375</height><depth>3</depth></size>{objs}</annotation>')
open(f'{root}/VOC2007/ImageSets/Main/test.txt', 'w').write('\n'.join(ids) + '\n')
for c in classes: open(f'{root}/res/comp4_det_test_{c}.txt', 'w').write('\n'.join(dets[c]))
import numpy as np
for use07 in (True, False):
    aps = {}
    for t in range(50, 100, 5):
        aps[t] = [voc_eval(f'{root}/res/comp4_det_test_{{}}.txt', f'{ann}/{{}}.xml', f'{root}/VOC2007/ImageSets/Main/test.txt', c, t / 100.0, use07)[2] * 100 for c in classes]
    m = {t: np.mean(v) for t, v in aps.items()}
    print('07' if use07 else 'area', ' '.join(f'{c}:{np.mean([aps[t][i] for t in aps]):.2f}/{aps[50][i]:.2f}/{aps[75][i]:.2f}' for i, c in enumerate(classes)), f'mean {np.mean(list(m.values())):.2f}/{m[50]:.2f}/{m[75]:.2f}')
