"""Anvil client: log runs from your own code. Standard library only.

    import anvil
    anvil.init(project="mnist", config={"lr": 0.01})
    anvil.log({"loss": 0.3}, step=1)
    anvil.finish()
"""
from .run import Run, init, log, log_params, log_artifact, finish, active_run

__all__ = ["Run", "init", "log", "log_params", "log_artifact", "finish", "active_run"]
