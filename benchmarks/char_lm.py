"""Train the book's character-level GPT and print one JSON line (see README).

    python benchmarks/char_lm.py                       # 4 layers, 2000 iterations
    python benchmarks/char_lm.py --help                # every knob
    torchrun --nproc-per-node 2 benchmarks/char_lm.py  # data-parallel, 2 processes

The code is ``tutorial_utils/char_lm.py``, so that ``python -m tutorial_utils.char_lm``
runs the same thing wherever the package is installed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from tutorial_utils.char_lm import main  # noqa: E402

if __name__ == "__main__":
    main()
