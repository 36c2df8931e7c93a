"""Reference reproduction of four papers on dissipative entanglement of spin qubits."""

__version__ = "0.1.0"
