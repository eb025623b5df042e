"""The real DLRN API as a test oracle: seeds a SQLite DLRN database and serves DLRN's app under gunicorn.

Runs inside the virtualenv scripts/dlrn-venv.sh creates. Subcommands:
  seed   --db FILE|URL [--fixture NAME ...] [--user NAME:PASSWORD ...]
         DLRN's own test fixtures (dlrn/tests/samples/*.yaml, loaded with DLRN's loader) plus users.
  bulk   --db FILE --commits N --votes M [--promotions P] [--user NAME:PASSWORD ...] [--sample-out JSON]
         synthetic builds and votes for the benchmark, written through DLRN's own models.
  serve  --db FILE --port PORT --repo-dir DIR [--workers N] [--baseurl URL] [--target NAME]
         gunicorn bound to 127.0.0.1 serving dlrn.api:app with a config naming that database.
"""
import argparse
import os
import random
import sys
import tempfile

VENV = os.path.dirname(os.path.dirname(os.path.abspath(sys.executable)))
SAMPLES = os.path.join(VENV, 'samples')
DEFAULT_FIXTURES = ['commits_2.yaml', 'commits_components.yaml']


def session_for(db):
    """A SQLite file, or a database URL as DLRN's database_connection takes it (mysql+pymysql://...)."""
    from dlrn import db as dlrn_db
    return dlrn_db.getSession(db if '://' in db else 'sqlite:///%s' % os.path.abspath(db))


def add_users(session, specs):
    from dlrn.db import User
    from passlib.hash import sha512_crypt
    for spec in specs:
        name, _, password = spec.partition(':')
        if not name or not password:
            sys.exit('dlrn-oracle: --user wants NAME:PASSWORD, got %r' % spec)
        existing = session.query(User).filter(User.username == name).first()
        if existing is None:
            # The hash dlrn-user stores (passlib's default: 656,000 rounds).
            session.add(User(username=name, password=sha512_crypt.hash(password)))
    session.commit()


def cmd_seed(args):
    from dlrn import utils
    from dlrn.db import User
    session = session_for(args.db)
    for name in args.fixture or DEFAULT_FIXTURES:
        path = name if os.path.isabs(name) else os.path.join(SAMPLES, name)
        if _has_known_users(session, path):
            _load_without_users(session, path)
        else:
            utils.loadYAML(session, path)
    add_users(session, args.user)
    print('users: %s' % ', '.join(u.username for u in session.query(User).all()))


def _has_known_users(session, path):
    import yaml
    from dlrn.db import User
    with open(path) as fp:
        data = yaml.safe_load(fp)
    names = [u['username'] for u in (data.get('users') or [])]
    return any(session.query(User).filter(User.username == n).first() for n in names)


def _load_without_users(session, path):
    """loadYAML, for a second fixture whose users the first one already added."""
    import yaml
    from dlrn import utils
    with open(path) as fp:
        data = yaml.safe_load(fp)
    data.pop('users', None)
    with tempfile.NamedTemporaryFile('w', suffix='.yaml', delete=False) as tmp:
        yaml.safe_dump(data, tmp)
    try:
        utils.loadYAML(session, tmp.name)
    finally:
        os.unlink(tmp.name)


