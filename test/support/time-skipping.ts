/**
 * Workflow tests on Temporal's time-skipping test server, with stubbed
 * activities: the Java test server that temporal-dev/install-test-server put in
 * the trunkflow cache (nothing is downloaded at test time), and one workflow
 * bundle shared by a test file's workers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';
import { WORKFLOWS_PATH } from '../../src/worker';

/** The wrapper temporal-dev/install-test-server writes; `npm test` runs the installer first. */
export function testServerPath(): string {
  const cacheBin = process.env.TRUNKFLOW_CACHE_BIN ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'trunkflow', 'bin');
  const wrapper = path.join(cacheBin, 'temporal-test-server');
  if (!fs.existsSync(wrapper)) {
    throw new Error(`${wrapper} is missing: run temporal-dev/install-test-server (npm test does)`);
  }
  return wrapper;
}

let runtimeInstalled = false;

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Another test of this process installed it.
    }
  }
  const env = await startTestServer();
  // The workflows set trunkflow's search attributes; the test server refuses unknown ones.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}

/**
 * The SDK gives the server's JVM 5 s to answer; on a loaded machine a cold JVM
 * can take longer, so a start that timed out is tried again (the JVM is warm then).
 */
async function startTestServer(attempts = 4): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath() } } });
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test((err as Error).message)) throw err;
    }
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The real workflows, bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) } });
  return bundle;
}

export { Worker };
