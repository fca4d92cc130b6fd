// DHIS2's value checks (ValidationUtils.normalizeBoolean + valueIsValid, MathUtils, DateUtils of 2.41);
// rows marked "DHIS2 test" come from its ValidationUtilsTest / MathUtilsTest.
import {
  VALUE_TYPES,
  ValueType,
  ValueTypeError,
  isNumericValueType,
  isZeroAndInsignificant,
  normalizeBoolean,
  validateValue,
  valueTypeErrorMessage,
} from './value-types'

type Row = [ValueType, string]

/** One table per value type: values DHIS2 accepts, and values it rejects with the given key. */
const rules: Array<[ValueType, ValueTypeError, string[], string[]]> = [
  [
    'NUMBER',
    'value_not_numeric',
    ['0', '-0', '7', '-7', '3.7', '0.5', '-0.5', '1.0', '123456789012345678901234567890', '1'.repeat(249)],
    ['01', '+1', '.5', '5.', '1e3', '1E3', '1,5', ' 1', '1 ', 'abc', '--1', '0x10', 'NaN', 'Infinity', '1.2.3', '-'],
  ],
  [
    'INTEGER',
    'value_not_integer',
    ['0', '7', '-7', '2147483647', '-2147483648'],
    ['01', '+1', '.5', '1e3', '1,5', ' 1', '1.0', '-0', '2147483648', '-2147483649', '12345678901234567890'],
  ],
  [
    'INTEGER_POSITIVE',
    'value_not_positive_integer',
    ['1', '42', '2147483647'],
    ['0', '-1', '01', '+1', '1.0', '2147483648'],
  ],
  [
    'INTEGER_NEGATIVE',
    'value_not_negative_integer',
    ['-1', '-42', '-2147483648'],
    ['0', '1', '-0', '-01', '-2147483649'],
  ],
  [
    'INTEGER_ZERO_OR_POSITIVE',
    'value_not_zero_or_positive_integer',
    ['0', '5', '2147483647'],
    ['-1', '00', '-0', '05', '2147483648'],
  ],
  [
    'PERCENTAGE',
    'value_not_percentage',
    ['0', '100', '55.5', '100.0', '-0'],
    ['100.01', '-1', '101', '1e2', '50%', '.5'],
  ],
  ['UNIT_INTERVAL', 'value_not_unit_interval', ['0', '1', '0.25', '1.0', '-0'], ['1.01', '-0.1', '.5', '2']],
  [
    'BOOLEAN',
    'value_not_bool',
    ['true', 'True', 'TRUE', 'false', 'False', 'FALSE', '1', '0', 't', 'f', 'T', 'F', 'tRuE'],
    ['yes', 'no', '2', 'vrai', ' true', 'true ', 'on'],
  ],
  [
    'TRUE_ONLY',
    'value_not_true_only',
    ['true', 'TRUE', 'True', '1', 't', 'T', 'tRuE'],
    ['false', 'FALSE', '0', 'f', 'yes', ' true'],
  ],
  [
    'DATE',
    'value_not_valid_date',
    // DateUtils.DEFAULT_DATE_REGEX lets anything ending in a letter or digit follow the date.
    ['2024-02-29', '2013-04-01', '2024-03-12T10:00', '2024-03-12T10:00:00.000', '2024-03-12 foo', '2024-03-1234'],
    [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-03-32',
      '2024-3-12',
      '20240312',
      '2012304-01', // DHIS2 test
      'Date', // DHIS2 test
      '0000-01-01',
      '2024-03-12 ',
      '2024-03-12.',
      '2024-03-12Z+',
      '12/03/2024',
    ],
  ],
  ['AGE', 'value_not_valid_age', ['2020-05-01', '1950-12-31'], ['2020-02-30', '1950/12/31', '75']],
  [
    'DATETIME',
    'value_not_valid_datetime',
    [
      '2021-08-30T13:53:33.767412Z', // DHIS2 test (the seven below too)
      '2021-08-30T13:53:33.767412',
      '2013-04-01T11:12:05.5417Z',
      '2013-04-01T11:12:05.5417',
      '2013-04-01T11:12:02.541Z',
      '2021-08-30T13:53:33.741',
      '2013-04-01T11:12:00',
      '2024-03-12T10:00',
      '2024-03-12T10',
      '2024-03-12T10:00+01:00',
      '2024-03-12T10:00:00+0100',
      '2024-03-12T10:00:00-05',
      '2024-03-12 10:00:00Z',
      '2024-03-12T10:00:00.123456789Z',
      '2024-02-29T23:59:59',
      '2024-03-12t10:00z', // Joda compares literals ignoring case
    ],
    [
      '2013-04-01', // DHIS2 test: a date alone is not a date-time
      'abcd', // DHIS2 test
      '2024-03-12 10:00:00', // the space form needs an offset
      '2024-02-30T10:00',
      '2024-03-12T24:00',
      '2024-03-12T10:60',
      '2024-03-12T10:00:60',
      '2024-03-12T10:00:00.1234567', // seven fraction digits need an offset
      '2024-03-12T10:00:00.1234567890Z',
      '2024-03-12T10:00+24:00',
      '2024-03-12T10:00 ',
    ],
  ],
  [
    'TIME',
    'value_not_valid_time',
    ['12:30', '0:00', '9:05', '09:05', '23:59'],
    ['25:00', '24:00', '12:60', '12:3', '1230', '12:30:00'],
  ],
  ['LETTER', 'value_not_valid_letter', ['a', 'Z', 'é', 'ß'], ['ab', '1', '-', '😀', '_']],
  [
    'PHONE_NUMBER',
    'value_not_phone_number',
    ['(+47) 3398 7937', '+ 47 33 987 937', '123456', '(47) 3398 7937 ext 123', '(47) 3398 7937.123', '+22997123456'],
    ['12345', '+AA4733987937', '0'.repeat(51), '+229 97 12 34 56 (bureau)'],
  ],
  [
    'EMAIL',
    'value_not_valid_email',
    [
      'validemail@dhis2.org',
      'john@doe.com',
      'first.last+tag@example.co.uk',
      '"quoted user"@example.org',
      'a@[192.168.0.1]',
    ],
    [
      'notValidEmail',
      'john@doe',
      'john@doe.com.',
      'john..doe@x.com',
      '.john@x.com',
      'john@-doe.com',
      '@x.com',
      'john@x.c',
      'john doe@x.com',
      'a@b@c',
    ],
  ],
  [
    'URL',
    'value_not_url',
    [
      'https://dhis2.org',
      'http://example.com/path?q=1#frag',
      'ftp://files.example.org/pub',
      'https://play.dhis2.org:8080/dev/api',
      'http://192.168.0.1/',
      'https://user:pass@example.com/',
      'HTTPS://EXAMPLE.COM',
    ],
    [
      'dhis2.org',
      'mailto:a@b.com',
      'https://',
      'http://exa mple.com',
      'http://localhost:8080',
      'javascript:alert(1)',
      'https://example.com:99999',
      'http://example.com//double',
      'http://example.com/../up',
      'file:///etc/passwd',
    ],
  ],
  [
    'USERNAME',
    'value_not_valid_username',
    ['enrico', 'ted@johnson.com', 'Harry-JohnSon', 'har_ry@gmail.com'],
    ['notValidUsername(^#2', '_harry', 'harry_', 'har__ry', 'abc', 'harry@@gmail.com'],
  ],
  [
    'ORGANISATION_UNIT',
    'value_not_valid_org_unit_uid',
    ['ImspTQPwCqd'],
    ['invalid uid', '1mspTQPwCqd', 'ImspTQPwCq', 'ImspTQPwCqd1'],
  ],
  ['FILE_RESOURCE', 'value_not_valid_file_resource_uid', ['ImspTQPwCqd'], ['ImspTQPwCq', 'file.pdf']],
  ['IMAGE', 'value_not_valid_file_resource_uid', ['ImspTQPwCqd'], ['photo.jpg']],
  [
    'COORDINATE',
    'value_not_coordinate',
    [
      '[+37.99034,-28.94221]', // DHIS2 ValidationUtilsTest.testCoordinateIsValid (the four below too)
      '[37.99034,-28.94221]',
      '[170.99034,78.94221]',
      '[-167,-28.94221]',
      '[37.99034,28]',
      ' [ 1.5 , 2.5 ] ',
      '[1e1,5]',
      '[1,2,3]', // only the first two parts are read
      '[5f,5d]',
      '[180.000001,0]', // compared as a float
    ],
    [
      '23.34343,56.3232',
      '[23.34f43,56.3232]',
      '[23.34343,56..3232]',
      '[++37,-28.94221]',
      '[-185.12345,45.45423]',
      '[140.34,92.23323]',
      '[1]',
      '[1,]',
      '[NaN,1]',
      '[a,b]',
      '[1,2]x',
    ],
  ],
]

