"""Build hook: compile the digest engine's hot text modules to C with mypyc.

The same typed Python runs either way; compiled, a digest takes about a third less time
(see docs/benchmarks.md). NEWSBOT_COMPILE=0 installs the pure-Python modules instead (for a
machine without a C compiler).
"""

from __future__ import annotations

import os

from setuptools import setup

# Pure text processing that runs for every article (benchmarks/quotes.py and benchmarks/topics.py
# time it), and digest.py, the pipeline that calls it. html.py is left out: its time is spent in
# lxml and trafilatura.
COMPILED = [
    "digests/cjk.py",
    "digests/clean.py",
    "digests/digest.py",
    "digests/keypoints.py",
    "digests/scan.py",
    "digests/sentences.py",
    "digests/topics.py",
    "digests/quotes/__init__.py",
    "digests/quotes/attribution.py",
    "digests/quotes/coref.py",
    "digests/quotes/lexicon.py",
    "digests/quotes/marks.py",
    "digests/quotes/names.py",
    "digests/quotes/tokens.py",
]

ext_modules = []
if os.environ.get("NEWSBOT_COMPILE", "1") != "0":
    from mypyc.build import mypycify

    # The build runs before the dependencies are installed: the modules outside COMPILED that
    # mypy follows imports into (html.py: charset_normalizer, lxml) may have no types yet.
    ext_modules = mypycify(
        ["--ignore-missing-imports", *COMPILED], opt_level="3", group_name="digests_compiled"
    )

setup(ext_modules=ext_modules)
