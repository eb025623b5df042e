/** Prometheus text exposition of DLRN's build counters and trunkflow's own trunk figures. */

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
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
      out += `${name}${labels ? `{${labels}}` : ''} ${pyFloat(s.value)}\n`;
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
  return metrics;
}
