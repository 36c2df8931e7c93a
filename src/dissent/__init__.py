"""Reference reproduction of four papers on dissipative entanglement of spin qubits."""

from importlib import metadata as _metadata

try:  # derived from git when the package was installed (setuptools-scm)
    __version__ = _metadata.version("dissent")
except _metadata.PackageNotFoundError:  # the source tree on sys.path, never installed
    __version__ = "0+unknown"
