/**
 * Request input of the DLRN API endpoints, parsed as DLRN's pydantic (v1)
 * models do: the same coercions ("48" → 48, "True"/"1"/"off" → bool, StrictStr
 * refusing numbers), field order, `Errors detected: N {…}` message and the
 * validators' own messages, which interrupt parsing as InvalidUsage does.
 */
import { DlrnApiError, pyDictRepr } from './errors';

/** PostgreSQL `integer` columns (timestamps, ids): values outside are refused instead of failing the insert. */
export const INT4_MAX = 2_147_483_647;
const INT4_MIN = -2_147_483_648;

interface FieldError {
  loc: Array<string | number>;
  msg: string;
  type: string;
  ctx?: Record<string, string | number>;
}

type Coerced = { ok: true; value: unknown } | { ok: false; msg: string; type: string; ctx?: Record<string, string | number> };

type Kind = 'int' | 'bool' | 'strictStr' | 'str' | 'httpUrl';

interface Field {
  name: string;
  kind: Kind;
  /** Required fields have no default; a missing one is `field required`. */
  required?: boolean;
  default?: unknown;
  /** pydantic's NonNegativeInt. */
  nonNegative?: boolean;
  /** Bounds of what the column holds (our addition: DLRN fails the insert with a 500). */
  max?: number;
  min?: number;
  maxLength?: number;
  /** A @validator: may return a new value or throw DlrnApiError (InvalidUsage, which stops the parse). */
  validate?: (value: never) => unknown;
}

interface Model<T> {
  fields: Field[];
  /** The @root_validator: sees the fields that parsed; throws DlrnApiError. */
  root?: (values: Partial<T>) => void;
}

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const BOOL_TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const BOOL_FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

function coerceInt(v: unknown): Coerced {
  const bad: Coerced = { ok: false, msg: 'value is not a valid integer', type: 'type_error.integer' };
  if (typeof v === 'boolean') return { ok: true, value: v ? 1 : 0 };
  if (typeof v === 'number') return Number.isFinite(v) ? { ok: true, value: Math.trunc(v) } : bad;
  if (typeof v === 'string' && INT_TEXT.test(v)) return { ok: true, value: Number(v.trim().replace(/_/g, '')) };
  return bad;
}

function coerceBool(v: unknown): Coerced {
  if (typeof v === 'boolean') return { ok: true, value: v };
  if (typeof v === 'number' && (v === 0 || v === 1)) return { ok: true, value: v === 1 };
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (BOOL_TRUE.has(s)) return { ok: true, value: true };
    if (BOOL_FALSE.has(s)) return { ok: true, value: false };
  }
  return { ok: false, msg: 'value could not be parsed to a boolean', type: 'type_error.bool' };
}

/** Python's str() of a JSON number, as pydantic's str coercion writes it (integers and simple floats). */
function pyNumberStr(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return String(v);
  return String(v).replace(/e\+?/, 'e+').replace('e+-', 'e-');
}

function coerceStr(v: unknown, strict: boolean): Coerced {
  if (typeof v === 'string') return { ok: true, value: v };
  if (!strict && typeof v === 'number') return { ok: true, value: pyNumberStr(v) };
  if (!strict && typeof v === 'boolean') return { ok: true, value: v ? 'True' : 'False' };
  return { ok: false, msg: 'str type expected', type: 'type_error.str' };
}

/** pydantic's AnyHttpUrl: an http(s) URL with a host. */
function coerceHttpUrl(v: unknown): Coerced {
  const s = coerceStr(v, false);
  if (!s.ok) return s;
  const text = (s.value as string).trim();
  if (text.length > 2083) return { ok: false, msg: 'ensure this value has at most 2083 characters', type: 'value_error.any_str.max_length', ctx: { limit_value: 2083 } };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+\-.]*):\/\//.exec(text);
  if (!scheme) return { ok: false, msg: 'invalid or missing URL scheme', type: 'value_error.url.scheme' };
  if (!['http', 'https'].includes(scheme[1].toLowerCase())) return { ok: false, msg: 'URL scheme not permitted', type: 'value_error.url.scheme', ctx: { allowed_schemes: "{'http', 'https'}" } };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, msg: 'URL host invalid', type: 'value_error.url.host' };
  }
  if (!url.hostname) return { ok: false, msg: 'URL host invalid', type: 'value_error.url.host' };
  return { ok: true, value: text };
}

