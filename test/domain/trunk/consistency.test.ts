import {
  computeFailures,
  inComponentScope,
  latestRow,
  latestStatusByPackage,
  symlinkDecision,
} from '../../../src/domain/trunk/consistency';
import { row } from './fixtures';

const packages = [
  { name: 'openstack-nova', component: 'compute' },
  { name: 'python-novaclient', component: 'compute' },
  { name: 'openstack-ironic', component: 'baremetal' },
  { name: 'python-oslo-utils' },
];

describe('latestRow / latestStatusByPackage', () => {
  const rows = [
    row({ id: 1, projectName: 'openstack-nova', status: 'SUCCESS' }),
    row({ id: 5, projectName: 'openstack-nova', status: 'RETRY' }),
    row({ id: 3, projectName: 'openstack-nova', status: 'FAILED' }),
    row({ id: 9, projectName: 'openstack-nova', status: 'SUCCESS', type: 'container' }),
    row({ id: 2, projectName: 'openstack-ironic', status: 'SUCCESS' }),
  ];

  it('latest row includes RETRY and is by id', () => {
    expect(latestRow(rows, 'openstack-nova')?.id).toBe(5);
    expect(latestRow(rows, 'openstack-nova', { status: 'SUCCESS' })?.id).toBe(1);
    expect(latestRow(rows, 'openstack-nova', { type: 'container' })?.id).toBe(9);
    expect(latestRow(rows, 'python-novaclient')).toBeNull();
  });

  it('maps each built package to its latest status', () => {
    expect(Object.fromEntries(latestStatusByPackage(rows))).toEqual({
      'openstack-nova': 'RETRY',
      'openstack-ironic': 'SUCCESS',
    });
  });
});

describe('computeFailures', () => {
  it('counts FAILED, RETRY and never-built packages, never the built one', () => {
    const res = computeFailures({
      packages,
      built: { name: 'openstack-nova', component: 'compute' },
      latestStatus: { 'openstack-nova': 'FAILED', 'python-novaclient': 'RETRY', 'openstack-ironic': 'SUCCESS' },
    });
    expect(res.failures).toBe(2);
    expect(res.failing).toEqual([
      { name: 'python-novaclient', kind: 'RETRY', status: 'RETRY' },
      { name: 'python-oslo-utils', kind: 'NEVER_BUILT', status: null },
    ]);
  });

  it('is zero when everything else is SUCCESS', () => {
    const latestStatus = new Map(packages.map((p) => [p.name, 'SUCCESS']));
    expect(computeFailures({ packages, built: { name: 'openstack-ironic' }, latestStatus }).failures).toBe(0);
  });

  it('with components, only the built component plus component-less packages count', () => {
    const res = computeFailures({
      packages,
      built: { name: 'openstack-ironic', component: 'baremetal' },
      latestStatus: { 'python-novaclient': 'FAILED' },
      useComponents: true,
    });
    expect(res.failing.map((f) => f.name)).toEqual(['python-oslo-utils']);
  });

  it('without components, other components count', () => {
    const res = computeFailures({
      packages,
      built: { name: 'openstack-ironic', component: 'baremetal' },
      latestStatus: { 'python-novaclient': 'FAILED', 'openstack-nova': 'SUCCESS', 'python-oslo-utils': 'SUCCESS' },
    });
    expect(res.failing).toEqual([{ name: 'python-novaclient', kind: 'FAILED', status: 'FAILED' }]);
  });

  it('does not pick up inherited object keys as statuses', () => {
    const res = computeFailures({ packages: [{ name: 'constructor' }], built: { name: 'x' }, latestStatus: {} });
    expect(res.failing[0].kind).toBe('NEVER_BUILT');
  });

  it('inComponentScope', () => {
    expect(inComponentScope({ component: 'ui' }, 'compute', true)).toBe(false);
    expect(inComponentScope({}, 'compute', true)).toBe(true);
    expect(inComponentScope({ component: null }, 'compute', true)).toBe(false);
    expect(inComponentScope({ component: 'ui' }, 'compute', false)).toBe(true);
  });
});

describe('symlinkDecision', () => {
  it('moves current and consistent when all green and records the vote', () => {
    expect(symlinkDecision({ buildSucceeded: true, failures: 0 })).toMatchObject({
      moveCurrent: true,
      moveConsistent: true,
      recordConsistentVote: true,
      status: 'SUCCESS',
    });
  });
  it('moves only current with failures', () => {
    expect(symlinkDecision({ buildSucceeded: true, failures: 2 })).toMatchObject({
      moveCurrent: true,
      moveConsistent: false,
      recordConsistentVote: false,
      reason: '2 packages not built correctly: not updating the consistent symlink',
    });
  });
  it('a failed sync still moves current but fails the build and blocks consistent', () => {
    expect(symlinkDecision({ buildSucceeded: true, failures: 0, syncSucceeded: false })).toMatchObject({
      moveCurrent: true,
      moveConsistent: false,
      status: 'FAILED',
    });
  });
  it('a failed build moves nothing', () => {
    expect(symlinkDecision({ buildSucceeded: false, failures: 0 })).toMatchObject({
      moveCurrent: false,
      moveConsistent: false,
      recordConsistentVote: false,
    });
  });
  it('dev mode moves consistent without a vote', () => {
    expect(symlinkDecision({ buildSucceeded: true, failures: 0, devMode: true })).toMatchObject({
      moveConsistent: true,
      recordConsistentVote: false,
    });
  });
});
