/** `trunkflow`: the command line (subcommands load their modules lazily, so `--help` is instant). */
import { Command, Option } from 'commander';
import { findTrunk, loadConfig, type Config, ConfigError } from '../config';
import { searchAttributeCliSpecs } from '../domain/search-attributes';

/** Errors a user can act on: printed as one line, exit code 1. */
class UserError extends Error {}

const program = new Command();
program
  .name('trunkflow')
  .description('The RDO delivery pipeline as durable Temporal workflows')
  .option('-c, --config <file>', 'configuration file (default: $TRUNKFLOW_CONFIG or ./trunkflow.yaml)')
  .showHelpAfterError();

function config(): Config {
  return loadConfig(program.opts<{ config?: string }>().config);
}

/** Runs fn with a Temporal client of the configured cluster, closing it afterwards. */
async function withClient<T>(cfg: Config, fn: (client: import('@temporalio/client').Client) => Promise<T>): Promise<T> {
  const control = await import('../control/client');
  return control.withClient(cfg, fn);
}

program
  .command('packages')
  .description('print the packages rdoinfo resolves for a release')
  .option('-r, --release <name>', 'release (default: the configured one)')
  .option('--rdoinfo <dir>', 'rdoinfo checkout (default: the configured one)')
  .option('--json', 'print JSON')
  .action(async (opts: { release?: string; rdoinfo?: string; json?: boolean }) => {
    const { loadRdoinfoDir } = await import('../activities/rdoinfo-files');
    const { packagesForRelease } = await import('../domain/rdoinfo');
    const cfg = config();
    const packages = packagesForRelease(loadRdoinfoDir(opts.rdoinfo ?? cfg.rdoinfo.path, cfg.rdoinfo.entry), opts.release ?? cfg.rdoinfo.release);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(packages, null, 2)}\n`);
    } else {
      for (const p of packages) process.stdout.write(`${p.name}\t${p.component ?? '-'}\t${p.upstream}\n`);
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const { createPool } = await import('../db/pool');
    const { migrate } = await import('../db/migrate');
    const pool = createPool(config().database.url, 1);
    try {
      const applied = await migrate(pool);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await pool.end();
    }
  });

program
  .command('worker')
  .description('run a worker for the configured task queues')
  .option('--roles <list>', 'comma list of roles: orchestration (workflows), builds (build hosts)', 'orchestration,builds')
  .action(async (opts: { roles: string }) => {
    const roles = opts.roles.split(',').map((r) => r.trim()).filter(Boolean);
    const unknown = roles.filter((r) => r !== 'orchestration' && r !== 'builds');
    if (unknown.length || roles.length === 0) throw new UserError(`trunkflow: --roles: unknown role(s) ${unknown.join(', ') || '(none given)'}; use orchestration and/or builds`);
    const { runProcesses } = await import('./serve');
    await runProcesses(config(), { worker: true, api: false, roles: { orchestration: roles.includes('orchestration'), builds: roles.includes('builds') } });
  });

program
  .command('api')
  .description('run the HTTP API server')
  .action(async () => {
    const { runProcesses } = await import('./serve');
    await runProcesses(config(), { worker: false, api: true });
  });

program
  .command('serve')
  .description('migrate, then run the worker and the API server, and sync the packages of the configured release')
  .option('--no-sync', 'do not start syncPackages')
  .action(async (opts: { sync: boolean }) => {
    const { runProcesses } = await import('./serve');
    await runProcesses(config(), { worker: true, api: true, syncRelease: opts.sync });
  });

program
  .command('sync-packages')
  .description('run the syncPackages workflow for a release and wait for it')
  .option('-r, --release <name>', 'release (default: the configured one)')
  .action(async (opts: { release?: string }) => {
    const { syncPackagesOnce } = await import('./serve');
    const cfg = config();
    const result = await syncPackagesOnce(cfg, opts.release ?? cfg.rdoinfo.release);
    console.log(JSON.stringify(result));
  });

function pickTrunk(cfg: Config, name?: string): string {
  if (name) return findTrunk(cfg, name).name;
  if (cfg.trunks.length !== 1) throw new UserError(`trunkflow: several trunks are configured (${cfg.trunks.map((t) => t.name).join(', ')}); name one with --trunk`);
  return cfg.trunks[0].name;
}

const trunkCommand = program.command('trunk').description('steer the trunk builders');
trunkCommand
  .command('poke')
  .description('look for new commits of these packages now, without waiting for the schedule')
  .argument('<packages...>', 'package names')
  .option('-t, --trunk <name>', 'trunk (default: the only one configured)')
  .action(async (packages: string[], opts: { trunk?: string }) => {
    const { requestDiscovery } = await import('../control/trunk');
    const cfg = config();
    const trunk = pickTrunk(cfg, opts.trunk);
    const id = await withClient(cfg, (client) => requestDiscovery(client, cfg, trunk, packages, 'trunkflow trunk poke'));
    console.log(`discovery of ${packages.join(', ')} requested on ${id}`);
  });
trunkCommand
  .command('status')
  .description("print the trunk workflow's queue and running builds")
  .option('-t, --trunk <name>', 'trunk (default: the only one configured)')
  .action(async (opts: { trunk?: string }) => {
    const { trunkStatus } = await import('../control/trunk');
    const cfg = config();
    const status = await withClient(cfg, (client) => trunkStatus(client, cfg, pickTrunk(cfg, opts.trunk)));
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  });

trunkCommand
  .command('build')
  .description("a one-off run of some packages, as DLRN's --package-name runs, as a workflow")
  .requiredOption('-p, --package <name>', 'package to build (repeat for more)', (v: string, all: string[] = []) => [...all, v])
  .option('--head-only', 'build only the newest new commit of each package (DLRN --head-only)')
  .option('--order', "build one at a time in BuildRequires order, not commit dates (DLRN --order)")
  .option('--dev', "build each package's HEAD whatever was built before, recording nothing (DLRN --dev)")
  .option('--no-wait', 'print the workflow ID and return without waiting for the builds')
  .option('-t, --trunk <name>', 'trunk (default: the only one configured)')
  .action(async (opts: { package: string[]; headOnly?: boolean; order?: boolean; dev?: boolean; wait: boolean; trunk?: string }) => {
    const { oneOffProblem } = await import('../domain/trunk/one-off');
    const problem = oneOffProblem({ packages: opts.package });
    if (problem) throw new UserError(`trunkflow: ${problem}`);
    const { oneOffResult, startOneOffRun } = await import('../control/trunk');
    const cfg = config();
    const trunk = pickTrunk(cfg, opts.trunk);
    await withClient(cfg, async (client) => {
      const id = await startOneOffRun(client, cfg, {
        trunk, packages: opts.package, headOnly: Boolean(opts.headOnly), order: Boolean(opts.order), dev: Boolean(opts.dev),
      });
      console.log(`one-off run ${id}: ${cfg.temporal.uiUrl}/namespaces/${cfg.temporal.namespace}/workflows/${encodeURIComponent(id)}`);
      if (!opts.wait) return;
      const builds = await oneOffResult(client, id).catch((err: Error & { cause?: Error }) => {
        throw new UserError(`trunkflow: one-off run ${id} failed: ${err.cause?.message ?? err.message}`);
      });
      if (builds.length === 0) console.log('no commits to build (DLRN: already built, or rechecks need the FAILED row removed)');
      for (const b of builds) console.log(`${b.packageName} ${b.commitHash.slice(0, 8)}_${b.distroHash.slice(0, 8)} ${b.status} ${b.repoDir}`);
      if (builds.some((b) => b.status !== 'SUCCESS')) process.exitCode = 1;
    });
  });

trunkCommand
  .command('purge')
  .description("remove old builds' repo dirs and flag their rows (DLRN's dlrn-purge), keeping what labels point at")
  .argument('<trunk>', 'trunk name')
  .option('--dry-run', 'list what would go; change nothing')
  .option('--keep-days <n>', "keep builds of the last n days (default: the trunk's purge.keepDays)")
  .option('--json', 'print the report as JSON')
  .action(async (name: string, opts: { dryRun?: boolean; keepDays?: string; json?: boolean }) => {
    const keepDays = opts.keepDays === undefined ? undefined : Number(opts.keepDays);
    if (keepDays !== undefined && !(Number.isInteger(keepDays) && keepDays >= 0)) {
      throw new UserError(`trunkflow: --keep-days: expected a whole number of days >= 0, got "${opts.keepDays}"`);
    }
    const { runPurge } = await import('../control/trunk');
    const cfg = config();
    const trunk = findTrunk(cfg, name).name;
    const report = await withClient(cfg, (client) => runPurge(client, cfg, trunk, { dryRun: Boolean(opts.dryRun), keepDays }));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const verb = report.dryRun ? 'would purge' : 'purged';
    for (const p of report.purged) console.log(`${verb} ${p.projectName} #${p.id} ${p.repoDir}${p.removeDir ? '' : ' (row only: its dir is shared)'}`);
    for (const k of report.kept) console.log(`kept ${k.projectName} #${k.id} ${k.repoDir}: ${k.reason}`);
    console.log(`${report.trunk}: ${report.purged.length} build(s) ${verb}, ${report.kept.length} old build(s) kept ` +
      `(older than ${report.keepDays} days, before ${new Date(report.cutoff * 1000).toISOString()})`);
  });

