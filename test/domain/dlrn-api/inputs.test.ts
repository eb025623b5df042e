import { DlrnApiError, pyDictRepr, pyRepr } from '../../../src/domain/dlrn-api/errors';
import {
  LastTestedRepo, Metrics, Promotions, RemoteImport, ReportResult, parseDlrnDate, parseInput, parsePromoteBatch, requestParams,
} from '../../../src/domain/dlrn-api/inputs';

function refusal(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof DlrnApiError) return { status: err.status, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe("pydantic's coercions", () => {
  it('turns strings, floats and booleans into ints as int() does, and refuses the rest', () => {
    const age = (v: unknown) => parseInput(LastTestedRepo, { max_age: v }).max_age;
    expect([age('48'), age(' 7 '), age('+3'), age('1_000'), age(4.9), age(true), age(0)]).toEqual([48, 7, 3, 1000, 4, 1, 0]);
    for (const bad of ['4.5', '', 'x', '1__0', [], {}, 'Infinity']) {
      expect(refusal(() => age(bad))).toEqual({ status: 400, message: "Errors detected: 1 {'max_age': 'value is not a valid integer'}" });
    }
  });

  it('reads booleans as pydantic v1 does ("True", "1", "off", 1, 0)', () => {
    const success = (v: unknown) => parseInput(LastTestedRepo, { max_age: 0, success: v }).success;
    expect(['True', 'true', '1', 'on', 'yes', 'y', 't', 1, true].map(success)).toEqual(Array(9).fill(true));
    expect(['False', 'false', '0', 'off', 'no', 'n', 'f', 0, false].map(success)).toEqual(Array(9).fill(false));
    expect(success(null)).toBeNull();
    for (const bad of ['', 'maybe', 2, [], {}]) {
      expect(refusal(() => success(bad)).message).toBe("Errors detected: 1 {'success': 'value could not be parsed to a boolean'}");
    }
  });

  it('keeps StrictStr strict and lets str take numbers', () => {
    expect(refusal(() => parseInput(LastTestedRepo, { max_age: 0, job_id: 5 })).message).toBe("Errors detected: 1 {'job_id': 'str type expected'}");
    const r = parseInput(ReportResult, { timestamp: 1, success: true, job_id: 'j', url: 5, aggregate_hash: 'a' });
    expect(r.url).toBe('5');
    expect(r.notes).toBe('');
  });

  it('lists every field error in model order, one per field, with the count', () => {
    expect(refusal(() => parseInput(ReportResult, { aggregate_hash: 'a', success: 'x' })).message).toBe(
      "Errors detected: 4 {'timestamp': 'field required', 'success': 'value could not be parsed to a boolean', 'job_id': 'field required', 'url': 'field required'}");
    expect(refusal(() => parseInput(ReportResult, { aggregate_hash: 'a', timestamp: null, success: true, job_id: 'j', url: 'u' })).message)
      .toBe("Errors detected: 1 {'timestamp': 'none is not an allowed value'}");
  });

  it("runs the root validator before reporting field errors, as DLRN's InvalidUsage interrupts", () => {
    expect(refusal(() => parseInput(ReportResult, {}))).toEqual({ status: 400, message: '"Either the aggregate hash or both commit_hash and distro_hash must be provided"' });
    expect(refusal(() => parseInput(LastTestedRepo, { max_age: -3, success: 'bad' })).message).toBe('Max age parameter must be greater than or equal to 0');
    expect(refusal(() => parseInput(LastTestedRepo, { max_age: 0, sequential_mode: '1', previous_job_id: 7 })).message).toBe('Missing parameter previous_job_id');
  });

  it('caps the promotions limit at 100 and refuses negative offsets', () => {
    expect(parseInput(Promotions, { limit: '500' }).limit).toBe(100);
    expect(parseInput(Promotions, {}).limit).toBeNull();
    expect(refusal(() => parseInput(Promotions, { limit: -1 })).message).toBe("Errors detected: 1 {'limit': 'ensure this value is greater than or equal to 0'}");
    expect(refusal(() => parseInput(Promotions, { distro_hash: 'd' })).message).toBe('Both commit_hash and distro_hash must be specified if one of them is.');
  });

  it('accepts only http(s) URLs with a host for remote/import', () => {
    expect(parseInput(RemoteImport, { repo_url: 'https://trunk.example.org/x/' }).repo_url).toBe('https://trunk.example.org/x/');
    expect(refusal(() => parseInput(RemoteImport, { repo_url: 'trunk.example.org' })).message).toBe("Errors detected: 1 {'repo_url': 'invalid or missing URL scheme'}");
    expect(refusal(() => parseInput(RemoteImport, { repo_url: 'ftp://x/y' })).message).toBe("Errors detected: 1 {'repo_url': 'URL scheme not permitted'}");
  });
});

describe('dates of metrics/builds', () => {
  it("reads YYYY-mm-dd as strptime does, as midnight UTC", () => {
    expect(parseDlrnDate('2023-11-14')).toBe(1_699_920_000);
    expect(parseDlrnDate('2023-1-5')).toBe(parseDlrnDate('2023-01-05'));
    expect(parseDlrnDate('2024-02-29')).toBe(1_709_164_800);
    for (const bad of ['2023-02-30', '2023-13-01', '0000-01-01', '23-01-01', '2023-01-01 ', '2023/01/01', '']) {
      expect(refusal(() => parseDlrnDate(bad))).toEqual({ status: 400, message: 'Invalid date format, it must be YYYY-mm-dd' });
    }
    expect(parseInput(Metrics, { start_date: '2023-11-14', end_date: '2023-11-15' })).toEqual({ start_date: 1_699_920_000, end_date: 1_700_006_400, package_name: null });
  });
});

describe('promote-batch input', () => {
  it("refuses consistent and current at parse time, with DLRN's 403", () => {
    expect(refusal(() => parsePromoteBatch([{ commit_hash: 'a', distro_hash: 'b', promote_name: 'consistent' }]))).toEqual({ status: 403, message: 'Invalid promote_name consistent' });
  });

  it("answers other problems with pydantic's ValidationError text", () => {
    expect(refusal(() => parsePromoteBatch(null)).message).toBe('1 validation error for ParsingModel[List[dlrn.api.inputs.promotions.PromoteInput]]\n__root__\n  none is not an allowed value (type=type_error.none.not_allowed)');
    expect(refusal(() => parsePromoteBatch([{ commit_hash: 'a', distro_hash: 'b', promote_name: 5 }])).message)
      .toBe('1 validation error for ParsingModel[List[dlrn.api.inputs.promotions.PromoteInput]]\n__root__ -> 0 -> promote_name\n  str type expected (type=type_error.str)');
    expect(refusal(() => parsePromoteBatch([{ promote_name: 'x' }])).message).toBe('Both commit_hash and distro_hash must be specified.');
  });
});

describe('where parameters come from', () => {
  it('takes a JSON body over the query string, the query over the form, and refuses a body that is not an object', () => {
    expect(requestParams({ isJson: true, query: { a: '1', b: '2' }, body: { b: 3 }, form: {} })).toEqual({ a: '1', b: 3 });
    expect(requestParams({ isJson: true, query: { a: '1' }, body: undefined, form: {} })).toEqual({ a: '1' });
    expect(requestParams({ isJson: false, query: { a: '1' }, body: undefined, form: { a: '2', c: '3' } })).toEqual({ a: '1', c: '3' });
    expect(refusal(() => requestParams({ isJson: true, query: {}, body: [1], form: {} })).status).toBe(400);
  });
});

describe("Python's repr in messages", () => {
  it('quotes as CPython does', () => {
    expect(pyRepr('plain')).toBe("'plain'");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('both \' and "')).toBe("'both \\' and \"'");
    expect(pyRepr('a\nb\\\u0001é')).toBe("'a\\nb\\\\\\x01é'");
    expect(pyDictRepr([['a', 'b'], ['c', "d'"]])).toBe("{'a': 'b', 'c': \"d'\"}");
  });
});
