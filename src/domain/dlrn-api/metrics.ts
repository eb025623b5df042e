/** Prometheus text exposition of DLRN's build counters and trunkflow's own trunk figures. */

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
  /** Appended to the name (a summary's `_sum` and `_count`). */
  suffix?: string;
}

export interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  samples: MetricSample[];
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
/** Python's float repr, as prometheus_client prints values (`9296.0`). */
const pyFloat = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));

/** Text format 0.0.4, as prometheus_client's generate_latest writes it: counters get their `_total` name. */
export function prometheusText(metrics: readonly Metric[]): string {
  let out = '';
  for (const m of metrics) {
    const name = m.type === 'counter' ? `${m.name}_total` : m.name;
    out += `# HELP ${name} ${escapeHelp(m.help)}\n# TYPE ${name} ${m.type}\n`;
    for (const s of m.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      out += `${name}${s.suffix ?? ''}${labels ? `{${labels}}` : ''} ${pyFloat(s.value)}\n`;
    }
  }
  return out;
}

export interface TrunkFigures {
  trunk: string;
  baseurl: string;
  builds: { succeeded: number; failed: number; retry: number; total: number };
  /** From the trunk workflow, when it answers. */
  queue?: { queued: number; running: number; postBuildsPending: number };
  /** Seconds each recently completed build workflow took, when Temporal answers. */
  buildDurations?: readonly number[];
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : 0;
}

/** DLRN's four build counters (label `baseurl`), then trunkflow's per-trunk gauges. */
export function trunkMetrics(f: TrunkFigures): Metric[] {
  const byBaseurl = (value: number) => [{ labels: { baseurl: f.baseurl }, value }];
  const byTrunk = (value: number) => [{ labels: { trunk: f.trunk }, value }];
  const metrics: Metric[] = [
    { name: 'dlrn_builds_succeeded', help: 'Total number of successful builds', type: 'counter', samples: byBaseurl(f.builds.succeeded) },
    { name: 'dlrn_builds_failed', help: 'Total number of failed builds', type: 'counter', samples: byBaseurl(f.builds.failed) },
    { name: 'dlrn_builds_retry', help: 'Total number of builds in retry state', type: 'counter', samples: byBaseurl(f.builds.retry) },
    { name: 'dlrn_builds', help: 'Total number of builds', type: 'counter', samples: byBaseurl(f.builds.total) },
    {
      name: 'trunkflow_builds', help: 'Build rows of the trunk by status', type: 'gauge',
      samples: (['SUCCESS', 'FAILED', 'RETRY'] as const).map((status) => ({
        labels: { trunk: f.trunk, status }, value: status === 'SUCCESS' ? f.builds.succeeded : status === 'FAILED' ? f.builds.failed : f.builds.retry,
      })),
    },
  ];
  if (f.queue) {
    metrics.push(
      { name: 'trunkflow_trunk_queue_length', help: 'Builds waiting for a build slot', type: 'gauge', samples: byTrunk(f.queue.queued) },
      { name: 'trunkflow_trunk_running_builds', help: 'Builds running now', type: 'gauge', samples: byTrunk(f.queue.running) },
      { name: 'trunkflow_trunk_post_builds_pending', help: 'Finished builds waiting for their post-build', type: 'gauge', samples: byTrunk(f.queue.postBuildsPending) },
    );
  }
  if (f.buildDurations) {
    const sorted = [...f.buildDurations].sort((a, b) => a - b);
    metrics.push({
      name: 'trunkflow_build_duration_seconds', help: 'Build workflows completed in the last hour, start to end (post-build included)', type: 'summary',
      samples: [
        ...[0.5, 0.9, 0.99].map((q) => ({ labels: { trunk: f.trunk, quantile: String(q) }, value: quantile(sorted, q) })),
        { labels: { trunk: f.trunk }, value: sorted.reduce((a, b) => a + b, 0), suffix: '_sum' },
        { labels: { trunk: f.trunk }, value: sorted.length, suffix: '_count' },
      ],
    });
  }
  return metrics;
}
