import {
  appendRemoveMe,
  buildFailureBody,
  buildFailureSubject,
  commitUrl,
  ftbfsCommitMessage,
  ftbfsSubject,
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

const mailDetails = {
  packageName: 'openstack-nova',
  upstream: 'https://opendev.org/openstack/nova',
  distgit: 'https://review.rdoproject.org/r/openstack/nova-distgit',
  logUrl: 'https://trunk.example.org/centos9-master/1f/2e/1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c_abcdef01',
};

describe('buildFailureSubject', () => {
  it("is DLRN's subject, naming master whatever the branch", () => {
    expect(buildFailureSubject('openstack-nova')).toBe('[dlrn] openstack-nova master package build failed');
    expect(buildFailureSubject('python-foo')).toBe('[dlrn] python-foo master package build failed');
  });
});

describe('buildFailureBody', () => {
  it("is DLRN's notification template rendered: the package and its three numbered links", () => {
    expect(buildFailureBody(mailDetails)).toBe(
      'A build of the package openstack-nova has failed against the current master[1] of\n' +
        'the upstream project, please see log[2] and update the packaging[3].\n' +
        '\n' +
        'You are receiving this email because you are listed as one of the\n' +
        'maintainers for the openstack-nova.\n' +
        '\n' +
        '[1] - https://opendev.org/openstack/nova\n' +
        `[2] - ${mailDetails.logUrl}\n` +
        '[3] - https://review.rdoproject.org/r/openstack/nova-distgit',
    );
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
