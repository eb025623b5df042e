import { parseDeliverable, parseSeriesStatus } from '../../../src/domain/release/deliverable';
import { constraintsBranch, isFirstFinal, releaseKind, reviewMetaLines, tagAndBranchRequests, tagMessage } from '../../../src/domain/release/tagging';

const series = parseSeriesStatus([
  { name: 'hibiscus', 'release-id': 2026.2, status: 'development' },
  { name: 'gazpacho', 'release-id': 2026.1, status: 'maintained' },
  { name: 'dalmatian', 'release-id': 2024.2, status: 'end of life' },
]);

describe('tag metadata (release.sh)', () => {
  test('the release kind in the title and meta:release-type', () => {
    expect(releaseKind('1.2.3')).toBe('release');
    expect(releaseKind('1.2.3.0b1')).toBe('development milestone');
    expect(releaseKind('1.2.3.0rc2')).toBe('release candidate');
    expect(releaseKind('2026.1-eol')).toBe('release');
  });

  test("oslo.config 10.0.0's message, line for line", () => {
    expect(tagMessage({
      repo: 'openstack/oslo.config', version: '10.0.0', team: 'oslo', diffStart: undefined, seriesDir: 'flamingo', branch: 'master',
      pypi: true, first: false, reviewLines: ['meta:release:Change-Id: I6a02377d20e0f938b4e9fd37a6e0ee325ec68cc4'],
    })).toBe([
      'oslo.config 10.0.0 release', '', 'meta:version: 10.0.0', 'meta:team: oslo', 'meta:diff-start: -', 'meta:series: flamingo',
      'meta:branch: master', 'meta:release-type: release', 'meta:pypi: yes', 'meta:first: no',
      'meta:release:Change-Id: I6a02377d20e0f938b4e9fd37a6e0ee325ec68cc4', '',
    ].join('\n'));
  });

  test('meta:first, meta:branch and the review audit lines', () => {
    const d = parseDeliverable('deliverables/gazpacho/nova.yaml', {
      team: 'nova', type: 'service', 'release-model': 'cycle-with-rc',
      releases: [
        { version: '33.0.0.0rc1', projects: [{ repo: 'openstack/nova', hash: 'a'.repeat(40) }] },
        { version: '33.0.0', projects: [{ repo: 'openstack/nova', hash: 'a'.repeat(40) }], 'diff-start': '32.0.0' },
        { version: '33.0.1', projects: [{ repo: 'openstack/nova', hash: 'b'.repeat(40) }] },
      ],
      branches: [{ name: 'stable/2026.1', location: '33.0.0.0rc1' }],
    });
    expect(isFirstFinal(d, '33.0.0')).toBe(true);
    expect(isFirstFinal(d, '33.0.1')).toBe(false);
    expect(constraintsBranch(d, series)).toBe('stable/2026.1');
    expect(constraintsBranch({ ...d, series: 'hibiscus' }, series)).toBe('master');
    expect(constraintsBranch({ ...d, series: 'independent' }, series)).toBe('master');
    const { tags, branches } = tagAndBranchRequests(d, 'deliverables/gazpacho/nova.yaml', series, []);
    expect(tags.map((t) => [t.repo, t.version, t.hash])).toEqual([['openstack/nova', '33.0.1', 'b'.repeat(40)]]);
    expect(tags[0].message).toContain('meta:branch: stable/2026.1\n');
    expect(branches).toEqual([{ deliverable: 'nova', repo: 'openstack/nova', branch: 'stable/2026.1', hash: 'a'.repeat(40) }]);
    expect(reviewMetaLines('commit abc\nAuthor: A <a@x>\nCommit: C <c@x>\n\n    Release nova\n\nNotes (review):\n    Code-Review+2: R <r@x>\n    Workflow+1: R <r@x>\n    Submitted-by: R\n'))
      .toEqual(['meta:release:Author: A <a@x>', 'meta:release:Commit: C <c@x>', 'meta:release:Code-Review+2: R <r@x>', 'meta:release:Workflow+1: R <r@x>']);
  });
});
