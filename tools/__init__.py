"""The project's tools, outside the product package: the embedded sample's generator (``tools.sample``)
and the synthetic France Travail offers (``tools.offers``) of the fake API, the sample and the benchmark."""