function coerce(field: Field, v: unknown): Coerced {
  let c: Coerced;
  switch (field.kind) {
    case 'int': c = coerceInt(v); break;
    case 'bool': c = coerceBool(v); break;
    case 'strictStr': c = coerceStr(v, true); break;
    case 'str': c = coerceStr(v, false); break;
    case 'httpUrl': c = coerceHttpUrl(v); break;
  }
  if (!c.ok) return c;
  if (typeof c.value === 'number') {
    const min = field.nonNegative ? 0 : field.min ?? INT4_MIN;
    if (c.value < min) return { ok: false, msg: `ensure this value is greater than or equal to ${min}`, type: 'value_error.number.not_ge', ctx: { limit_value: min } };
    const max = field.max ?? INT4_MAX;
    if (c.value > max) return { ok: false, msg: `ensure this value is less than or equal to ${max}`, type: 'value_error.number.not_le', ctx: { limit_value: max } };
  }
  if (typeof c.value === 'string') {
    if (c.value.includes('\u0000')) return { ok: false, msg: 'NUL characters are not allowed', type: 'value_error.str.nul' };
    if (field.maxLength !== undefined && [...c.value].length > field.maxLength) {
      return { ok: false, msg: `ensure this value has at most ${field.maxLength} characters`, type: 'value_error.any_str.max_length', ctx: { limit_value: field.maxLength } };
    }
  }
  return c;
}

/**
 * pydantic v1's validate_model: each field in order (missing → `field
 * required`, null on a required field → `none is not an allowed value`,
 * coercion, then its validator), then the root validator on what parsed.
 */