def cmd_bulk(args):
    """Deterministic synthetic data: N builds over 200 projects, M votes on them, P promotions."""
    from dlrn.db import CIVote, Commit, Project, Promotion
    rng = random.Random(7)
    session = session_for(args.db)
    add_users(session, args.user)
    user = args.user[0].partition(':')[0] if args.user else None
    base = 1600000000
    projects = ['python-bench-%03d' % i for i in range(200)]
    session.bulk_save_objects([Project(project_name=p, last_email=0) for p in projects])
    commits = []
    for i in range(1, args.commits + 1):
        project = projects[i % len(projects)]
        ch = '%040x' % rng.getrandbits(160)
        dh = '%040x' % rng.getrandbits(160)
        status = 'FAILED' if i % 10 == 0 else 'SUCCESS'
        commits.append(Commit(
            id=i, type='rpm', dt_commit=base + i * 60, dt_distro=base + i * 60 - 30, dt_build=base + i * 60 + 5,
            project_name=project, repo_dir='/data/%s' % project, distgit_dir='/data/%s_distro' % project,
            commit_hash=ch, distro_hash=dh, commit_branch='master', status=status,
            component='comp-%d' % (i % 5), artifacts=None if status == 'FAILED' else 'repos/%s/%s.rpm' % (ch[:2], project),
            notes='OK' if status == 'SUCCESS' else 'build failed', flags=0))
    session.bulk_save_objects(commits)
    session.commit()
    votes = []
    for j in range(1, args.votes + 1):
        cid = rng.randint(1, args.commits)
        while commits[cid - 1].status != 'SUCCESS':
            cid = rng.randint(1, args.commits)
        votes.append(CIVote(
            id=j, commit_id=cid, ci_name='job-%d' % (j % 20), ci_url='https://ci.example.org/%d' % j,
            ci_vote=(j % 3 != 0), ci_in_progress=False, timestamp=base + j * 7, notes='', user=user,
            component=commits[cid - 1].component))
        if len(votes) == 10000:
            session.bulk_save_objects(votes)
            votes = []
    session.bulk_save_objects(votes)
    promotions = []
    for k in range(1, args.promotions + 1):
        cid = 1 + (k * 37) % args.commits
        while commits[cid - 1].status != 'SUCCESS':
            cid = cid % args.commits + 1
        promotions.append(Promotion(id=k, commit_id=cid, promotion_name='label-%d' % (k % 4), timestamp=base + k * 11,
                                    user=user, component=commits[cid - 1].component))
    session.bulk_save_objects(promotions)
    session.commit()
    if args.sample_out:
        import json
        good = [c for c in commits if c.status == 'SUCCESS']
        with open(args.sample_out, 'w') as fp:
            json.dump([{'commit_hash': c.commit_hash, 'distro_hash': c.distro_hash}
                       for c in rng.sample(good, min(200, len(good)))], fp)
    print('commits: %d, votes: %d, promotions: %d' % (args.commits, args.votes, args.promotions))


def cmd_serve(args):
    workdir = tempfile.mkdtemp(prefix='dlrn-oracle-')
    ini = os.path.join(workdir, 'projects.ini')
    with open(ini, 'w') as fp:
        fp.write('[DEFAULT]\n'
                 'datadir=%s\n'
                 'scriptsdir=%s\n'
                 'baseurl=%s\n'
                 'distro=rpm-master\nsource=master\ntarget=%s\n'
                 'smtpserver=\nreponame=delorean\nproject_name=RDO\n'
                 'pkginfo_driver=dlrn.drivers.rdoinfo.RdoInfoDriver\n'
                 'build_driver=dlrn.drivers.mockdriver.MockBuildDriver\n'
                 'use_components=false\n'
                 % (os.path.dirname(os.path.abspath(args.repo_dir)), workdir, args.baseurl, args.target))
    cfg = os.path.join(workdir, 'config.py')
    with open(cfg, 'w') as fp:
        fp.write('DB_PATH = %r\nREPO_PATH = %r\nCONFIG_FILE = %r\n'
                 % ('sqlite:///%s' % os.path.abspath(args.db), os.path.abspath(args.repo_dir), ini))
    os.makedirs(args.repo_dir, exist_ok=True)
    env = dict(os.environ, CONFIG_FILE=cfg)
    gunicorn = os.path.join(os.path.dirname(sys.executable), 'gunicorn')
    argv = [gunicorn, '--bind', '127.0.0.1:%d' % args.port, '--workers', str(args.workers),
            '--chdir', workdir, '--control-socket', os.path.join(workdir, 'gunicorn.ctl'), '--access-logfile', '-' if args.access_log else '/dev/null',
            '--timeout', '120', 'dlrn.api:app']
    os.execve(gunicorn, argv, env)


def main():
    parser = argparse.ArgumentParser(prog='dlrn-oracle')
    sub = parser.add_subparsers(dest='cmd', required=True)
    seed = sub.add_parser('seed')
    seed.add_argument('--db', required=True)
    seed.add_argument('--fixture', action='append')
    seed.add_argument('--user', action='append', default=[])
    bulk = sub.add_parser('bulk')
    bulk.add_argument('--db', required=True)
    bulk.add_argument('--commits', type=int, default=10000)
    bulk.add_argument('--votes', type=int, default=100000)
    bulk.add_argument('--promotions', type=int, default=500)
    bulk.add_argument('--user', action='append', default=[])
    bulk.add_argument('--sample-out', help='write 200 SUCCESS builds\' hashes here (JSON), for the requests')
    serve = sub.add_parser('serve')
    serve.add_argument('--db', required=True)
    serve.add_argument('--port', type=int, required=True)
    serve.add_argument('--repo-dir', required=True)
    serve.add_argument('--workers', type=int, default=1)
    serve.add_argument('--baseurl', default='http://127.0.0.1/repos')
    serve.add_argument('--target', default='centos9')
    serve.add_argument('--access-log', action='store_true')
    args = parser.parse_args()
    {'seed': cmd_seed, 'bulk': cmd_bulk, 'serve': cmd_serve}[args.cmd](args)


if __name__ == '__main__':
    main()