program
  .command('recheck')
  .description("rebuild a package whose latest build FAILED (DLRN's recheck rule)")
  .argument('<package>', 'package name')
  .option('-t, --trunk <name>', 'trunk (default: the only one configured)')
  .action(async (packageName: string, opts: { trunk?: string }) => {
    const { requestRecheck } = await import('../control/trunk');
    const cfg = config();
    const trunk = pickTrunk(cfg, opts.trunk);
    // The trunk decides, with DLRN's rule, and answers: rechecked, or why not (DLRN's 400/409 message).
    const answer = await withClient(cfg, (client) => requestRecheck(client, cfg, trunk, packageName));
    if (!answer.rechecked) throw new UserError(`trunkflow: ${answer.explanation}`);
    console.log(`recheck of ${packageName} on trunk ${trunk}: ${answer.explanation}`);
  });

const importCommand = program.command('import').description('bring data over from other systems');
importCommand
  .command('dlrn-db')
  .description('import a DLRN database (commits, projects, civotes, civotes_agg, promotions, users) unchanged, all or nothing')
  .argument('<source>', 'SQLite file, or mysql://user:password@host[:port]/database')
  .requiredOption('-t, --trunk <name>', 'the trunk its builds belong to')
  .action(async (source: string, opts: { trunk: string }) => {
    const { createPool } = await import('../db/pool');
    const { migrate } = await import('../db/migrate');
    const { importDlrnDatabase, DlrnImportError } = await import('../db/dlrn-import');
    const cfg = config();
    const trunk = findTrunk(cfg, opts.trunk).name;
    const pool = createPool(cfg.database.url, 2);
    try {
      await migrate(pool);
      const summary = await importDlrnDatabase(pool, source, trunk);
      for (const t of summary.tables) {
        console.log(`${t.table.padEnd(12)} ${String(t.rows).padStart(7)} rows: ${t.inserted} imported, ${t.alreadyPresent} already there`);
      }
    } catch (err) {
      if (err instanceof DlrnImportError) throw new UserError(`trunkflow import dlrn-db: ${err.message}; nothing was imported`);
      throw err;
    } finally {
      await pool.end();
    }
  });

