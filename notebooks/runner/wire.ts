// Jupyter messaging protocol 5.3, wire format: [identities…, '<IDS|MSG>', hmac, header, parent, metadata, content, buffers…].
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const PROTOCOL_VERSION = '5.3';
const DELIMITER = '<IDS|MSG>';

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
}

/** HMAC-SHA256 of the four JSON frames, hex encoded (the empty string when the key is empty). */
export function sign(key: string, frames: readonly (string | Buffer)[]): string {
  if (key === '') return '';
  const hmac = createHmac('sha256', key);
  for (const f of frames) hmac.update(f);
  return hmac.digest('hex');
}

export function newMessage<C extends object>(msgType: string, content: C, session: string): JupyterMessage<C> {
  return {
    header: { msg_id: randomUUID(), msg_type: msgType, session, username: 'il2kit', date: new Date().toISOString(), version: PROTOCOL_VERSION },
    parent_header: {},
    metadata: {},
    content,
  };
}

/** Frames of a signed message, ready for a DEALER socket (no routing identities). */
export function encode(key: string, msg: JupyterMessage<object>): string[] {
  const body = [JSON.stringify(msg.header), JSON.stringify(msg.parent_header), JSON.stringify(msg.metadata), JSON.stringify(msg.content)];
  return [DELIMITER, sign(key, body), ...body];
}

/** Parses and verifies a received multipart message; throws on a missing delimiter or a bad signature. */
export function decode(key: string, frames: readonly Buffer[]): JupyterMessage {
  const at = frames.findIndex((f) => f.toString('latin1') === DELIMITER);
  if (at < 0) throw new Error('Jupyter message without <IDS|MSG> delimiter');
  const signature = frames[at + 1]?.toString('latin1') ?? '';
  const body = frames.slice(at + 2, at + 6);
  if (body.length !== 4) throw new Error('Jupyter message with fewer than four JSON frames');
  const expected = sign(key, body);
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    throw new Error('Jupyter message with a bad HMAC signature');
  }
  const [header, parent, metadata, content] = body.map((b) => JSON.parse(b.toString('utf8')) as unknown);
  return {
    header: header as MessageHeader,
    parent_header: (parent ?? {}) as Partial<MessageHeader>,
    metadata: (metadata ?? {}) as Record<string, unknown>,
    content: (content ?? {}) as Record<string, unknown>,
  };
}
