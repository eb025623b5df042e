/** The repository lookup contract of the release pipeline: where a project repository (`openstack/nova`) lives. */

export interface ProjectRepo {
  /** What git fetches from and pushes to (a URL or a local path). */
  url: string;
  /** A local git directory holding its refs, to query without cloning; null when only the URL is known. */
  gitDir: string | null;
}

/** Finds project repositories by name; null when the repository is not available here. */
export interface RepoLookupDriver {
  readonly name: string;
  locate(repo: string): Promise<ProjectRepo | null>;
}
