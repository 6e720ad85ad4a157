"""The dispatcher as a Prefect deployment (visible, retried), and the fast loop `mieux serve` runs."""
import threading

from prefect import flow, get_run_logger, task

from flows import runtime


@task(name="dispatch the outbox", retries=2, retry_delay_seconds=5)
def dispatch_task() -> dict:
    done = runtime.current().outbox.dispatch()
    return {"routed": done.routed, "sent": done.sent, "failed": done.failed, "dead": done.dead}


@flow(name="mieux-dispatch", flow_run_name="dispatch")
def dispatch() -> dict:
    """Route new alerts and send what is due; safe to run alongside any other dispatcher."""
    from flows.deadlines import did, name_run

    summary = dispatch_task()
    get_run_logger().info("dispatch: %s", summary)
    name_run("dispatch · " + did(summary, {"sent": "sent", "failed": "failed", "dead": "dead", "routed": "routed"}))
    return summary


class DispatchLoop(threading.Thread):
    """Dispatches every `seconds` in the serving process, so an alert leaves within seconds of its
    transition; the deployment above is the backstop and the record in the UI."""

    def __init__(self, outbox, seconds: float, on_error):
        super().__init__(name="mieux-dispatch-loop", daemon=True)
        self.outbox, self.seconds, self.on_error = outbox, seconds, on_error
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.seconds):
            try:
                self.outbox.dispatch()
            except Exception as error:  # keep going: the next round retries, the deployment backs up
                self.on_error(error)

    def stop(self) -> None:
        """Let the round in progress finish (sends time out after 15 s), then stop."""
        self.stopping.set()
        self.join(timeout=20)
