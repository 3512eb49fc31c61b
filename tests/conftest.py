"""Root test configuration: tests read English unless they ask for Korean.

The product's default LANGUAGE is ko, but most tests assert English texts. Setting LANGUAGE here,
at import (before any Settings is built), makes both in-process `load_settings()` and service
subprocesses (which inherit the environment) default to English; a test that wants Korean passes
`language="ko"` explicitly.
"""

from __future__ import annotations

import os

os.environ["LANGUAGE"] = "en"