const accepted: Row[] = rules.flatMap(([type, , valid]) => valid.map((value): Row => [type, value]))
const rejected: Array<[ValueType, string, ValueTypeError]> = rules.flatMap(([type, key, , invalid]) =>
  invalid.map((value): [ValueType, string, ValueTypeError] => [type, value, key]),
)

describe('validateValue', () => {
  it.each(accepted)('%s accepts %j', (type, value) => {
    expect(validateValue(type, value)).toBeNull()
  })

  it.each(rejected)('%s rejects %j with %s', (type, value, key) => {
    expect(validateValue(type, value)).toBe(key)
  })

  it.each<ValueType>(['TEXT', 'LONG_TEXT', 'MULTI_TEXT', 'GEOJSON', 'REFERENCE', 'TRACKER_ASSOCIATE'])(
    '%s accepts any text up to 50,000 characters',
    (type) => {
      expect(validateValue(type, ' any <text> ; 01 ')).toBeNull()
      expect(validateValue(type, 'x'.repeat(50000))).toBeNull()
      expect(validateValue(type, 'x'.repeat(50001))).toBe('value_length_greater_than_max_length')
    },
  )

  it.each(VALUE_TYPES)('%s checks the 50,000-character limit before the type', (type) => {
    expect(validateValue(type, '1'.repeat(50001))).toBe('value_length_greater_than_max_length')
  })

  // A blank value is not a type error in DHIS2: the import treats it as a deletion or ignores it.
  it.each(VALUE_TYPES.flatMap((type) => ['', '   ', '\t'].map((value): Row => [type, value])))(
    '%s lets the blank value %j through',
    (type, value) => {
      expect(validateValue(type, value)).toBeNull()
    },
  )

  it('rejects a 250-character number (NUMBER_MAX_LENGTH)', () => {
    expect(validateValue('NUMBER', '1'.repeat(250))).toBe('value_not_numeric')
  })
})

