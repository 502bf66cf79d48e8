"""A COCO instances file of about N MB (50,000 images, polygon annotations, 80 categories), for timing the
streamed check of large instances files (BENCHMARKS.md, "Bad input"). Every image names a.jpg.
Usage: python3 bench/preflight_large_coco.py OUT.json SIZE_MB"""
import json, sys, random
random.seed(0)
target = int(sys.argv[2]) << 20
with open(sys.argv[1], 'w') as f:
    f.write('{"info": {"description": "generated"},\n"images": [\n')
    n_img = 50000
    for i in range(1, n_img + 1):
        f.write(json.dumps({"id": i, "width": 640, "height": 480, "file_name": "a.jpg"}) + (",\n" if i < n_img else "\n"))
    f.write('],\n"annotations": [\n')
    aid = 0; first = True
    while f.tell() < target:
        aid += 1
        x, y = random.uniform(0, 500), random.uniform(0, 400)
        poly = [round(v, 2) for k in range(16) for v in (x + random.uniform(0, 100), y + random.uniform(0, 60))]
        a = {"id": aid, "image_id": random.randint(1, n_img), "category_id": random.randint(1, 80), "segmentation": [poly],
             "area": round(random.uniform(10, 5000), 2), "bbox": [round(x, 2), round(y, 2), 100.0, 60.0], "iscrowd": 0}
        f.write(("" if first else ",\n") + json.dumps(a)); first = False
    f.write('\n],\n"categories": [' + ", ".join(json.dumps({"id": c, "name": f"c{c}", "supercategory": "s"}) for c in range(1, 81)) + ']\n}\n')
print(aid)
