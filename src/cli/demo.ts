/** The local demo's extras for `npm start`: push hooks on the demo remotes and the failure path shown once. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config, TrunkConfig } from '../config';
import { generateDemoTrunk, pushBreakingAndFixingCommits, type DemoTrunk } from '../activities/demo';
import { trunkPaths } from '../activities/layout';
import { demoDir } from '../config';

/**
 * A post-receive hook in each demo remote, so a plain `git push` to it reaches
 * the webhook as a code host's push event would: the build starts at once.
 */
export function installPushHooks(demo: DemoTrunk, webhookUrl: string): void {
  for (const pkg of demo.packages) {
    for (const url of [pkg.upstream, pkg.distgit]) {
      const repo = new URL(url).pathname;
      const hook = path.join(repo, 'hooks', 'post-receive');
      const script = `#!/bin/sh
# Installed by trunkflow for the local demo: tells the API about each push.
while read -r old new ref; do
  payload='{"ref":"'"$ref"'","after":"'"$new"'","repository":{"full_name":"${path.basename(repo, '.git')}","clone_url":"${url}"}}'
  curl -s -m 5 -o /dev/null -X POST -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \\
    --data "$payload" '${webhookUrl}' || echo "trunkflow: webhook not reached (is npm start running?)" >&2
done
`;
      fs.writeFileSync(hook, script, { mode: 0o755 });
    }
  }
}

/**
 * Shows the failure path once per demo: after the first consistent repo, one
 * package gets a commit that breaks its build and then one that fixes it.
 */
export async function showFailureOnce(config: Config, t: TrunkConfig, log: (line: string) => void, signal: AbortSignal): Promise<void> {
  const paths = trunkPaths(config, t.name);
  const marker = path.join(demoDir(config.paths.data), '.failure-shown');
  if (fs.existsSync(marker)) return;
  const consistent = path.join(paths.repos, 'consistent');
  while (!fs.existsSync(consistent)) {
    if (signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  const demo = await generateDemoTrunk(demoDir(config.paths.data));
  const pushed = await pushBreakingAndFixingCommits(demo);
  fs.writeFileSync(marker, `${pushed.breaking.sha}\n${pushed.fixing.sha}\n`);
  log(`  demo: pushed a breaking commit (${pushed.breaking.sha.slice(0, 8)}) and its fix (${pushed.fixing.sha.slice(0, 8)}) to ${demo.failingPackage}`);
}
