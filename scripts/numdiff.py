# crm-metrics: the numerical second derivatives the reference scripts share (standard errors of a
# maximum-likelihood fit from the Hessian of the negative log-likelihood).
import numpy as np


def hessian(f, p, h=1e-5):
    """Central-difference Hessian of f at p, with steps h * p[i] (relative to each parameter)."""
    n = len(p)
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(di, dj):
                q = np.array(p, dtype=float)
                q[i] += di * h * p[i]
                q[j] += dj * h * p[j]
                return f(q)
            H[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * p[i] * h * p[j])
    return H
