#!/usr/bin/env python3
"""Derives the Winograd F(4, 5) and F(7, 3) matrices used by src/Dcgan.Kernels/Winograd.cs and checks them.

Toom-Cook at n - 1 finite points and infinity (n = m + r - 1): with E_k the n x k evaluation matrix of polynomials of k
coefficients at those points (the row for infinity takes the leading coefficient) and V = E_n, the linear convolution
s = g * h is V^-1 [(E_r g) . (E_m h)]; its transpose is the correlation y = E_m^T [(E_r g) . (V^-T d)], so A^T = E_m^T,
G = E_r and B^T = V^-T.

F(4, 5): the points 0, 1, -1, 2, -2, 1/2, -1/2; rows of B^T are scaled to small integers, the scale moved into G (rows 5
and 6 then divided by 16, a power of two, to keep B^T's entries small).

F(7, 3): the points 1, -1, 2, -2, 1/2, -1/2, 3/4, -3/4, unscaled. Every finite point comes with its negative, so the rows
of G and B^T pair up (odd powers change sign) and the kernels compute each pair as E +- O. Of the symmetric sets tried
(3/4, 1/4, 2/3, 3/2 or 3 as the fourth pair), this one rounds least in float32, about 3e-5 of the output's scale in one
direction, against 1e-5 for F(4, 3) and F(4, 5).

Exact rational arithmetic only (the standard library): python3 tools/winograd_matrices.py
"""
import math
from fractions import Fraction


def evaluation(points, columns):
    rows = [[p ** k for k in range(columns)] for p in points]
    rows.append([Fraction(0)] * (columns - 1) + [Fraction(1)])
    return rows


def inverse(matrix):
    n = len(matrix)
    rows = [row[:] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(matrix)]
    for c in range(n):
        pivot = next(r for r in range(c, n) if rows[r][c] != 0)
        rows[c], rows[pivot] = rows[pivot], rows[c]
        rows[c] = [x / rows[c][c] for x in rows[c]]
        for r in range(n):
            if r != c and rows[r][c] != 0:
                f = rows[r][c]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[c])]
    return [row[n:] for row in rows]


def derive(m, r, points, scale_rows):
    n = m + r - 1
    g_matrix = evaluation(points, r)
    a_transposed = [list(col) for col in zip(*evaluation(points, m))]
    v_inverse = inverse(evaluation(points, n))
    b_transposed = [[v_inverse[k][j] for k in range(n)] for j in range(n)]
    if scale_rows:
        for j in range(n):
            scale = Fraction(math.lcm(*(x.denominator for x in b_transposed[j])))
            if (m, r, j) in ((4, 5, 5), (4, 5, 6)):
                scale /= 16
            b_transposed[j] = [x * scale for x in b_transposed[j]]
            g_matrix[j] = [x / scale for x in g_matrix[j]]
    return a_transposed, g_matrix, b_transposed


def check(m, r, a_transposed, g_matrix, b_transposed):
    """The 1-D identity y_i = sum_k d_{i+k} g_k on unit vectors: every (d_j, g_k) pair's coefficient in every y_i."""
    n = m + r - 1
    for j in range(n):
        for k in range(r):
            transformed = [g_matrix[p][k] * b_transposed[p][j] for p in range(n)]
            for i in range(m):
                got = sum(a_transposed[i][p] * transformed[p] for p in range(n))
                assert got == (1 if j == i + k else 0), f"F({m}, {r}): output {i}, input {j}, tap {k} is {got}"


def show(name, matrix):
    print(f"{name} =")
    for row in matrix:
        print("  [" + ", ".join(str(x) for x in row) + "]")


def main():
    half = Fraction(1, 2)
    cases = [
        (4, 5, [Fraction(0), Fraction(1), Fraction(-1), Fraction(2), Fraction(-2), half, -half], True),
        (7, 3, [Fraction(1), Fraction(-1), Fraction(2), Fraction(-2), half, -half, Fraction(3, 4), Fraction(-3, 4)], False),
    ]
    for m, r, points, scale_rows in cases:
        a_transposed, g_matrix, b_transposed = derive(m, r, points, scale_rows)
        check(m, r, a_transposed, g_matrix, b_transposed)
        print(f"F({m}, {r}) at {', '.join(str(p) for p in points)} and infinity:")
        show("A^T", a_transposed)
        show("G", g_matrix)
        show("B^T", b_transposed)
        print(f"F({m}, {r}) identity holds\n")


if __name__ == "__main__":
    main()
