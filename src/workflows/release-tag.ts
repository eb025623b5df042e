/**
 * Step 2 of a release, one per pushed tag (project-config's release,
 * pre-release and tag pipelines), reading what it needs from the tag itself:
 * release notes for every tag; for versions and pre-versions, sdist and wheel
 * built, signed, copied to the tarballs directory and uploaded, then the
 * announcement and the constraints proposal side by side.
 */
import { ApplicationFailure, log, proxyActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { ReleaseTagActivities } from '../activities/release/tag-jobs';
import { missingMetaWarning } from '../domain/release/tag-pipeline';
import { CommitHash, Package, Stage } from '../domain/search-attributes';

export interface ReleaseTagInput {
  repo: string;
  tag: string;
  timeouts: { activityMinutes: number; retryInitialSeconds: number; retryMaximumSeconds: number; maximumAttempts: number };
  indexPoll: { everySeconds: number; maxMinutes: number };
  /** Whether an index is configured (uploads and the constraints job need one). */
  upload: boolean;
  /** Whether a requirements repository is configured. */
  constraints: boolean;
}

export interface ReleaseTagResult {
  repo: string;
  tag: string;
  pipeline: string;
  notes: string | null;
  artifacts: string[];
  uploaded: string[];
  announce: { sent: boolean; reason?: string; subject?: string } | null;
  constraints: string | null;
  warnings: string[];
}

const reasonOf = (e: unknown) => (e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e));

export async function releaseTag(input: ReleaseTagInput): Promise<ReleaseTagResult> {
  upsertSearchAttributes([{ key: Stage, value: 'release-tag' }, { key: Package, value: input.repo }]);
  const t = input.timeouts;
  const acts = proxyActivities<ReleaseTagActivities>({
    startToCloseTimeout: `${t.activityMinutes} minutes`,
    retry: { initialInterval: `${t.retryInitialSeconds} seconds`, maximumInterval: `${t.retryMaximumSeconds} seconds`, maximumAttempts: t.maximumAttempts },
  });
  const info = await acts.readReleaseTag({ repo: input.repo, tag: input.tag });
  upsertSearchAttributes([{ key: CommitHash, value: info.sha }]);
  const result: ReleaseTagResult = { repo: input.repo, tag: input.tag, pipeline: info.pipeline, notes: null, artifacts: [], uploaded: [], announce: null, constraints: null, warnings: [] };
  // The tag pipeline (release notes) runs for every tag, beside the release pipeline.
  // Its failure is reported at the end, after the release pipeline has run (they are separate pipelines upstream).
  let notesError: unknown = null;
  const notes = acts.publishReleaseNotes({ repo: input.repo, tag: input.tag }).catch((e: unknown) => {
    notesError = e;
    return { file: null };
  });
  if (info.pipeline !== 'tag-only') {
    const built = await acts.buildReleaseArtifacts({ repo: input.repo, tag: input.tag });
    result.artifacts = built.files;
    if (input.upload) result.uploaded = (await acts.uploadReleaseArtifacts({ files: built.files })).uploaded;
    result.notes = (await notes).file;
    if (!info.meta) result.warnings.push(missingMetaWarning(input.tag));
    const announce = acts.announceRelease({ info });
    const constraints = (async () => {
      if (!info.meta || !input.constraints || !input.upload) return null;
      // The proposal waits until the index serves the new version (no fixed sleep).
      const deadline = Date.now() + input.indexPoll.maxMinutes * 60_000;
      while (!(await acts.indexServes({ dist: built.dist, version: built.version }))) {
        if (Date.now() > deadline) throw new Error(`${built.dist} ${built.version} not served by the index after ${input.indexPoll.maxMinutes} minutes`);
        await sleep(`${input.indexPoll.everySeconds} seconds`);
      }
      return (await acts.proposeConstraintsUpdate({ dist: built.dist, version: built.version, branch: info.meta.branch ?? 'master', metaLines: info.metaLines })).review;
    })();
    const [a, c] = await Promise.all([announce, constraints]);
    result.announce = a;
    result.constraints = c;
  } else {
    result.notes = (await notes).file;
  }
  if (notesError) {
    throw ApplicationFailure.create({ type: 'ReleaseNotesFailed', nonRetryable: true, message: `release notes of ${input.repo} ${input.tag} failed: ${reasonOf(notesError)}`, details: [result] });
  }
  log.info('release tag done', { repo: input.repo, tag: input.tag, pipeline: info.pipeline });
  return result;
}
