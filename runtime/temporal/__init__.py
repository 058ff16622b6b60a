"""Runs on Temporal: the same flows as workflows, each step an activity on its service's queue.

Nothing here is imported unless `executor.kind` is `temporal` or a worker runs,
so `automate --help` and a local task never load `temporalio`::

    automate worker                      # one worker process (run as many as needed)
    executor: {kind: temporal}           # settings.yaml: tasks and runs go to the workers
"""
