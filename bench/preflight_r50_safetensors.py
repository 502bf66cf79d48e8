"""A full-width torchvision ResNet-50 state dict as safetensors (random float32 data, 102 MB), for timing the
header-only checkpoint checks (BENCHMARKS.md, "Bad input"). No PyTorch needed: names and shapes are torchvision's.
Usage: python3 bench/preflight_r50_safetensors.py OUT.safetensors"""
import json, struct, sys
def resnet50(width=1.0):
    t = {}
    def conv(n, o, i, k): t[n + '.weight'] = [o, i, k, k]
    def bn(n, c):
        for p in ('weight', 'bias', 'running_mean', 'running_var'): t[f'{n}.{p}'] = [c]
        t[f'{n}.num_batches_tracked'] = []
    base = int(round(64 * width))
    conv('conv1', base, 3, 7); bn('bn1', base)
    inp = base
    for li, (blocks, planes) in enumerate(zip([3, 4, 6, 3], [base, base*2, base*4, base*8]), 1):
        for b in range(blocks):
            p = f'layer{li}.{b}'
            conv(p + '.conv1', planes, inp, 1); bn(p + '.bn1', planes)
            conv(p + '.conv2', planes, planes, 3); bn(p + '.bn2', planes)
            conv(p + '.conv3', planes * 4, planes, 1); bn(p + '.bn3', planes * 4)
            if b == 0:
                conv(p + '.downsample.0', planes * 4, inp, 1); bn(p + '.downsample.1', planes * 4)
            inp = planes * 4
    t['fc.weight'] = [1000, inp]; t['fc.bias'] = [1000]
    return t
t = resnet50()
header = {}; off = 0
for n, s in t.items():
    num = 1
    for d in s: num *= d
    dt = 'I64' if n.endswith('num_batches_tracked') else 'F32'
    size = num * (8 if dt == 'I64' else 4)
    header[n] = {'dtype': dt, 'shape': s, 'data_offsets': [off, off + size]}; off += size
j = json.dumps(header).encode()
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<Q', len(j))); f.write(j)
    # Real bytes (not a sparse file): random, so a compressed copy is as large as a real checkpoint.
    import os; chunk = os.urandom(1 << 20)
    left = off
    while left > 0:
        n = min(left, len(chunk)); f.write(chunk[:n]); left -= n
print(off)
