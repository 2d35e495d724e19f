// FHIR unit texts read like their UCUM codes, and a SNOMED CT concept id given as a unit refused with a message (#27 item 5).
import { describe, expect, it } from 'vitest';
import { ConversionError, toCanonical } from '../../../pipelines/map/units.js';

describe('FHIR unit texts and codes', () => {
  it('reads the display texts FHIR examples carry as the UCUM units they stand for', () => {
    expect(toCanonical('heart_rate', 88, 'beats/minute')).toBe(88);
    expect(toCanonical('resp_rate', 16, 'breaths/minute')).toBe(16);
    expect(toCanonical('heart_rate', 72, '{beats}/minute')).toBe(72);
    expect(toCanonical('sbp', 109, 'mm[Hg]')).toBe(109);
    // "x10*9/L" once read as "10^^9/l" (the multiplication sign and the asterisk both became a caret).
    expect(toCanonical('platelets', 150, 'x10*9/L')).toBe(toCanonical('platelets', 150, '10*9/L'));
  });

  it('refuses a SNOMED CT concept id as a unit, saying what to map instead', () => {
    expect(() => toCanonical('weight', 70, '258683005')).toThrow(ConversionError);
    const told = /"258683005" is a SNOMED CT concept id .+ map unit_from to the unit text \(valueQuantity\.unit\) or ask the export for UCUM codes/;
    expect(() => toCanonical('weight', 70, '258683005')).toThrow(told);
    // A unit that is merely unknown keeps the general message.
    expect(() => toCanonical('weight', 70, 'stone')).toThrow(/unit "stone" is not known for weight/);
  });
});
