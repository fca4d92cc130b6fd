/**
 * The i18n keys DHIS2's ValidationUtils.valueIsValid returns (they appear verbatim in import conflict
 * E7619 "Value must match value type of data element `X`: `value_not_numeric`"), and sentences for
 * people.
 */

export type ValueTypeError =
  | 'value_length_greater_than_max_length'
  | 'value_not_valid_letter'
  | 'value_not_numeric'
  | 'value_not_unit_interval'
  | 'value_not_percentage'
  | 'value_not_integer'
  | 'value_not_positive_integer'
  | 'value_not_negative_integer'
  | 'value_not_zero_or_positive_integer'
  | 'value_not_phone_number'
  | 'value_not_valid_email'
  | 'value_not_bool'
  | 'value_not_true_only'
  | 'value_not_valid_date'
  | 'value_not_valid_datetime'
  | 'value_not_coordinate'
  | 'value_not_url'
  | 'value_not_valid_file_resource_uid'
  | 'value_not_valid_time'
  | 'value_not_valid_username'
  | 'value_not_valid_org_unit_uid'
  | 'value_not_valid_age'

const MESSAGES: Record<ValueTypeError, [en: string, fr: string]> = {
  value_length_greater_than_max_length: [
    'The value is longer than 50,000 characters.',
    'La valeur dépasse 50 000 caractères.',
  ],
  value_not_valid_letter: ['The value must be a single letter.', 'La valeur doit être une seule lettre.'],
  value_not_numeric: [
    'The value must be a number written with digits and an optional decimal point, such as 12 or -3.5.',
    'La valeur doit être un nombre écrit avec des chiffres et un point décimal facultatif, par exemple 12 ou -3.5.',
  ],
  value_not_unit_interval: [
    'The value must be a number between 0 and 1.',
    'La valeur doit être un nombre compris entre 0 et 1.',
  ],
  value_not_percentage: [
    'The value must be a percentage between 0 and 100.',
    'La valeur doit être un pourcentage compris entre 0 et 100.',
  ],
  value_not_integer: ['The value must be a whole number.', 'La valeur doit être un nombre entier.'],
  value_not_positive_integer: [
    'The value must be a whole number greater than zero.',
    'La valeur doit être un nombre entier supérieur à zéro.',
  ],
  value_not_negative_integer: [
    'The value must be a whole number less than zero.',
    'La valeur doit être un nombre entier inférieur à zéro.',
  ],
  value_not_zero_or_positive_integer: [
    'The value must be zero or a whole number greater than zero.',
    'La valeur doit être zéro ou un nombre entier supérieur à zéro.',
  ],
  value_not_phone_number: [
    'The value is not a valid phone number.',
    "La valeur n'est pas un numéro de téléphone valide.",
  ],
  value_not_valid_email: ['The value is not a valid e-mail address.', "La valeur n'est pas une adresse e-mail valide."],
  value_not_bool: ['The value must be true or false.', 'La valeur doit être vrai (true) ou faux (false).'],
  value_not_true_only: ['The value can only be true.', 'La valeur ne peut être que vrai (true).'],
  value_not_valid_date: [
    'The value must be a date written YYYY-MM-DD.',
    'La valeur doit être une date au format AAAA-MM-JJ.',
  ],
  value_not_valid_datetime: [
    'The value must be a date and time written YYYY-MM-DDThh:mm.',
    'La valeur doit être une date et une heure au format AAAA-MM-JJThh:mm.',
  ],
  value_not_coordinate: [
    'The value must be coordinates written [longitude,latitude].',
    'La valeur doit être des coordonnées au format [longitude,latitude].',
  ],
  value_not_url: ['The value is not a valid web address (URL).', "La valeur n'est pas une adresse web (URL) valide."],
  value_not_valid_file_resource_uid: [
    'The value is not a valid file identifier.',
    "La valeur n'est pas un identifiant de fichier valide.",
  ],
  value_not_valid_time: ['The value must be a time written hh:mm.', 'La valeur doit être une heure au format hh:mm.'],
  value_not_valid_username: ['The value is not a valid user name.', "La valeur n'est pas un nom d'utilisateur valide."],
  value_not_valid_org_unit_uid: [
    'The value is not a valid organisation unit identifier.',
    "La valeur n'est pas un identifiant d'unité d'organisation valide.",
  ],
  value_not_valid_age: [
    'The value must be a date of birth written YYYY-MM-DD.',
    'La valeur doit être une date de naissance au format AAAA-MM-JJ.',
  ],
}

/** A sentence explaining the error, in English or French. */
export function valueTypeErrorMessage(key: ValueTypeError, locale: 'en' | 'fr' = 'en'): string {
  return MESSAGES[key][locale === 'fr' ? 1 : 0]
}
