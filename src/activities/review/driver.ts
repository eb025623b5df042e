/** The review driver contract: open DLRN's FTBFS review for a failed build, or propose an edit of one file (constraints updates). */

export interface FtbfsReviewRequest {
  packageName: string;
  /** Distgit project name, e.g. `openstack/nova-distgit` (localgit: may be a path or URL). */
  project: string;
  /** Distgit branch the review targets, e.g. `rpm-master`. */
  branch: string;
  /** Path of the spec inside the distgit repository (the one .spec there, whatever its name). */
  specPath: string;
  commitHash: string;
  /** `git rev-parse --short` of the commit in the upstream clone. */
  shortHash?: string;
  distroHash: string;
  /** The upstream commit's web page (DLRN's GERRIT_URL): in the message and the REMOVEME line. */
  commitUrl: string;
  /** Defaults to `rdo-FTBFS` (DLRN `gerrit_topic`). */
  topic?: string;
  reviewers: string[];
  /** The build's repo directory URL, with its logs (DLRN's GERRIT_LOG). */
  logUrl: string;
}

/** A change editing one file of a branch, proposed for review. */
export interface FileEditRequest {
  /** Project name (localgit: a path or URL is also accepted). */
  project: string;
  branch: string;
  path: string;
  topic: string;
  /** The whole commit message. */
  message: string;
  /** Names the review among others of the same topic (localgit branch name). */
  slug: string;
  /** The new content from the current one; null when there is nothing to change. */
  edit(current: string): string | null;
}

/** Opens DLRN's "failed to build from source" review on a package's distgit. */
export interface ReviewDriver {
  readonly name: string;
  openFtbfsReview(req: FtbfsReviewRequest): Promise<{ url: string; id: string }>;
  /** Proposes the edit; null (and no review) when the edit changes nothing. */
  proposeFileEdit(req: FileEditRequest): Promise<{ url: string; id: string } | null>;
}
