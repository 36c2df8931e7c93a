"""Inhomogeneous couplings of Bello et al. (2022) and the dissipator matrices of Eq. (3).

Spin-1/2 nuclei, couplings g_ij normalised to sum_i g_ij^2 = 1/(2I) = 1. Functions here take
*absolute* dwell-time parameters mu, nu (g tau of Table I, rates per cycle ~ mu^2); the solver
entry points convert from ``mu_sqrt_n1`` = mu sqrt(N1) and ``nu_over_mu`` = nu/mu.
"""

from __future__ import annotations

import numpy as np

from ...registry import ParameterError


def normalise(g) -> np.ndarray:
    """Couplings scaled to sum g^2 = 1 (spin-1/2: 1/(2I) = 1)."""
    g = np.abs(np.asarray(g, float))
    return g / np.sqrt(np.sum(g**2))


def jump_vectors(g1, g2, mu, nu, k):
    """Jump operators of Eq. (3) as coefficient vectors over the N1 + N2 sites.

    Returns (raising, lowering): lists of vectors u with L = sum_a u_a sigma^+_a (raising) or
    L = sum_a u_a sigma^-_a (lowering), Delta rho = sum_L D(L)[rho]. mu, nu absolute.
    """
    g1, g2 = np.asarray(g1, float), np.asarray(g2, float)
    z1, z2 = np.zeros_like(g1), np.zeros_like(g2)
    loc = abs(mu - nu) / (2.0 * np.sqrt(k))
    raising = [np.concatenate([mu * g1, nu * g2]) / 2.0, loc * np.concatenate([z1, g2])]
    lowering = [np.concatenate([nu * g1, mu * g2]) / 2.0, loc * np.concatenate([g1, z2])]
    return raising, lowering


def rate_matrices(g1, g2, mu, nu, k):
    """P = sum_raising u u^T and Q = sum_lowering v v^T (the generator only depends on these)."""
    raising, lowering = jump_vectors(g1, g2, mu, nu, k)
    P = sum(np.outer(u, u) for u in raising)
    Q = sum(np.outer(v, v) for v in lowering)
    return P, Q


def kappa_eta_from_rates(mu, nu, k=1):
    """kappa = (P_ii - Q_ii)/(2 g_i^2) and eta = (P_ii + Q_ii)/(2 g_i^2) of QD1 from the diagonal
    rates of Eq. (3) for any k: kappa = [mu^2 - nu^2 - (mu - nu)^2/k]/8,
    eta = [mu^2 + nu^2 + (mu - nu)^2/k]/8 (per cycle, mu, nu absolute). For k = 1 these are the
    supplement's kappa = (mu nu - nu^2)/4 and eta = mu^2/4 - kappa."""
    loc = (mu - nu) ** 2 / k
    return (mu**2 - nu**2 - loc) / 8.0, (mu**2 + nu**2 + loc) / 8.0


def spread_couplings(n: int, rel_std: float, reverse: bool = False) -> np.ndarray:
    """n distinct couplings 1 + rel_std * z_i, z evenly spaced with zero mean and unit (population)
    standard deviation, normalised to sum g^2 = 1: relative standard deviation exactly rel_std."""
    z = np.linspace(-1.0, 1.0, n)
    z = (z - z.mean()) / z.std()
    g = 1.0 + rel_std * z
    if np.any(g <= 0):
        raise ParameterError("rel_std", f"{rel_std} gives non-positive couplings for n = {n}")
    return normalise(g[::-1] if reverse else g)


def d4_couplings(n1, n2, rel_std1, rel_std2):
    """Fig. D4 couplings (not given in the paper): evenly spaced, relative std as stated,
    QD2 in reversed order (see :func:`spread_couplings`)."""
    return spread_couplings(int(n1), rel_std1), spread_couplings(int(n2), rel_std2, reverse=True)
