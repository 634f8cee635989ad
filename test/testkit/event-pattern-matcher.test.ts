import fc from 'fast-check';
import {
  compileEventPattern,
  EventPatternError,
  matchesEventPattern,
} from '../../testkit/event-pattern-matcher';

// The EC2 state-change event used throughout the EventBridge user guide's pattern examples.
const EC2_STATE_CHANGE = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: [
    'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
  ],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated', 'c-count': 5, 'x-limit': 123 },
};

// From "Matching null values and empty strings".
const NULL_AND_EMPTY = { detail: { eventVersion: '', responseElements: null } };

type Case = [name: string, pattern: unknown, event: unknown, expected: boolean];

const CASES: Case[] = [
  [
    'docs: source, detail-type and nested state all match',
    {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    EC2_STATE_CHANGE,
    true,
  ],
  [
    'docs: one field differing fails the AND',
    { source: ['aws.ec2'], detail: { state: ['running'] } },
    EC2_STATE_CHANGE,
    false,
  ],
  ['docs: OR within an array', { source: ['aws.ec2', 'aws.fargate'] }, EC2_STATE_CHANGE, true],
  ['OR within an array, none match', { source: ['aws.s3', 'aws.fargate'] }, EC2_STATE_CHANGE, false],
  [
    'docs: event array intersects pattern array',
    {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      ],
    },
    EC2_STATE_CHANGE,
    true,
  ],
  [
    'event array with empty intersection',
    { resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] },
    EC2_STATE_CHANGE,
    false,
  ],
  ['field must appear with the same nesting', { state: ['terminated'] }, EC2_STATE_CHANGE, false],
  ['nested pattern against a scalar fails', { source: { x: ['aws.ec2'] } }, EC2_STATE_CHANGE, false],
  ['leaf pattern against an object fails', { detail: ['terminated'] }, EC2_STATE_CHANGE, false],
  ['docs: prefix', { time: [{ prefix: '2017-12-22' }] }, EC2_STATE_CHANGE, true],
  ['prefix mismatch', { time: [{ prefix: '2017-10-02' }] }, EC2_STATE_CHANGE, false],
  ['prefix never matches a number', { detail: { 'c-count': [{ prefix: '5' }] } }, EC2_STATE_CHANGE, false],
  [
    'docs: anything-but a string',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    EC2_STATE_CHANGE,
    true,
  ],
  [
    'anything-but the actual value',
    { detail: { state: [{ 'anything-but': 'terminated' }] } },
    EC2_STATE_CHANGE,
    false,
  ],
  [
    'docs: anything-but a number',
    { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    EC2_STATE_CHANGE,
    false,
  ],
  [
    'anything-but another number',
    { detail: { 'x-limit': [{ 'anything-but': 124 }] } },
    EC2_STATE_CHANGE,
    true,
  ],
  [
    'docs: anything-but a list',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    EC2_STATE_CHANGE,
    true,
  ],
  [
    'anything-but a list containing the value',
    { detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } },
    EC2_STATE_CHANGE,
    false,
  ],
  [
    'docs: anything-but prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    EC2_STATE_CHANGE,
    true,
  ],
  [
    'anything-but prefix hit',
    { detail: { state: [{ 'anything-but': { prefix: 'term' } }] } },
    EC2_STATE_CHANGE,
    false,
  ],
  [
    'anything-but needs the field present',
    { detail: { missing: [{ 'anything-but': 'x' }] } },
    EC2_STATE_CHANGE,
    false,
  ],
  [
    'anything-but: string "123" is not number 123',
    { detail: { 'x-limit': [{ 'anything-but': '123' }] } },
    EC2_STATE_CHANGE,
    true,
  ],
  [
    'docs: exists false on a missing field',
    { detail: { 'c-count': [{ exists: false }] } },
    { detail: {} },
    true,
  ],
  [
    'exists false on a present field',
    { detail: { 'c-count': [{ exists: false }] } },
    EC2_STATE_CHANGE,
    false,
  ],
  ['exists true on a present field', { detail: { 'c-count': [{ exists: true }] } }, EC2_STATE_CHANGE, true],
  ['exists true on a missing field', { detail: { nope: [{ exists: true }] } }, EC2_STATE_CHANGE, false],
  [
    'exists false when the parent object is missing',
    { detail: { errorCode: [{ exists: false }] } },
    { source: 'x' },
    true,
  ],
  [
    'exists true when the parent object is missing',
    { detail: { errorCode: [{ exists: true }] } },
    { source: 'x' },
    false,
  ],
  ['exists is about leaves: an object is not one', { detail: [{ exists: true }] }, EC2_STATE_CHANGE, false],
  ['exists true on an empty array', { resources: [{ exists: true }] }, { resources: [] }, false],
  ['exists true on a null value', { detail: { responseElements: [{ exists: true }] } }, NULL_AND_EMPTY, true],
  ['docs: empty string matches ""', { detail: { eventVersion: [''] } }, NULL_AND_EMPTY, true],
  ['docs: null matches null', { detail: { responseElements: [null] } }, NULL_AND_EMPTY, true],
  [
    'docs: null and "" are not interchangeable',
    { detail: { responseElements: [''] } },
    NULL_AND_EMPTY,
    false,
  ],
  ['"" does not match null', { detail: { eventVersion: [null] } }, NULL_AND_EMPTY, false],
  ['number 5 matches 5', { detail: { 'c-count': [5] } }, EC2_STATE_CHANGE, true],
  ['string "5" does not match number 5', { detail: { 'c-count': ['5'] } }, EC2_STATE_CHANGE, false],
  ['number 5 does not match string "5"', { v: [5] }, { v: '5' }, false],
  ['boolean true matches true', { v: [true] }, { v: true }, true],
  ['boolean true does not match "true"', { v: [true] }, { v: 'true' }, false],
  ['matching is case sensitive', { source: ['AWS.EC2'] }, EC2_STATE_CHANGE, false],
  [
    'nested pattern into an array of objects: one element matches',
    { items: { groupId: ['sg-2'] } },
    { items: [{ groupId: 'sg-1' }, { groupId: 'sg-2' }] },
    true,
  ],
  [
    'nested pattern into an array of objects: no element matches',
    { items: { groupId: ['sg-3'] } },
    { items: [{ groupId: 'sg-1' }, { groupId: 'sg-2' }] },
    false,
  ],
  ['event that is not an object', { source: ['aws.ec2'] }, 'aws.ec2', false],
  ['mixing exists false with a value: either suffices', { v: [{ exists: false }, 'a'] }, { v: 'a' }, true],
];

