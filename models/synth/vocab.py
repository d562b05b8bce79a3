"""Fixed vocabularies of the synthetic parts world, and the words people use for them.

Everything that the renderer, the text generator and the graders must agree on lives here:
the ordered lists (their order defines mask values and must never be reordered, only
appended to, together with a GENERATOR_VERSION bump), the canonical surface words used in
generated text, and the synonyms the graders accept in free-text model answers.
"""

from __future__ import annotations

# Bump whenever a change alters the pixels or the ground truth rendered for a given seed.
GENERATOR_VERSION = "synth-1.2"

PART_TYPES = ("washer", "hex_nut", "l_bracket", "gear", "flange", "plate")

MATERIALS = ("steel", "brass", "aluminium", "copper", "black_oxide", "blue_anodised")

BACKGROUNDS = ("belt", "tray", "mat", "wood")

# Order defines the defect-mask values: pixel value k means DEFECT_TYPES[k - 1].
DEFECT_TYPES = ("scratch", "crack", "dent", "rust", "chip", "missing_hole", "stain")

SEVERITIES = ("subtle", "clear")

# 3x3 grid relative to the part's bounding box, row-major: LOCATION_GRID[row][col].
LOCATION_GRID = (
    ("upper left", "top", "upper right"),
    ("left", "centre", "right"),
    ("lower left", "bottom", "lower right"),
)
LOCATIONS = tuple(name for row in LOCATION_GRID for name in row)

# The counted feature of each part type (parts not listed have none).
COUNTED_FEATURE = {"l_bracket": "holes", "flange": "holes", "plate": "holes", "gear": "teeth"}
PARTS_WITH_HOLES = tuple(p for p, f in COUNTED_FEATURE.items() if f == "holes")

# --- canonical words used in generated text -------------------------------------------------

PART_NAME = {
    "washer": "washer",
    "hex_nut": "hex nut",
    "l_bracket": "L bracket",
    "gear": "gear",
    "flange": "flange",
    "plate": "plate",
}
MATERIAL_NAME = {
    "steel": "steel",
    "brass": "brass",
    "aluminium": "aluminium",
    "copper": "copper",
    "black_oxide": "black oxide",
    "blue_anodised": "blue anodised",
}
BACKGROUND_NAME = {"belt": "grey belt", "tray": "blue tray", "mat": "green mat", "wood": "wooden bench"}

# Noun phrase with article (presence questions, descriptions) and bare noun (location questions).
DEFECT_NP = {
    "scratch": "a scratch",
    "crack": "a crack",
    "dent": "a dent",
    "rust": "rust",
    "chip": "a chipped edge",
    "missing_hole": "a missing or extra hole",
    "stain": "a stain",
}
DEFECT_NOUN = {
    "scratch": "scratch",
    "crack": "crack",
    "dent": "dent",
    "rust": "rust",
    "chip": "chipped edge",
    "missing_hole": "missing or extra hole",
    "stain": "stain",
}

# --- synonyms accepted when reading free text (all lower case, single spaces) ---------------

PART_SYNONYMS = {
    "washer": ["washer", "flat washer", "ring washer", "washers"],
    "hex_nut": ["hex nut", "hexagon nut", "hexagonal nut", "hex nuts", "nut"],
    "l_bracket": ["l bracket", "l shaped bracket", "angle bracket", "corner bracket", "bracket"],
    "gear": ["gear", "gear wheel", "spur gear", "cog", "cogwheel", "cog wheel"],
    "flange": ["flange", "pipe flange", "bolt flange"],
    "plate": ["plate", "mounting plate", "perforated plate", "base plate", "flat plate"],
}
MATERIAL_SYNONYMS = {
    "steel": ["steel", "stainless steel", "stainless", "mild steel"],
    "brass": ["brass"],
    "aluminium": ["aluminium", "aluminum", "alu"],
    "copper": ["copper"],
    "black_oxide": ["black oxide", "black oxide steel", "blackened steel", "blackened", "black oxidised"],
    "blue_anodised": ["blue anodised", "blue anodized", "blue anodised aluminium",
                      "blue anodized aluminum", "anodised", "anodized"],
}
BACKGROUND_SYNONYMS = {
    "belt": ["grey belt", "gray belt", "conveyor belt", "conveyor", "belt"],
    "tray": ["blue tray", "plastic tray", "tray"],
    "mat": ["green mat", "rubber mat", "cutting mat", "mat"],
    "wood": ["wooden bench", "wood bench", "workbench", "bench", "wooden table", "wood"],
}
DEFECT_SYNONYMS = {
    "scratch": ["scratch", "scratches", "scratched", "score mark", "scuff"],
    "crack": ["crack", "cracks", "cracked", "hairline crack", "fracture"],
    "dent": ["dent", "dents", "dented", "pit", "pits", "pitting", "pitted", "ding"],
    "rust": ["rust", "rusty", "rusted", "corrosion", "corroded", "rust spot", "rust patch"],
    "chip": ["chip", "chips", "chipped", "chipped edge", "chipped corner", "burr", "nick", "notch"],
    "missing_hole": ["missing hole", "extra hole", "missing or extra hole", "missing holes",
                     "extra holes", "undrilled hole", "unexpected hole", "hole missing"],
    "stain": ["stain", "stains", "stained", "discolouration", "discoloration", "discoloured",
              "discolored", "oil stain", "smudge"],
}
LOCATION_SYNONYMS = {
    "upper left": ["upper left", "top left", "upper left corner", "top left corner"],
    "top": ["top", "upper middle", "top centre", "top center", "top middle", "top edge", "top side",
            "upper centre", "upper center", "upper side"],
    "upper right": ["upper right", "top right", "upper right corner", "top right corner"],
    "left": ["left", "middle left", "centre left", "center left", "left side", "left edge"],
    "centre": ["centre", "center", "middle", "central"],
    "right": ["right", "middle right", "centre right", "center right", "right side", "right edge"],
    "lower left": ["lower left", "bottom left", "lower left corner", "bottom left corner"],
    "bottom": ["bottom", "lower middle", "bottom centre", "bottom center", "bottom middle",
               "bottom edge", "bottom side", "lower centre", "lower center", "lower side"],
    "lower right": ["lower right", "bottom right", "lower right corner", "bottom right corner"],
}
FEATURE_SYNONYMS = {
    "holes": ["holes", "hole", "bolt holes", "mounting holes", "drilled holes"],
    "teeth": ["teeth", "tooth", "gear teeth", "cogs"],
}
# Words that mean "a defect of some kind" without naming one.
GENERIC_DEFECT_WORDS = ["defect", "defects", "damage", "flaw", "flaws", "fault", "faults",
                        "problem", "problems", "anomaly", "anomalies"]

NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                "seventeen", "eighteen", "nineteen", "twenty"]