function validateModel<T>(model: Model<T>, data: Record<string, unknown>, loc: Array<string | number> = []): { values: T; errors: FieldError[] } {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const field of model.fields) {
    const at = [...loc, field.name];
    if (!Object.prototype.hasOwnProperty.call(data, field.name)) {
      if (field.required) errors.push({ loc: at, msg: 'field required', type: 'value_error.missing' });
      else values[field.name] = field.default ?? null;
      continue;
    }
    const raw = data[field.name];
    if (raw === null) {
      if (field.required) errors.push({ loc: at, msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' });
      else values[field.name] = null;
      continue;
    }
    const c = coerce(field, raw);
    if (!c.ok) {
      errors.push({ loc: at, msg: c.msg, type: c.type, ctx: c.ctx });
      continue;
    }
    values[field.name] = field.validate ? field.validate(c.value as never) : c.value;
  }
  model.root?.(values as Partial<T>);
  return { values: values as T, errors };
}

/** flask_container_scaffold's parse_input: the model, or DLRN's 400 `Errors detected: N {'field': 'msg'}`. */
export function parseInput<T>(model: Model<T>, data: Record<string, unknown>): T {
  const { values, errors } = validateModel(model, data);
  if (errors.length) {
    const byField = new Map<string, string>();
    for (const e of errors) byField.set(String(e.loc[0]), e.msg);
    throw new DlrnApiError(400, `Errors detected: ${errors.length} ${pyDictRepr([...byField])}`);
  }
  return values;
}

/** str(pydantic.ValidationError), as promote-batch answers it. */
function validationErrorText(modelName: string, errors: FieldError[]): string {
  const lines = errors.map((e) => {
    const ctx = e.ctx ? Object.entries(e.ctx).map(([k, v]) => `; ${k}=${v}`).join('') : '';
    return `${e.loc.join(' -> ')}\n  ${e.msg} (type=${e.type}${ctx})`;
  });
  return `${errors.length} validation error${errors.length === 1 ? '' : 's'} for ${modelName}\n${lines.join('\n')}`;
}

// ---- the endpoints' models (dlrn/api/inputs/*.py) ----

const str = (name: string, maxLength?: number): Field => ({ name, kind: 'strictStr', maxLength });
const requiredStr = (name: string, maxLength?: number): Field => ({ name, kind: 'strictStr', required: true, maxLength });
const optionalBool = (name: string): Field => ({ name, kind: 'bool' });
const truthy = (v: unknown) => v !== null && v !== undefined && v !== '' && v !== false && v !== 0;

export interface LastTestedRepoInput {
  max_age: number;
  success: boolean | null;
  job_id: string | null;
  sequential_mode: boolean | null;
  previous_job_id: string | null;
  component: string | null;
}
export interface LastTestedRepoPostInput extends LastTestedRepoInput {
  reporting_job_id: string;
}

const lastTestedFields: Field[] = [
  {
    name: 'max_age', kind: 'int', required: true, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER,
    validate: (v: number) => {
      if (v < 0) throw new DlrnApiError(400, 'Max age parameter must be greater than or equal to 0');
      return v;
    },
  },
  optionalBool('success'), str('job_id'), optionalBool('sequential_mode'), str('previous_job_id'), str('component'),
];
const lastTestedRoot = (values: Partial<LastTestedRepoInput>) => {
  if (truthy(values.sequential_mode) && (values.previous_job_id ?? null) === null) throw new DlrnApiError(400, 'Missing parameter previous_job_id');
};
export const LastTestedRepo: Model<LastTestedRepoInput> = { fields: lastTestedFields, root: lastTestedRoot };
export const LastTestedRepoPost: Model<LastTestedRepoPostInput> = {
  fields: [...lastTestedFields, requiredStr('reporting_job_id', 256)],
  root: lastTestedRoot,
};

export interface ReportResultInput {
  timestamp: number;
  success: boolean;
  job_id: string;
  url: string;
  commit_hash: string | null;
  distro_hash: string | null;
  extended_hash: string | null;
  aggregate_hash: string | null;
  notes: string | null;
}
export const ReportResult: Model<ReportResultInput> = {
  fields: [
    { name: 'timestamp', kind: 'int', required: true },
    { name: 'success', kind: 'bool', required: true },
    requiredStr('job_id', 256),
    { name: 'url', kind: 'str', required: true, maxLength: 1024 },
    str('commit_hash', 64), str('distro_hash', 64), str('extended_hash', 128), str('aggregate_hash', 64),
    { name: 'notes', kind: 'strictStr', default: '' },
  ],
  root: (v) => {
    if (!truthy(v.commit_hash) && !truthy(v.distro_hash) && !truthy(v.aggregate_hash)) {
      throw new DlrnApiError(400, '"Either the aggregate hash or both commit_hash and distro_hash must be provided"');
    }
    if (truthy(v.commit_hash) && !truthy(v.distro_hash)) throw new DlrnApiError(400, 'If commit_hash is provided, distro_hash must be provided too');
    if (truthy(v.distro_hash) && !truthy(v.commit_hash)) throw new DlrnApiError(400, 'If distro_hash is provided, commit_hash must be provided too');
    if (truthy(v.aggregate_hash) && (truthy(v.distro_hash) || truthy(v.commit_hash))) throw new DlrnApiError(400, 'aggregate_hash and commit/distro_hash cannot be combined');
  },
};

export interface RepoStatusInput {
  commit_hash: string;
  distro_hash: string;
  extended_hash: string | null;
  success: boolean | null;
}
export const RepoStatus: Model<RepoStatusInput> = {
  fields: [requiredStr('commit_hash'), requiredStr('distro_hash'), str('extended_hash'), optionalBool('success')],
};

export interface AggStatusInput {
  aggregate_hash: string;
  success: boolean | null;
}
export const AggStatus: Model<AggStatusInput> = { fields: [requiredStr('aggregate_hash'), optionalBool('success')] };

export interface PromotionsInput {
  commit_hash: string | null;
  distro_hash: string | null;
  extended_hash: string | null;
  aggregate_hash: string | null;
  promote_name: string | null;
  offset: number | null;
  limit: number | null;
  component: string | null;
}
/** DLRN's MAX_LIMIT of /promotions. */
export const PROMOTIONS_MAX_LIMIT = 100;
export const Promotions: Model<PromotionsInput> = {
  fields: [
    str('commit_hash'), str('distro_hash'), str('extended_hash'), str('aggregate_hash'), str('promote_name'),
    { name: 'offset', kind: 'int', nonNegative: true },
    { name: 'limit', kind: 'int', nonNegative: true, max: Number.MAX_SAFE_INTEGER, validate: (v: number) => Math.min(v, PROMOTIONS_MAX_LIMIT) },
    str('component'),
  ],
  root: (v) => {
    if (truthy(v.distro_hash) !== truthy(v.commit_hash)) throw new DlrnApiError(400, 'Both commit_hash and distro_hash must be specified if one of them is.');
  },
};

export interface PromoteInput {
  commit_hash: string;
  distro_hash: string;
  extended_hash: string | null;
  promote_name: string;
}
const promoteFields: Field[] = [
  str('commit_hash'), str('distro_hash'), str('extended_hash'),
  {
    name: 'promote_name', kind: 'strictStr', required: true, maxLength: 255,
    validate: (v: string) => {
      if (v === 'consistent' || v === 'current') throw new DlrnApiError(403, `Invalid promote_name ${v}`);
      return v;
    },
  },
];
const promoteRoot = (v: Partial<PromoteInput>) => {
  if (!truthy(v.distro_hash) || !truthy(v.commit_hash)) throw new DlrnApiError(400, 'Both commit_hash and distro_hash must be specified.');
};
export const Promote: Model<PromoteInput> = { fields: promoteFields, root: promoteRoot };

/**
 * promote-batch's `parse_obj_as(List[PromoteInput], body)`: a list of promote
 * objects; field errors are answered with pydantic's ValidationError text.
 * An empty list is refused (DLRN fails on it with a 500).
 */
export function parsePromoteBatch(body: unknown): PromoteInput[] {
  // pydantic 1.10 names the model after str(List[PromoteInput]), the class's module path included.
  const model = 'ParsingModel[List[dlrn.api.inputs.promotions.PromoteInput]]';
  if (body === null || body === undefined) throw new DlrnApiError(400, validationErrorText(model, [{ loc: ['__root__'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' }]));
  if (!Array.isArray(body)) throw new DlrnApiError(400, validationErrorText(model, [{ loc: ['__root__'], msg: 'value is not a valid list', type: 'type_error.list' }]));
  const out: PromoteInput[] = [];
  const errors: FieldError[] = [];
  body.forEach((item: unknown, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ loc: ['__root__', i], msg: 'value is not a valid dict', type: 'type_error.dict' });
      return;
    }
    const r = validateModel({ fields: promoteFields, root: promoteRoot }, item as Record<string, unknown>, ['__root__', i]);
    errors.push(...r.errors);
    out.push(r.values);
  });
  if (errors.length) throw new DlrnApiError(400, validationErrorText(model, errors));
  if (out.length === 0) throw new DlrnApiError(400, 'At least one promotion must be given');
  return out;
}

export interface MetricsInput {
  /** Epoch seconds of the dates' midnight UTC. */
  start_date: number;
  end_date: number;
  package_name: string | null;
}

const DATE = /^(\d{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])$/;

/** `calendar.timegm(time.strptime(value, '%Y-%m-%d'))`, or DLRN's 400. */
export function parseDlrnDate(value: string): number {
  const m = DATE.exec(value);
  const invalid = new DlrnApiError(400, 'Invalid date format, it must be YYYY-mm-dd');
  if (!m) throw invalid;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3].trim())];
  if (y < 1) throw invalid;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) throw invalid;
  return Math.floor(date.getTime() / 1000);
}

