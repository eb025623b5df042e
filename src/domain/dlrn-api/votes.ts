/**
 * Which CI vote `last_tested_repo` picks (DLRN's getVote), with DLRN's
 * no-op filters made real: the fallback searches exclude, then require, the
 * `consistent` pseudo-CI, and keep the component filter.
 */
import { DlrnApiError } from './errors';
import type { LastTestedRepoInput } from './inputs';

/** One search of the votes table: the newest matching vote (by timestamp) on a SUCCESS build wins. */
export interface VoteSearch {
  /** Votes strictly newer than this (epoch seconds). */
  since: number;
  success: boolean | null;
  /** ci_name equal to this. */
  ciName: string | null;
  /** true: ci_name must not be `consistent`; false: it must be. */
  excludeConsistent: boolean;
  component: string | null;
}

/** `now - max_age hours`, or 0 for max_age 0 (every vote); huge ages mean every vote too. */
export function votesSince(maxAgeHours: number, nowSeconds: number): number {
  if (maxAgeHours === 0) return 0;
  return Math.max(Math.floor(nowSeconds) - maxAgeHours * 3600, -2_147_483_649);
}

/**
 * The searches getVote runs, in order, until one finds a vote. Sequential
 * mode looks for `previous_job_id`'s votes only; otherwise a miss for job_id
 * falls back to any CI but `consistent`, then to `consistent` itself.
 */
export function voteSearchPlan(input: LastTestedRepoInput, nowSeconds: number): VoteSearch[] {
  const since = votesSince(input.max_age, nowSeconds);
  const base = { since, success: input.success, component: input.component };
  if (input.sequential_mode) return [{ ...base, ciName: input.previous_job_id, excludeConsistent: true }];
  const plan: VoteSearch[] = [{ ...base, ciName: input.job_id, excludeConsistent: true }];
  if (input.job_id !== null) plan.push({ ...base, ciName: null, excludeConsistent: true });
  plan.push({ ...base, ciName: 'consistent', excludeConsistent: false });
  return plan;
}

/** DLRN's answer when no search found a vote. */
export function noVoteFound(): DlrnApiError {
  return new DlrnApiError(400, 'No vote found');
}
