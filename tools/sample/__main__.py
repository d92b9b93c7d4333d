"""``python -m tools.sample [--out seeds]``: writes the embedded sample's landing folder."""

from tools.sample import main

raise SystemExit(main())
