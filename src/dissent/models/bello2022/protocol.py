"""The cycle protocol of Bello et al. (2022), Table A1, and its homogeneous rate formulas.

One cycle: step 1 injects |up> with g1 tau1 = mu1, g2 tau2 = nu2; step 2 |down> with nu1, mu2;
then k steps |down> with (mu1 - nu1)/k in QD1 only and k steps |up> with (mu2 - nu2)/k in QD2
only. During the transport of steps 1 and 2 the electron passes the phase-flip channel
E_p[s] = (1 - p) s + p sz s sz. The dwell times mu_j, nu_j are the dimensionless products
g_j tau_j (absolute values, not ratios; rates below are per cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UP, DOWN = 0, 1  # spin of the injected electron


@dataclass(frozen=True)
class Protocol:
    """Dwell-time products of Table A1 (absolute, dimensionless g_j tau_j: not mu sqrt(N) or
    ratios), phase-flip probability p of the transport, k local steps."""

    mu1: float
    mu2: float
    nu1: float
    nu2: float
    p: float = 0.0
    k: int = 1

    @classmethod
    def ideal(cls, mu: float, nu: float, k: int = 1, p: float = 0.0) -> Protocol:
        """Table I: mu1 = mu2 = mu, nu1 = nu2 = nu."""
        return cls(float(mu), float(mu), float(nu), float(nu), float(p), int(k))

    def steps(self) -> list[tuple[int, float, float, float, int]]:
        """Distinct steps of one cycle: (injected spin, theta1, theta2, p, repetitions)."""
        k = int(self.k)
        return [
            (UP, self.mu1, self.nu2, self.p, 1),
            (DOWN, self.nu1, self.mu2, self.p, 1),
            (DOWN, (self.mu1 - self.nu1) / k, 0.0, 0.0, k),
            (UP, 0.0, (self.mu2 - self.nu2) / k, 0.0, k),
        ]

    def scaled(self, factor: float) -> Protocol:
        return Protocol(
            self.mu1 * factor,
            self.mu2 * factor,
            self.nu1 * factor,
            self.nu2 * factor,
            self.p,
            self.k,
        )


def coupling_constant(n_nuclei, spin=0.5):
    """c_j = sqrt(2 I N_j), so that A_j = J_j / c_j for homogeneous couplings."""
    return np.sqrt(2.0 * spin * np.asarray(n_nuclei, float))


def kappa_ideal(mu, nu):
    """kappa = (mu nu - nu^2)/4 of the main text: the decay rate per cycle of the ideal protocol
    (mu1 = mu2 = mu, nu1 = nu2 = nu, absolute dwell times, k = 1); T_ent = 1/(2 kappa) cycles."""
    return (np.asarray(mu) * nu - np.asarray(nu) ** 2) / 4
