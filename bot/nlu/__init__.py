"""Rasa NLU components of madoguchi, loaded by the Rasa process (see config.yml).

Nothing here may import the rest of the project: this package runs inside the
Rasa environment (.venv-rasa), which holds only rasa and SudachiPy.
"""

from .speedups import install as _install_speedups

_install_speedups()
