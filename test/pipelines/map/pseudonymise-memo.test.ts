// patientKey remembers the keys of one (key, centre): the same HMAC as without memory, for every key and centre in turn.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { patientKey } from '../../../pipelines/map/pseudonymise.js';

const hmac = (key: string, centre: string, id: string) =>
  createHmac('sha256', key).update(`${centre}\u0000${id.trim().toUpperCase()}`).digest('hex').slice(0, 16);

describe('patientKey', () => {
  it('gives HMAC-SHA256(key, centre NUL id) whatever was asked before, with another key or centre', () => {
    const keys = ['a-centre-secret-key-0123456789', 'another-secret-key-9876543210'];
    const asks: [string, string, string][] = [];
    for (let round = 0; round < 3; round++)
      for (const k of keys) for (const c of ['riverside', 'amstel']) for (const id of ['A001', ' a001 ', 'B002']) asks.push([k, c, id]);
    for (const [k, c, id] of asks) expect(patientKey(k, c, id)).toBe(hmac(k, c, id));
    expect(patientKey(keys[0]!, 'riverside', 'A001')).not.toBe(patientKey(keys[1]!, 'riverside', 'A001'));
    expect(patientKey(keys[0]!, 'riverside', 'A001')).not.toBe(patientKey(keys[0]!, 'amstel', 'A001'));
  });
});
