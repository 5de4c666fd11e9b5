import { describe, expect, it } from 'vitest';
import { PatternError } from '../../src/routing/errors.js';
import { PatternMachine, compilePattern, matchesPattern } from '../../src/routing/pattern/index.js';

/** The answer of the single-pattern evaluator, checked against the shared machine. */
function matches(pattern: unknown, event: unknown): boolean {
  const compiled = compilePattern(typeof pattern === 'string' ? pattern : JSON.stringify(pattern));
  const single = matchesPattern(compiled, event);
  const machine = new PatternMachine([['p', compiled]]).match(event).length === 1;
  expect(machine, 'shared machine agrees with the single-pattern evaluator').toBe(single);
  return single;
}

// The examples of the Amazon EventBridge user guide ("Event patterns", "Content filtering",
// "Arrays", "Null values and empty strings") and of event-ruler's README.
const EC2_EVENT = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const RULER_EVENT = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...RULER_EVENT, detail: { ...RULER_EVENT.detail, ...detail } });

describe('AWS documentation examples', () => {
  it('matches the EC2 instance-termination pattern and ignores fields the pattern does not name', () => {
    const pattern = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } };
    expect(matches(pattern, EC2_EVENT)).toBe(true);
    expect(matches(pattern, { ...EC2_EVENT, detail: { state: 'running' } })).toBe(false);
    expect(matches({ source: ['aws.ec2'], detail: { state: ['initializing', 'running', 'terminated'] } }, EC2_EVENT)).toBe(true);
  });

  it('is case-sensitive and exact for plain values', () => {
    expect(matches({ source: ['AWS.EC2'] }, EC2_EVENT)).toBe(false);
    expect(matches({ source: ['aws.ec'] }, EC2_EVENT)).toBe(false);
  });

  it('prefix matching, and prefix ignoring case', () => {
    expect(matches({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matches({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' })).toBe(false);
    const ic = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    for (const service of ['EventBridge', 'EVENTBRIDGE', 'eventbridge']) expect(matches(ic, { detail: { service } })).toBe(true);
    expect(matches(ic, { detail: { service: 'Events' } })).toBe(false);
  });

  it('suffix matching, and suffix ignoring case', () => {
    expect(matches({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(matches({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
    const ic = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(matches(ic, { detail: { FileName: 'image.PNG' } })).toBe(true);
    expect(matches(ic, { detail: { FileName: 'image.jpg' } })).toBe(false);
  });

  it('anything-but with a string, a number, lists, prefix, suffix, wildcard and ignore-case', () => {
    const state = (s: unknown) => withDetail({ state: s });
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('running'))).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('initializing'))).toBe(false);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, RULER_EVENT)).toBe(true);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': 301.8 }] } }, RULER_EVENT)).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, state('running'))).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, state('stopped'))).toBe(false);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, RULER_EVENT)).toBe(true);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, withDetail({ 'x-limit': 200 }))).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, state('running'))).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, state('initializing'))).toBe(false);
    expect(matches({ detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, { detail: { FileName: 'notes.md' } })).toBe(true);
    expect(matches({ detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, { detail: { FileName: 'notes.txt' } })).toBe(false);
    expect(matches({ detail: { FilePath: [{ 'anything-but': { wildcard: '*/dir/*' } }] } }, { detail: { FilePath: 'a/other/b.png' } })).toBe(true);
    expect(matches({ detail: { FilePath: [{ 'anything-but': { wildcard: '*/dir/*' } }] } }, { detail: { FilePath: 'a/dir/b.png' } })).toBe(false);
    const ic = { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } };
    expect(matches(ic, state('STOPPED'))).toBe(false);
    expect(matches(ic, state('overloaded'))).toBe(false);
    expect(matches(ic, state('running'))).toBe(true);
  });

  it('anything-but needs the field to be there', () => {
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } }, RULER_EVENT)).toBe(false);
  });

  it('numeric matching with ranges and =', () => {
    const pattern = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } };
    expect(matches(pattern, RULER_EVENT)).toBe(true);
    expect(matches(pattern, withDetail({ 'c-count': 0 }))).toBe(false);
    expect(matches(pattern, withDetail({ 'c-count': 6 }))).toBe(false);
    expect(matches(pattern, withDetail({ 'd-count': 10 }))).toBe(false);
    expect(matches(pattern, withDetail({ 'x-limit': 301.81 }))).toBe(false);
  });

  it('IP address matching with cidr, IPv4 and IPv6', () => {
    expect(matches({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, { detail: { sourceIPAddress: '10.0.0.123' } })).toBe(true);
    expect(matches({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, { detail: { sourceIPAddress: '10.0.1.1' } })).toBe(false);
    expect(matches({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, { detail: { sourceIPAddress: 'not an ip' } })).toBe(false);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:85a3::8a2e:370:7334' })).toBe(true);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' })).toBe(false);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '10.0.0.1' })).toBe(false);
    // A listed IP address matches the same address however it is written.
    expect(matches({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' })).toBe(true);
  });

  it('CIDR blocks as event-ruler computes them: host bits masked, IPv4 and IPv6 kept apart, mapped addresses are IPv4', () => {
    // Host bits in the address given are cleared for the low end of the range.
    expect(matches({ ip: [{ cidr: '10.0.0.77/24' }] }, { ip: '10.0.0.1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.77/24' }] }, { ip: '10.0.0.255' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.77/24' }] }, { ip: '10.0.1.0' })).toBe(false);
    expect(matches({ ip: [{ cidr: '::1/127' }] }, { ip: '::' })).toBe(true);
    expect(matches({ ip: [{ cidr: '::1/127' }] }, { ip: '::1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '::1/127' }] }, { ip: '::2' })).toBe(false);
    // An IPv4 block never matches an IPv6 address and the other way round, even all-covering ones.
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '::1' })).toBe(false);
    expect(matches({ ip: [{ cidr: '::/0' }] }, { ip: '10.0.0.1' })).toBe(false);
    expect(matches({ ip: [{ cidr: '::/0' }] }, { ip: '2001:db8::1' })).toBe(true);
    // An IPv4-mapped address in hex is that IPv4 address; with a dotted tail it is no address at all.
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '::ffff:a00:1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '::ffff:10.0.0.1' })).toBe(false);
    expect(matches({ ip: [{ cidr: '::/0' }] }, { ip: '::ffff:a00:1' })).toBe(false);
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '::ffff:a00:1' })).toBe(true);
    expect(() => compilePattern({ ip: [{ cidr: '::ffff:a00:0/104' }] })).toThrow('IPv4 mask bits must be < 32');
    expect(() => compilePattern({ ip: [{ cidr: '::ffff:10.0.0.0/104' }] })).toThrow('Nonstandard IP address: ::ffff:10.0.0.0');
    expect(() => compilePattern({ ip: [{ cidr: '10.0.0.300/8' }] })).toThrow('Invalid IP address: 10.0.0.300');
  });

  it('exists matching works on leaves only', () => {
    expect(matches({ detail: { 'c-count': [{ exists: true }] } }, RULER_EVENT)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, RULER_EVENT)).toBe(false);
    const noCount = { 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['initializing', 'running'] } };
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, noCount)).toBe(true);
    // c-count is an object, not a leaf: it does not "exist" for the pattern.
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, { detail: { state: ['running'], 'c-count': { c1: 100 } } })).toBe(true);
    expect(matches({ detail: { 'c-count': [{ exists: true }] } }, { detail: { 'c-count': { c1: 100 } } })).toBe(false);
  });

  it('the complex example combining prefix, anything-but, numeric and cidr', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    };
    expect(matches(pattern, RULER_EVENT)).toBe(true);
    expect(matches(pattern, withDetail({ 'source-ip': '192.168.0.1' }))).toBe(false);
  });

  it('null values and empty strings are matched and are not interchangeable', () => {
    const event = { version: '0', 'detail-type': 'EC2 Instance Launch Successful', source: 'aws.autoscaling', resources: [], detail: { eventVersion: '', responseElements: null } };
    expect(matches({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matches({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matches({ detail: { responseElements: [''] } }, event)).toBe(false);
    expect(matches({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matches({ detail: { missing: [null] } }, event)).toBe(false);
    expect(matches({ detail: { responseElements: [{ exists: true }] } }, event)).toBe(true);
  });

  it('arrays: an event array matches when it intersects the pattern array', () => {
    const pattern = { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f', 'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] };
    const event = { resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate', 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] };
    expect(matches(pattern, event)).toBe(true);
    expect(matches(pattern, { resources: [] })).toBe(false);
  });

  it('equals-ignore-case and wildcard', () => {
    expect(matches({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, EC2_EVENT)).toBe(true);
    expect(matches({ source: [{ 'equals-ignore-case': 'AWS.EC' }] }, EC2_EVENT)).toBe(false);
    const bus = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
    expect(matches(bus, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' })).toBe(true);
    expect(matches(bus, { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/orders' })).toBe(false);
    expect(matches({ key: [{ wildcard: 'dir/*.png' }] }, { key: 'dir/a/b.png' })).toBe(true);
    expect(matches({ key: [{ wildcard: 'dir/*.png' }] }, { key: 'other/a.png' })).toBe(false);
    expect(matches({ key: [{ wildcard: 'a\\*b' }] }, { key: 'a*b' })).toBe(true);
    expect(matches({ key: [{ wildcard: 'a\\*b' }] }, { key: 'axxb' })).toBe(false);
  });

  it('$or: normal, parallel, with an and inside, nested', () => {
    const normal = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] };
    expect(matches(normal, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' })).toBe(true);
    expect(matches(normal, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(matches(normal, { source: 'aws.cloudwatch', metricName: 'Other' })).toBe(false);
    expect(matches(normal, { source: 'aws.ec2', namespace: 'AWS/EC2' })).toBe(false);
    const parallel = {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    };
    expect(matches(parallel, { namespace: 'AWS/ES', detail: { 'detail-type': 'CloudWatch Alarm State Change' } })).toBe(true);
    expect(matches(parallel, { namespace: 'AWS/ES', detail: { source: 'aws.other' } })).toBe(false);
    const nested = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] }, { scope: ['Service'] }],
    };
    expect(matches(nested, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 })).toBe(true);
    expect(matches(nested, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1001 })).toBe(false);
    expect(matches(nested, { source: 'aws.cloudwatch', scope: 'Service' })).toBe(true);
    const numericOr = { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } };
    expect(matches(numericOr, { detail: { 'x-limit': 301.8 } })).toBe(true);
    expect(matches(numericOr, { detail: { 'c-count': 9, 'd-count': 11 } })).toBe(false);
  });
});

describe('edge cases', () => {
  it('numbers compare by value with six decimals, and by text beyond the comparable range', () => {
    expect(matches({ n: [300] }, { n: 3.0e2 })).toBe(true);
    expect(matches('{"n": [3.0e2]}', { n: 300 })).toBe(true);
    expect(matches({ n: [{ numeric: ['=', 0.3] }] }, { n: 0.1 + 0.2 })).toBe(false);
    expect(matches({ n: [{ numeric: ['=', 0.3] }] }, { n: 0.3 })).toBe(true);
    expect(matches({ n: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }, { n: -5e9 })).toBe(true);
    expect(matches({ n: [{ numeric: ['>', 0] }] }, { n: 5e9 + 1 })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 0] }] }, { n: '5' })).toBe(false);
    expect(matches({ n: [{ numeric: ['=', 0] }] }, { n: -0 })).toBe(true);
    expect(matches({ account: [123456789012] }, { account: 123456789012 })).toBe(true);
    expect(matches({ account: [123456789012] }, { account: '123456789012' })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 0.000001] }] }, { n: 0.000001 })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 0.000001] }] }, { n: 0.000002 })).toBe(true);
  });

  it('string operators never match numbers, booleans or null; anything-but does', () => {
    expect(matches({ v: [{ prefix: '1' }] }, { v: 123 })).toBe(false);
    expect(matches({ v: [{ prefix: '1' }] }, { v: '123' })).toBe(true);
    expect(matches({ v: [{ suffix: 'e' }] }, { v: true })).toBe(false);
    expect(matches({ v: [{ wildcard: '*' }] }, { v: null })).toBe(false);
    expect(matches({ v: [{ wildcard: '*' }] }, { v: '' })).toBe(true);
    expect(matches({ v: ['true'] }, { v: true })).toBe(false);
    expect(matches({ v: [true] }, { v: true })).toBe(true);
    expect(matches({ v: [{ 'anything-but': 'x' }] }, { v: 5 })).toBe(true);
  });

  it('arrays of objects: fields must come from the same element', () => {
    const event = { employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] };
    expect(matches({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
    const nested = { employees: [[{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }], [{ firstName: 'Peter', lastName: 'Jones' }]] };
    expect(matches({ employees: { firstName: ['Peter'], lastName: ['Jones'] } }, nested)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, nested)).toBe(false);
    // Security Hub: every condition on one finding of the batch.
    const batch = { detail: { findings: [{ Severity: { Label: 'LOW' }, Workflow: { Status: 'NEW' } }, { Severity: { Label: 'HIGH' }, Workflow: { Status: 'RESOLVED' } }] } };
    expect(matches({ detail: { findings: { Severity: { Label: ['HIGH'] }, Workflow: { Status: ['NEW'] } } } }, batch)).toBe(false);
    expect(matches({ detail: { findings: { Severity: { Label: ['LOW'] }, Workflow: { Status: ['NEW'] } } } }, batch)).toBe(true);
  });

  it('unicode values, keys and case folding', () => {
    expect(matches({ 'clé': ['été ☀'] }, { 'clé': 'été ☀' })).toBe(true);
    expect(matches({ v: [{ 'equals-ignore-case': 'ÉTÉ' }] }, { v: 'été' })).toBe(true);
    expect(matches({ v: [{ prefix: '🔥' }] }, { v: '🔥 fire' })).toBe(true);
    expect(matches({ v: [{ wildcard: '*ü*' }] }, { v: 'Grüße' })).toBe(true);
    expect(matches('{"v": ["\\u00e9"]}', { v: 'é' })).toBe(true);
  });

  it('keys with dots stay distinct from nested keys', () => {
    expect(matches({ detail: { 'state.status': ['running'] } }, { detail: { 'state.status': 'running' } })).toBe(true);
    expect(matches({ detail: { state: { status: ['running'] } } }, { detail: { state: { status: 'running' } } })).toBe(true);
  });

  it('very deep events and patterns', () => {
    let event: unknown = 'bottom';
    const keys: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      event = { [`k${i}`]: event };
      keys.unshift(`k${i}`);
    }
    let pattern: unknown = ['bottom'];
    for (const key of [...keys].reverse()) pattern = { [key]: pattern };
    expect(matches(pattern, event)).toBe(true);
    let deepArray: unknown = 7;
    for (let i = 0; i < 5_000; i += 1) deepArray = [deepArray];
    expect(matches({ n: [7] }, { n: deepArray })).toBe(true);
    expect(matches({ n: [8] }, { n: deepArray })).toBe(false);
  });

  it('repeated keys in pattern text merge, as in AWS', () => {
    expect(matches('{"detail": {"a": ["1"]}, "detail": {"b": ["2"]}}', { detail: { a: '1', b: '2' } })).toBe(true);
    expect(matches('{"detail": {"a": ["1"]}, "detail": {"b": ["2"]}}', { detail: { a: '1' } })).toBe(false);
  });
});

