import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decode, encode, newMessage, sign } from '../../notebooks/runner/wire.js';

describe('Jupyter wire format', () => {
  const key = 'secret';
  const msg = newMessage('execute_request', { code: '1 + 1' }, 'session-1');

  it('signs the four JSON frames with HMAC-SHA256', () => {
    const frames = encode(key, msg);
    expect(frames[0]).toBe('<IDS|MSG>');
    const body = frames.slice(2);
    expect(body).toHaveLength(4);
    expect(frames[1]).toBe(createHmac('sha256', key).update(body.join('')).digest('hex'));
    expect(sign('', body)).toBe('');
  });

  it('decodes what it encodes, after routing identities', () => {
    const frames = [Buffer.from('identity'), ...encode(key, msg).map((f) => Buffer.from(f))];
    const back = decode(key, frames);
    expect(back.header).toEqual(msg.header);
    expect(back.content).toEqual({ code: '1 + 1' });
    expect(back.header.version).toBe('5.3');
  });

  it('rejects a bad signature and a missing delimiter', () => {
    const frames = encode(key, msg).map((f) => Buffer.from(f));
    expect(() => decode('other key', frames)).toThrow('bad HMAC signature');
    expect(() => decode(key, frames.slice(1))).toThrow('delimiter');
  });
});
