/**
 * The deliverable file schema (openstack/releases' schema.yaml, JSON Schema
 * draft 4, no unknown keys) and a checker for the subset of draft 4 it uses,
 * reporting in jsonschema's wording with the path of the offending value.
 */
import { pyRepr } from './pyrepr';

type JsonType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

export interface SchemaNode {
  type?: JsonType | JsonType[];
  enum?: readonly string[];
  required?: readonly string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: false;
  items?: SchemaNode;
  oneOf?: readonly SchemaNode[];
}

const str: SchemaNode = { type: 'string' };
const strEnum = (values: readonly string[]): SchemaNode => ({ type: 'string', enum: values });

export const RELEASE_MODELS = ['cycle-with-intermediary', 'cycle-with-milestones', 'cycle-trailing', 'untagged', 'cycle-with-rc', 'cycle-automatic', 'abandoned'] as const;
export const DELIVERABLE_TYPES = ['horizon-plugin', 'library', 'client-library', 'service', 'tempest-plugin', 'other', 'trailing'] as const;
export const RELEASE_TYPES = ['python-service', 'python-pypi', 'xstatic', 'fuel', 'nodejs', 'puppet', 'neutron', 'horizon', 'openstack-manuals', 'manila-image-elements', 'openstack-virtual-baremetal', 'generic'] as const;
export const STABLE_BRANCH_TYPES = ['std', 'tagless', 'upstream', 'none', 'std-with-versions'] as const;
export const STABLE_STATUSES = ['future', 'development', 'maintained', 'extended maintenance', 'unmaintained', 'end of life'] as const;

/** openstack/releases' schema.yaml, key for key and in its order (the order errors are reported in). */
export const DELIVERABLE_SCHEMA: SchemaNode = {
  additionalProperties: false,
  required: ['team', 'type'],
  properties: {
    team: str,
    launchpad: str,
    storyboard: { type: ['integer', 'string'] },
    'release-notes': { oneOf: [{ type: 'string' }, { type: 'object' }] },
    'include-pypi-link': { type: 'boolean' },
    'release-model': strEnum(RELEASE_MODELS),
    type: strEnum(DELIVERABLE_TYPES),
    'artifact-link-mode': strEnum(['tarball', 'none']),
    // Upstream's schema nests its per-repository keys one level too high, so
    // in effect any mapping passes; the same leniency is kept here.
    'repository-settings': { type: 'object' },
    'release-type': strEnum(RELEASE_TYPES),
    'stable-branch-type': strEnum(STABLE_BRANCH_TYPES),
    'cycle-highlights': { type: 'array', items: str },
    releases: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          version: str,
          projects: {
            type: 'array',
            items: {
              type: 'object',
              required: ['repo', 'hash'],
              properties: { repo: str, hash: str, comment: str, 'tarball-base': str },
              additionalProperties: false,
            },
          },
          'diff-start': str,
          flags: { type: 'array', items: strEnum(['forced', 'skipped-sig']) },
        },
        required: ['version', 'projects'],
        additionalProperties: false,
      },
    },
    branches: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: str, location: { oneOf: [{ type: 'string' }, { type: 'object' }] } },
        required: ['name', 'location'],
        additionalProperties: false,
      },
    },
    'stable-status': strEnum(STABLE_STATUSES),
  },
};

export interface SchemaProblem {
  /** Where the value sits, e.g. `releases[2].projects[0]`; empty at the top level. */
  path: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'array': return Array.isArray(value);
    case 'object': return isObject(value);
  }
}

function check(node: SchemaNode, value: unknown, path: string, out: SchemaProblem[]): void {
  // jsonschema visits the keywords in the schema's own order.
  if (node.additionalProperties === false && isObject(value) && node.properties) {
    const extras = Object.keys(value).filter((k) => !(k in node.properties!)).sort();
    if (extras.length) {
      const list = extras.map((e) => pyRepr(e)).join(', ');
      out.push({ path, message: `Additional properties are not allowed (${list} ${extras.length === 1 ? 'was' : 'were'} unexpected)` });
    }
  }
  if (node.required && isObject(value)) {
    for (const key of node.required) if (!(key in value)) out.push({ path, message: `${pyRepr(key)} is a required property` });
  }
  if (node.properties && isObject(value)) {
    for (const [key, sub] of Object.entries(node.properties)) {
      if (key in value) check(sub, value[key], path ? `${path}.${key}` : key, out);
    }
  }
  if (node.type) {
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (!types.some((t) => hasType(value, t))) {
      out.push({ path, message: `${pyRepr(value)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}` });
      return;
    }
  }
  if (node.enum && !node.enum.includes(value as string)) out.push({ path, message: `${pyRepr(value)} is not one of ${pyRepr(node.enum)}` });
  if (node.items && Array.isArray(value)) value.forEach((item, i) => check(node.items!, item, `${path}[${i}]`, out));
  if (node.oneOf) {
    const matching = node.oneOf.filter((alt) => {
      const sub: SchemaProblem[] = [];
      check(alt, value, path, sub);
      return sub.length === 0;
    }).length;
    if (matching === 0) out.push({ path, message: `${pyRepr(value)} is not valid under any of the given schemas` });
    else if (matching > 1) out.push({ path, message: `${pyRepr(value)} is valid under each of the given schemas` });
  }
}

/** Every schema violation of a parsed deliverable file, in the order jsonschema reports them. */
export function deliverableSchemaProblems(data: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  if (!isObject(data)) return [{ path: '', message: `${pyRepr(data)} is not of type 'object'` }];
  check(DELIVERABLE_SCHEMA, data, '', out);
  return out;
}
