#!/usr/bin/env python3
"""Derives the Winograd F(4x4, 5x5) matrices used by src/Dcgan.Kernels/Winograd.cs and checks them.

Toom-Cook at the points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity: with E_r the n x r evaluation matrix of polynomials of
r coefficients at those points (the row for infinity takes the leading coefficient) and V = E_n, the linear convolution
s = g * h is V^-1 [(E_5 g) . (E_4 h)]; its transpose is the correlation y = E_4^T [(E_5 g) . (V^-T d)], so
A^T = E_4^T, G = E_5 and B^T = V^-T. Rows of B^T are scaled to small integers, the scale moved into G (rows 5 and 6
then divided by 16, a power of two, to keep B^T's entries small). Needs sympy: /usr/bin/python3 tools/winograd_matrices.py
"""
from fractions import Fraction

import sympy

M, R = 4, 5
N = M + R - 1
POINTS = [Fraction(0), Fraction(1), Fraction(-1), Fraction(2), Fraction(-2), Fraction(1, 2), Fraction(-1, 2)]


def evaluation(columns):
    rows = [[sympy.Rational(p.numerator, p.denominator) ** k for k in range(columns)] for p in POINTS]
    rows.append([0] * (columns - 1) + [1])
    return sympy.Matrix(rows)


def main():
    g_matrix = evaluation(R)
    a_transposed = evaluation(M).T
    b_transposed = evaluation(N).inv().T
    for j in range(N):
        scale = sympy.ilcm(*[sympy.fraction(x)[1] for x in b_transposed.row(j)])
        if j in (5, 6):
            scale = scale / 16
        b_transposed[j, :] = b_transposed[j, :] * scale
        g_matrix[j, :] = g_matrix[j, :] / scale

    # Check the 1-D identity y_i = sum_k d_{i+k} g_k symbolically.
    d = sympy.symbols(f"d0:{N}")
    g = sympy.symbols(f"g0:{R}")
    transformed = (g_matrix * sympy.Matrix(g)).multiply_elementwise(b_transposed * sympy.Matrix(d))
    y = a_transposed * transformed
    for i in range(M):
        assert sympy.expand(y[i] - sum(d[i + k] * g[k] for k in range(R))) == 0, f"output {i} is wrong"

    print("A^T =", a_transposed.tolist())
    print("G =", g_matrix.tolist())
    print("B^T =", b_transposed.tolist())
    print("F(4, 5) identity holds")


if __name__ == "__main__":
    main()