export const Metrics: Model<MetricsInput> = {
  fields: [
    { name: 'start_date', kind: 'str', required: true, validate: parseDlrnDate },
    { name: 'end_date', kind: 'str', required: true, validate: parseDlrnDate },
    str('package_name'),
  ],
};

export interface RecheckPackageInput {
  package_name: string;
}
export const RecheckPackage: Model<RecheckPackageInput> = { fields: [requiredStr('package_name')] };

export interface RemoteImportInput {
  repo_url: string;
}
export const RemoteImport: Model<RemoteImportInput> = { fields: [{ name: 'repo_url', kind: 'httpUrl', required: true }] };

export interface CIVotesInput {
  offset: number | null;
}
export const CIVotes: Model<CIVotesInput> = { fields: [{ name: 'offset', kind: 'int', nonNegative: true }] };

export interface CIVotesDetailInput {
  commit_hash: string | null;
  distro_hash: string | null;
  component: string | null;
  ci_name: string | null;
}
export const CIVotesDetail: Model<CIVotesDetailInput> = {
  fields: [str('commit_hash'), str('distro_hash'), str('component'), str('ci_name')],
  root: (v) => {
    if ((!truthy(v.commit_hash) || !truthy(v.distro_hash)) && !truthy(v.component) && !truthy(v.ci_name)) {
      throw new DlrnApiError(400, 'Please specify either commit_hash+distro_hash, component or ci_name as parameters.');
    }
  },
};

export interface CIVotesAggDetailInput {
  ref_hash: string | null;
  ci_name: string | null;
}
export const CIVotesAggDetail: Model<CIVotesAggDetailInput> = {
  fields: [str('ref_hash'), str('ci_name')],
  root: (v) => {
    if (!truthy(v.ref_hash) && !truthy(v.ci_name)) throw new DlrnApiError(400, 'Please specify either ref_hash or ci_name as parameters.');
  },
};

/**
 * Where DLRN reads a request's parameters (flask_container_scaffold):
 * a JSON body when the request is JSON, else the query string over the form.
 * trunkflow also takes the query string under a JSON body (the body wins),
 * since dlrnapi_client sends both, and an empty JSON body as none.
 */
export function requestParams(req: { isJson: boolean; query: Record<string, string>; body: unknown; form: Record<string, string> }): Record<string, unknown> {
  if (req.isJson) {
    if (req.body === undefined) return { ...req.query };
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new DlrnApiError(400, 'The JSON body must be an object of parameters');
    }
    return { ...req.query, ...(req.body as Record<string, unknown>) };
  }
  return { ...req.form, ...req.query };
}
