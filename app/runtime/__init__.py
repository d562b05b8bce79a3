"""The inference runtime: bundles, ONNX Runtime sessions, generation and one inspection.

Torch-free (numpy, OpenCV, tokenizers, onnxruntime). Typical use:

    from app.runtime import Engine, Pipeline, load_image
    engine = Engine()                      # default bundle, best provider that really runs
    pipeline = Pipeline(engine)            # one per worker thread
    result = pipeline.inspect(load_image("part.png").bgr, seed=0)
"""

from app.runtime.bundle import Bundle, default_bundle_dir, open_bundle
from app.runtime.engine import Engine
from app.runtime.errors import BundleError, ImageError, ProviderError
from app.runtime.images import LoadedImage, decode, expand_paths, load_image, to_bgr8
from app.runtime.pipeline import Inspection, Pipeline

__all__ = [
    "Bundle", "BundleError", "Engine", "ImageError", "Inspection", "LoadedImage", "Pipeline", "ProviderError",
    "decode", "default_bundle_dir", "expand_paths", "load_image", "open_bundle", "to_bgr8",
]