const userCommandGroup = program.command('user').description("the DLRN API's accounts (HTTP Basic users of the users table)");
for (const [action, description] of [
  ['create', 'add a user'],
  ['password', "replace a user's password"],
  ['delete', 'remove a user that has no votes or promotions'],
] as const) {
  const cmd = userCommandGroup.command(action).description(description).argument('<username>', 'user name');
  if (action !== 'delete') {
    cmd.option('-p, --password <text>', 'the password (visible to other local users: prefer --password-stdin)')
      .option('--password-stdin', 'read the password from the first line of stdin');
  }
  cmd.action(async (username: string, opts: { password?: string; passwordStdin?: boolean }) => {
    const { userCommand } = await import('./users');
    try {
      console.log(await userCommand(config(), action, username, opts));
    } catch (err) {
      throw new UserError(`trunkflow user ${action}: ${(err as Error).message}`);
    }
  });
}

program
  .command('status')
  .description('show where the local stack is and whether each part answers')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const { stackStatus } = await import('./status');
    const status = await stackStatus(config());
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    } else {
      for (const [part, s] of Object.entries(status)) {
        console.log(`${part.padEnd(9)} ${s.up ? 'up  ' : 'DOWN'} ${s.url}${s.detail ? `  (${s.detail})` : ''}`);
      }
    }
    if (!Object.values(status).every((s) => s.up)) process.exitCode = 3;
  });

const releaseCommand = program.command('release').description('the release pipeline: release requests, tags and their pipelines');
releaseCommand
  .command('validate')
  .description("check deliverable files with openstack/releases' schema and rules (default: the files the last commit changed)")
  .argument('[files...]', 'deliverables/<series>/<name>.yaml files')
  .action(async (files: string[]) => {
    const { runValidate } = await import('./release');
    process.exitCode = await runValidate(config(), files, (line) => console.log(line));
  });

releaseCommand
  .command('rerun')
  .description("run a tag's pipelines again: uploads skip what the index has, the announcement is not sent twice")
  .argument('<repo>', 'repository, e.g. openstack/nova')
  .argument('<tag>', 'the tag, e.g. 33.0.0')
  .action(async (repo: string, tag: string) => {
    const { startReleaseTag } = await import('../control/release');
    const cfg = config();
    const { workflowId, started } = await withClient(cfg, (client) => startReleaseTag(client, cfg, repo, tag, 'trunkflow release rerun', true));
    if (!started) throw new UserError(`trunkflow: ${workflowId} is still running; wait for it to finish`);
    console.log(`started ${workflowId}`);
  });

program
  .command('search-attributes')
  .description('print the custom search attributes as Name=Type, one a line')
  .action(() => {
    for (const spec of searchAttributeCliSpecs()) console.log(spec);
  });

program
  .command('bundle')
  .description('prebuild the workflow bundle (run by npm run build)')
  .addOption(new Option('--out <file>', 'target file'))
  .action(async (opts: { out?: string }) => {
    const { writeWorkflowBundle } = await import('../worker');
    await writeWorkflowBundle(opts.out);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof ConfigError || err instanceof UserError ? err.message : `trunkflow: ${(err as Error).message ?? String(err)}`;
  console.error(message.split('\n').length > 1 && err instanceof ConfigError ? message : message.split('\n')[0]);
  process.exit(1);
});