describe('normalizeBoolean', () => {
  it.each<[string, ValueType | undefined, string]>([
    ['1', undefined, 'true'],
    ['T', 'BOOLEAN', 'true'], // DHIS2 test (and the rows down to 'F')
    ['true', 'BOOLEAN', 'true'],
    ['TRUE', 'BOOLEAN', 'true'],
    ['t', 'BOOLEAN', 'true'],
    ['0', 'BOOLEAN', 'false'],
    ['f', 'BOOLEAN', 'false'],
    ['False', 'BOOLEAN', 'false'],
    ['FALSE', 'BOOLEAN', 'false'],
    ['F', 'BOOLEAN', 'false'],
    ['tRuE', 'BOOLEAN', 'tRuE'],
    ['yes', 'BOOLEAN', 'yes'],
    ['1', 'TRUE_ONLY', 'true'],
    ['0', 'TRUE_ONLY', '0'],
    ['false', 'TRUE_ONLY', 'false'],
    ['1', 'NUMBER', '1'],
    ['test', 'TEXT', 'test'],
  ])('%j as %s → %j', (value, type, expected) => {
    expect(normalizeBoolean(value, type)).toBe(expected)
  })
})

describe('isNumericValueType', () => {
  const numeric = [
    'NUMBER',
    'UNIT_INTERVAL',
    'PERCENTAGE',
    'INTEGER',
    'INTEGER_POSITIVE',
    'INTEGER_NEGATIVE',
    'INTEGER_ZERO_OR_POSITIVE',
  ]
  it.each(VALUE_TYPES.map((type): [ValueType, boolean] => [type, numeric.includes(type)]))(
    '%s: %s',
    (type, expected) => {
      expect(isNumericValueType(type)).toBe(expected)
    },
  )
})

describe('isZeroAndInsignificant (web API §2.5)', () => {
  it.each<[string, ValueType, boolean, string | undefined, boolean]>([
    ['0', 'NUMBER', false, 'SUM', true],
    ['0', 'INTEGER_ZERO_OR_POSITIVE', false, undefined, true],
    ['0.0', 'INTEGER', false, 'SUM', true],
    ['0.', 'NUMBER', false, 'SUM', true],
    ['0', 'NUMBER', false, 'LAST', true],
    ['0', 'NUMBER', true, 'SUM', false],
    ['0', 'NUMBER', false, 'AVERAGE', false],
    ['0', 'NUMBER', false, 'AVERAGE_SUM_ORG_UNIT', false],
    ['0', 'TEXT', false, 'SUM', false],
    ['0', 'BOOLEAN', false, 'SUM', false],
    ['-0', 'NUMBER', false, 'SUM', false],
    ['00', 'NUMBER', false, 'SUM', false],
    ['5', 'NUMBER', false, 'SUM', false],
  ])('%j %s zeroIsSignificant=%s %s → %s', (value, type, significant, aggregation, expected) => {
    expect(isZeroAndInsignificant(value, type, significant, aggregation)).toBe(expected)
  })
})

describe('valueTypeErrorMessage', () => {
  const keys = [...new Set(rules.map(([, key]) => key)), 'value_length_greater_than_max_length'] as ValueTypeError[]

  it.each(keys)('%s has an English and a different French sentence', (key) => {
    const [english, french] = [valueTypeErrorMessage(key, 'en'), valueTypeErrorMessage(key, 'fr')]
    expect(english).toMatch(/^[A-Z].+\.$/)
    expect(french).toMatch(/^[A-Z].+\.$/)
    expect(french).not.toBe(english)
  })

  it('explains a bad number', () => {
    expect(valueTypeErrorMessage('value_not_numeric')).toContain('number')
    expect(valueTypeErrorMessage('value_not_numeric', 'fr')).toContain('nombre')
  })

  it('covers all 22 keys DHIS2 can return', () => {
    expect(keys).toHaveLength(22)
  })
})
