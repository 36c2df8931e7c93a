"""Entanglement criteria of Bello et al. (2022), each computed here once.

Delta (Eq. 4, collective operators A_j = sum_i g_ij I_i) and Delta_EPR (Eq. 5, total spins J_j)
have the same form, the summed variances of the x and y quadratures over the two ensembles'
mean spin along z:

    [var(X1 + X2) + var(Y1 + Y2)] / (|<Z1>| + |<Z2>|),

with Z_j = J^z_j for Delta_EPR and Z_j = sum_i g_ij^2 I^z_i (the commutator [A^x_j, A^y_j]/i)
for Delta. Values below 1 certify entanglement. Moment dictionaries use the keys ``var_J``,
``Jz_1``, ``Jz_2`` (and ``var_A``, ``Az2_1``, ``Az2_2`` for Delta), whatever model made them:
Dicke-sector states, full-space states, covariance EoMs, the shell model. The closed forms of
the Holstein-Primakoff (HP) limit and of the two-mode squeezed state (TMS, Eq. 7) are here too.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def epr_ratio(variance_sum, z1, z2):
    """[var(X1 + X2) + var(Y1 + Y2)] / (|<Z1>| + |<Z2>|), the common form of Eqs. (4), (5)."""
    return variance_sum / (np.abs(z1) + np.abs(z2))


def delta_epr(moments: Mapping):
    """Delta_EPR, Eq. (5), from the moments ``var_J``, ``Jz_1``, ``Jz_2`` (linear in rho, so
    p-weighted sums of moments give the Delta_EPR of a mixture)."""
    return epr_ratio(moments["var_J"], moments["Jz_1"], moments["Jz_2"])


def delta(moments: Mapping):
    """Delta, Eq. (4), from the moments ``var_A``, ``Az2_1``, ``Az2_2``."""
    return epr_ratio(moments["var_A"], moments["Az2_1"], moments["Az2_2"])


def hp_variance_sum(J1, J2, n1, n2, c12):
    """var(Jx1 + Jx2) + var(Jy1 + Jy2) = J1 + J2 + 2 J1 n1 + 2 J2 n2 + 4 sqrt(J1 J2) c12 from HP
    boson moments n_j = <a_j^dag a_j>, c12 = <a1 a2> (real), (C14)."""
    J1, J2 = np.asarray(J1, float), np.asarray(J2, float)
    return J1 + J2 + 2 * J1 * n1 + 2 * J2 * n2 + 4 * np.sqrt(J1 * J2) * c12


def hp_delta_epr(J1, J2, n1, n2, c12, leading_order=False):
    """Delta_EPR from HP boson moments, (C14) over |<Jz_j>| = J_j - n_j.

    ``leading_order`` drops the boson numbers from the denominator (J1 + J2), the form of
    Eq. (11).
    """
    J1, J2 = np.asarray(J1, float), np.asarray(J2, float)
    z = J1 + J2 if leading_order else J1 + J2 - n1 - n2
    return hp_variance_sum(J1, J2, n1, n2, c12) / z


def tms_delta_epr(mu, nu):
    """Delta_EPR = (mu - nu)^2 / |mu^2 - nu^2| of |Psi_TMS>, Eq. (7) (independent of J)."""
    mu, nu = np.asarray(mu, float), np.asarray(nu, float)
    return (mu - nu) ** 2 / np.abs(mu**2 - nu**2)


def singlet_witness(moments: Mapping):
    """<W> = 1/4 + <I_1 . I_2> (B2) of two spin-1/2 nuclei (the sector J1 = J2 = 1/2) from the
    moments ``var_J``, ``Jz_1_sq``, ``Jz_2_sq``, ``Jz_1_Jz_2``: <J^2> = 3/2 + 2 <I_1 . I_2>."""
    jz_sq = moments["Jz_1_sq"] + moments["Jz_2_sq"] + 2 * moments["Jz_1_Jz_2"]
    return 0.25 + (moments["var_J"] + jz_sq - 1.5) / 2
