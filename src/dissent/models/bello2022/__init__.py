"""Bello et al. (2022): nuclear spins in distant quantum dots entangled via an electron bus.

Homogeneous part: :mod:`.homogeneous` (exact cycle map, master equation, steady states),
:mod:`.hp` (Holstein-Primakoff), :mod:`.solvers` (figure solvers of the homogeneous figures).
Inhomogeneous part: :mod:`.inhomogeneous` (full Hilbert space), :mod:`.eom` (covariance
equations of motion, Figs. D1-D4), :mod:`.shell` (shell model, Figs. 4, E1, E2).
"""

REFERENCE = (  # the paper reproduced: the `references` attribute of its NetCDF files
    "Entangling nuclear spins in distant quantum dots via an electron bus (2022, with supplement; "
    "the text used here states neither authors nor venue)"
)
