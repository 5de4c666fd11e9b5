import { describe, expect, it } from 'vitest';
import { validate } from '../../src/findings/normalize/common.js';
import { InputError } from '../../src/findings/errors.js';
import { ShapeIssue, shape } from '../../src/findings/normalize/validator.js';

const schema = shape.object({
  id: shape.string().min(1).max(8),
  account: shape.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  score: shape.number().int().min(0).max(100).optional(),
  label: shape.enum(['LOW', 'HIGH']).optional(),
  archived: shape.boolean().optional(),
  resources: shape.array(shape.object({ type: shape.string().max(4), tags: shape.record(shape.string().max(11), shape.string()).optional() })).min(1).max(2),
  normalized: shape.union([shape.number(), shape.string().regex(/^\d+$/)]).optional(),
  bucket: shape.object({ name: shape.string() }).nullish(),
  details: shape.unknown().optional(),
});

const good = { id: 'f1', account: '123456789012', resources: [{ type: 'EC2' }] };

function problem(value: unknown): InputError {
  try {
    validate(schema, value, 'detail', 'test');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected a validation failure');
}

describe('record shapes', () => {
  it('returns a copy with the declared keys only, leaving out absent optional ones', () => {
    const input = { ...good, extra: 'dropped', score: 5, bucket: null, details: { any: ['thing'] } };
    const out = validate(schema, input, 'detail', 'test');
    expect(out).toEqual({ id: 'f1', account: '123456789012', resources: [{ type: 'EC2' }], score: 5, bucket: null, details: { any: ['thing'] } });
    expect(out).not.toBe(input);
    expect('extra' in out).toBe(false);
    expect('label' in out).toBe(false);
  });

  it('names each kind of problem with its code and the full path, indexes included', () => {
    expect(problem({ account: '123456789012', resources: [{ type: 'EC2' }] })).toMatchObject({ code: 'MissingField', field: 'detail.id' });
    expect(problem({ ...good, id: 'x'.repeat(9) })).toMatchObject({ code: 'FieldTooLong', field: 'detail.id', message: 'test: field "detail.id" is 9 characters; the limit is 8' });
    expect(problem({ ...good, id: '' })).toMatchObject({ code: 'InvalidField', field: 'detail.id' });
    expect(problem({ ...good, account: 'x' }).message).toBe('test: field "detail.account" is invalid (expected a 12-digit AWS account id)');
    expect(problem({ ...good, id: 7 }).message).toBe('test: field "detail.id" is invalid (expected string, received number)');
    expect(problem({ ...good, score: 1.5 })).toMatchObject({ code: 'InvalidField', field: 'detail.score' });
    expect(problem({ ...good, score: 101 }).message).toContain('expected a number <= 100');
    expect(problem({ ...good, label: 'MEDIUM' }).message).toContain('expected one of "LOW"|"HIGH"');
    expect(problem({ ...good, archived: 'yes' })).toMatchObject({ code: 'InvalidField', field: 'detail.archived' });
    expect(problem({ ...good, resources: [] })).toMatchObject({ code: 'InvalidField', field: 'detail.resources' });
    expect(problem({ ...good, resources: [{ type: 'a' }, { type: 'b' }, { type: 'c' }] })).toMatchObject({ code: 'TooManyItems', field: 'detail.resources' });
    expect(problem({ ...good, resources: [{ type: 'EC2' }, { type: 'TOOLONG' }] })).toMatchObject({ code: 'FieldTooLong', field: 'detail.resources[1].type' });
    expect(problem({ ...good, resources: [{ type: 'EC2', tags: { 'longer-than-11': 'v' } }] })).toMatchObject({ code: 'FieldTooLong', field: 'detail.resources[0].tags.longer-than-11' });
    expect(problem({ ...good, normalized: 'high' })).toMatchObject({ code: 'InvalidField', field: 'detail.normalized' });
    expect(problem({ ...good, bucket: { name: 3 } })).toMatchObject({ code: 'InvalidField', field: 'detail.bucket.name' });
    expect(problem('text')).toMatchObject({ code: 'InvalidField', field: 'detail' });
    expect(problem([good])).toMatchObject({ code: 'InvalidField', field: 'detail' });
  });

  it('reads only own properties, and keeps input keys that are Object.prototype names as plain data', () => {
    // `toString` is inherited by every object: it is not a value the input set.
    const inherited = shape.object({ toString: shape.string().optional(), id: shape.string() });
    expect(inherited.parse({ id: 'a' })).toEqual({ id: 'a' });
    const tags = JSON.parse('{"type":"EC2","tags":{"__proto__":"x","constructor":"y"}}') as unknown;
    const out = validate(schema, { ...good, resources: [tags] }, 'detail', 'test');
    const parsed = out.resources[0]?.tags;
    expect(parsed === undefined ? [] : Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
    expect(parsed?.['constructor']).toBe('y');
    expect(Object.getPrototypeOf(parsed)).toBe(null);
  });

  it('accepts any form of a union and takes numbers only when finite', () => {
    expect(validate(schema, { ...good, normalized: '70' }, '', 'test').normalized).toBe('70');
    expect(validate(schema, { ...good, normalized: 70 }, '', 'test').normalized).toBe(70);
    expect(() => shape.number().parse(Number.POSITIVE_INFINITY)).toThrow(ShapeIssue);
    expect(() => shape.number().parse(Number.NaN)).toThrow(ShapeIssue);
  });
});