describe('matchesEventPattern', () => {
  test.each(CASES)('%s', (_name, pattern, event, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  test('a compiled pattern is reusable across events', () => {
    const compiled = compileEventPattern({ detail: { state: ['terminated'] } });
    expect(compiled.matches(EC2_STATE_CHANGE)).toBe(true);
    expect(compiled.matches({ detail: { state: 'running' } })).toBe(false);
    expect(compiled.matches(EC2_STATE_CHANGE)).toBe(true);
  });
});

describe('compileEventPattern rejects what it does not implement', () => {
  const INVALID: [string, unknown][] = [
    ['numeric', { v: [{ numeric: ['>', 0] }] }],
    ['suffix', { v: [{ suffix: '.png' }] }],
    ['cidr', { v: [{ cidr: '10.0.0.0/24' }] }],
    ['wildcard', { v: [{ wildcard: '*.png' }] }],
    ['equals-ignore-case', { v: [{ 'equals-ignore-case': 'a' }] }],
    ['$or', { $or: [{ a: ['x'] }, { b: ['y'] }] }],
    ['two operators in one object', { v: [{ prefix: 'a', exists: true }] }],
    ['empty operator object', { v: [{}] }],
    ['empty matcher array', { v: [] }],
    ['empty nested object', { v: {} }],
    ['leaf that is not an array', { v: 'x' }],
    ['nested array in a matcher list', { v: [['x']] }],
    ['exists with a non-boolean', { v: [{ exists: 'yes' }] }],
    ['prefix with a non-string', { v: [{ prefix: 1 }] }],
    ['anything-but mixing strings and numbers', { v: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but an empty list', { v: [{ 'anything-but': [] }] }],
    ['anything-but suffix', { v: [{ 'anything-but': { suffix: '.png' } }] }],
    ['anything-but null', { v: [{ 'anything-but': null }] }],
    ['non-finite number', { v: [Infinity] }],
    ['pattern that is an array', [{ v: ['x'] }]],
    ['pattern that is null', null],
  ];
  test.each(INVALID)('%s', (_name, pattern) => {
    expect(() => compileEventPattern(pattern)).toThrow(EventPatternError);
  });

  test('the error names the offending path', () => {
    expect(() => compileEventPattern({ detail: { size: [{ numeric: ['>', 1] }] } })).toThrow(
      /detail\.size\[0\]: unsupported operator "numeric"/,
    );
  });
});

describe('exact values against a reference implementation', () => {
  // A small domain so pattern values and event values collide often, including the "1" vs 1 trap.
  const scalar = fc.constantFrom<string | number | boolean | null>(
    'a',
    'b',
    '1',
    '',
    1,
    2,
    0,
    true,
    false,
    null,
  );

  test('a single-field exact pattern matches iff some event value equals some pattern value', () => {
    fc.assert(
      fc.property(
        fc.array(scalar, { minLength: 1, maxLength: 4 }),
        fc.option(fc.oneof(scalar, fc.array(scalar, { maxLength: 4 })), { nil: undefined }),
        (patternValues, eventValue) => {
          const event = eventValue === undefined ? {} : { field: eventValue };
          const eventValues =
            eventValue === undefined ? [] : Array.isArray(eventValue) ? eventValue : [eventValue];
          const expected = eventValues.some((v) => patternValues.some((p) => Object.is(p, v)));
          expect(matchesEventPattern({ field: patternValues }, event)).toBe(expected);
        },
      ),
    );
  });
});
