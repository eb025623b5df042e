/**
 * promoteLabel: the promotions of one label of a trunk (DLRN's promote and
 * promote-batch), one at a time in arrival order. Each request is an Update
 * answered with DLRN's 201 body or its error; the workflow ends after a quiet
 * minute and continues-as-new when its history grows long.
 */
import { allHandlersFinished, condition, continueAsNew, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PromoteActivities } from '../activities';
import type { PromoteAnswer, PromoteRequest } from '../domain/dlrn-api/promotions';

const { applyPromotions } = proxyActivities<PromoteActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

/** One promote or promote-batch request of the API. */
export const promoteUpdate = defineUpdate<PromoteAnswer, [PromoteRequest]>('promote');

export interface PromoteLabelInput {
  trunk: string;
  /** The label (or a batch's labels) this workflow serialises. */
  labels: string[];
  /** How long the workflow waits for another request before it ends. */
  idleSeconds?: number;
}

export async function promoteLabel(input: PromoteLabelInput): Promise<number> {
  // Tickets keep requests in arrival order: each waits for its turn.
  let issued = 0;
  let served = 0;
  setHandler(promoteUpdate, async (req) => {
    const ticket = issued++;
    await condition(() => served === ticket);
    try {
      return await applyPromotions(req);
    } finally {
      served++;
    }
  });
  const idle = `${input.idleSeconds ?? 60} seconds` as const;
  for (;;) {
    const seen = issued;
    const more = await condition(() => issued !== seen || workflowInfo().continueAsNewSuggested, idle);
    if (!more) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => served === issued && allHandlersFinished());
      await continueAsNew<typeof promoteLabel>(input);
    }
  }
  await condition(() => served === issued && allHandlersFinished());
  return served;
}
