/** The running activity's context, tolerant of being called outside one (tests, CLI). */
import { Context } from '@temporalio/activity';

/** Reports progress to Temporal, so a dead worker is noticed by its missing heartbeats. */
export function heartbeat(detail: string): void {
  try {
    Context.current().heartbeat(detail);
  } catch {
    // Called outside an activity: nothing to report to.
  }
}

/** Aborted when Temporal cancels the activity; undefined outside an activity. */
export function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}
