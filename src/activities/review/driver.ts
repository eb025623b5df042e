/** The review driver contract: open DLRN's FTBFS review for a failed build. */

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

/** Opens DLRN's "failed to build from source" review on a package's distgit. */
export interface ReviewDriver {
  readonly name: string;
  openFtbfsReview(req: FtbfsReviewRequest): Promise<{ url: string; id: string }>;
}
