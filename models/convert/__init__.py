"""Converters from released checkpoint layouts to our SQ-LLaVA checkpoint folder.

FORMATS maps the `sqinspect convert FORMAT` names to their convert functions.
"""

from models.convert.llava_hf import convert_llava_hf
from models.convert.llava_original import convert_llava_original
from models.convert.sq_llava import convert_sq_llava

FORMATS = {
    "llava-hf": convert_llava_hf,
    "llava": convert_llava_original,
    "sq-llava": convert_sq_llava,
}
