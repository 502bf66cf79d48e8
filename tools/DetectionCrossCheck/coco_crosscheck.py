# Reference cross-check only (never run by tests): writes gt.json / res.json (polygons, uncompressed-RLE
# crowds, compressed-RLE results, boxes of all sizes, duplicates, wrong classes, background false
# positives) and prints pycocotools' 12 numbers for bbox and segm at 12 decimals.
# Usage: PYCOCO=/path/to/cocoapi/PythonAPI python3 coco_crosscheck.py SEED
import json, os, random, sys
sys.path.insert(0, os.environ.get('PYCOCO', '.'))
import numpy as np
np.float = float  # the cocoapi snapshot still uses np.float, gone from numpy 1.24
import pycocotools.mask as M
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
W, H = 120, 90
images = [{"id": i, "width": W, "height": H, "file_name": f"{i}.jpg"} for i in range(1, 9)]
cats = [{"id": c, "name": f"c{c}"} for c in (1, 2, 5)]
anns = []; res = []
aid = 1
def poly(x, y, w, h):
    # random convex-ish polygon inside the box
    pts = []
    for k in range(random.randint(3, 7)):
        a = 2 * np.pi * k / 7 + random.random() * 0.5
        pts += [round(x + w / 2 + w / 2 * np.cos(a) * random.uniform(0.5, 1), 2), round(y + h / 2 + h / 2 * np.sin(a) * random.uniform(0.5, 1), 2)]
    return pts
for img in images:
    for _ in range(random.randint(0, 6)):
        c = random.choice(cats)["id"]
        w = random.uniform(3, 60); h = random.uniform(3, 60)
        x = random.uniform(0, W - w); y = random.uniform(0, H - h)
        crowd = 1 if random.random() < 0.15 else 0
        p = poly(x, y, w, h)
        rle = M.merge(M.frPyObjects([p], H, W))
        bb = [float(v) for v in M.toBbox(rle)]
        if crowd:
            r = M.frPyObjects([p], H, W)[0]
            dec = M.decode(r)
            # uncompressed counts for crowd
            flat = dec.flatten(order='F'); counts = []; prev = 0; run = 0
            for v in flat:
                if v != prev: counts.append(run); run = 0; prev = v
                run += 1
            counts.append(run)
            seg = {"size": [H, W], "counts": counts}
        else:
            seg = [p]
        area = float(M.area(rle))
        anns.append({"id": aid, "image_id": img["id"], "category_id": c, "bbox": bb, "area": area, "iscrowd": crowd, "segmentation": seg}); aid += 1
        # detections: jittered copies, sometimes duplicates
        for _ in range(random.randint(0, 3)):
            j = lambda v, s: v + random.gauss(0, s)
            dp = [j(v, 0.7) for v in p]
            r = M.merge(M.frPyObjects([dp], H, W))
            r['counts'] = r['counts'].decode()
            res.append({"image_id": img["id"], "category_id": c if random.random() < 0.85 else random.choice(cats)["id"],
                        "bbox": [j(bb[0], 1), j(bb[1], 1), max(1, j(bb[2], 1.5)), max(1, j(bb[3], 1.5))],
                        "score": round(random.random(), 3), "segmentation": r})
    for _ in range(random.randint(0, 3)):
        x = random.uniform(0, W - 20); y = random.uniform(0, H - 20)
        r = M.merge(M.frPyObjects([[x, y, x + 15, y, x + 15, y + 12, x, y + 12]], H, W)); r['counts'] = r['counts'].decode()
        res.append({"image_id": img["id"], "category_id": random.choice(cats)["id"], "bbox": [x, y, 15, 12], "score": round(random.random(), 3), "segmentation": r})
json.dump({"images": images, "categories": cats, "annotations": anns}, open("gt.json", "w"))
json.dump(res, open("res.json", "w"))
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
import io, contextlib
gt = COCO("gt.json")
for t in ("bbox", "segm"):
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes("res.json")
        E = COCOeval(gt, dt, t); E.evaluate(); E.accumulate(); E.summarize()
    print(t, " ".join(f"{v:.12f}" for v in E.stats))
