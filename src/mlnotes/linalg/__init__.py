"""Linear-algebra helpers of Part I (one submodule per notebook topic)."""
from .maps import *  # noqa: F401,F403  notebook 01: maps, products, adjoints, span and rank
from .norms import *  # noqa: F401,F403  notebook 02: norms, angles, orthogonal matrices
from .spectral import *  # noqa: F401,F403  notebook 03: eigenvalues, Rayleigh quotient, definiteness
from .matfun import *  # noqa: F401,F403  notebook 04: matrix exponential and logarithm series
from .decomp import *  # noqa: F401,F403  notebooks 04-05: triangular solves, Cholesky, LU, pinv
from .svd import *  # noqa: F401,F403  notebook 06: SVD image compression
