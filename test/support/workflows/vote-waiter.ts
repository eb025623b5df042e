/** A stand-in for the promotion chain's waiting workflow: returns the first vote report_result tells it about. */
import { condition, setHandler } from '@temporalio/workflow';
import { voteRecordedSignal, type VoteRecorded } from '../../../src/workflows/messages';

export async function voteWaiter(): Promise<VoteRecorded> {
  let vote: VoteRecorded | undefined;
  setHandler(voteRecordedSignal, (v) => {
    vote = v;
  });
  await condition(() => vote !== undefined);
  return vote!;
}
