"""Sphinx configuration of stat3sim's API reference (``make docs`` builds it offline into
``docs/api/_build/html``)."""
import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "src")))

project = "stat3sim"
author = "stat3sim developers"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.viewcode"]
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []
# the docstrings quote other modules by name in double backticks; unresolved cross-references
# are not errors here
nitpicky = False
suppress_warnings = ["ref.python"]
