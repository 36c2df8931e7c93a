"""Bello et al. (2022): nuclear spin ensembles in distant quantum dots entangled via an electron bus.

Homogeneous part: :mod:`.homogeneous` (exact cycle map, master equation, steady states),
:mod:`.hp` (Holstein-Primakoff), :mod:`.solvers` (figure solvers of the homogeneous figures).
"""
