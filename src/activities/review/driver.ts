/** The review driver contract: open DLRN's FTBFS review for a failed build. */

export interface FtbfsReviewRequest {
  packageName: string;
  /** Distgit project name, e.g. `openstack/nova-distgit` (localgit: may be a path or URL). */
  project: string;
  /** Distgit branch the review targets, e.g. `rpm-master`. */
  branch: string;
  /** Path of the spec inside the distgit repository. */
  specPath: string;
  commitHash: string;
  distroHash: string;
  /** Defaults to `rdo-FTBFS` (DLRN `gerrit_topic`). */
  topic?: string;
  reviewers: string[];
  logUrl: string;
}

/** Opens DLRN's "failed to build from source" review on a package's distgit. */
export interface ReviewDriver {
  readonly name: string;
  openFtbfsReview(req: FtbfsReviewRequest): Promise<{ url: string; id: string }>;
}
