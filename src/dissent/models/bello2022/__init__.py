"""Bello, Platero, Cirac & González-Tudela... (2022): nuclear spins entangled via an electron bus.

Homogeneous part: :mod:`.homogeneous` (exact cycle map, master equation, steady states),
:mod:`.hp` (Holstein-Primakoff), :mod:`.solvers` (figure solvers of the homogeneous figures).
"""
