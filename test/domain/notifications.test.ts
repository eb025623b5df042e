import {
  appendRemoveMe,
  buildFailureBody,
  buildFailureSubject,
  commitUrl,
  ftbfsCommitMessage,
  ftbfsSubject,
  lastLines,
  MAIL_THROTTLE_SECONDS,
  shouldSendMail,
} from '../../src/domain/notifications';

const details = {
  packageName: 'openstack-nova',
  release: 'flamingo',
  trunk: 'master',
  commitHash: '1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c',
  distroHash: 'abcdef0123456789abcdef0123456789abcdef01',
  logUrl: 'https://trunk.example.org/repos/1f/2e/1f2e3d4c_abcdef01/rpmbuild.log',
  logTail: 'line 1\nline 2\nerror: Bad exit status from /var/tmp/rpm-tmp.x (%build)\n',
};

describe('buildFailureSubject', () => {
  it("is DLRN's subject, with master as the default label", () => {
    expect(buildFailureSubject('openstack-nova')).toBe('[dlrn] openstack-nova master package build failed');
    expect(buildFailureSubject('python-foo', 'stable-2025.1')).toBe('[dlrn] python-foo stable-2025.1 package build failed');
  });
});

describe('buildFailureBody', () => {
  it('names the package, both hashes, the log URL and quotes the log tail', () => {
    const body = buildFailureBody({ ...details, repoUrl: 'https://opendev.org/openstack/nova' });
    expect(body).toContain('A build of the package openstack-nova has failed against the current master');
    expect(body).toMatch(/Upstream commit: +1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c/);
    expect(body).toMatch(/Distgit commit: +abcdef0123456789abcdef0123456789abcdef01/);
    expect(body).toMatch(/Upstream repo: +https:\/\/opendev\.org\/openstack\/nova/);
    expect(body).toContain(`Build log:       ${details.logUrl}`);
    expect(body).toContain('Release:');
    expect(body).toContain('error: Bad exit status from /var/tmp/rpm-tmp.x (%build)');
  });

  it('leaves out an unknown repo URL and keeps only the last log lines', () => {
    const log = Array.from({ length: 100 }, (_, i) => `log line ${i + 1}`).join('\n');
    const body = buildFailureBody({ ...details, logTail: log }, 5);
    expect(body).not.toContain('Upstream repo');
    expect(body).toContain('log line 96\nlog line 97\nlog line 98\nlog line 99\nlog line 100');
    expect(body).not.toContain('log line 95\n');
  });

  it('says so when the log is empty', () => {
    expect(buildFailureBody({ ...details, logTail: '' })).toContain('The build log is empty.');
  });
});

describe('lastLines', () => {
  it('ignores trailing blank lines and CRLF', () => {
    expect(lastLines('a\r\nb\r\nc\r\n\r\n', 2)).toBe('b\nc');
    expect(lastLines('a\nb', 10)).toBe('a\nb');
  });
});

describe('shouldSendMail (DLRN projects.last_email, 86400 s)', () => {
  const now = 1_700_000_000;
  it('mails a package that was never mailed', () => {
    expect(shouldSendMail(null, now)).toBe(true);
    expect(shouldSendMail(undefined, now)).toBe(true);
    expect(shouldSendMail(0, now)).toBe(true);
  });
  it('suppresses mail for 24 h after the last one, and sends again at exactly 24 h', () => {
    expect(MAIL_THROTTLE_SECONDS).toBe(86400);
    expect(shouldSendMail(now, now)).toBe(false);
    expect(shouldSendMail(now - 86399, now)).toBe(false);
    expect(shouldSendMail(now - 86400, now)).toBe(true);
    expect(shouldSendMail(now - 200000, now)).toBe(true);
  });
  it('treats a last_email in the future (clock skew) as recent', () => {
    expect(shouldSendMail(now + 60, now)).toBe(false);
  });
});

describe('FTBFS review texts (submit_review.sh)', () => {
  const review = { ...details, commitUrl: 'https://opendev.org/openstack/nova/commit/x', logUrl: 'https://trunk.example.org/repos/1f/2e/dir' };
  it('says which package failed at which commit, the commit page and the build dir', () => {
    expect(ftbfsSubject(review)).toBe('openstack-nova: failed to build 1f2e3d4');
    expect(ftbfsSubject({ ...review, shortHash: '1f2e3d4c5b' })).toBe('openstack-nova: failed to build 1f2e3d4c5b');
    expect(ftbfsCommitMessage(review, ['Reviewer: a@example.org'])).toBe(
      'openstack-nova: failed to build 1f2e3d4\n\nNeed to fix build error caused by https://opendev.org/openstack/nova/commit/x\n' +
        'See log at https://trunk.example.org/repos/1f/2e/dir\n\nReviewer: a@example.org\n',
    );
  });

  it('links commits as DLRN does per code host', () => {
    expect(commitUrl('https://opendev.org/openstack/oslo.config', 'abc')).toBe('https://opendev.org/openstack/oslo.config/commit/abc');
    expect(commitUrl('https://github.com/openstack/nova', 'abc')).toBe('https://github.com/openstack/nova/commit/abc');
    expect(commitUrl('git://git.openstack.org/openstack/nova', 'abc')).toBe('http://git.openstack.org/cgit/openstack/nova/commit/?id=abc');
    expect(commitUrl('file:///srv/git/nova.git', 'abc')).toBe('file:///srv/git/nova.gitabc');
  });

  it('appends exactly one REMOVEME line, adding a missing final newline', () => {
    expect(appendRemoveMe('Name: x\n', 'http://c')).toBe('Name: x\n# REMOVEME: error caused by commit http://c\n');
    expect(appendRemoveMe('Name: x', 'http://c')).toBe('Name: x\n# REMOVEME: error caused by commit http://c\n');
    expect(appendRemoveMe('', 'http://c')).toBe('# REMOVEME: error caused by commit http://c\n');
  });
});
