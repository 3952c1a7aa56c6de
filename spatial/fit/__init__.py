"""Fitting splats to posed photos and reconstructing worlds from captures.

* :func:`fit` - optimise splats against views (Adam, L1 + D-SSIM, densification or MCMC).
* :func:`reconstruct` - photos / video / COLMAP / transforms.json -> World folder.
* :mod:`.metrics` - PSNR, SSIM, LPIPS (when available locally).
"""

from .fit import fit
from .reconstruct import reconstruct
from .trainer import FitConfig, FitResult

__all__ = ["FitConfig", "FitResult", "fit", "reconstruct"]


# ``spatial.fit`` is both this package and the function :func:`fit` (lazy export of ``spatial``).
# Importing a submodule (``import spatial.fit.metrics``) binds the *package* to ``spatial.fit``;
# making the package callable keeps ``spatial.fit(...)`` working either way.
def _make_callable() -> None:
    import sys
    import types

    class _CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return fit(*args, **kwargs)

    sys.modules[__name__].__class__ = _CallableModule


_make_callable()
