"""Holstein-Primakoff (HP) limit of the homogeneous protocol, supplement section C.

Bosons over |J1, J1>|J2, -J2>: A1+ -> sqrt(r1) a1, A2- -> sqrt(r2) a2 with r_j = J_j/(N_j I).
The bosonic master equation (C1) closes on moments; (C5)-(C9) are their equations of motion,
(C10)-(C13) the steady state, (C14) the variances, (C15)-(C16) the boson-number dynamics.
Every function broadcasts over NumPy arrays; mu, nu are absolute dwell times (g tau),
r_j = J_j/(N_j I). Delta_EPR from these moments: :func:`observables.hp_delta_epr`.
"""

from __future__ import annotations

import numpy as np

from .protocol import kappa_ideal


def _tilde(mu1, mu2, nu1, nu2, r1, r2):
    s1, s2 = np.sqrt(r1), np.sqrt(r2)
    return mu1 * s1, mu2 * s2, nu1 * s1, nu2 * s2


def kappa_j(mu_t, nu_t, k):
    """kappa_j of (C10) (negative for |nu| < |mu|: the decay rate of <a_j>)."""
    return (nu_t - mu_t) / 8.0 * (nu_t + mu_t + (nu_t - mu_t) / k)


def epsilon(mu1_t, mu2_t, nu1_t, nu2_t, p):
    """epsilon of (C10)."""
    return (1 - 2 * p) * (mu1_t * nu2_t - mu2_t * nu1_t) / 4.0


def _ratio(num, den):
    num, den = np.broadcast_arrays(np.asarray(num, float), np.asarray(den, float))
    return np.divide(num, den, out=np.zeros(num.shape), where=den != 0)


def steady_moments(mu1, mu2, nu1, nu2, r1, r2, p=0.0, k=1):
    """Closed forms (C11)-(C13): <a1+ a1>, <a2+ a2>, <a1 a2> (real) in the steady state.

    A sector with r_j = 0 (J_j = 0) has no boson j; its number is returned as 0.
    """
    m1, m2, n1, n2 = _tilde(mu1, mu2, nu1, nu2, r1, r2)
    k1, k2 = kappa_j(m1, n1, k), kappa_j(m2, n2, k)
    eps = epsilon(m1, m2, n1, n2, p)
    b1 = -1.0 - _ratio(m1**2, 8 * k1)
    c12 = _ratio(-eps * b1 + (1 - 2 * p) * m2 * n1 / 4.0, k1 + k2)
    b2 = -1.0 - _ratio(m2**2, 8 * k2) - _ratio(eps * c12, k2)
    b1 = np.where(np.asarray(r1) > 0, b1, 0.0)
    b2 = np.where(np.asarray(r2) > 0, b2, 0.0)
    return {"n1": b1, "n2": b2, "c12": c12, "kappa1": k1, "kappa2": k2, "epsilon": eps}


def moment_system(mu1, mu2, nu1, nu2, r1, r2, p=0.0, k=1):
    """Steady state of the linear system (C5)-(C9) for all first and second moments.

    Unknowns (complex): <a1>, <a2>, <a1^2>, <a2^2>, <a1+a1>, <a2+a2>, <a1 a2>, <a1+ a2> and
    their adjoints; Delta <X+> = (Delta <X>)^*. Solved numerically (scalar parameters); the
    closed forms (C11)-(C13) must agree with it.
    """
    m1, m2, n1, n2 = _tilde(mu1, mu2, nu1, nu2, r1, r2)
    k1, k2 = kappa_j(m1, n1, k), kappa_j(m2, n2, k)
    eps = epsilon(m1, m2, n1, n2, p)
    names = ["a1", "a2", "a1a1", "a2a2", "n1", "n2", "a1a2", "a1da2"]
    names = names + [f"{x}*" for x in names]
    idx = {x: i for i, x in enumerate(names)}
    A = np.zeros((16, 16), complex)
    b = np.zeros(16, complex)

    def eq(x, coeffs, const=0.0):
        A[idx[x], [idx[y] for y in coeffs]] += list(coeffs.values())
        b[idx[x]] += const
        # the adjoint equation
        conj = {(y[:-1] if y.endswith("*") else y + "*"): np.conj(c) for y, c in coeffs.items()}
        xs = x[:-1] if x.endswith("*") else x + "*"
        A[idx[xs], [idx[y] for y in conj]] += list(conj.values())
        b[idx[xs]] += np.conj(const)

    eq("a1", {"a1": k1})  # (C5), <a1^dag> = a1*
    eq("a2", {"a2": k2, "a1*": eps})
    eq("a1a1", {"a1a1": 2 * k1})  # (C6)
    eq("a2a2", {"a2a2": 2 * k2, "a1da2": 2 * eps})
    # (C7): <n_j> real; its "adjoint" row duplicates it, so write it for n and n* halves
    A[idx["n1"], idx["n1"]] += 2 * k1
    b[idx["n1"]] += 2 * k1 + m1**2 / 4
    A[idx["n2"], idx["n2"]] += 2 * k2
    A[idx["n2"], idx["a1a2*"]] += eps
    A[idx["n2"], idx["a1a2"]] += eps
    b[idx["n2"]] += 2 * k2 + m2**2 / 4
    A[idx["n1*"], idx["n1*"]] = 1.0
    A[idx["n1*"], idx["n1"]] = -1.0
    A[idx["n2*"], idx["n2*"]] = 1.0
    A[idx["n2*"], idx["n2"]] = -1.0
    eq("a1a2", {"a1a2": k1 + k2, "n1": eps}, -(1 - 2 * p) * m2 * n1 / 4)  # (C8)
    eq("a1da2", {"a1da2": k1 + k2, "a1a1*": eps})  # (C9): <a1+ a1+> = (a1a1)*
    x = np.linalg.solve(A, -b)
    return {name: x[i] for name, i in idx.items()}


def eq11(mu, nu, J1, J2, r1, r2):
    """Eq. (11): Delta_EPR^HP = mu^2/(4 kappa) - 1 - sqrt(J1 J2)/(J1+J2) sqrt(r1 r2)/(r1+r2)
    mu nu/kappa, kappa = (mu nu - nu^2)/4 (ideal protocol, k = 1)."""
    mu, nu = np.asarray(mu, float), np.asarray(nu, float)
    J1, J2, r1, r2 = (np.asarray(x, float) for x in (J1, J2, r1, r2))
    kappa = (mu * nu - nu**2) / 4
    return (
        mu**2 / (4 * kappa)
        - 1
        - np.sqrt(J1 * J2) / (J1 + J2) * np.sqrt(r1 * r2) / (r1 + r2) * mu * nu / kappa
    )


def boson_number(n, n0, mu, nu, r=1.0):
    """(C15): <a_j^dag a_j> after n cycles of the ideal protocol from <a_j^dag a_j>_0 = n0."""
    kap = kappa_ideal(mu, nu)
    eta = np.asarray(mu) ** 2 / 4 - kap
    shift = (kap - eta) / (2 * kap)
    return (1 - 2 * kap * r) ** np.asarray(n, float) * (n0 + shift) - shift


def stabilization_time(mu, nu, r=1.0, approximate=False):
    """(C16): T = -1/log(1 - 2 kappa r) (approximately 1/(2 kappa r)) in cycles."""
    x = 2 * kappa_ideal(mu, nu) * r
    return 1.0 / x if approximate else -1.0 / np.log1p(-x)


def valid(J, n) -> bool:
    """HP (linear in the bosons) needs few bosons on the 2J+1 ladder: n <= J/2 (J > 0)."""
    return bool(J > 0 and n <= J / 2)
