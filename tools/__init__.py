"""The project's tools, outside the product package: the embedded sample's generator (``tools.sample``)
and the one generator of synthetic France Travail offers (``tools.offers``), which writes the sample's
offers, those of the fake API and those of the benchmark."""
