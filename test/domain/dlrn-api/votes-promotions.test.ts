import { DlrnApiError } from '../../../src/domain/dlrn-api/errors';
import { prometheusText, trunkMetrics } from '../../../src/domain/dlrn-api/metrics';
import { checkPromoteName, labelLink, promoteWorkflowId, promotionsLimit } from '../../../src/domain/dlrn-api/promotions';
import { voteSearchPlan, votesSince } from '../../../src/domain/dlrn-api/votes';

const input = { max_age: 0, success: null, job_id: null, sequential_mode: null, previous_job_id: null, component: null };

describe("last_tested_repo's vote searches", () => {
  it('looks for the job, then any CI but consistent, then consistent, keeping the success and component filters', () => {
    const plan = voteSearchPlan({ ...input, job_id: 'job', success: true, component: 'c' }, 1_000_000);
    expect(plan.map((s) => [s.ciName, s.excludeConsistent, s.success, s.component])).toEqual([
      ['job', true, true, 'c'], [null, true, true, 'c'], ['consistent', false, true, 'c'],
    ]);
    expect(voteSearchPlan(input, 0).map((s) => s.ciName)).toEqual([null, 'consistent']);
  });

  it("asks only for previous_job_id's votes in sequential mode", () => {
    expect(voteSearchPlan({ ...input, sequential_mode: true, previous_job_id: 'prev', job_id: 'ignored' }, 0))
      .toEqual([{ since: 0, success: null, component: null, ciName: 'prev', excludeConsistent: true }]);
  });

  it('counts max_age in hours back from now, 0 meaning every vote, huge ages too', () => {
    expect(votesSince(0, 1_700_000_000)).toBe(0);
    expect(votesSince(2, 1_700_000_000.7)).toBe(1_700_000_000 - 7200);
    expect(votesSince(99_999_999_999, 1_700_000_000)).toBeLessThan(-2_147_483_648);
  });
});

describe('promotion names and links', () => {
  const refused = (name: string) => {
    try {
      checkPromoteName(name);
      return null;
    } catch (err) {
      return err instanceof DlrnApiError ? `${err.status} ${err.message}` : String(err);
    }
  };

  it('refuses the builder links and names leaving the repo directory with a 403', () => {
    for (const name of ['consistent', 'current', '', '.', '..', '../x', 'a/b', '/abs', 'x/..', 'é'.repeat(128)]) {
      expect(refused(name)).toBe(`403 Invalid promote_name ${name}`);
    }
    for (const name of ['tripleo-ci-testing', 'previous-current', 'current-tripleo', 'é'.repeat(127), '..x']) expect(refused(name)).toBeNull();
  });

  it('links the sharded dir relatively, inside the component dir when the trunk uses components', () => {
    const commit = { commitHash: 'abcdef', distroHash: '12345678ff', extendedHash: null, component: 'tripleo' };
    expect(labelLink(commit, false)).toEqual({ baseDir: '', target: 'component/tripleo/ab/cd/abcdef_12345678' });
    expect(labelLink(commit, true)).toEqual({ baseDir: 'component/tripleo', target: 'ab/cd/abcdef_12345678' });
    expect(labelLink({ ...commit, component: null }, true)).toEqual({ baseDir: 'component/None', target: 'ab/cd/abcdef_12345678' });
  });

  it('bounds /promotions: the default when no limit is asked, never more than the maximum', () => {
    expect(promotionsLimit(null, 100, 100)).toBe(100);
    expect(promotionsLimit(null, 20, 100)).toBe(20);
    expect(promotionsLimit(7, 20, 100)).toBe(7);
    expect(promotionsLimit(0, 20, 100)).toBe(0);
  });

  it('serialises by trunk and label set', () => {
    expect(promoteWorkflowId('main', ['b', 'a', 'b'])).toBe('promote-label:main:a,b');
  });
});

describe('Prometheus text', () => {
  it("writes DLRN's counters with their _total names and float values, and the trunk's gauges", () => {
    const text = prometheusText(trunkMetrics({ trunk: 't', baseurl: 'http://x/"q"', builds: { succeeded: 3, failed: 1, retry: 0, total: 4 }, queue: { queued: 2, running: 1, postBuildsPending: 0 } }));
    expect(text).toContain('# HELP dlrn_builds_succeeded_total Total number of successful builds\n# TYPE dlrn_builds_succeeded_total counter\ndlrn_builds_succeeded_total{baseurl="http://x/\\"q\\""} 3.0\n');
    expect(text).toContain('trunkflow_builds{trunk="t",status="FAILED"} 1.0\n');
    expect(text).toContain('trunkflow_trunk_queue_length{trunk="t"} 2.0\n');
    expect(prometheusText(trunkMetrics({ trunk: 't', baseurl: 'b', builds: { succeeded: 0, failed: 0, retry: 0, total: 0 } }))).not.toContain('queue_length');
  });

  it('summarises recent build durations with quantiles, sum and count', () => {
    const text = prometheusText(trunkMetrics({ trunk: 't', baseurl: 'b', builds: { succeeded: 0, failed: 0, retry: 0, total: 0 }, buildDurations: [30, 10, 20, 40.5] }));
    expect(text).toContain('# TYPE trunkflow_build_duration_seconds summary\n');
    expect(text).toContain('trunkflow_build_duration_seconds{trunk="t",quantile="0.5"} 20.0\n');
    expect(text).toContain('trunkflow_build_duration_seconds{trunk="t",quantile="0.99"} 40.5\n');
    expect(text).toContain('trunkflow_build_duration_seconds_sum{trunk="t"} 100.5\n');
    expect(text).toContain('trunkflow_build_duration_seconds_count{trunk="t"} 4.0\n');
  });
});
