# Session 60: the error of Winograd in fp16 storage against the exact convolution of the same fp16
# inputs, by simulation (numpy, on the CPU): a 24 x 24 x 320 -> 320 map through SiLU, weights of
# variance 1 / (9 ci); V, U and M rounded to fp16 as the cuda backend stores them (or not: which
# rounding costs what), the GEMM exact (fp32 accumulation), the output rounded. Prints the RMS error
# over the RMS output for the direct convolution (its output rounding only), F(2x2, 3x3) and
# F(4x4, 3x3) at several sets of points (the matrices by Toom-Cook: A^T and G from the points,
# B^T solved for from the bilinear identity); and F(2x2, 3x3) with its input transform in half
# arithmetic (B^T d rounded as well).
# Run: python3 bench/results/2026-12-04-s60-winograd-f4-error.py (output: the .log beside it)
import itertools
import numpy as np

rng = np.random.default_rng(0)
h = w = 24; ci = co = 320
x = rng.standard_normal((h, w, ci)); x = x / (1 + np.exp(-x))
g = rng.standard_normal((co, 3, 3, ci)) / np.sqrt(9 * ci)
f16 = lambda a: a.astype(np.float16).astype(np.float64)
xh, gh = f16(x), f16(g)
xp = np.pad(xh, ((1, 1), (1, 1), (0, 0)))
ref = sum(xp[dy:dy + h, dx:dx + w, :] @ gh[:, dy, dx, :].T for dy in range(3) for dx in range(3))
rel = lambda a: float(np.sqrt(np.mean((a - ref) ** 2) / np.mean(ref ** 2)))

def matrices(points, m, r=3):
    n = m + r - 1
    AT, G = np.zeros((m, n)), np.zeros((n, r))
    for j, a in enumerate(points):
        f = np.prod([a - b for b in points if b != a])
        AT[:, j] = [a ** i for i in range(m)]
        G[j] = [a ** k / f for k in range(r)]
    AT[m - 1, n - 1] = 1; G[n - 1, r - 1] = 1
    eqs, rhs = [], []
    for i, k, j in itertools.product(range(m), range(r), range(n)):
        row = np.zeros((n, n)); row[:, j] = AT[i] * G[:, k]
        eqs.append(row.ravel()); rhs.append(float(j == i + k))
    BT = np.linalg.lstsq(np.array(eqs), np.array(rhs), rcond=None)[0].reshape(n, n)
    return BT, G, AT

def winograd(m, BT, G, AT, rv=True, ru=True, rm=True, half_transform=False):
    a, out = m + 2, np.zeros((h, w, co))
    U = np.einsum('ij,ojkc,lk->oilc', G, gh, G); U = f16(U) if ru else U
    for ty in range(h // m):
        for tx in range(w // m):
            d = xp[ty * m:ty * m + a, tx * m:tx * m + a]
            if half_transform:  # B^T d rounded too, as a transform in half2 arithmetic does (one add an entry for F(2x2, 3x3))
                d = f16(np.einsum('ij,jkc->ikc', BT, d)); V = np.einsum('ikc,lk->ilc', d, BT)
            else:
                V = np.einsum('ij,jkc,lk->ilc', BT, d, BT)
            V = f16(V) if rv else V
            M = np.einsum('ilc,oilc->ilo', V, U); M = f16(M) if rm else M
            out[ty * m:ty * m + m, tx * m:tx * m + m] = np.einsum('ij,jko,lk->ilo', AT, M, AT)
    return f16(out)

print('direct, output rounded', round(rel(f16(ref)), 5))
for points, m in [((0, 1, -1), 2), ((0, 1, -1, 2, -2), 4), ((0, 1, -1, .5, -.5), 4), ((0, 1, -1, .5, -2), 4)]:
    mats = matrices(points, m)
    print(f'F({m}x{m}, 3x3) points {points} + inf:', round(rel(winograd(m, *mats)), 5),
          '; rounding only V, U, M:', [round(rel(winograd(m, *mats, *(i == j for j in range(3)))), 5) for i in range(3)])
print('F(2x2, 3x3), the input transform in half:', round(rel(winograd(2, *matrices((0, 1, -1), 2), half_transform=True)), 5))
