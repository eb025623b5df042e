import { announceMail, announceSkipReason, parseTagMetadata, releaseTagWorkflowId, tagPipeline, updateUpperConstraints } from '../../../src/domain/release/tag-pipeline';

describe('per-tag pipeline rules', () => {
  test('pipelines by tag name, as project-config matches them', () => {
    expect(tagPipeline('1.2.3')).toBe('release');
    expect(tagPipeline('1.2.3.0rc1')).toBe('pre-release');
    expect(tagPipeline('1.2.3.0b1')).toBe('pre-release');
    expect(tagPipeline('2026.2-eol')).toBe('tag-only');
    expect(tagPipeline('zed-eom')).toBe('tag-only');
    expect(releaseTagWorkflowId('openstack/nova', '33.0.0')).toBe('release-tag:openstack/nova:33.0.0');
  });

  test('metadata from a tag message; none in a hand-made tag', () => {
    expect(parseTagMetadata('nova 33.0.0 release\n\nmeta:version: 33.0.0\nmeta:diff-start: -\nmeta:branch: stable/2026.1\nmeta:release:Code-Review+2: A\n'))
      .toEqual({ version: '33.0.0', 'diff-start': '-', branch: 'stable/2026.1' });
    expect(parseTagMetadata('tagged by hand\n')).toBeNull();
    expect(announceSkipReason('1.0.0.0b2', {})).toBe('1.0.0.0b2 is an alpha or beta version: not announced');
    expect(announceSkipReason('1.0.0.0rc1', {})).toBeNull();
    expect(announceSkipReason('1.0.0', null)).toBe('WARNING: Missing meta lines in 1.0.0 tag message, skipping.');
  });

  test('upper-constraints edits, marker lines included; nothing when not listed', () => {
    const uc = "oslo.config===10.0.0\noslo-db===17.0.0;python_version=='3.10'\nOslo.DB===17.0.0\n";
    expect(updateUpperConstraints(uc, 'oslo.db', '17.1.0')).toBe("oslo.config===10.0.0\noslo-db===17.1.0;python_version=='3.10'\nOslo.DB===17.1.0\n");
    expect(updateUpperConstraints(uc, 'nova', '33.0.0')).toBeNull();
    expect(updateUpperConstraints(uc, 'oslo.config', '10.0.0')).toBeNull();
  });

  test('the announcement of a stable release and of a release candidate', () => {
    const base = {
      project: 'nova', meta: { series: 'gazpacho', 'release-type': 'release', first: 'no' }, diffStart: '33.0.0', firstRelease: false,
      changes: ['abc1234 Fix a bug'], diffStat: [' nova/a.py | 2 +-', ' nova/tests/t.py | 2 +-', ' 2 files changed'], stableBranchExists: true, notes: '',
      from: 'no-reply@openstack.org', tarballsUrl: 'https://tarballs.example.org', emotionIndex: 11,
    };
    const mail = announceMail({ ...base, version: '33.0.1' });
    expect(mail.subject).toBe('nova 33.0.1 (gazpacho)');
    expect(mail.body).toBe([
      'We are happy to announce the release of:', '', 'nova 33.0.1', '', 'This release is part of the gazpacho stable release series.', '',
      'Download the package from:', '', '    https://tarballs.example.org/nova/', '', 'For more details, please see below.', '',
      'Changes in nova 33.0.0..33.0.1', '------------------------------', '', 'abc1234 Fix a bug', '',
      'Diffstat (except docs and test files)', '-------------------------------------', '', 'nova/a.py | 2 +-', '2 files changed', '',
    ].join('\n'));
    expect(announceMail({ ...base, version: '34.0.0.0rc1' }).body).toMatch(/^Hello everyone,\n\nA new release candidate for nova for the end of the Gazpacho\ncycle is available!/);
  });
});