describe('invalid patterns are refused with the reason AWS gives and the key', () => {
  const cases: [string, string, string][] = [
    ['[1]', 'Filter is not an object', ''],
    ['{"a": "x"}', '"a" must be an object or an array', 'a'],
    ['{"a": []}', 'Empty arrays are not allowed', 'a'],
    ['{"a": {}}', 'Empty objects are not allowed', 'a'],
    ['{"detail": {"a": [{"foo": 1}]}}', 'Unrecognized match type foo', 'detail.a'],
    ['{"a": [{}]}', 'Match expression name not found', 'a'],
    ['{"a": [["x"]]}', 'Match value must be String, number, true, false, or null', 'a'],
    ['{"a": [{"prefix": 1}]}', 'prefix match pattern must be a string', 'a'],
    ['{"a": [{"suffix": {"foo": "x"}}]}', 'Unsupported suffix pattern: foo', 'a'],
    ['{"a": [{"prefix": "x", "suffix": "y"}]}', 'Only one key allowed in match expression', 'a'],
    ['{"detail": {"severity": [{"numeric": [">=", "7"]}]}}', 'Value of >= must be numeric', 'detail.severity'],
    ['{"a": [{"numeric": ["<", 5, ">", 1]}]}', 'Too many elements in numeric expression', 'a'],
    ['{"a": [{"numeric": [">", 5, "<", 1]}]}', 'Bottom must be less than top', 'a'],
    ['{"a": [{"numeric": [">", 1, ">", 5]}]}', 'Bad numeric range operator: >', 'a'],
    ['{"a": [{"numeric": ["!=", 5]}]}', 'Unrecognized numeric range operator: !=', 'a'],
    ['{"a": [{"numeric": 5}]}', 'Value of numeric must be an array.', 'a'],
    ['{"a": [{"numeric": ["=", 0.1234567]}]}', 'Only values upto 6 decimals are supported: 0.1234567', 'a'],
    ['{"a": [{"numeric": [">", 6e9]}]}', 'Value must be between -5000000000 and 5000000000, inclusive', 'a'],
    ['{"a": [{"exists": "yes"}]}', 'exists match pattern must be either true or false.', 'a'],
    ['{"a": [{"anything-but": ["x", 1]}]}', 'Inside anything but list, either all values are number or string, mixed type is not supported', 'a'],
    ['{"a": [{"anything-but": [null]}]}', 'Inside anything but list, start|null|boolean is not supported.', 'a'],
    ['{"a": [{"anything-but": {"contains": "x"}}]}', 'Unsupported anything-but pattern: contains', 'a'],
    ['{"a": [{"anything-but": {"prefix": ""}}]}', 'Null prefix/suffix not allowed', 'a'],
    ['{"a": [{"anything-but": true}]}', 'Value of anything-but must be an array or single string/number value.', 'a'],
    ['{"a": [{"cidr": "10.0.0.0"}]}', "Malformed CIDR, one '/' required", 'a'],
    ['{"a": [{"cidr": "10.0.0.0/32"}]}', 'IPv4 mask bits must be < 32', 'a'],
    ['{"a": [{"cidr": "10.0.0.0/x"}]}', 'Malformed CIDR, mask bits must be an integer', 'a'],
    ['{"a": [{"wildcard": "a**b"}]}', 'Consecutive wildcard characters at pos 2', 'a'],
    ['{"a": [{"wildcard": "a\\\\b"}]}', 'Invalid escape character at pos 2', 'a'],
    ['{"$or": [{"a": ["x"]}]}', 'There must have at least 2 Objects in $or relationship.', '$or'],
    ['{"$or": {"a": ["x"]}}', 'It must be an Array followed with $or.', '$or'],
    ['{"$or": [{"a": ["x"]}, "b"]}', 'Only JSON object is allowed in array of $or relationship.', '$or'],
    ['{"$or": [{"prefix": ["x"]}, {"b": ["y"]}]}', 'prefix is Ruler reserved fieldName which cannot be used inside $or.', 'prefix'],
  ];
  it.each(cases)('%s', (text, reason, path) => {
    let error: unknown;
    try {
      compilePattern(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PatternError);
    expect((error as PatternError).reason).toBe(reason);
    expect((error as PatternError).path).toBe(path);
    expect((error as PatternError).message).toContain(`Event pattern is not valid. Reason: ${reason}`);
  });

  it('names the line and column of the offending value and of JSON syntax errors', () => {
    const text = '{\n  "detail": {\n    "severity": [{"numeric": [">=", "7"]}]\n  }\n}';
    expect(() => compilePattern(text)).toThrow(/at key "detail.severity" \(line 3, column 37\)/);
    expect(() => compilePattern('{"a": [1,]}')).toThrow(/line 1, column 10/);
    expect(() => compilePattern('{"a": ["x"]} extra')).toThrow(/Unexpected text after the pattern/);
  });
});

describe('PatternMachine', () => {
  it('returns every matching name in the order added, sharing matchers across patterns', () => {
    const machine = new PatternMachine<string>();
    machine.add('high', compilePattern({ detail: { severity: [{ numeric: ['>=', 7] }] } }));
    machine.add('ssh', compilePattern({ detail: { type: [{ prefix: 'UnauthorizedAccess:EC2/SSH' }] } }));
    machine.add('prod', compilePattern({ detail: { resource: { instanceDetails: { tags: { key: ['env'], value: ['prod'] } } } } }));
    machine.add('also-high', compilePattern({ detail: { severity: [{ numeric: ['>=', 7] }] } }));
    machine.add('no-archive', compilePattern({ detail: { service: { archived: [false] } } }));
    const event = { detail: { severity: 8, type: 'UnauthorizedAccess:EC2/SSHBruteForce', service: { archived: false }, resource: { instanceDetails: { tags: [{ key: 'env', value: 'dev' }, { key: 'team', value: 'prod' }] } } } };
    expect(machine.match(event)).toEqual(['high', 'ssh', 'also-high', 'no-archive']);
    expect(machine.match({ detail: { severity: 2 } })).toEqual([]);
    expect(machine.size).toBe(5);
  });

  it('agrees with the single-pattern evaluator on a generated mix of patterns and events', () => {
    const patterns = [
      { a: ['x', 'y'] },
      { a: [{ prefix: 'x' }], b: [{ numeric: ['>', 1, '<=', 3] }] },
      { a: [{ suffix: 'z' }, { exists: false }] },
      { b: [{ 'anything-but': [2, 3] }] },
      { c: { d: [{ 'equals-ignore-case': 'Q' }] } },
      { $or: [{ a: ['y'] }, { c: { d: [{ wildcard: 'q*' }] } }] },
      { c: { d: [{ exists: true }] }, b: [1, 2] },
      { list: { k: ['a'], v: [1] } },
    ];
    const compiled = patterns.map((p, i) => [String(i), compilePattern(p)] as const);
    const machine = new PatternMachine(compiled);
    const values = ['x', 'y', 'xz', 'Q', 'q', 'qz', 1, 2, 3, null, undefined];
    let seed = 7;
    const pick = <T>(list: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return list[seed % list.length] as T;
    };
    for (let n = 0; n < 500; n += 1) {
      const event: Record<string, unknown> = {};
      for (const key of ['a', 'b']) {
        const v = pick(values);
        if (v !== undefined) event[key] = pick([v, [v, pick(values)]]);
      }
      const d = pick(values);
      if (d !== undefined) event.c = { d };
      event.list = [{ k: pick(['a', 'b']), v: pick([1, 2]) }, { k: pick(['a', 'b']), v: pick([1, 2]) }];
      const expected = compiled.filter(([, p]) => matchesPattern(p, event)).map(([name]) => name);
      expect(machine.match(event), JSON.stringify(event)).toEqual(expected);
    }
  });
});

describe('hostile values cannot stall matching', () => {
  let seed = 11;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };

  it('wildcards agree with a regular-expression oracle on generated patterns and values', () => {
    const alphabet = ['a', 'b', 'c', 'é'];
    const word = (max: number): string => Array.from({ length: rnd(max + 1) }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let n = 0; n < 2_000; n += 1) {
      const parts = Array.from({ length: 1 + rnd(4) }, () => word(3));
      const text = parts.join('*');
      if (text.includes('**')) continue;
      const value = word(8);
      const oracle = new RegExp(`^"${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}"$`, 's').test(`"${value}"`);
      expect(matches({ v: [{ wildcard: text }] }, { v: value }), `${text} ~ ${value}`).toBe(oracle);
      expect(matches({ v: [{ 'anything-but': { wildcard: text } }] }, { v: value }), `not ${text} ~ ${value}`).toBe(!oracle);
    }
  });

  it('array-consistent matching agrees with trying every combination', () => {
    type Row = { k: string; v: number; tags?: { t: string }[] };
    const brute = (rows: Row[], k: string, v: number, t: string | undefined): boolean =>
      rows.some((r) => r.k === k && r.v === v && (t === undefined || (r.tags ?? []).some((x) => x.t === t)));
    for (let n = 0; n < 400; n += 1) {
      const rows: Row[] = Array.from({ length: rnd(5) }, () => {
        const row: Row = { k: ['a', 'b'][rnd(2)] as string, v: rnd(3) };
        if (rnd(2) === 0) row.tags = Array.from({ length: rnd(3) }, () => ({ t: ['x', 'y'][rnd(2)] as string }));
        return row;
      });
      const event = { list: rows };
      expect(matches({ list: { k: ['a'], v: [1] } }, event), JSON.stringify(event)).toBe(brute(rows, 'a', 1, undefined));
      expect(matches({ list: { k: ['b'], v: [2], tags: { t: ['y'] } } }, event), JSON.stringify(event)).toBe(brute(rows, 'b', 2, 'y'));
    }
  });

  // Guards against catastrophic behaviour (minutes before the fix): a stall shows as the test's
  // timeout. The timings are printed by `npm run bench:routing`.
  it('a backtracking-prone wildcard on a 10,000-character value answers at once', () => {
    const pattern = { detail: { title: [{ wildcard: '*a*a*a*a*a*a*b' }] } };
    expect(matches(pattern, { detail: { title: 'a'.repeat(10_000) } })).toBe(false);
    expect(matches(pattern, { detail: { title: `${'a'.repeat(10_000)}b` } })).toBe(true);
    expect(matches({ v: [{ 'anything-but': { wildcard: '*a*a*a*a*a*a*b' } }] }, { v: 'a'.repeat(10_000) })).toBe(true);
  });

  it('40,000 array elements of which no one element satisfies both fields answer at once', () => {
    const tags = [...Array.from({ length: 20_000 }, (_, i) => ({ key: 'env', value: `v${i}` })), ...Array.from({ length: 20_000 }, (_, i) => ({ key: `k${i}`, value: 'prod' }))];
    expect(matches({ detail: { tags: { key: ['env'], value: ['prod'] } } }, { detail: { tags } })).toBe(false);
    tags.push({ key: 'env', value: 'prod' });
    expect(matches({ detail: { tags: { key: ['env'], value: ['prod'] } } }, { detail: { tags } })).toBe(true);
  });
});
