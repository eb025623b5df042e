#!/usr/bin/env python3
"""Write the packages distroinfo resolves for a release as a JSON fixture.

distroinfo is the reference rdoinfo parser (DLRN and rdopkg use it); the
fixture pins what trunkflow's TypeScript loader (src/domain/rdoinfo.ts) must
produce, so a test can compare the two field by field.

A package belongs to the release when its tags include the release name
exactly. (DLRN filters with distroinfo.query.filter_pkgs, a regex search
under which 'flamingo' also matches 'flamingo-uc'; trunkflow does not.)
"""
import argparse
import json
import os
import sys

from distroinfo.info import DistroInfo

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('rdoinfo', nargs='?',
                    default=os.path.join(REPO_ROOT, '..', 'shared', 'data', 'rdoinfo'),
                    help='rdoinfo directory (default: ../shared/data/rdoinfo from the repo root)')
    ap.add_argument('--release', default='flamingo')
    ap.add_argument('--entry', default='rdo-full.yml', help='info file to start from')
    ap.add_argument('--output', help='default: test/fixtures/rdoinfo-<release>.expected.json')
    args = ap.parse_args()

    info = DistroInfo(info_files=args.entry, local_info=os.path.abspath(args.rdoinfo)).get_info(
        apply_tag=args.release)
    if args.release not in [r['name'] for r in info['releases']]:
        sys.exit('unknown release: %s' % args.release)
    pkgs = [p for p in info['packages']
            if isinstance(p.get('tags'), dict) and args.release in p['tags']]
    pkgs.sort(key=lambda p: (p['name'], p['project']))

    out = args.output or os.path.join(
        REPO_ROOT, 'test', 'fixtures', 'rdoinfo-%s.expected.json' % args.release)
    with open(out, 'w') as f:
        json.dump(pkgs, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write('\n')
    print('%s: %d packages' % (os.path.relpath(out), len(pkgs)))


if __name__ == '__main__':
    main()
