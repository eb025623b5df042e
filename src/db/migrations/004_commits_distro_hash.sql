-- Discovery dedupes a package's candidates against every row built from the same distgit commit.
CREATE INDEX commits_trunk_distro_hash ON commits (trunk, distro_hash);
