"""``python -m tools.sample [--out seeds]``: writes the embedded sample's landing folder."""

from tools.sample.generator import main

raise SystemExit(main())
