"""Built-in splat formats; importing this package registers them with the registry.

One module per format (see each module's docstring for its byte layout, frame and value spaces, and
``docs/formats.md`` for the quantization bounds):

* :mod:`.ply` - 3DGS PLY (Inria layout), binary little-endian and ASCII;
* :mod:`.compressed_ply` - PlayCanvas/SuperSplat compressed PLY;
* :mod:`.splat` - antimatter15 ``.splat``;
* :mod:`.spz` - Niantic SPZ v1-v4 (writes v2/v3/v4);
* :mod:`.gltf` - glTF 2.0 / GLB with ``KHR_gaussian_splatting``;
* :mod:`.usd` - OpenUSD ``ParticleField3DGaussianSplat`` (.usda/.usdc/.usd/.usdz; needs the optional usd-core).
"""

from . import compressed_ply, gltf, ply, splat, spz, usd  # noqa: F401  (each registers itself)

__all__ = ["compressed_ply", "gltf", "ply", "splat", "spz", "usd"]
