"""An import-linter layers contract that must name every app.

A plain layers contract checks only the packages it lists: an app dropped from the list (or a new app never
added) would escape it without a word. This one is broken when a root package is in no layer, so removing any
layer line from pyproject.toml makes ``lint-imports`` fail.
"""

from grimp import ImportGraph
from importlinter.application import output
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import ContractCheck


class AppLayersContract(LayersContract):
    type_name = "app_layers"

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        listed = {tail.name for layer in self.layers for tail in layer.module_tails}  # type: ignore[attr-defined]
        missing = sorted(set(self.session_options["root_packages"]) - listed)
        if missing:
            return ContractCheck(kept=False, metadata={"missing": missing})
        return super().check(graph, verbose)

    def render_broken_contract(self, check: ContractCheck) -> None:
        if "missing" in check.metadata:
            output.print_error(
                "Every app must be in a layer; not in any: " + ", ".join(check.metadata["missing"]), bold=True
            )
            return
        super().render_broken_contract(check)
